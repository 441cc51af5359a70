"""/api/v1/publications/… (included by portfolio_site/api_urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("publications", views.PublicationViewSet, basename="publication")

urlpatterns = [
    # Before the router: "export" is not a citation key.
    path("publications/export/", views.PublicationExportView.as_view(), name="publication-export"),
    *router.urls,
]
