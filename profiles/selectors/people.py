"""The people directory (/people/): who matches a search, grouped by role.

/people/ lists current members a page at a time, ordered by role (PIs first, as in
Profile.Role) and grouped under role headings; a role narrows to one group and the
alumni are shown instead on request (newest leavers first); a search narrows either.
Three queries whatever the size of the lab: the lab (context processor), the number of
matching people per (status, role), which gives both the group links with their counts
and the paginator's total, and one page of rows with only the columns a card shows.
"""

import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Value, When

from profiles.models import Profile
from profiles.selectors.search import search_profiles

DIRECTORY_PAGE_SIZE = 48
ALUMNI_PAGE_SIZE = 100
DIRECTORY_CARD_FIELDS = (
    "slug", "full_name", "native_name", "headline", "role", "status", "interest_tags", "research_interests",
    "research_interests_html", "avatar", "left_on", "alumni_destination", "display_order",
)  # fmt: skip
ROLE_ORDER = list(Profile.Role.values)


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


def role_rank():
    """An SQL expression ranking people by role, in Profile.Role's order (unknown roles last)."""
    return Case(
        *[When(role=value, then=Value(rank)) for rank, value in enumerate(ROLE_ORDER)],
        default=Value(len(ROLE_ORDER)),
        output_field=IntegerField(),
    )


def role_label(role):
    """The heading of a role's group ("PhD students")."""
    return ROLE_PLURALS.get(role, Profile.Role(role).label if role in ROLE_ORDER else role)


class _KnownCountPaginator(Paginator):
    """A paginator whose total comes from the directory's count query (no second COUNT)."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


def _directory_counts(people):
    """{(status, role): n} for the people matching the search: one GROUP BY query."""
    rows = people.order_by().values_list("status", "role").annotate(n=Count("pk"))
    return {(status, role): n for status, role, n in rows}


@dataclass
class DirectoryPage:
    """One page of /people/: its rows, the role groups they fall in and the counts of the links."""

    query: str
    alumni: bool
    role: str  # the role narrowed to, or ""
    by_role: dict  # role -> matching people of the status shown
    current_count: int
    alumni_count: int
    count: int  # the people listed over all pages
    page: Page
    groups: list  # [{"role", "label", "people", "continued"}] of the people on this page (current members)

    @property
    def role_label(self):
        return role_label(self.role) if self.role else ""

    @property
    def roles(self):
        """[(role, label, n)] of the group links: every role with people, and the one narrowed to."""
        return [(r, role_label(r), n) for r, n in self.by_role.items() if n or r == self.role]


def _role_groups(page, by_role, role):
    """Role headings for the people on `page`; a group begun on an earlier page says so."""
    starts, offset = {}, 0
    for r in ROLE_ORDER:
        if not role or r == role:
            starts[r] = offset
            offset += by_role[r]
    return [
        {
            "role": r,
            "label": role_label(r),
            "people": list(members),
            "continued": starts.get(r, 0) < page.start_index() - 1,
        }
        for r, members in itertools.groupby(page.object_list, key=lambda p: p.role)
    ]


def directory_page(query="", *, alumni=False, role="", number=None):
    """Page `number` of /people/ (the alumni when `alumni`, one role's group when `role`): 2 queries."""
    status = Profile.Status.ALUMNI if alumni else Profile.Status.CURRENT
    role = role if role in ROLE_ORDER else ""
    people = directory(query)
    counts = _directory_counts(people)
    by_role = {r: counts.get((status, r), 0) for r in ROLE_ORDER}
    total = by_role[role] if role else sum(by_role.values())

    rows = people.filter(status=status).only(*DIRECTORY_CARD_FIELDS)
    if role:
        rows = rows.filter(role=role)
    if alumni:
        rows = rows.order_by("-left_on", "full_name", "pk")
    else:
        rows = rows.annotate(role_rank=role_rank()).order_by("role_rank", "display_order", "full_name", "pk")
    paginator = _KnownCountPaginator(rows, ALUMNI_PAGE_SIZE if alumni else DIRECTORY_PAGE_SIZE, total)
    page = paginator.get_page(number)
    return DirectoryPage(
        query=query,
        alumni=alumni,
        role=role,
        by_role=by_role,
        current_count=sum(n for (s, _), n in counts.items() if s == Profile.Status.CURRENT),
        alumni_count=sum(n for (s, _), n in counts.items() if s == Profile.Status.ALUMNI),
        count=total,
        page=page,
        groups=[] if alumni else _role_groups(page, by_role, role),
    )
