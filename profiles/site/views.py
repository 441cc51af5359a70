"""Public pages of people. Thin views: fetch through selectors, render."""

import functools
import itertools

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from profiles import cache as page_cache
from profiles import permissions, selectors
from profiles.cache import cache_public_page
from profiles.models import Profile, Statement


def follow_profile_redirects(view):
    """After a merge, an old /people/<old-slug>/… address answers 301 to the same page of
    the profile it became (see services.resolve_profile_redirect)."""

    @functools.wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        try:
            return view(request, slug, *args, **kwargs)
        except Http404:
            from profiles.models import Profile
            from profiles.services import resolve_profile_redirect

            if Profile.objects.filter(slug=slug).exists():
                raise
            target = resolve_profile_redirect(slug)
            if target is None:
                raise
            prefix = f"/people/{slug}/"
            rest = request.path[len(prefix) :] if request.path.startswith(prefix) else ""
            url = f"/people/{target.slug}/{rest}"
            if request.META.get("QUERY_STRING"):
                url += f"?{request.META['QUERY_STRING']}"
            return HttpResponsePermanentRedirect(url)

    return wrapper


@require_safe
@cache_public_page
def home(request):
    people, roles, member_count = selectors.home_members()
    context = {
        "people": people,
        "roles": roles,
        "member_count": member_count,
        "news": selectors.latest_news(),
        "publications": selectors.latest_publications(),
        "nav": "home",
    }
    return render(request, "home.html", context)


# --------------------------------------------------------------------------- directory
#
# /people/ lists current members a page at a time, ordered by role (PIs first, as in
# Profile.Role) and grouped under role headings; ?role= narrows to one group and
# ?status=alumni shows the alumni instead (newest leavers first), ?q= searches either.
# Three queries whatever the size of the lab: the lab (context processor), the number of
# matching people per (status, role), which gives both the group links with their counts
# and the paginator's total, and one page of rows with only the columns a card shows.
# (The two reads below live here rather than in selectors.py while that module is being
# reorganised; they build on selectors.directory(), the directory's search.)

DIRECTORY_PAGE_SIZE = 48
ALUMNI_PAGE_SIZE = 100
DIRECTORY_CARD_FIELDS = (
    "slug", "full_name", "native_name", "headline", "role", "status", "interest_tags", "research_interests",
    "research_interests_html", "avatar", "left_on", "alumni_destination", "display_order",
)  # fmt: skip
ROLE_ORDER = list(Profile.Role.values)


def _role_rank():
    return Case(
        *[When(role=value, then=Value(rank)) for rank, value in enumerate(ROLE_ORDER)],
        default=Value(len(ROLE_ORDER)),
        output_field=IntegerField(),
    )


class _KnownCountPaginator(Paginator):
    """A paginator whose total comes from the directory's count query (no second COUNT)."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


def _directory_counts(people):
    """{(status, role): n} for the people matching the search: one GROUP BY query."""
    rows = people.order_by().values_list("status", "role").annotate(n=Count("pk"))
    return {(status, role): n for status, role, n in rows}


def _role_label(role):
    return selectors.ROLE_PLURALS.get(role, Profile.Role(role).label if role in ROLE_ORDER else role)


@require_safe
@cache_public_page
def directory(request):
    query = request.GET.get("q", "").strip()[:100]
    alumni = request.GET.get("status", "") == Profile.Status.ALUMNI
    status = Profile.Status.ALUMNI if alumni else Profile.Status.CURRENT
    role = request.GET.get("role", "")
    role = role if role in ROLE_ORDER else ""

    people = selectors.directory(query)
    counts = _directory_counts(people)
    by_role = {r: counts.get((status, r), 0) for r in ROLE_ORDER}
    current_count = sum(n for (s, _), n in counts.items() if s == Profile.Status.CURRENT)
    alumni_count = sum(n for (s, _), n in counts.items() if s == Profile.Status.ALUMNI)
    total = by_role[role] if role else sum(by_role.values())

    rows = people.filter(status=status).only(*DIRECTORY_CARD_FIELDS)
    if role:
        rows = rows.filter(role=role)
    if alumni:
        rows = rows.order_by("-left_on", "full_name", "pk")
    else:
        rows = rows.annotate(role_rank=_role_rank()).order_by("role_rank", "display_order", "full_name", "pk")
    paginator = _KnownCountPaginator(rows, ALUMNI_PAGE_SIZE if alumni else DIRECTORY_PAGE_SIZE, total)
    page = paginator.get_page(request.GET.get("page"))

    groups = []
    if not alumni:
        # Role headings for the people on this page; a group begun on an earlier page says so.
        starts, offset = {}, 0
        for r in ROLE_ORDER:
            if not role or r == role:
                starts[r] = offset
                offset += by_role[r]
        for r, members in itertools.groupby(page.object_list, key=lambda p: p.role):
            groups.append(
                {
                    "role": r,
                    "label": _role_label(r),
                    "people": list(members),
                    "continued": starts.get(r, 0) < page.start_index() - 1,
                }
            )
    context = {
        "query": query,
        "alumni": alumni,
        "role": role,
        "role_label": _role_label(role) if role else "",
        "roles": [(r, _role_label(r), n) for r, n in by_role.items() if n or r == role],
        "current_count": current_count,
        "alumni_count": alumni_count,
        "count": total,
        "page": page,
        "groups": groups,
        "nav": "people",
    }
    return render(request, "profiles/directory.html", context)


def _profile_body_page(request, slug, kind, template, *, all_publications, without_columns=()):
    """The profile page or the CV: its body from the cache (profiles/cache.py: bodies), kept
    per visibility level of the viewer (a visitor never gets the owner's), else rendered."""
    scopes = [page_cache.SITE, page_cache.profile_scope(slug)]
    if not request.user.is_authenticated:
        # A visitor's body is only ever stored while the profile is published, and
        # unpublishing, renaming or deleting it replaces the site's version: served
        # without reading the profile first (as the page cache serves whole pages).
        key = page_cache.body_key(request, kind, scopes, page_cache.level_name(permissions.visible_levels(None)))
        body = page_cache.stored_body(key)
        if body is not None:
            return render(request, page_cache.BODY_TEMPLATE, {"body": body, "nav": "people"})
    profile = selectors.viewable_profile(request.user, slug)
    levels = permissions.levels_for(request.user, profile)

    def build():
        page = selectors.profile_page(
            request.user, slug, all_publications=all_publications, with_authors=False, profile=profile,
            without_columns=without_columns,
        )  # fmt: skip
        return {"page": page, "profile": page.profile, "nav": "people"}

    body = page_cache.cached_body(request, kind, scopes, page_cache.level_name(levels), template, build)
    return render(request, page_cache.BODY_TEMPLATE, {"body": body, "nav": "people"})


@follow_profile_redirects
@require_safe
@cache_public_page
def profile_detail(request, slug):
    return _profile_body_page(request, slug, "profile", "profiles/profile.html", all_publications=False)


@follow_profile_redirects
@require_safe
@cache_public_page
def profile_cv(request, slug):
    return _profile_body_page(
        request, slug, "cv", "profiles/cv.html", all_publications=True, without_columns=selectors.CV_UNUSED_COLUMNS
    )


@follow_profile_redirects
@require_safe
@cache_public_page
def member_publications(request, slug):
    profile, page = selectors.member_publication_page(request.user, slug, request.GET.get("page"), with_authors=False)
    context = {"profile": profile, "page": page, "publications": page.object_list, "nav": "people"}
    return render(request, "profiles/publications.html", context)


@require_safe
@cache_public_page
def statement_detail(request, slug, statement_slug):
    statement = get_object_or_404(Statement.objects.select_related("profile"), profile__slug=slug, slug=statement_slug)
    # Link-shared statements are reachable only through their share URL.
    if statement.visibility == Statement.Visibility.LINK and not permissions.can_edit_profile(
        request.user, statement.profile
    ):
        raise Http404("No such statement.")
    if not permissions.can_view_statement(request.user, statement):
        raise Http404("No such statement.")
    return render(request, "profiles/statement.html", {"statement": statement, "profile": statement.profile})


@require_safe
def shared_statement(request, token):
    # Never cached: the page must disappear the moment its link is revoked.
    statement = Statement.objects.select_related("profile").filter(share_token=token).first()
    if statement is None or not permissions.can_view_statement(request.user, statement, token=token):
        raise Http404("No such statement.")
    response = render(
        request,
        "profiles/statement.html",
        {"statement": statement, "profile": statement.profile, "shared": True},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /me/",
        "Disallow: /s/",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
