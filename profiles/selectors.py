"""Reads: what a page or an endpoint shows, in a bounded number of queries.

Every page of the public site fetches its data here, never in a view or a template,
so that the number of SQL queries of a page does not grow with the amount of content
(tests/site/test_query_counts.py holds the pages to their budgets). Section items are
filtered through profiles.permissions: a visitor only ever receives public items.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import F, Prefetch, Q, TextField, Value
from django.db.models.functions import Cast
from django.http import Http404

from publications.models import Authorship, Publication

from . import permissions
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
    Visibility,
)

# How many publications the profile page shows when none is marked "selected".
RECENT_PUBLICATIONS_ON_PROFILE = 10
LATEST_ON_HOME = 6

# Only the columns an author line needs from a linked member (not their whole bio).
AUTHOR_PROFILE_FIELDS = ("profile__slug", "profile__published", "profile__full_name")


def authorships_prefetch():
    return Prefetch(
        "authorships",
        queryset=Authorship.objects.select_related("profile")
        .only(
            "publication_id",
            "position",
            "name",
            "equal_contribution",
            "corresponding",
            "selected",
            "profile_id",
            *AUTHOR_PROFILE_FIELDS,
        )
        .order_by("position"),
    )


def publications_with_authors():
    return Publication.objects.prefetch_related(authorships_prefetch())


# --------------------------------------------------------------------------- lab


def current_lab():
    return Lab.load()


# --------------------------------------------------------------------------- flat sections
#
# The simple sections of a profile (links, focus themes, news, education, service,
# awards, press, skills) live in eight tables. Fetching them one query each would make
# the profile page cost twenty queries; instead one UNION ALL query reads them all, every
# column cast to text so the branches line up on SQLite and PostgreSQL alike, and the
# rows are turned back into (unsaved-looking) model instances with their own field types.

FLAT_SECTIONS = {
    "links": (ProfileLink, ["kind", "label", "url", "position"]),
    "focus_themes": (FocusTheme, ["title", "body", "position"]),
    "news": (NewsItem, ["date", "body", "position"]),
    "education": (
        Education,
        [
            "institution",
            "degree",
            "programme",
            "location",
            "gpa",
            "gpa_scale",
            "rank",
            "rank_of",
            "advisor",
            "advisor_url",
            "thesis_title",
            "note",
            "start_date",
            "end_date",
            "is_current",
            "position",
        ],
    ),
    "service": (Service, ["role", "role_detail", "venue", "year", "note", "position"]),
    "awards": (Award, ["title", "awarding_body", "year", "period", "role", "note", "position"]),
    "press": (PressItem, ["outlet", "title", "url", "date", "position"]),
    "skills": (Skill, ["category", "name", "level", "keywords", "position"]),
}
_WIDTH = max(len(fields) for _, fields in FLAT_SECTIONS.values())


def _from_text(model_field, value):
    if value is None:
        return None if model_field.null else model_field.get_default()
    if isinstance(model_field, models.BooleanField):
        return str(value).lower() in {"1", "t", "true"}
    if isinstance(model_field, models.DecimalField):
        return Decimal(value).quantize(Decimal(1).scaleb(-model_field.decimal_places))
    if isinstance(model_field, models.IntegerField):
        return int(value)
    return value


def _flat_sections(profile, keep):
    branches = []
    for name, (model, fields) in FLAT_SECTIONS.items():
        qs = model.objects.filter(profile=profile)
        if any(f.name == "visibility" for f in model._meta.fields):
            qs = qs.filter(keep)
        columns = {"c_section": Value(name, output_field=TextField()), "c_id": Cast("pk", TextField())}
        for i in range(_WIDTH):
            columns[f"c{i}"] = (
                Cast(fields[i], TextField()) if i < len(fields) else Value(None, output_field=TextField())
            )
        branches.append(qs.order_by().annotate(**columns).values_list(*columns))
    rows = branches[0].union(*branches[1:], all=True)
    found = defaultdict(list)
    for section, pk, *values in rows:
        model, fields = FLAT_SECTIONS[section]
        kwargs = {
            name: _from_text(model._meta.get_field(name), value)
            for name, value in zip(fields, values, strict=False)
        }
        found[section].append(model(pk=int(pk), profile_id=profile.pk, **kwargs))
    for items in found.values():
        items.sort(key=lambda item: (item.position, item.pk))
    return {name: found.get(name, []) for name in FLAT_SECTIONS}


# --------------------------------------------------------------------------- profile page


@dataclass
class ProfilePage:
    """Everything the profile and CV pages show, already filtered for the viewer."""

    profile: Profile
    links: list = field(default_factory=list)
    focus_themes: list = field(default_factory=list)
    news: list = field(default_factory=list)
    education: list = field(default_factory=list)
    experience: list = field(default_factory=list)
    projects: list = field(default_factory=list)  # stand-alone ("Systems I've built")
    open_source: list = field(default_factory=list)
    talks: list = field(default_factory=list)
    service: list = field(default_factory=list)
    awards: list = field(default_factory=list)
    press: list = field(default_factory=list)
    skills: list = field(default_factory=list)
    publications: list = field(default_factory=list)
    publication_count: int = 0
    publications_are_selected: bool = False
    statements: list = field(default_factory=list)

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


def _get_viewable_profile(user, slug):
    profile = Profile.objects.filter(slug=slug).first()
    if profile is None or not permissions.can_view_profile(user, profile):
        raise Http404("No such profile.")
    return profile


def _attach_highlights(profile, owners):
    """One query for every highlight of the profile, nested in Python.

    `owners` maps ("project"|"experience"|"open_source", pk) to the visible owner;
    highlights of hidden owners are dropped.
    """
    for owner in owners.values():
        owner.highlight_list = []
    rows = Highlight.objects.filter(
        Q(project__profile=profile) | Q(experience__profile=profile) | Q(open_source__profile=profile)
    ).order_by("position", "id")
    by_id = {}
    for h in rows:
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
        owner = owners.get(key)
        if owner is not None:
            owner.highlight_list.append(h)


def _projects(profile, keep):
    """Every visible project with its related publications, in one query (LEFT JOIN)."""
    rows = (
        Project.objects.filter(profile=profile)
        .filter(keep)
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


def _talks(profile, keep):
    """Talks with every delivery, in one query (LEFT JOIN on deliveries)."""
    rows = (
        Talk.objects.filter(profile=profile)
        .filter(keep)
        .annotate(
            d_id=F("deliveries__id"),
            d_event=F("deliveries__event"),
            d_location=F("deliveries__location"),
            d_is_virtual=F("deliveries__is_virtual"),
            d_date=F("deliveries__date"),
            d_url=F("deliveries__url"),
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
                )
            )
    return list(talks.values())


def _profile_publications(profile, selected_first):
    """(shown publications with authors, total count, whether they are the selected ones).

    Query 1 reads the member's publications (no authors); query 2 the authors of only
    those shown.
    """
    pubs = list(
        Publication.objects.filter(authorships__profile=profile)
        .annotate(is_selected=F("authorships__selected"))
        .order_by("-year", "-month", "title")
    )
    shown, are_selected = pubs, False
    if selected_first:
        selected = [p for p in pubs if p.is_selected]
        shown, are_selected = (selected, True) if selected else (pubs[:RECENT_PUBLICATIONS_ON_PROFILE], False)
    if shown:
        models.prefetch_related_objects(shown, authorships_prefetch())
    return shown, len(pubs), are_selected


def profile_page(user, slug, *, all_publications=False):
    """The profile (or CV) page of `slug` as `user` may see it, or 404.

    Queries: 1 profile, 2 the flat sections (UNION ALL), 3 experience, 4 projects with
    related publications, 5 highlights, 6 open source, 7 talks with deliveries, 8 the
    member's publications, 9 their authors, 10 statements. (Plus the lab, read by the
    context processor.) Permission checks for a logged-in viewer add their own.
    """
    profile = _get_viewable_profile(user, slug)
    keep = permissions.item_filter(user, profile)
    page = ProfilePage(profile=profile, **_flat_sections(profile, keep))

    page.experience = list(Experience.objects.filter(profile=profile).filter(keep))
    page.open_source = list(OpenSourceContribution.objects.filter(profile=profile).filter(keep))
    experience_by_id = {e.pk: e for e in page.experience}
    for exp in page.experience:
        exp.project_list = []
    owners = {("experience", e.pk): e for e in page.experience}
    owners.update({("open_source", o.pk): o for o in page.open_source})
    for project in _projects(profile, keep):
        if project.experience_id is None:
            page.projects.append(project)
        elif project.experience_id in experience_by_id:
            experience_by_id[project.experience_id].project_list.append(project)
        else:
            continue  # inside a position the viewer may not see
        owners[("project", project.pk)] = project
    _attach_highlights(profile, owners)

    page.talks = _talks(profile, keep)
    page.publications, page.publication_count, page.publications_are_selected = _profile_publications(
        profile, selected_first=not all_publications
    )
    page.statements = list(
        permissions.visible_statements(user, profile).exclude(visibility=Statement.Visibility.LINK)
    )
    return page


def member_publications(user, slug):
    """(profile, all their publications with authors): 3 queries."""
    profile = _get_viewable_profile(user, slug)
    pubs = list(
        publications_with_authors().filter(authorships__profile=profile).order_by("-year", "-month", "title")
    )
    return profile, pubs


# --------------------------------------------------------------------------- directory and home


def directory(query=""):
    qs = Profile.objects.published()
    if query:
        qs = qs.filter(
            Q(full_name__icontains=query)
            | Q(native_name__icontains=query)
            | Q(interest_tags__icontains=query)
            | Q(research_interests__icontains=query)
            | Q(headline__icontains=query)
        )
    return qs


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


def latest_news(limit=LATEST_ON_HOME, profile=None):
    """Public news of published members, newest first (one query)."""
    qs = NewsItem.objects.filter(visibility=Visibility.PUBLIC, profile__published=True)
    if profile is not None:
        qs = qs.filter(profile=profile)
    qs = qs.select_related("profile").only(
        "date", "body", "position", "updated_at", "profile__slug", "profile__full_name"
    )
    return list(qs.order_by("-date", "-updated_at", "-id")[:limit])


def latest_publications(limit=LATEST_ON_HOME):
    return list(publications_with_authors().order_by("-year", "-month", "-created_at")[:limit])


# --------------------------------------------------------------------------- publications


@dataclass
class PublicationFilters:
    q: str = ""
    kind: str = ""
    year: int | None = None
    member: str = ""

    @classmethod
    def from_query(cls, params):
        kind = params.get("type", "").strip()
        year = params.get("year", "").strip()
        return cls(
            q=params.get("q", "").strip()[:200],
            kind=kind if kind in Publication.Kind.values else "",
            year=int(year) if year.isdigit() and len(year) == 4 else None,
            member=params.get("member", "").strip()[:80],
        )

    @property
    def active(self):
        return bool(self.q or self.kind or self.year or self.member)


def publication_list(filters):
    """Publications matching `filters`, with their authors: 2 queries."""
    qs = publications_with_authors()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.member:
        qs = qs.filter(
            pk__in=Authorship.objects.filter(profile__slug=filters.member, profile__published=True).values(
                "publication_id"
            )
        )
    if filters.q:
        qs = qs.filter(
            Q(title__icontains=filters.q)
            | Q(venue__icontains=filters.q)
            | Q(venue_short__icontains=filters.q)
            | Q(pk__in=Authorship.objects.filter(name__icontains=filters.q).values("publication_id"))
        )
    return list(qs.order_by("-year", "-month", "title"))


def publication_filter_choices():
    """(years, members) for the filter form: 2 queries."""
    years = list(
        Publication.objects.exclude(year=None).order_by("-year").values_list("year", flat=True).distinct()
    )
    members = list(
        Profile.objects.published()
        .filter(pk__in=Authorship.objects.exclude(profile=None).values("profile_id"))
        .order_by("full_name")
        .values_list("slug", "full_name")
    )
    return years, members


def publication_detail(key):
    """One publication with its authors (2 queries), or 404."""
    # Pages are addressed by slug; old links by citation key keep working.
    found = list(publications_with_authors().filter(Q(slug=key) | Q(citation_key=key))[:2])
    publication = next((p for p in found if p.slug == key), found[0] if found else None)
    if publication is None:
        raise Http404("No such publication.")
    return publication


# --------------------------------------------------------------------------- feeds and sitemap


def public_profiles():
    return Profile.objects.published().only("slug", "updated_at", "full_name")


def public_statements():
    return (
        Statement.objects.filter(visibility=Statement.Visibility.PUBLIC, profile__published=True)
        .select_related("profile")
        .only("slug", "updated_at", "title", "profile__slug")
    )


# --------------------------------------------------------------------------- older helpers
# Kept for other interfaces (API, self-editing pages) that read a profile with prefetches.


def _highlights():
    return Prefetch(
        "highlights",
        queryset=Highlight.objects.filter(parent__isnull=True).prefetch_related(
            Prefetch("children", queryset=Highlight.objects.order_by("position", "id"))
        ),
    )


def profile_sections_prefetch(user, profile):
    """Prefetch objects for every section, keeping only items `user` may read."""
    keep = permissions.item_filter(user, profile)
    projects = Project.objects.filter(keep).prefetch_related(
        _highlights(), Prefetch("related_publications", queryset=publications_with_authors())
    )
    return [
        "links",
        Prefetch("focus_themes", queryset=FocusTheme.objects.filter(keep)),
        Prefetch("news", queryset=NewsItem.objects.filter(keep)),
        Prefetch("education", queryset=Education.objects.filter(keep)),
        Prefetch(
            "experience",
            queryset=Experience.objects.filter(keep).prefetch_related(
                _highlights(), Prefetch("projects", queryset=projects, to_attr="visible_projects")
            ),
        ),
        Prefetch(
            "projects", queryset=projects.filter(experience__isnull=True), to_attr="standalone_projects"
        ),
        Prefetch(
            "open_source",
            queryset=OpenSourceContribution.objects.filter(keep).prefetch_related(_highlights()),
        ),
        Prefetch("talks", queryset=Talk.objects.filter(keep).prefetch_related("deliveries")),
        Prefetch("service", queryset=Service.objects.filter(keep)),
        Prefetch("awards", queryset=Award.objects.filter(keep)),
        Prefetch("press", queryset=PressItem.objects.filter(keep).select_related("publication", "project")),
        Prefetch("skills", queryset=Skill.objects.filter(keep)),
    ]


def get_profile_for_page(user, slug):
    """Fetch a profile a user may view, with every section they may read, or 404."""
    profile = _get_viewable_profile(user, slug)
    models.prefetch_related_objects([profile], *profile_sections_prefetch(user, profile))
    return profile


def profile_publications(profile, selected_only=False):
    qs = publications_with_authors().filter(authorships__profile=profile)
    if selected_only:
        qs = qs.filter(authorships__profile=profile, authorships__selected=True)
    return qs.distinct().order_by("-year", "-month", "title")
