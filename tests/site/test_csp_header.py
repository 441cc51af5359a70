"""Finding 8: a Content-Security-Policy on every response (the browser test, tests/browser/
test_csp.py, checks that nothing on the pages breaks it)."""

import base64
import hashlib
import re

import pytest
from django.conf import settings
from django.template import loader

pytestmark = pytest.mark.django_db

REQUIRED = ["default-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
            "frame-ancestors 'none'"]  # fmt: skip


def directives(response):
    policy = response["Content-Security-Policy"]
    return dict((part.split()[0], part.split()[1:]) for part in (p.strip() for p in policy.split(";")) if part), policy


@pytest.mark.parametrize(
    "path", ["/", "/people/", "/publications/", "/accounts/login/", "/admin/login/", "/api/docs/", "/api/redoc/",
             "/api/v1/profiles/", "/no-such-page/"],
)  # fmt: skip
def test_every_response_carries_the_policy(client, lab, path):
    response = client.get(path)
    parsed, policy = directives(response)
    for directive in REQUIRED:
        assert directive in policy, (path, policy)
    assert "'unsafe-inline'" not in parsed["script-src"]
    assert "'unsafe-eval'" not in policy
    assert parsed["script-src"][0] == "'self'"


def test_a_page_served_from_the_cache_has_the_policy_too(client, lab):
    client.get("/people/")
    hit = client.get("/people/")
    assert hit["X-Page-Cache"] == "hit"
    assert "frame-ancestors 'none'" in hit["Content-Security-Policy"]


def test_public_pages_have_no_inline_script_or_style(client, lab):
    from tests.factories import NewsItemFactory, ProfileFactory

    profile = ProfileFactory()
    NewsItemFactory(profile=profile)
    for path in ["/", "/people/", profile.get_absolute_url(), profile.get_absolute_url() + "cv/"]:
        html = client.get(path).content.decode()
        # Executable inline scripts (JSON-LD data blocks are not scripts to CSP).
        assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/(?:ld\+)?json))[^>]*>", html), path
        assert "<style" not in html, path
        assert " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_only_redoc_loosens_styles_and_never_scripts(client, lab):
    parsed, _ = directives(client.get("/api/redoc/"))
    assert "'unsafe-inline'" in parsed["style-src"]
    assert parsed["script-src"] == ["'self'"] or "'unsafe-inline'" not in parsed["script-src"]
    assert "blob:" in parsed["worker-src"]
    docs, _ = directives(client.get("/api/docs/"))
    assert "'unsafe-inline'" not in docs["style-src"]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_500_page_style_is_allowed_by_its_hash():
    html = loader.get_template("500.html").render()
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"]
