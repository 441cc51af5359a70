"""Errors under /api/ are JSON (never HTML, never a traceback); throttling; schema and docs."""

import re

import pytest
from django.test import override_settings

from profiles.api.views import ProfileViewSet

pytestmark = pytest.mark.django_db


def test_unknown_api_url_is_json_404(client):
    for path in ("/api/v1/nothing/", "/api/v2/profiles/", "/api/v1/profiles/x/nosuchsection/"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found.", "errors": {}}


def test_unexpected_error_is_json_500(client_for, alice, monkeypatch):
    def boom(self, request, slug=None):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(ProfileViewSet, "retrieve", boom)
    response = client_for(None).get("/api/v1/profiles/alice-liddell/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error.", "errors": {}}
    assert b"secret internals" not in response.content


def test_method_not_allowed_and_bad_json_are_json(client_for, alice):
    client = client_for(alice)
    response = client.delete("/api/v1/profiles/")
    assert response.status_code == 405
    assert set(response.json()) == {"detail", "errors"}
    response = client.generic("PATCH", "/api/v1/profiles/alice-liddell/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_anonymous_requests_are_throttled(client_for, alice, settings):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": "3/min", "user": None}
    settings.REST_FRAMEWORK = rest
    client = client_for(None)
    codes = [client.get("/api/v1/profiles/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/profiles/")
    assert response["Retry-After"]
    assert set(response.json()) == {"detail", "errors"}
    # Signed-in users are not held to the visitors' rate.
    assert client_for(alice).get("/api/v1/profiles/").status_code == 200


def test_schema_and_local_docs(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi: 3" in response.content
    assert b"/api/v1/profiles/{slug}/news/reorder/" in response.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    # Served from this server (drf-spectacular-sidecar), no CDN.
    assert "cdn.jsdelivr" not in html
    assert "unpkg.com" not in html


def test_operation_summaries_read_as_english(client):
    """The docs' summaries say "Add an award", not "Add a award" (articles follow the noun)."""
    text = client.get("/api/schema/").content.decode()
    assert "summary: Add an award" in text
    assert "summary: Add an education" in text
    assert "summary: Delete a talk" in text
    assert not re.search(r"summary: \w+ a [aeiou]", text)


@override_settings(DEBUG=False)
def test_schema_is_valid_openapi():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_odd_api_paths_are_json_404_for_any_method(client):
    for method in ("get", "post", "put", "delete"):
        response = getattr(client, method)("/api/v1/profiles/x/news/%C2%BC%0A%C3%95w/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
