"""Browsers ask for /favicon.ico on a first visit; pages also name the icon themselves."""

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file header
    assert "max-age" in response["Cache-Control"]


def test_pages_link_the_icon(client, lab):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.ico"' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_the_linked_files_exist():
    from django.contrib.staticfiles import finders

    assert finders.find("favicon.ico")
    assert finders.find("favicon.svg").endswith("favicon.svg")


def test_favicon_refuses_writes(client):
    assert client.post("/favicon.ico").status_code == 405
