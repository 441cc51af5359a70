"""Invitations: single-use, expiring links that create the account of one profile."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from profiles.models import Invitation, Profile
from tests import factories as f
from tests.editing.conftest import login

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Post the invite form as `client`; return the link from the email (sent on commit)."""

    def post(admin_client, **data):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post("/me/lab/invite/", data)
        assert response.status_code == 302, response.content
        return last_link()

    return post


def last_link():
    return re.search(r"https?://[^/]+(/accounts/invitation/\S+/)", mail.outbox[-1].body).group(1)


def accept(link, username="newbie", password=PASSWORD):
    client = Client()
    return client, client.post(link, {"username": username, "password1": password, "password2": password})


def test_invite_for_a_new_profile_and_accept(admin, invite):
    link = invite(login(admin), email="new@example.org", full_name="Nova Member")
    invitation = Invitation.objects.get()
    assert invitation.token_hash not in link  # only the hash is stored
    profile = Profile.objects.get(full_name="Nova Member")
    assert not profile.published
    assert Client().get(link, follow=True).status_code == 200  # via the token-free address

    client, response = accept(link)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="newbie")
    profile.refresh_from_db()
    assert profile.user == user
    assert user.email == "new@example.org"
    assert client.get("/me/").status_code == 200
    # Single use.
    assert Client().get(link).status_code == 404
    _, again = accept(link, username="second")
    assert again.status_code == 404
    assert not get_user_model().objects.filter(username="second").exists()


def test_invite_for_an_existing_profile(admin, invite):
    existing = f.ProfileFactory(full_name="Imported Person")
    link = invite(login(admin), email="imp@example.org", profile=existing.pk)
    accept(link, username="imported")
    existing.refresh_from_db()
    assert existing.user.username == "imported"


def test_expired_link_does_not_work(admin, settings, invite):
    link = invite(login(admin), email="x@example.org", full_name="Late Person")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(link).status_code == 404
    _, response = accept(link)
    assert response.status_code == 404


def test_default_expiry_is_invitation_days(admin, settings, invite):
    settings.INVITATION_DAYS = 3
    invite(login(admin), email="x@example.org", full_name="P")
    invitation = Invitation.objects.get()
    assert abs((invitation.expires_at - invitation.created_at) - timedelta(days=3)) < timedelta(seconds=5)


def test_resend_replaces_the_link_and_revoke_kills_it(admin, invite, django_capture_on_commit_callbacks):
    client = login(admin)
    old_link = invite(client, email="x@example.org", full_name="P")
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/me/lab/invitations/{invitation.pk}/resend/")
    new_link = last_link()
    assert new_link != old_link
    assert Client().get(old_link).status_code == 404
    assert Client().get(new_link, follow=True).status_code == 200
    client.post(f"/me/lab/invitations/{invitation.pk}/revoke/")
    assert Client().get(new_link).status_code == 404


def test_weak_password_and_taken_username_are_refused(admin, alice, invite):
    link = invite(login(admin), email="x@example.org", full_name="P")
    _, response = accept(link, password="short")
    assert response.status_code == 200
    _, response = accept(link, username="alice")
    assert response.status_code == 200
    assert Invitation.objects.get().accepted_at is None


def test_a_profile_with_an_account_cannot_be_invited_again(admin, alice):
    response = login(admin).post("/me/lab/invite/", {"email": "x@example.org", "profile": alice.profile.pk})
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_the_form_page_has_no_token_in_its_address_and_a_browser_can_post_it(admin, invite):
    """Chromium posted the form with `Origin: null` (the page was `Referrer-Policy: no-referrer`
    because its address held the token) and Django's CSRF check refused it. Now the e-mail's
    link keeps the token in the session and redirects to a token-free address, as Django's
    password reset does; the form is posted there with the page's real origin."""
    link = invite(login(admin), email="new@example.org", full_name="Nova Member")
    browser = Client(enforce_csrf_checks=True)
    first = browser.get(link)
    assert first.status_code == 302
    assert first["Location"] == "/accounts/invitation/accept/"
    assert first["Referrer-Policy"] == "no-referrer"  # the one response whose URL holds the token
    page = browser.get(first["Location"])
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert link.split("/")[-2] not in page.content.decode()
    csrf = browser.cookies["csrftoken"].value
    data = {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD, "csrfmiddlewaretoken": csrf}
    done = browser.post("/accounts/invitation/accept/", data, HTTP_ORIGIN="http://testserver")
    assert done.status_code == 302, done.content[:300]
    assert get_user_model().objects.get(username="newbie").profile.full_name == "Nova Member"


def test_the_token_free_address_without_a_session_is_refused():
    assert Client().get("/accounts/invitation/accept/").status_code == 404
