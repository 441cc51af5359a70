"""/api/v1/publications/… (included by portfolio_site/api_urls.py)."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("publications", views.PublicationViewSet, basename="publication")

urlpatterns = [
    # Before the router: "export" is not a citation key.
    path("publications/export/", views.PublicationExportView.as_view(), name="publication-export"),
    *router.urls,
    # After the router: a citation key with "/" in it (DBLP:journals/tocs/Sima22), read only.
    # The documented address is the slug's; this one keeps a key copied from a .bib file working.
    re_path(
        r"^publications/(?P<key>[^?#]+/[^?#]+?)/$",
        views.PublicationByKeyViewSet.as_view({"get": "retrieve"}),
        name="publication-detail-by-key",
    ),
]
