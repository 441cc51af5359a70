"""The sections of a profile as the API exposes them, described once.

Each section gets list/create, retrieve/update/delete and reorder endpoints under
`/api/v1/profiles/<slug>/<key>/` (profiles/api/views.py builds one viewset per entry).
`parents` are the foreign keys to another item of the same profile (a project inside a
position, a highlight under its project, a delivery of a talk): the serializer only
accepts ids of items of the profile in the URL, so an item cannot be hung under someone
else's.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from publications.models import Publication

from .. import permissions
from ..models import (
    Award,
    Education,
    Experience,
    FocusTheme,
    Highlight,
    NewsItem,
    OpenSourceContribution,
    PressItem,
    ProfileLink,
    Project,
    Service,
    Skill,
    Statement,
    Talk,
    TalkDelivery,
)

DATES = ("start_date", "end_date", "is_current")


@dataclass(frozen=True)
class ApiSection:
    key: str
    model: type
    fields: tuple
    parents: tuple = ()  # FKs naming the containing item; the first one given is the parent
    scoped: dict = field(default_factory=dict)  # FK -> function(profile) -> allowed rows
    select_related: tuple = ()
    prefetch_related: tuple = ()
    description: str = ""

    @property
    def has_visibility(self):
        return "visibility" in self.fields


def _experience(profile):
    return Experience.objects.filter(profile=profile)


def _projects(profile):
    return Project.objects.filter(profile=profile)


def _open_source(profile):
    return OpenSourceContribution.objects.filter(profile=profile)


def _top_highlights(profile):
    return Highlight.objects.filter(permissions.belongs_to(Highlight, profile), parent__isnull=True)


def _talks(profile):
    return Talk.objects.filter(profile=profile)


SECTIONS = [
    ApiSection("links", ProfileLink, ("kind", "label", "url"), description="Links (homepage, ORCID, GitHub …)."),
    ApiSection("focus_themes", FocusTheme, ("title", "body", "visibility")),
    ApiSection("news", NewsItem, ("date", "body", "visibility")),
    ApiSection(
        "education", Education,
        ("institution", "degree", "programme", "location", *DATES, "gpa", "gpa_scale", "rank", "rank_of",
         "advisor", "advisor_url", "thesis_title", "note", "visibility"),
    ),
    ApiSection(
        "experience", Experience,
        ("kind", "organisation", "unit", "title", "location", "url", *DATES, "summary", "visibility"),
    ),
    ApiSection(
        "projects", Project,
        ("experience", "title", "summary", "narrative", "outcomes", "url", *DATES, "related_publications",
         "visibility"),
        parents=("experience",), scoped={"experience": _experience},
        prefetch_related=("related_publications",),
        description="Projects: stand-alone (experience null) or inside a position.",
    ),
    ApiSection(
        "open_source", OpenSourceContribution, ("project", "url", "role", *DATES, "summary", "visibility"),
    ),
    ApiSection(
        "highlights", Highlight, ("project", "experience", "open_source", "parent", "label", "text"),
        parents=("parent", "project", "experience", "open_source"),
        scoped={"project": _projects, "experience": _experience, "open_source": _open_source,
                "parent": _top_highlights},
        description="Bullets of a project, position or open-source entry; `parent` nests a sub-bullet.",
    ),
    ApiSection(
        "talks", Talk, ("title", "abstract", "publication", "visibility"), select_related=("publication",),
    ),
    ApiSection(
        "talk_deliveries", TalkDelivery, ("talk", "event", "location", "is_virtual", "date", "url"),
        parents=("talk",), scoped={"talk": _talks}, description="Each time a talk was given.",
    ),
    ApiSection("service", Service, ("role", "role_detail", "venue", "year", "note", "visibility")),
    ApiSection("awards", Award, ("title", "awarding_body", "year", "period", "role", "note", "visibility")),
    ApiSection(
        "press", PressItem, ("outlet", "title", "url", "date", "project", "publication", "visibility"),
        scoped={"project": _projects}, select_related=("publication",),
    ),
    ApiSection("skills", Skill, ("category", "name", "level", "keywords", "visibility")),
    ApiSection(
        "statements", Statement, ("kind", "title", "body", "visibility"),
        description="Statements (purpose, research, teaching …); private ones only for the owner.",
    ),
]  # fmt: skip

BY_KEY = {section.key: section for section in SECTIONS}
PUBLICATION_FIELDS = {"publication", "related_publications"}


def visible_items(section, user, profile):
    """Rows of `section` belonging to `profile` that `user` may read."""
    model = section.model
    keep = permissions.item_filter(user, profile)
    if model is Statement:
        qs = permissions.visible_statements(user, profile)
    elif model is Highlight:
        experience = Experience.objects.filter(profile=profile).filter(keep)
        qs = Highlight.objects.filter(
            Q(project__in=_visible_projects(profile, keep))
            | Q(experience__in=experience)
            | Q(open_source__in=OpenSourceContribution.objects.filter(profile=profile).filter(keep))
        )
    elif model is TalkDelivery:
        qs = TalkDelivery.objects.filter(talk__in=Talk.objects.filter(profile=profile).filter(keep))
    elif model is Project:
        qs = _visible_projects(profile, keep)
    else:
        qs = model._default_manager.filter(profile=profile)
        if section.has_visibility:
            qs = qs.filter(keep)
    if section.select_related:
        qs = qs.select_related(*section.select_related)
    if section.prefetch_related:
        qs = qs.prefetch_related(*section.prefetch_related)
    return qs


def _visible_projects(profile, keep):
    # A project inside a position the viewer may not see is hidden with it.
    experience = Experience.objects.filter(profile=profile).filter(keep)
    return (
        Project.objects.filter(profile=profile)
        .filter(keep)
        .filter(Q(experience__isnull=True) | Q(experience__in=experience))
    )


def sibling_filter(item):
    """Q() of the rows `item` is ordered among (the same grouping as services._siblings)."""
    if isinstance(item, Highlight):
        if item.parent_id:
            return Q(parent_id=item.parent_id)
        return Q(
            project_id=item.project_id,
            experience_id=item.experience_id,
            open_source_id=item.open_source_id,
            parent__isnull=True,
        )
    if isinstance(item, TalkDelivery):
        return Q(talk_id=item.talk_id)
    if isinstance(item, Project):
        return Q(profile_id=item.profile_id, experience_id=item.experience_id)
    return Q(profile_id=item.profile_id)


def publication_queryset():
    return Publication.objects.all()
