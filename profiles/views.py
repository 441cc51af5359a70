"""Public pages of people. Thin views: fetch through selectors, render."""

import functools

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import permissions, selectors
from .cache import cache_public_page
from .models import Statement


def follow_profile_redirects(view):
    """After a merge, an old /people/<old-slug>/… address answers 301 to the same page of
    the profile it became (see services.resolve_profile_redirect)."""

    @functools.wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        try:
            return view(request, slug, *args, **kwargs)
        except Http404:
            from .models import Profile
            from .services import resolve_profile_redirect

            if Profile.objects.filter(slug=slug).exists():
                raise
            target = resolve_profile_redirect(slug)
            if target is None:
                raise
            prefix = f"/people/{slug}/"
            rest = request.path[len(prefix):] if request.path.startswith(prefix) else ""
            url = f"/people/{target.slug}/{rest}"
            if request.META.get("QUERY_STRING"):
                url += f"?{request.META['QUERY_STRING']}"
            return HttpResponsePermanentRedirect(url)

    return wrapper


@require_safe
@cache_public_page
def home(request):
    groups, _alumni = selectors.directory_groups()
    context = {
        "groups": groups,
        "news": selectors.latest_news(),
        "publications": selectors.latest_publications(),
        "nav": "home",
    }
    return render(request, "home.html", context)


@require_safe
@cache_public_page
def directory(request):
    query = request.GET.get("q", "").strip()[:100]
    groups, alumni = selectors.directory_groups(query)
    count = sum(len(people) for _, people in groups) + len(alumni)
    context = {"groups": groups, "alumni": alumni, "query": query, "count": count, "nav": "people"}
    return render(request, "profiles/directory.html", context)


@follow_profile_redirects
@require_safe
@cache_public_page
def profile_detail(request, slug):
    page = selectors.profile_page(request.user, slug)
    return render(request, "profiles/profile.html", {"page": page, "profile": page.profile, "nav": "people"})


@follow_profile_redirects
@require_safe
@cache_public_page
def profile_cv(request, slug):
    page = selectors.profile_page(request.user, slug, all_publications=True)
    return render(request, "profiles/cv.html", {"page": page, "profile": page.profile, "nav": "people"})


@follow_profile_redirects
@require_safe
@cache_public_page
def member_publications(request, slug):
    profile, publications = selectors.member_publications(request.user, slug)
    context = {"profile": profile, "publications": publications, "nav": "people"}
    return render(request, "profiles/publications.html", context)


@require_safe
@cache_public_page
def statement_detail(request, slug, statement_slug):
    statement = get_object_or_404(
        Statement.objects.select_related("profile"), profile__slug=slug, slug=statement_slug
    )
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
