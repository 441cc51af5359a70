"""CSRF is enforced on every form of the editing, lab and account pages."""

import pytest
from django.test import Client

from profiles.models import NewsItem
from tests import factories as f
from tests.editing.conftest import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    return client


def test_every_form_refuses_a_post_without_the_token(alice, admin, csrf_client):
    item = f.NewsItemFactory(profile=alice.profile)
    statement = f.StatementFactory(profile=alice.profile)
    authorship = f.AuthorshipFactory(name="Alice Liddell", profile=alice.profile, position=1)
    urls = [
        "/me/identity/",
        "/me/about/",
        "/me/avatar/",
        "/me/preview/markdown/",
        "/me/sections/news/add/",
        f"/me/sections/news/{item.pk}/",
        f"/me/sections/news/{item.pk}/delete/",
        f"/me/sections/news/{item.pk}/move/",
        f"/me/sections/news/{item.pk}/history/{item.history.first().history_id}/restore/",
        f"/me/statements/{statement.pk}/share/",
        f"/me/statements/{statement.pk}/unshare/",
        "/me/publications/add/",
        f"/me/authorships/{authorship.pk}/select/",
        f"/me/authorships/{authorship.pk}/unlink/",
        "/accounts/logout/",
        "/accounts/password_change/",
    ]
    admin_client = Client(enforce_csrf_checks=True)
    admin_client.force_login(admin)
    before = snapshot()
    for url in urls:
        assert csrf_client.post(url, {"body": "x", "direction": "up"}).status_code == 403, url
    assert snapshot() == before

    for url in ["/me/lab/invite/", "/me/lab/merge/", f"/me/lab/members/{alice.profile.slug}/"]:
        assert admin_client.post(url, {"email": "x@example.org", "full_name": "X"}).status_code == 403, url
    assert snapshot() == before

    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/accounts/login/", {"username": "alice", "password": "x"}).status_code == 403
    assert anonymous.post("/accounts/password_reset/", {"email": "alice@example.org"}).status_code == 403


def test_with_the_token_the_form_works(alice, csrf_client):
    page = csrf_client.get("/me/sections/news/add/")
    token = page.context["csrf_token"]
    response = csrf_client.post(
        "/me/sections/news/add/", {"body": "With token", "visibility": "public", "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    assert NewsItem.objects.get().body == "With token"
