from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Accounts (login, logout, password change/reset, invitations) and self-editing.
    path("accounts/", include("profiles.accounts")),
    path("me/", include("profiles.editing.urls")),
    path("publications/", include("publications.urls")),
    path("", include("profiles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
