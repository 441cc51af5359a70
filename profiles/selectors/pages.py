"""The profile page, the CV and a member's publications, as the viewer may see them."""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, F, Window
from django.http import Http404

from profiles import permissions
from profiles import sections as registry
from profiles.models import Profile, ProfileLink, Statement
from profiles.selectors.authors import attach_authors
from profiles.selectors.flat import flat_sections
from profiles.selectors.nested import nested_sections
from publications.models import Publication
from publications.selectors import LIST_ORDER as PUBLICATION_LIST_ORDER
from publications.selectors import publications_of

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

    Queries: 1 profile, 2 the flat sections (UNION ALL), 3-8 one per nested section
    (profiles.selectors.nested: experience, projects with related publications, open
    source, talks with deliveries, statements, highlights), 9 the member's publications,
    10 their authors (+1 when a press item names a paper). (Plus the lab, read by the
    context processor.) Permission checks for a logged-in viewer add their own.

    Imported drafts are left out (the page and the CV show only what the member
    confirmed); `drafts=True` keeps them for the owner and lab admins (the native export).

    `with_authors=False` leaves the authors unread (query 10): the HTML pages render
    publication entries through the fragment cache, which reads them only for the
    entries it has to render (templatetags.profile_tags.publication_entries).
    `without_columns`: publication columns left unread (the CV: CV_UNUSED_COLUMNS).
    `profile`: the row of `slug`, already read and checked with viewable_profile() (one
    query less).
    """
    if profile is None:
        profile = viewable_profile(user, slug)
    levels = permissions.levels_for(user, profile)
    page = ProfilePage(profile=profile, items=flat_sections(profile, levels, drafts))
    page.items.update(nested_sections(profile, levels, page.items, drafts))
    page.publications, page.publication_count, page.publications_are_selected = _profile_publications(
        profile, selected_first=not all_publications, with_authors=with_authors, without_columns=without_columns
    )
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
