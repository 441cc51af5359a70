"""/api/v1/profiles/… and /api/v1/tokens/ (included by portfolio_site/api_urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from portfolio_site.api import schema
from profiles.api import views
from profiles.api.transfer import ProfileExportView, ProfileImportView

assert schema  # registers the token scheme with drf-spectacular

router = SimpleRouter()
router.register("profiles", views.ProfileViewSet, basename="profile")
for key, viewset in views.SECTION_VIEWSETS.items():
    router.register(rf"profiles/(?P<slug>[-a-zA-Z0-9_]+)/{key}", viewset, basename=f"profile-{key}")
router.register("tokens", views.ApiTokenViewSet, basename="token")

urlpatterns = [
    path("profiles/<slug:slug>/export/", ProfileExportView.as_view(), name="profile-export"),
    path("profiles/<slug:slug>/import/", ProfileImportView.as_view(), name="profile-import"),
    *router.urls,
]
