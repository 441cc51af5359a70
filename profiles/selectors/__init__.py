"""Reads: what a page or an endpoint shows, in a bounded number of queries.

Every page of the public site fetches its data here, never in a view or a template,
so that the number of SQL queries of a page does not grow with the amount of content
(tests/site/test_query_counts.py holds the pages to their budgets). Section items are
filtered through profiles.permissions: a visitor only ever receives public items.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db import connections, models, router
from django.db.models import Count, F, Q, TextField, Value, Window
from django.db.models.functions import Cast
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from profiles import permissions
from profiles import sections as registry
from profiles.models import (
    Experience,
    Highlight,
    Lab,
    NewsItem,
    OpenSourceContribution,
    Profile,
    ProfileLink,
    Project,
    Statement,
    Talk,
    TalkDelivery,
    Visibility,
)
from profiles.selectors.search import search_profiles
from publications.models import Publication
from publications.selectors import (  # noqa: F401  (the public site's views read them from here too)
    LATEST_ON_HOME,
    authorships_prefetch,
    latest_publications,
    publications_of,
    publications_with_authors,
)
from publications.selectors import (
    LIST_ORDER as PUBLICATION_LIST_ORDER,
)

# How many publications the profile page shows when none is marked "selected".
RECENT_PUBLICATIONS_ON_PROFILE = 10
# At most this many selected papers are shown on the profile page (the rest: "All … publications").
MAX_SELECTED_ON_PROFILE = 50

# Columns a CV entry (_partials/publication_cv.html) never shows: the CV leaves them unread
# (300 abstracts for a CV of 300 papers). The profile page's entries show each paper's
# BibTeX, which has them all.
CV_UNUSED_COLUMNS = ("abstract", "keywords", "title_normalised")
# Publications are not a profile section (papers are the lab's, shared by their authors):
# the page and the CV place their block after these sections.
PUBLICATIONS_TEMPLATE = "sections/_publications.html"
PUBLICATIONS_ON_PAGE_AFTER = "news"
PUBLICATIONS_ON_CV_AFTER = "experience"


# --------------------------------------------------------------------------- lab


def current_lab():
    return Lab.load()


# --------------------------------------------------------------------------- flat sections
#
# The simple sections of a profile (those the registry marks `flat`: links, focus
# themes, news, education, service, awards, press, skills) live in eight tables.
# Fetching them one query each would make the profile page cost twenty queries; instead
# one UNION ALL query reads them all, every column cast to text so the branches line up
# on SQLite and PostgreSQL alike, and the rows are turned back into model instances
# with their own field types.


def _flat_columns(model):
    return [f for f in model._meta.concrete_fields if f.name not in ("id", "profile")]


FLAT_SECTIONS = [s for s in registry.SECTIONS if s.flat]
_WIDTH = max(len(_flat_columns(s.model)) for s in FLAT_SECTIONS)


def _from_text(model_field, value):
    if value is None:
        return None if model_field.null else model_field.get_default()
    if isinstance(model_field, models.BooleanField):
        return str(value).lower() in {"1", "t", "true"}
    if isinstance(model_field, models.DecimalField):
        return Decimal(value).quantize(Decimal(1).scaleb(-model_field.decimal_places))
    if isinstance(model_field, models.IntegerField | models.ForeignKey):
        return int(value)
    if isinstance(model_field, models.DateTimeField):
        moment = model_field.to_python(value)
        return timezone.make_aware(moment, datetime.UTC) if timezone.is_naive(moment) else moment
    return value


# The UNION of eight annotated querysets costs more to build and compile than to run (about
# 20 ms of Python per page for 1 ms in the database): its SQL is compiled once per process
# for each (database, visibility levels, drafts) and run again with the profile's id put
# where the compiled SQL had a marker id (no real primary key is negative).
_FLAT_SQL = {}
_PROFILE_MARK = -2026_1129


def _flat_sections_sql(levels, drafts, using):
    key = (using, None if levels is None else tuple(levels), drafts)
    found = _FLAT_SQL.get(key)
    if found is None:
        branches = []
        for section in FLAT_SECTIONS:
            columns_of = _flat_columns(section.model)
            qs = section.model.objects.filter(profile_id=_PROFILE_MARK).filter(
                registry.visible_q(section, levels, drafts=drafts)
            )
            columns = {"c_section": Value(section.doc_key, output_field=TextField()), "c_id": Cast("pk", TextField())}
            for i in range(_WIDTH):
                columns[f"c{i}"] = (
                    Cast(columns_of[i].attname, TextField()) if i < len(columns_of)
                    else Value(None, output_field=TextField())
                )  # fmt: skip
            branches.append(qs.order_by().annotate(**columns).values_list(*columns))
        union = branches[0].union(*branches[1:], all=True)
        sql, params = union.query.get_compiler(using).as_sql()
        marks = [i for i, value in enumerate(params) if type(value) is int and value == _PROFILE_MARK]
        found = _FLAT_SQL[key] = (sql, tuple(params), marks)
    return found


def _flat_sections(profile, levels, drafts=False):
    using = router.db_for_read(Profile)
    sql, params, marks = _flat_sections_sql(levels, drafts, using)
    params = list(params)
    for i in marks:
        params[i] = profile.pk
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_key = {s.doc_key: s for s in FLAT_SECTIONS}
    found = defaultdict(list)
    for doc_key, pk, *values in rows:
        model = by_key[doc_key].model
        kwargs = {f.attname: _from_text(f, value) for f, value in zip(_flat_columns(model), values, strict=False)}
        found[doc_key].append(model(pk=int(pk), profile_id=profile.pk, **kwargs))
    for items in found.values():
        items.sort(key=lambda item: (item.position, item.pk))
    return {s.doc_key: found.get(s.doc_key, []) for s in FLAT_SECTIONS}


# --------------------------------------------------------------------------- profile page


@dataclass
class ProfilePage:
    """Everything the profile and CV pages show, already filtered for the viewer.

    The items of each section are `page.<doc_key>` (page.education, page.projects …, see
    profiles/sections.py); nested items hang on their container under the registry's
    `Parent.attr` (experience.project_list, project.highlight_list, talk.delivery_list …).
    The public page, the CV, the API's profile detail and the native export all read it.
    """

    profile: Profile
    items: dict = field(default_factory=dict)  # doc_key -> [items]
    publications: list = field(default_factory=list)
    publication_count: int = 0
    publications_are_selected: bool = False

    def __getattr__(self, name):
        items = self.__dict__.get("items", {})
        if name in registry.BY_DOC_KEY and registry.BY_DOC_KEY[name].standalone:
            return items.get(name, [])
        raise AttributeError(name)

    def section_items(self, section):
        return self.items.get(section.doc_key, [])

    def _blocks(self, sections, publications_after):
        blocks = []
        for section in sections:
            items = self.listed_statements if section.model is Statement else self.section_items(section)
            if items:
                blocks.append((section.template, items))
            if section.key == publications_after and self.publications:
                blocks.append((PUBLICATIONS_TEMPLATE, self.publications))
        return blocks

    @property
    def page_blocks(self):
        """[(partial template, items)] of the profile page, in the registry's order."""
        return self._blocks(registry.top_level(), PUBLICATIONS_ON_PAGE_AFTER)

    @property
    def cv_blocks(self):
        """[(partial template, items)] of the CV (registry order, by `cv_rank`)."""
        return self._blocks(sorted(registry.top_level(), key=lambda s: s.cv_rank), PUBLICATIONS_ON_CV_AFTER)

    @property
    def listed_statements(self):
        """Statements the page lists (link-shared ones are only reached through their link)."""
        return [s for s in self.items.get("statements", []) if s.visibility != Statement.Visibility.LINK]

    @property
    def service_groups(self):
        """[(role label, [items])] in the order roles first appear."""
        groups = {}
        for item in self.service:
            label = item.role_detail or item.get_role_display()
            groups.setdefault(label, []).append(item)
        return list(groups.items())

    @property
    def email_link(self):
        return next((link for link in self.links if link.kind == ProfileLink.Kind.EMAIL), None)

    @property
    def web_links(self):
        return [link for link in self.links if link.kind != ProfileLink.Kind.EMAIL]


def viewable_profile(user, slug):
    """The profile `user` may see, or 404 (unpublished profiles are hidden from visitors)."""
    profile = Profile.objects.filter(slug=slug).first()
    if profile is None or not permissions.can_view_profile(user, profile):
        raise Http404("No such profile.")
    return profile


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


def attach_authors(publications):
    """Give each publication its authors (as `publication.authorships.all()`): one query.

    The same rows and columns as publications.selectors.authorships_prefetch(), without
    Django's prefetch machinery, which builds one filtered queryset per publication
    (about a millisecond each: a third of a second for a CV of 300 papers).
    """
    from publications.models import Authorship

    if not publications:
        return publications
    rows = authorships_prefetch().queryset.filter(publication_id__in=[p.pk for p in publications])
    by_publication = defaultdict(list)
    for authorship in rows:
        by_publication[authorship.publication_id].append(authorship)
    for publication in publications:
        found = by_publication.get(publication.pk, [])
        for authorship in found:
            authorship.publication = publication  # no query for a back reference
        qs = Authorship.objects.all()
        qs._result_cache, qs._prefetch_done = found, True
        publication.__dict__.setdefault("_prefetched_objects_cache", {})["authorships"] = qs
    return publications


class AuthorRow:
    """One author row as an entry reads it (author line, BibTeX), built from a tuple.

    Pages rendering hundreds of entries read ~5 authors each: a model instance per row
    (and one per linked member) cost more than the rest of the entry. Only for rendering:
    it has the columns of publications.selectors.authorships_prefetch(), nothing else.
    """

    __slots__ = ("corresponding", "equal_contribution", "name", "position", "profile", "profile_id", "publication_id",
                 "selected")  # fmt: skip
    COLUMNS = ("publication_id", "position", "name", "profile_id", "equal_contribution", "corresponding", "selected",
               "profile__slug", "profile__published", "profile__full_name")  # fmt: skip

    def __init__(self, publication_id, position, name, profile_id, equal, corresponding, selected, *member):
        self.publication_id, self.position, self.name, self.profile_id = publication_id, position, name, profile_id
        self.equal_contribution, self.corresponding, self.selected = equal, corresponding, selected
        self.profile = _LinkedMember(profile_id, *member) if profile_id else None


class _LinkedMember:
    """The linked member of an AuthorRow: what an author link needs."""

    __slots__ = ("full_name", "pk", "published", "slug")

    def __init__(self, pk, slug, published, full_name):
        self.pk, self.slug, self.published, self.full_name = pk, slug, published, full_name

    def get_absolute_url(self):
        return reverse("profiles:detail", kwargs={"slug": self.slug})


def attach_author_rows(publications):
    """Like attach_authors() (one query), with AuthorRow objects: for rendering entries only."""
    from publications.models import Authorship

    if not publications:
        return publications
    by_publication = defaultdict(list)
    rows = (
        Authorship.objects.filter(publication_id__in=[p.pk for p in publications])
        .order_by("position")
        .values_list(*AuthorRow.COLUMNS)
    )
    for row in rows:
        by_publication[row[0]].append(AuthorRow(*row))
    for publication in publications:
        qs = Authorship.objects.none()
        qs._result_cache, qs._prefetch_done = by_publication.get(publication.pk, []), True
        publication.__dict__.setdefault("_prefetched_objects_cache", {})["authorships"] = qs
    return publications


def _profile_publications(profile, selected_first, with_authors=True, without_columns=()):
    """(shown publications with authors, total count, whether they are the selected ones).

    Query 1 reads the member's publications (no authors) with their total (a window
    count); on the profile page only the selected ones come first and at most
    MAX_SELECTED_ON_PROFILE rows are read, however many papers the member has. Query 2
    reads the authors of only those shown. The CV reads them all (it is the full record).
    """
    qs = Publication.objects.filter(authorships__profile=profile).annotate(
        is_selected=F("authorships__selected"), total=Window(Count("pk"))
    )
    if without_columns:
        qs = qs.defer(*without_columns)
    if selected_first:
        qs = qs.order_by("-is_selected", "-year", "-month", "title", "pk")[:MAX_SELECTED_ON_PROFILE]
    else:
        qs = qs.order_by("-year", "-month", "title", "pk")
    pubs = list(qs)
    total = pubs[0].total if pubs else 0
    shown, are_selected = pubs, False
    if selected_first:
        selected = [p for p in pubs if p.is_selected]
        shown, are_selected = (selected, True) if selected else (pubs[:RECENT_PUBLICATIONS_ON_PROFILE], False)
    if with_authors:
        attach_authors(shown)
    return shown, total, are_selected


def profile_page(
    user, slug, *, all_publications=False, drafts=False, with_authors=True, without_columns=(), profile=None
):
    """The profile (or CV) page of `slug` as `user` may see it, or 404.

    Queries: 1 profile, 2 the flat sections (UNION ALL), 3 experience, 4 projects with
    related publications, 5 highlights, 6 open source, 7 talks with deliveries, 8 the
    member's publications, 9 their authors, 10 statements (+1 when a press item names a
    paper). (Plus the lab, read by the context processor.) Permission checks for a
    logged-in viewer add their own.

    Imported drafts are left out (the page and the CV show only what the member
    confirmed); `drafts=True` keeps them for the owner and lab admins (the native export).

    `with_authors=False` leaves the authors unread (query 9): the HTML pages render
    publication entries through the fragment cache, which reads them only for the
    entries it has to render (templatetags.profile_tags.publication_entries).
    `without_columns`: publication columns left unread (the CV: CV_UNUSED_COLUMNS).
    `profile`: the row of `slug`, already read and checked with viewable_profile() (one
    query less).
    """
    if profile is None:
        profile = viewable_profile(user, slug)
    levels = permissions.levels_for(user, profile)
    page = ProfilePage(profile=profile, items=_flat_sections(profile, levels, drafts))

    experience = list(_visible(Experience, profile, levels, drafts))
    open_source = list(_visible(OpenSourceContribution, profile, levels, drafts))
    experience_by_id = {e.pk: e for e in experience}
    for exp in experience:
        exp.project_list = []
    owners = {("experience", e.pk): e for e in experience}
    owners.update({("open_source", o.pk): o for o in open_source})
    projects = _projects(profile, levels, drafts)
    standalone = []
    for project in projects:
        if project.experience_id is None:
            standalone.append(project)
        else:
            experience_by_id[project.experience_id].project_list.append(project)
        owners[("project", project.pk)] = project
    _attach_highlights(profile, levels, owners, drafts)
    page.items.update(experience=experience, projects=standalone, open_source=open_source)
    page.items["talks"] = _talks(profile, levels, drafts)
    _attach_press_refs(page, projects)

    page.publications, page.publication_count, page.publications_are_selected = _profile_publications(
        profile, selected_first=not all_publications, with_authors=with_authors, without_columns=without_columns
    )
    page.items["statements"] = list(_visible(Statement, profile, levels))
    return page


def member_publications(user, slug, *, with_authors=True):
    """(profile, all their publications, newest first, with authors): 3 queries (exports).

    `with_authors=False` (the HTML page) leaves the authors to the fragment cache, which
    reads them only for the entries it has to render
    (templatetags.profile_tags.publication_entries).
    """
    profile = viewable_profile(user, slug)
    pubs = list(Publication.objects.filter(authorships__profile=profile).order_by("-year", "-month", "title"))
    if with_authors:
        attach_authors(pubs)
    return profile, pubs


MEMBER_PUBLICATIONS_PAGE_SIZE = 100


def member_publication_page(user, slug, number, *, with_authors=True):
    """(profile, one page of their publications): 4 queries (profile, count, page, authors).

    `with_authors=False` (the HTML page) leaves the authors to the fragment cache, which
    reads them only for the entries it has to render (3 queries when all are cached).
    """
    profile = viewable_profile(user, slug)
    if with_authors:
        rows = publications_of(profile)
    else:
        rows = Publication.objects.filter(authorships__profile=profile).order_by(*PUBLICATION_LIST_ORDER)
    return profile, Paginator(rows, MEMBER_PUBLICATIONS_PAGE_SIZE).get_page(number)


# --------------------------------------------------------------------------- directory and home


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


# How many members home shows (the rest are one link away, on /people/).
MEMBERS_ON_HOME = 24
HOME_CARD_FIELDS = ("slug", "full_name", "role", "avatar", "display_order")


def home_members(limit=MEMBERS_ON_HOME):
    """(first `limit` current members in directory order, [(role label, count)], total): 2 queries.

    Home is windowed whatever the size of the lab: one GROUP BY for the counts per role,
    one query for the few people it shows.
    """
    current = Profile.objects.published().filter(status=Profile.Status.CURRENT)
    counts = dict(current.order_by().values_list("role").annotate(n=models.Count("pk")))
    order = list(Profile.Role.values)
    rank = models.Case(
        *[models.When(role=value, then=models.Value(i)) for i, value in enumerate(order)],
        default=models.Value(len(order)),
        output_field=models.IntegerField(),
    )
    people = list(
        current.only(*HOME_CARD_FIELDS)
        .annotate(role_rank=rank)
        .order_by("role_rank", "display_order", "full_name", "pk")[:limit]
    )
    roles = [
        (role, ROLE_PLURALS.get(role, Profile.Role(role).label), counts[role]) for role in order if counts.get(role)
    ]
    return people, roles, sum(counts.values())


def latest_news(limit=LATEST_ON_HOME, profile=None):
    """Public news of published members, newest first (one query)."""
    qs = NewsItem.objects.filter(
        registry.visible_q(registry.for_model(NewsItem), [Visibility.PUBLIC]), profile__published=True
    )
    if profile is not None:
        qs = qs.filter(profile=profile)
    qs = qs.select_related("profile").only(
        "date", "body", "body_html", "position", "updated_at", "profile__slug", "profile__full_name"
    )
    return list(qs.order_by("-date", "-updated_at", "-id")[:limit])


# --------------------------------------------------------------------------- feeds and sitemap


def public_profiles():
    return Profile.objects.published().only("slug", "updated_at", "full_name")


def public_statements():
    return (
        Statement.objects.filter(visibility=Statement.Visibility.PUBLIC, profile__published=True)
        .select_related("profile")
        .only("slug", "updated_at", "title", "profile__slug")
    )


# --------------------------------------------------------------------------- import review (/me/)


def import_review(profile):
    """(draft items per section, imports still open) of `profile`, for its editing dashboard.

    Two queries: the drafts of every section counted in one UNION ALL, and the profile's
    imports. An import is open while it has leftovers not dismissed or papers / profile
    fields waiting for "Confirm all". Owner and lab admins only: the caller checked.
    """
    from profiles.models import ImportDraft

    branches = [
        section.model.objects.filter(profile=profile, draft=True)
        .order_by()
        .values("profile")
        .annotate(k=Value(section.key, output_field=TextField()), n=Count("pk"))
        .values_list("k", "n")
        for section in registry.SECTIONS
        if section.has_draft and section.has_profile
    ]
    counts = dict(branches[0].union(*branches[1:], all=True))
    drafts = [(s, counts[s.key]) for s in registry.SECTIONS if counts.get(s.key)]
    records = [
        r
        for r in ImportDraft.objects.filter(profile=profile).order_by("-created_at", "-id")
        if r.has_open_notes or r.pending
    ]
    return drafts, records
