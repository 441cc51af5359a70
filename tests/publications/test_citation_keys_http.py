"""Issue 12, finding 6: a citation key with "/" or a newline never breaks the public site."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from publications.models import Publication

pytestmark = pytest.mark.django_db

LIST = "/api/v1/publications/"
PAGES = ["/publications/", "/feeds/publications.atom", "/sitemap.xml", "/people/alice-liddell/", LIST]


def body(key):
    return {"citation_key": key, "title": "Keys Matter", "year": 2024, "kind": "conference",
            "authors": [{"name": "Alice Liddell", "profile": "alice-liddell"}]}  # fmt: skip


@pytest.fixture
def api(alice, settings):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"anon": None, "user": None}
    settings.REST_FRAMEWORK = rest
    cache.clear()
    client = APIClient()
    client.force_login(alice)
    return client


def test_a_key_with_a_slash_is_kept_and_every_page_still_works(api, client):
    response = api.post(LIST, body("dos/slash"), format="json")
    assert response.status_code == 201, response.json()
    publication = Publication.objects.get()
    assert publication.citation_key == "dos/slash"
    assert publication.slug == "dos-slash"
    assert response.json()["page"] == publication.get_absolute_url()
    for url in [*PAGES, publication.get_absolute_url(), publication.get_bibtex_url()]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get(publication.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("key", ["new\nline", "with space", "a,b"])
def test_keys_bibtex_cannot_read_are_refused_with_400_and_nothing_saved(api, key):
    response = api.post(LIST, body(key), format="json")
    assert response.status_code == 400
    assert "citation_key" in str(response.json())
    assert not Publication.objects.exists()
