"""Fixtures for the API tests: clients acting as the cast (see tests/conftest.py)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    # Throttle counters live in the cache; the suite must never be throttled
    # (tests/api/test_errors.py turns a low rate back on to test the 429).
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": None, "user": None}
    settings.REST_FRAMEWORK = rest
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for():
    """client_for(user) -> an APIClient signed in as `user` (None or anon: a visitor)."""

    def make(user=None):
        client = APIClient()
        if user is not None and user.is_authenticated:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def alice_profile(alice):
    return alice.profile


@pytest.fixture
def bob_profile(bob):
    return bob.profile
