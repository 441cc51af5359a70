"""Public pages of people. Thin views: fetch through selectors, render."""

import functools

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


@require_safe
@cache_public_page
def directory(request):
    """/people/ (profiles.selectors.people: ?q= searches, ?role= narrows, ?status=alumni)."""
    found = selectors.directory_page(
        request.GET.get("q", "").strip()[:100],
        alumni=request.GET.get("status", "") == Profile.Status.ALUMNI,
        role=request.GET.get("role", ""),
        number=request.GET.get("page"),
    )
    context = {
        "query": found.query,
        "alumni": found.alumni,
        "role": found.role,
        "role_label": found.role_label,
        "roles": found.roles,
        "current_count": found.current_count,
        "alumni_count": found.alumni_count,
        "count": found.count,
        "page": found.page,
        "groups": found.groups,
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
