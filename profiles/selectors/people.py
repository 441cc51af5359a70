"""The people directory (/people/): who matches a search, grouped by role."""

from collections import defaultdict

from profiles.models import Profile
from profiles.selectors.search import search_profiles


def directory(query=""):
    """Published people matching `query` (profiles.selectors.search: names in any script, interests, tags)."""
    return search_profiles(Profile.objects.published(), query)


ROLE_PLURALS = {
    Profile.Role.PI: "Principal investigators",
    Profile.Role.FACULTY: "Faculty",
    Profile.Role.POSTDOC: "Postdoctoral researchers",
    Profile.Role.PHD: "PhD students",
    Profile.Role.MASTERS: "Master's students",
    Profile.Role.UNDERGRAD: "Undergraduate students",
    Profile.Role.ENGINEER: "Research engineers",
    Profile.Role.STAFF: "Staff",
    Profile.Role.VISITOR: "Visitors",
    Profile.Role.COLLABORATOR: "Collaborators",
}


def _role_rank(role):
    return list(Profile.Role.values).index(role) if role in Profile.Role.values else 99


def directory_groups(query=""):
    """(current members grouped by role [(label, [profiles])], alumni): one query."""
    people = list(directory(query).defer("long_bio", "short_bio").order_by("display_order", "full_name"))
    current = [p for p in people if p.status == Profile.Status.CURRENT]
    alumni = sorted(
        (p for p in people if p.status == Profile.Status.ALUMNI),
        key=lambda p: (p.left_on or "", p.full_name),
        reverse=True,
    )
    groups = defaultdict(list)
    for person in sorted(current, key=lambda p: _role_rank(p.role)):
        groups[ROLE_PLURALS.get(person.role, person.get_role_display())].append(person)
    return list(groups.items()), alumni
