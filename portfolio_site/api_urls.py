"""/api/: the REST API v1, its OpenAPI schema and its interactive documentation.

Everything under /api/ answers JSON, including unknown addresses (the catch-all at the
end) and errors (profiles/api/errors.py).
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from profiles.api.errors import not_found

app_name = "api"

v1 = [
    path("", include("profiles.api.urls")),
    path("", include("publications.api.urls")),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^[\s\S]*$", not_found),  # any path, newlines included
]
