"""The live Markdown preview and the view-as-a-visitor page."""

import pytest

from tests import factories as f
from tests.editing.conftest import login

pytestmark = pytest.mark.django_db


def test_preview_renders_through_the_public_sanitiser(alice):
    client = login(alice)
    response = client.post(
        "/me/preview/markdown/",
        {
            "text": "**92%** faster <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>92%</strong>" in html
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html  # the link is left as text, not made a link


def test_preview_is_post_only(alice):
    assert login(alice).get("/me/preview/markdown/").status_code == 405


def test_visitor_view_shows_only_public_items(alice):
    profile = alice.profile
    f.NewsItemFactory(profile=profile, body="Public news", visibility="public")
    f.NewsItemFactory(profile=profile, body="Members news", visibility="members")
    f.NewsItemFactory(profile=profile, body="Private news", visibility="private")
    response = login(alice).get("/me/visitor-view/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Public news" in html
    assert "Members news" not in html
    assert "Private news" not in html
    assert "how a visitor" in html


def test_visitor_view_of_an_unpublished_page_says_so(alice):
    alice.profile.published = False
    alice.profile.save()
    response = login(alice).get("/me/visitor-view/")
    assert response.status_code == 200
    assert b"unpublished" in response.content
