"""/api/: the REST API v1, its OpenAPI schema and its interactive documentation.

Everything under /api/ answers JSON, including unknown addresses (the catch-all at the
end) and errors (portfolio_site/api/errors.py).
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace, csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from portfolio_site.api.errors import not_found

app_name = "api"

v1 = [
    path("", include("profiles.api.urls")),
    path("", include("publications.api.urls")),
]

# Content-Security-Policy: Swagger UI's init script is its own request (the split view),
# so /api/docs/ runs under the site's policy unchanged. ReDoc injects its styles at run
# time (styled-components) and starts its search worker from a blob: URL: /api/redoc/
# alone allows inline *styles* and blob: workers; its scripts stay 'self' only.
# (templates/drf_spectacular/ hold our CSP-clean copies of both pages.)
docs_view = SpectacularSwaggerSplitView.as_view(url_name="api:schema")
redoc_view = csp_update({"worker-src": [SELF, "blob:"]})(
    csp_replace({"style-src": [SELF, UNSAFE_INLINE]})(SpectacularRedocView.as_view(url_name="api:schema"))
)

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_view, name="docs"),
    path("redoc/", redoc_view, name="redoc"),
    re_path(r"^[\s\S]*$", not_found),  # any path, newlines included
]
