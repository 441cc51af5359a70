"""/api/v1/publications/… (included by portfolio_site/api_urls.py)."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from publications.api import views

KEY_WITH_SLASH = r"[^?#]+/[^?#]+?"


def by_key(actions):
    return views.PublicationByKeyViewSet.as_view(actions)


router = SimpleRouter()
router.register("publications", views.PublicationViewSet, basename="publication")

urlpatterns = [
    # Before the router: "export" is not a citation key.
    path("publications/export/", views.PublicationExportView.as_view(), name="publication-export"),
    *router.urls,
    # After the router: a citation key with "/" in it (DBLP:journals/tocs/Sima22), as copied
    # from a .bib file. The documented address is the slug's; these answer the same.
    re_path(rf"^publications/(?P<key>{KEY_WITH_SLASH})/claim/$", by_key({"post": "claim"})),
    re_path(
        rf"^publications/(?P<key>{KEY_WITH_SLASH})/authors/(?P<author_id>[0-9]{{1,18}})/$",
        by_key({"patch": "author", "delete": "author"}),
    ),
    re_path(
        rf"^publications/(?P<key>{KEY_WITH_SLASH})/$",
        by_key({"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}),
        name="publication-detail-by-key",
    ),
]
