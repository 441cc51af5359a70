"""Personal API tokens: stored hashed, shown once, revocable; /me/tokens/ and /api/v1/tokens/."""

import hashlib

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from profiles.models import ApiToken
from profiles.services.tokens import api_token_create

pytestmark = pytest.mark.django_db

ME = "/api/v1/profiles/alice-liddell/"


def token_client(raw, keyword="Token"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
    return client


def test_token_is_stored_hashed_with_a_prefix(alice):
    token, raw = api_token_create(actor=alice, name="laptop")
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:8]
    assert raw not in repr(ApiToken.objects.values().get(pk=token.pk))


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "token"])
def test_token_authenticates_and_writes(alice, keyword):
    token, raw = api_token_create(actor=alice, name="script", scope="read-write")
    response = token_client(raw, keyword).patch(ME, {"headline": "Via token"}, format="json")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_writes_need_no_csrf_but_session_writes_do(alice):
    _, raw = api_token_create(actor=alice, name="script", scope="read-write")
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.patch(ME, {"headline": "ok"}, format="json").status_code == 200
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(alice)
    response = session.patch(ME, {"headline": "no csrf"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize("header", ["Token nope", "Token", "Token a b", "Bearer " + "x" * 43])
def test_bad_tokens_are_401(alice, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/profiles/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert set(response.json()) == {"detail", "errors"}


def test_revoked_token_and_inactive_user_are_refused(alice):
    token, raw = api_token_create(actor=alice, name="old", scope="read-write")
    token.revoked_at = timezone.now()
    token.save()
    assert token_client(raw).get("/api/v1/profiles/").status_code == 401
    _, raw2 = api_token_create(actor=alice, name="new", scope="read-write")
    alice.is_active = False
    alice.save()
    assert token_client(raw2).get("/api/v1/profiles/").status_code == 401


def test_token_of_a_member_does_not_edit_others(alice, bob):
    _, raw = api_token_create(actor=alice, name="script", scope="read-write")
    response = token_client(raw).patch("/api/v1/profiles/bob-builder/", {"headline": "x"}, format="json")
    assert response.status_code == 403


# --- /api/v1/tokens/ ----------------------------------------------------------------------------


def test_tokens_api_create_list_revoke(client_for, alice, bob):
    client = client_for(alice)
    response = client.post("/api/v1/tokens/", {"name": "ci"}, format="json")
    assert response.status_code == 201
    raw = response.json()["token"]
    assert token_client(raw).get(ME).status_code == 200
    listed = client.get("/api/v1/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["ci"]
    assert "token" not in listed[0]
    assert "token_hash" not in listed[0]
    token_id = listed[0]["id"]
    # bob neither sees nor revokes alice's token.
    assert client_for(bob).get("/api/v1/tokens/").json()["results"] == []
    assert client_for(bob).delete(f"/api/v1/tokens/{token_id}/").status_code == 404
    assert ApiToken.objects.get(pk=token_id).revoked_at is None
    assert client.delete(f"/api/v1/tokens/{token_id}/").status_code == 204
    assert ApiToken.objects.get(pk=token_id).revoked_at is not None
    assert token_client(raw).get(ME).status_code == 401


def test_tokens_api_needs_a_user_and_a_name(client_for, alice):
    assert client_for(None).get("/api/v1/tokens/").status_code == 401
    assert client_for(None).post("/api/v1/tokens/", {"name": "x"}, format="json").status_code == 401
    response = client_for(alice).post("/api/v1/tokens/", {"name": ""}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    assert not ApiToken.objects.exists()


# --- /me/tokens/ ----------------------------------------------------------------------------------


def test_tokens_page_creates_shows_once_and_revokes(client, alice, bob):
    client.force_login(alice)
    page = client.get("/me/tokens/")
    assert page.status_code == 200
    assert b"No tokens yet" in page.content
    response = client.post("/me/tokens/", {"name": "laptop"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=alice)
    raw = response.context["raw_token"]
    assert raw.encode() in response.content
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    again = client.get("/me/tokens/")
    assert raw.encode() not in again.content
    assert token.prefix.encode() in again.content
    # bob cannot revoke alice's token.
    client.force_login(bob)
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(alice)
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_page_needs_login_and_a_name(client, alice):
    assert client.get("/me/tokens/").status_code == 302
    client.force_login(alice)
    assert client.post("/me/tokens/", {"name": "  "}).status_code == 400
    assert not ApiToken.objects.exists()
