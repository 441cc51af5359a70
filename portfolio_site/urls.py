import functools

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from profiles.cache import cache_public_page
from profiles.editing import imports as import_views
from profiles.site import feeds as profile_feeds
from profiles.site import views as profile_views
from profiles.site.sitemaps import SITEMAPS, sitemap_file


@functools.cache
def _favicon_bytes():
    found = finders.find("favicon.ico")
    if not found:
        return None
    with open(found, "rb") as fh:
        return fh.read()


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    """/favicon.ico, which browsers ask for on a first visit whatever the page's <link rel=icon> says."""
    data = _favicon_bytes()
    if data is None:
        raise Http404("No favicon.")
    return HttpResponse(data, content_type="image/x-icon")


urlpatterns = [
    # Bulk import for lab admins (profiles/editing/imports.py), linked from the Profile changelist.
    path("admin/import-profiles/", import_views.admin_import, name="admin_import_profiles"),
    path("admin/", admin.site.urls),
    # REST API v1, its schema and docs (portfolio_site/api_urls.py); JSON errors throughout.
    path("api/", include("portfolio_site.api_urls")),
    # Accounts (login, logout, password change/reset, invitations) and self-editing.
    path("accounts/", include("profiles.accounts.urls")),
    path("me/tokens/", include("profiles.accounts.tokens")),  # API tokens (profiles/accounts/tokens.py)
    path("me/import/", include("profiles.editing.import_urls")),  # a member's own import
    path("me/", include("profiles.editing.urls")),
    path("publications/", include("publications.site.urls")),
    # Public site: discovery (see profiles/site/sitemaps.py, profiles/site/feeds.py).
    # A sitemap index (/sitemap.xml) pointing at one file per section and page
    # (/sitemap-people.xml?p=2), each at most SITEMAP_LIMIT URLs (profiles/site/sitemaps.py).
    path(
        "sitemap.xml",
        cache_public_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_public_page(sitemap_file),
        name="sitemap_section",
    ),
    path("favicon.ico", favicon, name="favicon"),
    path("robots.txt", profile_views.robots_txt, name="robots_txt"),
    path("feeds/news.atom", profile_feeds.NewsFeed(), name="feed_news"),
    path("feeds/publications.atom", profile_feeds.PublicationFeed(), name="feed_publications"),
    path("", include("profiles.site.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
