"""Finding 7: API tokens are scoped, can expire, cannot mint tokens, and die with the password."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from profiles.models import ApiToken
from profiles.services.tokens import api_token_create

pytestmark = pytest.mark.django_db

ME = "/api/v1/profiles/alice-liddell/"
PASSWORD = "old-passphrase-2026"


def token_client(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.fixture
def alice_pw(alice):
    alice.set_password(PASSWORD)
    alice.save()
    return alice


def test_a_read_token_reads_but_cannot_write(alice):
    _, raw = api_token_create(actor=alice, name="reader")
    client = token_client(raw)
    assert client.get(ME).status_code == 200
    response = client.patch(ME, {"headline": "Defaced"}, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    alice.profile.refresh_from_db()
    assert alice.profile.headline != "Defaced"
    assert client.delete("/api/v1/tokens/1/").status_code == 403


def test_a_read_write_token_writes(alice):
    _, raw = api_token_create(actor=alice, name="writer", scope="read-write")
    assert token_client(raw).patch(ME, {"headline": "Via token"}, format="json").status_code == 200
    alice.profile.refresh_from_db()
    assert alice.profile.headline == "Via token"


def test_a_token_cannot_mint_a_token(alice):
    _, raw = api_token_create(actor=alice, name="writer", scope="read-write")
    response = token_client(raw).post("/api/v1/tokens/", {"name": "child", "scope": "read-write"}, format="json")
    assert response.status_code == 403
    assert "signed in" in response.json()["detail"]
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["writer"]


def test_a_session_creates_scoped_expiring_tokens_over_the_api(alice):
    client = APIClient()
    client.force_login(alice)
    response = client.post(
        "/api/v1/tokens/", {"name": "ci", "scope": "read-write", "expires_in_days": 30}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["scope"] == "read-write"
    expires = ApiToken.objects.get(pk=body["id"]).expires_at
    assert timedelta(days=29) < expires - timezone.now() <= timedelta(days=30)
    default = client.post("/api/v1/tokens/", {"name": "plain"}, format="json").json()
    assert default["scope"] == "read"
    assert default["expires_at"] is None
    bad = client.post("/api/v1/tokens/", {"name": "x", "scope": "admin"}, format="json")
    assert bad.status_code == 400


def test_an_expired_token_is_refused(alice):
    token, raw = api_token_create(actor=alice, name="short", expires_in_days=1)
    assert token_client(raw).get(ME).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = token_client(raw).get(ME)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_tokens_page_sets_scope_expiry_and_shows_last_use(client, alice):
    client.force_login(alice)
    response = client.post("/me/tokens/", {"name": "sync", "scope": "read-write", "expires_in_days": "7"})
    assert response.status_code == 200
    raw = response.context["raw_token"]
    token = ApiToken.objects.get(user=alice)
    assert token.scope == "read-write"
    assert token.expires_at is not None
    token_client(raw).get(ME)
    page = client.get("/me/tokens/").content.decode()
    assert "Read and write" in page
    assert token.expires_at.strftime("%Y-%m-%d") in page
    token.refresh_from_db()
    assert token.last_used_at.strftime("%Y-%m-%d %H:%M") in page
    assert "Changing or resetting your password revokes all your tokens" in page
    bad = client.post("/me/tokens/", {"name": "x", "expires_in_days": "100000"})
    assert bad.status_code == 400
    assert "number of days" in bad.content.decode()
    assert "data-select-on-focus" in response.content.decode()
    assert "onfocus" not in response.content.decode()


def test_changing_the_password_revokes_the_tokens(alice_pw):
    _, raw = api_token_create(actor=alice_pw, name="laptop", scope="read-write")
    client = Client()
    client.force_login(alice_pw)
    page = client.get("/accounts/password_change/").content.decode()
    assert "revokes your API tokens" in page
    new = "a-brand-new-passphrase-9"
    response = client.post(
        "/accounts/password_change/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert token_client(raw).get(ME).status_code == 401
    assert ApiToken.objects.active().count() == 0


def test_resetting_the_password_revokes_the_tokens(alice_pw, settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _, raw = api_token_create(actor=alice_pw, name="laptop")
    client = Client()
    assert client.post("/accounts/password_reset/", {"email": alice_pw.email}).status_code == 302
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[-1].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    new = "reset-passphrase-2026-x"
    assert client.post(set_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert token_client(raw).get(ME).status_code == 401


def test_changepassword_in_the_admin_or_shell_revokes_too(alice_pw):
    _, raw = api_token_create(actor=alice_pw, name="laptop")
    alice_pw.set_password("set-by-an-admin-2026")
    alice_pw.save()
    assert token_client(raw).get(ME).status_code == 401
    # Saving a user for another reason (e.g. the last-login time) keeps the tokens.
    _, raw2 = api_token_create(actor=alice_pw, name="again")
    alice_pw.first_name = "Alice"
    alice_pw.save()
    assert token_client(raw2).get(ME).status_code == 200
    call_command("check")  # the validator hook is a valid AUTH_PASSWORD_VALIDATORS entry
