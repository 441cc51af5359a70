"""The logins `make demo` prints work through the real login form."""

import pytest
from django.test import Client

from profiles.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_seed_researcher_and_lab_admin_log_in(demo_lab):
    chijun = Client()
    response = chijun.post("/accounts/login/", {"username": "chijun", "password": DEMO_PASSWORD})
    assert response["Location"] == "/me/"
    page = chijun.get("/me/")
    assert page.context["profile"].slug == "chijun-sima"
    assert chijun.get("/me/lab/").status_code == 404

    admin = Client()
    admin.post("/accounts/login/", {"username": "labadmin", "password": DEMO_PASSWORD})
    assert admin.get("/me/lab/").status_code == 200
    assert admin.get("/me/profiles/chijun-sima/").status_code == 200
    assert admin.get("/admin/").status_code == 200
