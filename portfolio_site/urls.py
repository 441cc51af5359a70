from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from profiles import feeds as profile_feeds
from profiles import import_views
from profiles import views as profile_views
from profiles.sitemaps import SITEMAPS

urlpatterns = [
    # Bulk import for lab admins (profiles/import_views.py), linked from the Profile changelist.
    path("admin/import-profiles/", import_views.admin_import, name="admin_import_profiles"),
    path("admin/", admin.site.urls),
    # REST API v1, its schema and docs (portfolio_site/api_urls.py); JSON errors throughout.
    path("api/", include("portfolio_site.api_urls")),
    # Accounts (login, logout, password change/reset, invitations) and self-editing.
    path("accounts/", include("profiles.accounts")),
    path("me/tokens/", include("profiles.tokens")),  # API tokens (profiles/tokens.py)
    path("me/import/", include("profiles.import_urls")),  # a member's own import
    path("me/", include("profiles.editing.urls")),
    path("publications/", include("publications.urls")),
    # Public site: discovery (see profiles/sitemaps.py, profiles/feeds.py).
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", profile_views.robots_txt, name="robots_txt"),
    path("feeds/news.atom", profile_feeds.NewsFeed(), name="feed_news"),
    path("feeds/publications.atom", profile_feeds.PublicationFeed(), name="feed_publications"),
    path("", include("profiles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
