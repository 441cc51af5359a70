"""Every section of a profile, declared once.

Each `Section` says which model holds it, its label, the one URL key that names it
(older spellings stay accepted as `aliases`), the fields a person edits, what it hangs
off (`parents`: the profile, or an item of another section), how an imported item is
recognised as one already there (`natural_key`), how its related choices are scoped to
the profile being edited, the field that names an item (`label_field`, the activity log),
its admin columns and the partial template that renders it.

Everything else is derived from this list, so that adding a section means: the model
and its migration, one entry here, one partial template in templates/sections/.

- /me/ editing pages (profiles/editing/): `placements()` gives one list per place an
  item can live (a project on its own, or inside a position);
- the REST API (profiles/api/): one serializer and viewset per section;
- the Django admin (profiles/admin.py): one inline per profile-level section and one
  admin per model, with inlines for children;
- django-import-export resources (profiles/resources.py);
- the native document (profiles/native.py): one recursive walk for export and sync;
- merging JSON Resume / ORCID documents (profiles/importing.py): `natural_key`;
- the page and CV reads (profiles/selectors/: flat and nested, `Parent.joined`, `Ref.columns`),
  visibility inheritance (`visible_q`);
- page-cache invalidation (profiles/cache.py): `content_models()`.

This module imports only models: permissions, selectors and services build on it.
"""

from dataclasses import KW_ONLY, dataclass, field

from django.db.models import Q

from profiles.models import (
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
class Parent:
    """One place an item can hang: under an item of section `section`, through FK `field`."""

    field: str  # the foreign key from the item to its container
    _: KW_ONLY
    section: str  # key of the container's section
    edit_key: str  # key of this placement on /me/ (…/me/<edit_key>/…)
    label: str  # heading of this placement on /me/
    doc_key: str  # key of the nested list in the native document and the API detail
    attr: str  # attribute the read path fills on the container (templates read it)
    # Columns of the item read with its container, in the container's query (a LEFT JOIN:
    # a talk's deliveries); () reads the items in a query of their own, by the containers' ids.
    # The first column is set on every item (its id).
    joined: tuple = ()
    order: tuple = ()  # order of the joined items under their container


@dataclass(frozen=True)
class Ref:
    """A relation written by a natural value instead of an id (in documents and CSVs)."""

    field: str  # model field (FK or M2M)
    _: KW_ONLY
    doc_key: str  # key in the native document
    by: str  # the related model's field that names it (citation_key, title)
    attr: str = ""  # for a many-to-many: the list the read path attaches to each item
    # Columns of the related rows the page reads: for a many-to-many, joined to the item's
    # query and listed under `attr` (the first column is set on every related row); for a
    # foreign key of a flat section, the columns of its one query. A foreign key of another
    # section is read with the item (select_related), one to a section's item from its rows.
    columns: tuple = ()
    order: tuple = ()  # order of the many-to-many's rows under `attr`


@dataclass(frozen=True)
class Section:
    key: str  # the URL key, one spelling: "focus-themes"
    _: KW_ONLY
    model: type
    label: str
    fields: tuple  # what a person edits (forms, serializers, admin, resources)
    doc_key: str  # key in the native document, the API detail and the page object
    aliases: tuple = ()  # other spellings accepted in URLs (the API's older paths)
    parents: tuple = ()  # Parent(...) entries: where else than the profile an item can hang
    standalone: bool = True  # may hang directly off the profile
    natural_key: tuple = ()  # what says "the same item" when an import is merged
    sync_key: str = "position"  # what identifies an item when a native document is synced
    refs: tuple = ()  # Ref(...) entries
    admin_list: tuple = ()  # changelist columns (after __str__)
    admin_search: tuple = ()
    inline_fields: tuple | None = None  # columns of the inline on the profile admin
    widgets: dict = field(default_factory=dict)
    description: str = ""
    flat: bool = False  # read with the other flat sections in one UNION query
    in_detail: bool = True  # nested in the API's profile detail (statements have their own pages)
    cv_rank: int = 0  # the CV shows sections by this rank, then in this list's (the page's) order
    label_field: str = ""  # the field that names an item (the activity log); "": named by its id
    label_fallback: str = ""  # the field that names it when `label_field` is empty

    @property
    def has_visibility(self):
        return any(f.name == "visibility" for f in self.model._meta.concrete_fields)

    @property
    def has_draft(self):
        """Items of this section can be imported drafts (see models.ImportedItem)."""
        return any(f.name == "draft" for f in self.model._meta.concrete_fields)

    @property
    def has_profile(self):
        return any(f.name == "profile" for f in self.model._meta.concrete_fields)

    @property
    def template(self):
        """The partial that renders this section on the profile page and the CV."""
        return f"sections/{self.doc_key}.html"

    @property
    def parent_fields(self):
        return tuple(p.field for p in self.parents)

    @property
    def label_fields(self):
        """The fields that name an item, in the order they are tried (the first not empty names it)."""
        return tuple(name for name in (self.label_field, self.label_fallback) if name)

    def ref(self, name):
        return next((r for r in self.refs if r.field == name), None)


HIGHLIGHT_LABELS = {"label": "highlight-labels"}  # a <datalist> of suggested labels

# In the order the profile page shows them (the CV reorders by `cv_rank`).
SECTIONS = [
    Section(
        "links", model=ProfileLink, label="Links", fields=("kind", "label", "url"), doc_key="links",
        natural_key=("url",), admin_list=("kind", "url"), admin_search=("url",),
        description="Links (homepage, ORCID, GitHub …).", flat=True, label_field="label",
    ),
    Section(
        "focus-themes", model=FocusTheme, label="Focus themes", fields=("title", "body", "visibility"),
        doc_key="focus_themes", aliases=("focus_themes",), natural_key=("title",), admin_list=("title",),
        admin_search=("title",), flat=True, label_field="title",
    ),
    Section(
        "news", model=NewsItem, label="News", fields=("date", "body", "visibility"), doc_key="news",
        natural_key=("body",), admin_list=("date",), admin_search=("body",), flat=True,
        label_field="",  # a news item has no title: the activity log names it by its id
    ),
    Section(
        "experience", model=Experience, label="Experience",
        fields=("kind", "organisation", "unit", "title", "location", "url", *DATES, "summary", "visibility"),
        doc_key="experience", natural_key=("organisation", "title", "start_date"),
        admin_list=("title", "organisation", "start_date", "end_date", "is_current"),
        admin_search=("organisation", "title"),
        inline_fields=("organisation", "unit", "title", "location", *DATES, "visibility"),
        label_field="title",
    ),
    Section(
        "projects", model=Project, label="Projects (systems I've built)",
        fields=("title", "summary", "narrative", "outcomes", "url", *DATES, "related_publications", "visibility"),
        doc_key="projects",
        parents=(
            Parent("experience", section="experience", edit_key="experience-projects",
                   label="Projects in this position", doc_key="projects", attr="project_list"),
        ),
        natural_key=("title",),
        refs=(
            Ref("related_publications", doc_key="publications", by="citation_key", attr="publication_refs",
                columns=("citation_key", "title", "venue_short", "year"), order=("-year", "title")),
        ),
        admin_list=("title", "experience"), admin_search=("title", "summary"),
        inline_fields=("title", "summary", "experience", "visibility"),
        description="Projects: stand-alone (experience null) or inside a position.", label_field="title",
    ),
    Section(
        "education", model=Education, label="Education",
        fields=("institution", "degree", "programme", "location", *DATES, "gpa", "gpa_scale", "rank", "rank_of",
                "advisor", "advisor_url", "thesis_title", "note", "visibility"),
        doc_key="education", natural_key=("institution", "degree", "start_date"),
        admin_list=("institution", "degree", "start_date", "end_date"), admin_search=("institution", "degree"),
        inline_fields=("institution", "degree", "programme", "start_date", "end_date", "gpa", "gpa_scale", "rank",
                       "rank_of", "advisor", "visibility"),
        flat=True, cv_rank=-1, label_field="degree",
    ),
    Section(
        "open-source", model=OpenSourceContribution, label="Open source",
        fields=("project", "url", "role", *DATES, "summary", "visibility"), doc_key="open_source",
        aliases=("open_source",), natural_key=("project",),
        admin_list=("project", "role", "start_date", "is_current"), admin_search=("project",),
        inline_fields=("project", "role", "start_date", "end_date", "is_current", "visibility"),
        label_field="role",
    ),
    Section(
        "highlights", model=Highlight, label="Highlights", fields=("label", "text"), doc_key="highlights",
        parents=(
            Parent("project", section="projects", edit_key="project-highlights", label="Highlights",
                   doc_key="highlights", attr="highlight_list"),
            Parent("experience", section="experience", edit_key="experience-highlights", label="Highlights",
                   doc_key="highlights", attr="highlight_list"),
            Parent("open_source", section="open-source", edit_key="open-source-highlights", label="Highlights",
                   doc_key="highlights", attr="highlight_list"),
            Parent("parent", section="highlights", edit_key="sub-highlights", label="Sub-bullets",
                   doc_key="children", attr="child_list"),
        ),
        standalone=False, natural_key=("label", "text"), admin_list=("label",), admin_search=("label", "text"),
        widgets=HIGHLIGHT_LABELS,
        description="Bullets of a project, position or open-source entry; `parent` nests a sub-bullet.",
        label_field="label", label_fallback="text",
    ),
    Section(
        "talks", model=Talk, label="Talks", fields=("title", "abstract", "publication", "visibility"),
        doc_key="talks", natural_key=("title",), refs=(Ref("publication", doc_key="publication", by="citation_key"),),
        admin_list=("title",), admin_search=("title",), inline_fields=("title", "visibility"), label_field="title",
    ),
    Section(
        "talk-deliveries", model=TalkDelivery, label="Given at",
        fields=("event", "location", "is_virtual", "date", "url"), doc_key="deliveries", aliases=("talk_deliveries",),
        parents=(
            Parent("talk", section="talks", edit_key="talk-deliveries", label="Given at", doc_key="deliveries",
                   attr="delivery_list", joined=("id", "event", "location", "is_virtual", "date", "url", "position"),
                   order=("position", "date", "id")),
        ),
        standalone=False, natural_key=("event", "date"), admin_list=("event", "location", "date", "talk"),
        admin_search=("event", "talk__title"), description="Each time a talk was given.", label_field="event",
    ),
    Section(
        "service", model=Service, label="Academic service",
        fields=("role", "role_detail", "venue", "year", "note", "visibility"), doc_key="service",
        natural_key=("venue", "role"), admin_list=("venue", "role", "year"), admin_search=("venue",), flat=True,
        label_field="role",
    ),
    Section(
        "awards", model=Award, label="Awards",
        fields=("title", "awarding_body", "year", "period", "role", "note", "visibility"), doc_key="awards",
        natural_key=("title", "year"), admin_list=("title", "awarding_body", "when"),
        admin_search=("title", "awarding_body"), flat=True, label_field="title", label_fallback="role",
    ),
    Section(
        "press", model=PressItem, label="Press",
        fields=("outlet", "title", "url", "date", "project", "publication", "visibility"), doc_key="press",
        natural_key=("outlet", "title"),
        refs=(
            Ref("publication", doc_key="publication", by="citation_key", columns=("citation_key", "title")),
            Ref("project", doc_key="project", by="title"),
        ),
        admin_list=("title", "outlet"), admin_search=("title", "outlet"),
        inline_fields=("outlet", "title", "url", "date", "visibility"), flat=True, label_field="title",
    ),
    Section(
        "skills", model=Skill, label="Skills and languages",
        fields=("category", "name", "level", "keywords", "visibility"), doc_key="skills",
        natural_key=("category", "name"), admin_list=("name", "category", "level"), admin_search=("name",),
        flat=True, label_field="name",
    ),
    Section(
        "statements", model=Statement, label="Statements", fields=("kind", "title", "body", "visibility"),
        doc_key="statements", natural_key=("slug",), sync_key="slug", admin_list=("title", "kind"),
        admin_search=("title",), in_detail=False, inline_fields=("kind", "title", "slug", "visibility"),
        description="Statements (purpose, research, teaching …); private ones only for the owner.",
        label_field="title", label_fallback="slug",
    ),
]  # fmt: skip

BY_KEY = {s.key: s for s in SECTIONS}
BY_KEY.update({alias: s for s in SECTIONS for alias in s.aliases})
BY_MODEL = {s.model: s for s in SECTIONS}
BY_DOC_KEY = {s.doc_key: s for s in SECTIONS}


def get(key):
    """The section named by `key` (its URL key or an alias), or None."""
    return BY_KEY.get(key)


def for_model(model):
    return BY_MODEL.get(model)


def top_level():
    """Sections whose items may hang off the profile itself, in page order."""
    return [s for s in SECTIONS if s.standalone]


def children(section):
    """[(child section, Parent)] of the items that hang under an item of `section`."""
    return [(s, p) for s in SECTIONS for p in s.parents if p.section == section.key]


def content_models():
    """Every model whose rows a profile page shows (for cache invalidation and history)."""
    return [s.model for s in SECTIONS]


# --- Where an item belongs ---------------------------------------------------------------


def profile_paths(model):
    """ORM paths from a section model to its profile (several for a highlight)."""
    section = BY_MODEL.get(model)
    if section is None or section.has_profile:
        return ("profile",)
    return tuple(f"{p.field}__profile" for p in section.parents if p.section != section.key)


def parent_of(item):
    """(Parent, container) for a nested item, or (None, None) for one on the profile.

    A sub-bullet's container is its bullet (the most specific parent that is set).
    """
    section = BY_MODEL.get(type(item))
    if section is None:
        return None, None
    found = [(p, getattr(item, p.field)) for p in section.parents if getattr(item, f"{p.field}_id", None)]
    self_ref = [pair for pair in found if pair[0].section == section.key]
    return (self_ref or found or [(None, None)])[0]


def siblings_q(item):
    """Q() of the rows `item` is ordered among: the same container (and profile)."""
    section = BY_MODEL[type(item)]
    lookups = {f"{p.field}_id": getattr(item, f"{p.field}_id") for p in section.parents}
    if section.has_profile:
        lookups["profile_id"] = item.profile_id
    return Q(**lookups)


# --- Who sees what --------------------------------------------------------------------------


def visible_q(section, levels, prefix="", *, drafts=False):
    """Q() keeping the rows of `section` whose own visibility and every container's is in `levels`.

    `levels` None: everything (the owner and lab admins). A project inside a hidden
    position is hidden with it, a highlight of a hidden project too, and so on up.
    Imported drafts (not yet confirmed by their member) are hidden the same way, from
    everyone: only `drafts=True` with `levels` None (an editor's own reads: the API,
    exports) keeps them. This is the only place that rule is written.
    """
    keep_drafts = drafts and levels is None
    if levels is None and keep_drafts:
        return Q()
    q = Q()
    if levels is not None and section.has_visibility:
        q &= Q(**{f"{prefix}visibility__in": levels})
    if not keep_drafts and section.has_draft:
        q &= Q(**{f"{prefix}draft": False})
    for parent in section.parents:
        if parent.section == section.key:
            continue  # a sub-bullet shares its bullet's owner, checked below
        container = BY_KEY[parent.section]
        path = f"{prefix}{parent.field}"
        q &= Q(**{f"{path}__isnull": True}) | visible_q(container, levels, prefix=f"{path}__", drafts=drafts)
    return q


def scoped_queryset(related_model, profile):
    """The rows of `related_model` an item of `profile` may point to (forms and API alike).

    Publications: the papers `profile` is an author of. Another section's items: that
    profile's own. Anything else: nothing.
    """
    from publications.models import Publication

    if related_model is Publication:
        return Publication.objects.filter(authorships__profile=profile).distinct()
    section = BY_MODEL.get(related_model)
    if section is None:
        return related_model._default_manager.none()
    q = Q(pk__in=[])
    for path in profile_paths(related_model):
        q |= Q(**{path: profile})
    rows = related_model._default_manager.filter(q)
    if any(p.section == section.key for p in section.parents):
        # A container must be a top-level row (highlights nest one level only).
        self_field = next(p.field for p in section.parents if p.section == section.key)
        rows = rows.filter(**{f"{self_field}__isnull": True})
    return rows
