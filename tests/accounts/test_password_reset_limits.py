"""Finding 10: the password-reset form is rate-limited per address and per client address,
does the same work for known and unknown addresses, and the proxy setting is real."""

import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory

from profiles.accounts.throttling import client_ip
from tests.accounts.conftest import DATABASE

pytestmark = pytest.mark.django_db

URL = "/accounts/password_reset/"


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def post(email, ip="198.51.100.1", **extra):
    return Client(REMOTE_ADDR=ip).post(URL, {"email": email}, **extra)


def test_a_known_address_gets_one_email_an_unknown_one_none(alice):
    assert post(alice.email).status_code == 302
    assert post("nobody@example.org").status_code == 302
    assert [m.to for m in mail.outbox] == [[alice.email]]


def test_per_address_limit_from_many_ips(alice, settings):
    settings.PASSWORD_RESET_PER_EMAIL = 3
    for n in range(3):
        assert post(alice.email, ip=f"203.0.113.{n}").status_code == 302
    response = post(alice.email, ip="203.0.113.99")
    assert response.status_code == 429
    assert "Too many password-reset requests" in response.content.decode()
    assert len(mail.outbox) == 3
    # An unknown address is limited the same way (the answer does not tell them apart).
    for _ in range(3):
        assert post("ghost@example.org", ip="203.0.113.50").status_code == 302
    assert post("ghost@example.org", ip="203.0.113.51").status_code == 429


def test_per_ip_limit_across_addresses(settings):
    settings.PASSWORD_RESET_PER_IP = 5
    for n in range(5):
        assert post(f"user{n}@example.org").status_code == 302
    assert post("user99@example.org").status_code == 429
    assert post("user99@example.org", ip="198.51.100.2").status_code == 302


def test_the_answer_takes_as_long_for_a_known_address(alice, settings):
    # A slow mail server (0.5 s per message) must not show in the response time: the mail
    # is queued (one task row for either address) and a worker sends it.
    settings.TASKS = DATABASE
    settings.EMAIL_BACKEND = "tests.accounts.slow_mail.SlowBackend"
    settings.PASSWORD_RESET_PER_EMAIL = settings.PASSWORD_RESET_PER_IP = 100

    def timed(email):
        start = time.perf_counter()
        assert post(email).status_code == 302
        return time.perf_counter() - start

    timed(alice.email), timed("warmup@example.org")
    known = min(timed(alice.email) for _ in range(3))
    unknown = min(timed("nobody@example.org") for _ in range(3))
    assert known < 0.4, known
    assert abs(known - unknown) < 0.2, (known, unknown)


def test_client_address_ignores_forwarded_for_without_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "198.51.100.7"


def test_client_address_behind_one_proxy_takes_what_the_proxy_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()
    # The client sent its own X-Forwarded-For: 1.2.3.4; the proxy appended the real address.
    spoofed = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip(spoofed) == "203.0.113.9"
    plain = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(plain) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    two = factory.get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.0.0.2")
    assert client_ip(two) == "203.0.113.9"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(garbage) == "10.0.0.3"


def test_login_lockout_behind_a_proxy_follows_the_real_client(alice, settings):
    """axes uses the same address: spoofing X-Forwarded-For does not dodge the lockout."""
    settings.TRUSTED_PROXY_COUNT = 1
    alice.set_password("right-passphrase-2026")
    alice.save()

    def attempt(spoof):
        client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{spoof}, 203.0.113.9")
        return client.post("/accounts/login/", {"username": "alice", "password": "wrong-guess"})

    codes = [attempt(f"192.0.2.{n}").status_code for n in range(settings.AXES_FAILURE_LIMIT + 1)]
    assert codes[-1] == 429
    # Another real client (another address appended by the proxy) is not locked out.
    other = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.10")
    response = other.post("/accounts/login/", {"username": "alice", "password": "right-passphrase-2026"})
    assert response.status_code == 302
