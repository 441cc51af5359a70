"""Build the demo lab: the seed researcher in full plus a fictional lab around them.

Idempotent: every row is looked up by a natural key (a slug, a citation key, or a
profile and position) and written only when its content differs, so a second run
creates nothing, updates nothing, and leaves timestamps alone.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from publications.models import Authorship, Publication

from .demo_data import chijun, lab
from .models import (
    Award,
    Education,
    Experience,
    FocusTheme,
    Highlight,
    Lab,
    NewsItem,
    OpenSourceContribution,
    PressItem,
    Profile,
    ProfileLink,
    Project,
    Service,
    Skill,
    Statement,
    Talk,
    TalkDelivery,
)
from .permissions import LAB_ADMIN_GROUP

DEMO_PASSWORD = "demo-password-2026"
DEMO_USERS = {
    # username: (profile slug or None, lab admin?)
    "chijun": ("chijun-sima", False),
    "labadmin": (None, True),
    "aiko": ("aiko-nakamura", False),
}

PROFILE_FIELDS = [f.name for f in Profile._meta.get_fields() if f.concrete and not f.is_relation] + []
SECTIONS = [
    # (document key, model, extra fields handled separately)
    ("focus_themes", FocusTheme),
    ("news", NewsItem),
    ("education", Education),
    ("service", Service),
    ("awards", Award),
    ("skills", Skill),
]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    log: list = field(default_factory=list)

    def __str__(self):
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deleted} deleted"
        )


def _upsert(tally, model, lookup, values):
    """Create or update one row, writing only when something differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        tally.created += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != _coerce(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
        tally.updated += 1
    else:
        tally.unchanged += 1
    return obj


def _coerce(obj, name, value):
    field_ = obj._meta.get_field(name)
    if field_.is_relation:
        return value
    return field_.to_python(value)


def _prune(tally, queryset, keep_ids):
    stale = queryset.exclude(pk__in=keep_ids)
    count = stale.count()
    if count:
        stale.delete()
        tally.deleted += count


def _sync_list(tally, model, parent_lookup, rows, defaults=None):
    """Rows of one section, keyed by (parent, position); extra rows are removed."""
    kept = []
    for position, row in enumerate(rows):
        values = {**(defaults or {}), **row, "position": position}
        obj = _upsert(tally, model, {**parent_lookup, "position": position}, _without(values, "position"))
        kept.append(obj.pk)
    _prune(tally, model.objects.filter(**parent_lookup), kept)
    return kept


def _without(values, *names):
    return {k: v for k, v in values.items() if k not in names}


def _sync_highlights(tally, owner_field, owner, rows):
    kept = []
    for position, row in enumerate(rows):
        parent = _upsert(
            tally,
            Highlight,
            {owner_field: owner, "parent": None, "position": position},
            {"label": row.get("label", ""), "text": row.get("text", "")},
        )
        kept.append(parent.pk)
        for child_position, child in enumerate(row.get("children", [])):
            obj = _upsert(
                tally,
                Highlight,
                {owner_field: owner, "parent": parent, "position": child_position},
                {"label": child.get("label", ""), "text": child.get("text", "")},
            )
            kept.append(obj.pk)
    _prune(tally, Highlight.objects.filter(**{owner_field: owner}), kept)


def _sync_projects(tally, profile, experience, rows, publications):
    kept = []
    for position, row in enumerate(rows):
        values = _without(row, "highlights", "publications")
        values.setdefault("experience", experience)
        project = _upsert(tally, Project, {"profile": profile, "experience": experience, "position": position},
                          _without(values, "experience"))
        wanted = {publications[key].pk for key in row.get("publications", [])}
        if set(project.related_publications.values_list("pk", flat=True)) != wanted:
            project.related_publications.set(wanted)
        _sync_highlights(tally, "project", project, row.get("highlights", []))
        kept.append(project.pk)
    _prune(tally, Project.objects.filter(profile=profile, experience=experience), kept)


def sync_profile(tally, data, publications):
    """Write one profile document (see profiles/demo_data/chijun.py for its shape)."""
    scalar = {k: v for k, v in data.items() if not isinstance(v, list) and k != "slug"}
    profile = _upsert(tally, Profile, {"slug": data["slug"]}, scalar)

    _sync_list(tally, ProfileLink, {"profile": profile}, data.get("links", []))
    for key, model in SECTIONS:
        _sync_list(tally, model, {"profile": profile}, data.get(key, []))

    experience_ids = []
    for position, row in enumerate(data.get("experience", [])):
        exp = _upsert(tally, Experience, {"profile": profile, "position": position},
                      _without(row, "highlights", "projects"))
        _sync_highlights(tally, "experience", exp, row.get("highlights", []))
        _sync_projects(tally, profile, exp, row.get("projects", []), publications)
        experience_ids.append(exp.pk)
    _prune(tally, Experience.objects.filter(profile=profile), experience_ids)
    _sync_projects(tally, profile, None, data.get("projects", []), publications)

    kept = []
    for position, row in enumerate(data.get("open_source", [])):
        entry = _upsert(tally, OpenSourceContribution, {"profile": profile, "position": position},
                        _without(row, "highlights"))
        _sync_highlights(tally, "open_source", entry, row.get("highlights", []))
        kept.append(entry.pk)
    _prune(tally, OpenSourceContribution.objects.filter(profile=profile), kept)

    kept = []
    for position, row in enumerate(data.get("talks", [])):
        values = _without(row, "deliveries", "publication")
        values["publication"] = publications.get(row.get("publication"))
        talk = _upsert(tally, Talk, {"profile": profile, "position": position}, values)
        _sync_list(tally, TalkDelivery, {"talk": talk}, row.get("deliveries", []))
        kept.append(talk.pk)
    _prune(tally, Talk.objects.filter(profile=profile), kept)

    kept = []
    for position, row in enumerate(data.get("press", [])):
        values = _without(row, "publication", "project")
        values["publication"] = publications.get(row.get("publication"))
        values["project"] = (
            Project.objects.filter(profile=profile, experience=None, title=row["project"]).first()
            if row.get("project") else None
        )
        kept.append(_upsert(tally, PressItem, {"profile": profile, "position": position}, values).pk)
    _prune(tally, PressItem.objects.filter(profile=profile), kept)

    kept = []
    for position, row in enumerate(data.get("statements", [])):
        values = {**_without(row, "slug"), "position": position}
        kept.append(_upsert(tally, Statement, {"profile": profile, "slug": row["slug"]}, values).pk)
    _prune(tally, Statement.objects.filter(profile=profile), kept)
    return profile


def sync_publication(tally, record, profiles):
    values = _without(record, "authors", "citation_key")
    publication = _upsert(tally, Publication, {"citation_key": record["citation_key"]}, values)
    kept = []
    for position, author in enumerate(record["authors"], start=1):
        row = {
            "name": author["name"],
            "profile": profiles.get(author.get("profile")),
            "equal_contribution": author.get("equal_contribution", False),
            "corresponding": author.get("corresponding", False),
            "selected": author.get("selected", False),
        }
        kept.append(_upsert(tally, Authorship, {"publication": publication, "position": position}, row).pk)
    _prune(tally, publication.authorships.all(), kept)
    return publication


def _sync_users(tally, profiles):
    User = get_user_model()
    group, _ = Group.objects.get_or_create(name=LAB_ADMIN_GROUP)
    wanted = Permission.objects.filter(content_type__app_label__in=["profiles", "publications"])
    if group.permissions.count() != wanted.count():
        group.permissions.set(wanted)
    for username, (slug, is_admin) in DEMO_USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@example.org", is_staff=is_admin)
            user.set_password(DEMO_PASSWORD)
            user.save()
            tally.created += 1
        if is_admin and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        if slug and profiles[slug].user_id != user.pk:
            Profile.objects.filter(pk=profiles[slug].pk).update(user=user)
            tally.updated += 1


@transaction.atomic
def load_demo():
    """Load (or bring up to date) the whole demo lab; returns a Tally."""
    tally = Tally()
    lab_row = Lab.objects.order_by("pk").first()
    if lab_row is None:
        _upsert(tally, Lab, {"name": lab.LAB["name"]}, _without(lab.LAB, "name"))
    else:
        _upsert(tally, Lab, {"pk": lab_row.pk}, lab.LAB)

    people = [chijun.PROFILE, *lab.MEMBERS]
    # Profiles first without their sections (publications reference them), then papers,
    # then sections (projects and talks reference papers).
    profiles = {
        p["slug"]: _upsert(tally, Profile, {"slug": p["slug"]},
                           {k: v for k, v in p.items() if not isinstance(v, list) and k != "slug"})
        for p in people
    }
    records = chijun.PUBLICATIONS + lab.lab_publications({m["slug"]: m for m in people})
    publications = {r["citation_key"]: sync_publication(tally, r, profiles) for r in records}
    for person in people:
        sync_profile(tally, person, publications)
    _sync_users(tally, profiles)
    return tally
