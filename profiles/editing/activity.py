"""The activity log: who created, changed, deleted, claimed, restored, merged, imported or
exported what, and when (newest first).

Two sources, merged by time: django-simple-history's records (every profile, section item,
publication and author slot change, with its user) and ActivityEntry rows, which the services
write for what history does not hold (claims, merges, restores, imports, exports).

Queries stay bounded: one query per history table (each limited to the rows the page needs),
one for the entries and one for the titles of the papers named; the count does not grow with
the number of entries.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from profiles import sections
from profiles.models import ActivityEntry, Profile
from publications.models import Authorship, Publication

PER_PAGE = 50
MAX_PAGE = 20  # deeper than 1000 rows: use the admin's filters
HISTORY_KINDS = {"+": ActivityEntry.Kind.CREATED, "~": ActivityEntry.Kind.CHANGED, "-": ActivityEntry.Kind.DELETED}
KIND_CHOICES = ActivityEntry.Kind.choices
# What names a row of a tracked model that is no section (a section says it: Section.label_fields),
# tried in this order.
OTHER_LABEL_FIELDS = {Profile: ("full_name", "role", "slug"), Publication: ("title", "slug"), Authorship: ("name",)}


@dataclass
class Row:
    when: datetime
    actor: object
    kind: str
    what: str
    target: str
    detail: str = ""
    publication_id: int | None = None
    paper: str = ""

    @property
    def actor_name(self):
        return getattr(self.actor, "username", "") or "the system"


def _tracked_models():
    models = [Profile, *sections.content_models(), Publication, Authorship]
    seen = []
    for model in models:
        if model not in seen and hasattr(model, "history"):
            seen.append(model)
    return seen


def _papers_of(profile):
    return Authorship.objects.filter(profile=profile).values("publication_id")


def _history_filter(model, profile):
    """Q() on `model`'s history table: records about `profile` or its papers, or done by its user."""
    if model is Profile:
        q = Q(id=profile.pk)
    elif model is Publication:
        q = Q(id__in=_papers_of(profile))
    elif model is Authorship:
        q = Q(publication_id__in=_papers_of(profile)) | Q(profile_id=profile.pk)
    else:
        q = Q(pk__in=[])
        for path in sections.profile_paths(model):
            q |= Q(**{f"{path}_id" if path == "profile" else path: profile.pk})
    if profile.user_id:
        q |= Q(history_user_id=profile.user_id)
    return q


def _entry_filter(profile):
    q = Q(profile=profile) | Q(publication_id__in=_papers_of(profile))
    if profile.user_id:
        q |= Q(actor_id=profile.user_id)
    return q


def _label_fields(model):
    section = sections.for_model(model)
    return section.label_fields if section is not None else OTHER_LABEL_FIELDS.get(model, ())


def _label(model, record):
    for name in _label_fields(model):
        value = getattr(record, name, None)
        if isinstance(value, str) and value.strip():
            if model is Authorship:
                return f"author slot “{value}”"
            return value[:120]
    return f"#{getattr(record, 'id', '?')}"


def page_number(request):
    try:
        return max(1, min(int(request.GET.get("page", 1)), MAX_PAGE))
    except (TypeError, ValueError):
        return 1


def kind_of(request):
    kind = request.GET.get("kind", "")
    return kind if kind in ActivityEntry.Kind.values else ""


def feed(*, profile=None, kind="", page=1):
    """(rows of `page`, has_next). `profile`: only what concerns that profile (else the whole lab)."""
    page = max(1, min(page, MAX_PAGE))
    need = page * PER_PAGE + 1
    rows = []
    history_kind = {v: k for k, v in HISTORY_KINDS.items()}.get(kind)
    if not kind or history_kind:
        for model in _tracked_models():
            records = model.history.model.objects.select_related("history_user").order_by("-history_date")
            if profile is not None:
                records = records.filter(_history_filter(model, profile))
            if history_kind:
                records = records.filter(history_type=history_kind)
            what = model._meta.verbose_name
            for record in records[:need]:
                rows.append(Row(
                    when=record.history_date, actor=record.history_user, kind=HISTORY_KINDS[record.history_type],
                    what=what, target=_label(model, record),
                    publication_id=getattr(record, "publication_id", None) if model is Authorship else None,
                ))  # fmt: skip
    entries = ActivityEntry.objects.select_related("actor", "profile")
    if profile is not None:
        entries = entries.filter(_entry_filter(profile))
    if kind:
        entries = entries.filter(kind=kind)
    for entry in entries[:need]:
        rows.append(Row(
            when=entry.created_at, actor=entry.actor, kind=entry.kind,
            what=f"profile {entry.profile}" if entry.profile_id else "lab", target=entry.target,
            detail=entry.detail, publication_id=entry.publication_id,
        ))  # fmt: skip
    rows.sort(key=lambda row: row.when, reverse=True)
    start = (page - 1) * PER_PAGE
    shown = rows[start : start + PER_PAGE]
    titles = dict(
        Publication.objects.filter(pk__in={r.publication_id for r in shown if r.publication_id}).values_list(
            "pk", "title"
        )
    )
    for row in shown:
        row.paper = titles.get(row.publication_id, "")
    return shown, len(rows) > start + PER_PAGE
