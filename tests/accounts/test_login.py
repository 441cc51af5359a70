"""Log in, log out, change and reset the password; throttling with django-axes."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client

from profiles.permissions import LAB_ADMIN_GROUP
from tests import factories as f

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-password-2026"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def chijun(db):
    # The demo loader's users: `chijun` (member of chijun-sima) and `labadmin`.
    user = f.UserFactory(username="chijun", password=DEMO_PASSWORD)
    f.ProfileFactory(user=user, slug="chijun-sima", full_name="Chijun Sima")
    return user


def log_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_member_logs_in_lands_on_me_and_logs_out(chijun):
    client = Client()
    assert client.get("/accounts/login/").status_code == 200
    response = log_in(client, "chijun", DEMO_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    page = client.get("/me/")
    assert page.status_code == 200
    assert b"Chijun Sima" in page.content
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/me/").status_code == 302


def test_lab_admin_without_profile_lands_on_the_lab_page(db):
    user = f.UserFactory(username="labadmin", password=DEMO_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=LAB_ADMIN_GROUP)[0])
    client = Client()
    log_in(client, "labadmin", DEMO_PASSWORD)
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"] == "/me/lab/"
    assert client.get("/me/lab/").status_code == 200


def test_wrong_password_is_a_form_error(chijun):
    response = log_in(Client(), "chijun", "nope")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_five_failures_lock_out_that_username_from_that_address(chijun):
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(4):
        assert log_in(client, "chijun", "wrong-password").status_code == 200
    response = log_in(client, "chijun", "wrong-password")
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    # Even the right password is refused now, from this address.
    response = log_in(client, "chijun", DEMO_PASSWORD)
    assert response.status_code == 429
    # Another address is not locked out (lockout is by username and address together).
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert log_in(other, "chijun", DEMO_PASSWORD).status_code == 302


def test_lockout_expires_after_the_cool_off(chijun, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    client = Client(REMOTE_ADDR="10.0.0.3")
    for _ in range(5):
        log_in(client, "chijun", "wrong-password")
    assert log_in(client, "chijun", DEMO_PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(hours=1))
    assert log_in(client, "chijun", DEMO_PASSWORD).status_code == 302


def test_password_change_enforces_the_validators(chijun):
    client = Client()
    client.force_login(chijun)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": DEMO_PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    new = "a-much-longer-passphrase"
    response = client.post(
        "/accounts/password_change/", {"old_password": DEMO_PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    chijun.refresh_from_db()
    assert chijun.check_password("a-much-longer-passphrase")


def test_password_reset_by_email(chijun):
    client = Client()
    response = client.post("/accounts/password_reset/", {"email": chijun.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0]
    new = "brand-new-passphrase-1"
    response = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    chijun.refresh_from_db()
    assert chijun.check_password("brand-new-passphrase-1")


def test_client_login_still_works_for_tests(chijun):
    # The throttling backend steps aside when authenticate() gets no request.
    assert Client().login(username="chijun", password=DEMO_PASSWORD)
