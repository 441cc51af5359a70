import pytest


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # The suite talks plain HTTP through the test client.
    settings.SECURE_SSL_REDIRECT = False
