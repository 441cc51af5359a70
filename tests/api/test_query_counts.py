"""Every list endpoint runs as many queries for 200 rows as for 1."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from profiles.services.tokens import api_token_create
from publications import selectors
from tests import factories as f

from .test_sections import SECTION_KEYS, make_item

pytestmark = pytest.mark.django_db


def queries(client, path, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def grow(n, make):
    for _ in range(n):
        make()


@pytest.mark.parametrize("who", ["anon", "alice"])
@pytest.mark.parametrize("key", SECTION_KEYS)
def test_section_lists(client_for, alice, key, who):
    client = client_for(None if who == "anon" else alice)
    path = f"/api/v1/profiles/{alice.profile.slug}/{key}/"
    make_item(key, alice.profile)
    one = queries(client, path, page_size=100)
    grow(99, lambda: make_item(key, alice.profile))
    assert queries(client, path, page_size=100) == one


def _full_profile(profile, n):
    for _ in range(n):
        exp = f.ExperienceFactory(profile=profile)
        project = f.ProjectFactory(profile=profile, experience=exp)
        top = f.HighlightFactory(project=project)
        f.HighlightFactory(project=project, parent=top)
        f.HighlightFactory(project=None, experience=exp)
        f.ProjectFactory(profile=profile).related_publications.add(f.PublicationFactory())
        oss = f.OpenSourceFactory(profile=profile)
        f.HighlightFactory(project=None, open_source=oss)
        talk = f.TalkFactory(profile=profile, publication=f.PublicationFactory())
        f.TalkDeliveryFactory(talk=talk)
        for key in ("links", "focus_themes", "news", "education", "service", "awards", "press", "statements"):
            make_item(key, profile)


@pytest.mark.parametrize("who", ["anon", "alice", "bob"])
def test_profile_detail(client_for, alice, bob, who):
    client = client_for({"anon": None, "alice": alice, "bob": bob}[who])
    path = f"/api/v1/profiles/{alice.profile.slug}/"
    _full_profile(alice.profile, 1)
    one = queries(client, path)
    _full_profile(alice.profile, 30)
    # 1 profile + the 12 section prefetches and their nested ones + talks' publications
    # (+ the viewer's lab-admin and own-profile checks, once each).
    assert queries(client, path) == one
    assert one <= 30


def test_profiles_list(client_for, alice):
    client = client_for(alice)
    one = queries(client, "/api/v1/profiles/")
    f.ProfileFactory.create_batch(199)
    many = queries(client, "/api/v1/profiles/", page_size=100)
    assert many == one
    # session, user, lab-admin group check, own profile id, count, page.
    assert one <= 6


def test_publications_list_and_exports(client_for, alice):
    client = client_for(None)

    def add():
        pub = f.PublicationFactory()
        f.AuthorshipFactory(publication=pub, position=1, profile=alice.profile, name="Alice Liddell")
        f.AuthorshipFactory(publication=pub, position=2)

    def cold_list():
        # Cold facets each time (on PostgreSQL the catalogue version changes once per
        # committed transaction, and this test is one transaction).
        cache.clear()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM publications_cataloguefacets")
        selectors.forget_facets()  # and this process's copy
        return queries(client, "/api/v1/publications/", page_size=100)

    add()
    counts = [
        cold_list(),
        queries(client, "/api/v1/publications/export/", format="bibtex"),
        queries(client, f"/api/v1/profiles/{alice.profile.slug}/export/", format="csl"),
        queries(client, f"/api/v1/profiles/{alice.profile.slug}/export/", format="jsonresume"),
    ]
    grow(199, add)
    assert [
        cold_list(),
        queries(client, "/api/v1/publications/export/", format="bibtex"),
        queries(client, f"/api/v1/profiles/{alice.profile.slug}/export/", format="csl"),
        queries(client, f"/api/v1/profiles/{alice.profile.slug}/export/", format="jsonresume"),
    ] == counts
    # Catalogue stamp with its stored facets, the two facet queries and storing them (cold
    # after every write; they give the total instead of a COUNT), the page, its authors.
    assert counts[0] <= 6
    # Warm: the stamp with the stored facets, the page, its authors; the same on a deep page reached by a cursor.
    assert queries(client, "/api/v1/publications/", page_size=100) <= 3
    deep = client.get("/api/v1/publications/", {"page_size": 100}).json()["next"]
    assert "cursor=" in deep
    assert queries(client, deep) <= 2  # the page, its authors (no count on a cursor page)


def test_tokens_list(client_for, alice):
    client = client_for(alice)
    api_token_create(actor=alice, name="one")
    one = queries(client, "/api/v1/tokens/")
    for n in range(40):
        api_token_create(actor=alice, name=f"t{n}")
    assert queries(client, "/api/v1/tokens/") == one
