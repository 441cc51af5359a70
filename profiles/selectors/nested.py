"""The nested sections of a profile (experience, projects, highlights, open source, talks).

Each is read in one query for the whole profile and nested in Python, so that the page's
number of queries does not grow with its items.
"""

from django.db.models import F, Q

from profiles import permissions
from profiles import sections as registry
from profiles.models import Highlight, Project, Talk, TalkDelivery
from publications.models import Publication


def _visible(model, profile, levels, drafts=False):
    section = registry.for_model(model)
    return model._default_manager.filter(permissions.belongs_to(model, profile)).filter(
        registry.visible_q(section, levels, drafts=drafts)
    )


def _attach_highlights(profile, levels, owners, drafts=False):
    """One query for every highlight the viewer may see, nested in Python.

    `owners` maps ("project"|"experience"|"open_source", pk) to the owner shown.
    """
    for owner in owners.values():
        owner.highlight_list = []
    # By the ids of the owners shown (the profile's own, already read): each is a foreign-key
    # index lookup. Through the owners' profile (permissions.belongs_to) it was an OR across
    # three joined tables, which read every highlight of the lab (40,000 at 5,000 members).
    mine = Q(pk__in=[])
    for kind in ("project", "experience", "open_source"):
        pks = [pk for owner_kind, pk in owners if owner_kind == kind]
        if pks:
            mine |= Q(**{f"{kind}_id__in": pks})
    visible = registry.visible_q(registry.for_model(Highlight), levels, drafts=drafts)
    by_id = {}
    for h in Highlight._default_manager.filter(mine).filter(visible).order_by("position", "id"):
        h.child_list = []
        by_id[h.pk] = h
    for h in by_id.values():
        if h.parent_id:
            parent = by_id.get(h.parent_id)
            if parent is not None:
                parent.child_list.append(h)
            continue
        key = (
            ("project", h.project_id)
            if h.project_id
            else ("experience", h.experience_id)
            if h.experience_id
            else ("open_source", h.open_source_id)
        )
        owners[key].highlight_list.append(h)


def _projects(profile, levels, drafts=False):
    """Every visible project with its related publications, in one query (LEFT JOIN)."""
    rows = (
        _visible(Project, profile, levels, drafts)
        .annotate(
            rp_key=F("related_publications__citation_key"),
            rp_title=F("related_publications__title"),
            rp_short=F("related_publications__venue_short"),
            rp_year=F("related_publications__year"),
        )
        .order_by("position", "id", "-related_publications__year", "related_publications__title")
    )
    projects = {}
    for row in rows:
        project = projects.setdefault(row.pk, row)
        if project is row:
            project.publication_refs = []
        if row.rp_key:
            project.publication_refs.append(
                Publication(
                    citation_key=row.rp_key,
                    title=row.rp_title,
                    venue_short=row.rp_short or "",
                    year=row.rp_year,
                )
            )
    return list(projects.values())


def _talks(profile, levels, drafts=False):
    """Talks with every delivery, in one query (LEFT JOIN on deliveries)."""
    rows = (
        _visible(Talk, profile, levels, drafts)
        .select_related("publication")
        .annotate(
            d_id=F("deliveries__id"),
            d_event=F("deliveries__event"),
            d_location=F("deliveries__location"),
            d_is_virtual=F("deliveries__is_virtual"),
            d_date=F("deliveries__date"),
            d_url=F("deliveries__url"),
            d_position=F("deliveries__position"),
        )
        .order_by("position", "id", "deliveries__position", "deliveries__date", "deliveries__id")
    )
    talks = {}
    for row in rows:
        talk = talks.setdefault(row.pk, row)
        if talk is row:
            talk.delivery_list = []
        if row.d_id:
            talk.delivery_list.append(
                TalkDelivery(
                    id=row.d_id,
                    talk_id=row.pk,
                    event=row.d_event,
                    location=row.d_location,
                    is_virtual=row.d_is_virtual,
                    date=row.d_date,
                    url=row.d_url,
                    position=row.d_position,
                )
            )
    return list(talks.values())


def _attach_press_refs(page, projects):
    """Press items name a project (already read) and a paper (one query, only if any)."""
    by_id = {p.pk: p for p in projects}
    wanted = {item.publication_id for item in page.press if item.publication_id}
    papers = Publication.objects.only("citation_key", "title").in_bulk(wanted) if wanted else {}
    for item in page.press:
        item.project = by_id.get(item.project_id)
        item.publication = papers.get(item.publication_id)
