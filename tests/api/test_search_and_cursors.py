"""The API's lists: one search (?q= and ?search=), keyset cursors for deep pages, and
publication details reachable whatever the citation key holds."""

import base64
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.models import Authorship, Publication
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = "/api/v1/publications/"


def keys(response):
    assert response.status_code == 200, response.content[:300]
    return [row["citation_key"] for row in response.json()["results"]]


@pytest.fixture
def catalogue(db):
    """130 papers, some without a year or a month, many sharing a year and a title."""
    pubs = Publication.objects.bulk_create(
        Publication(
            title=f"Paper {i % 7}",
            citation_key=f"k{i:03d}",
            year=None if i % 13 == 0 else 2000 + i % 5,
            month=None if i % 3 == 0 else 1 + i % 12,
            venue="Conf",
        )
        for i in range(130)
    )
    Authorship.objects.bulk_create(Authorship(publication=p, position=1, name="Ada Lovelace") for p in pubs)
    return pubs


def test_cursor_walk_sees_every_paper_once_in_list_order(client_for, catalogue):
    client = client_for(None)
    by_pages = keys(client.get(LIST, {"page_size": 100})) + keys(client.get(LIST, {"page_size": 100, "page": 2}))
    assert len(by_pages) == 130
    walked, url, hops = [], LIST + "?page_size=20", 0
    while url:
        body = client.get(url).json()
        walked += [row["citation_key"] for row in body["results"]]
        url, hops = body["next"], hops + 1
        if hops > 1:
            assert url is None or "cursor=" in url
            assert body["count"] is None
            assert body["previous"] is None
    assert walked == by_pages
    assert hops == 7


def test_cursor_keeps_the_filters(client_for, catalogue):
    client = client_for(None)
    first = client.get(LIST, {"year": 2001, "page_size": 5}).json()
    assert first["count"] == len([p for p in catalogue if p.year == 2001])
    assert "year=2001" in first["next"]
    second = client.get(first["next"]).json()
    assert {row["year"] for row in second["results"]} == {2001}


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(json.dumps(["x", 1, "t", 1]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([2000, 1, 5, 1]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([2000, 1, "t", 2**70]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([2000, 1, None, 1]).encode()).decode(),
        "A" * 5000,
    ],
)
def test_a_forged_cursor_is_a_400(client_for, catalogue, cursor):
    response = client_for(None).get(LIST, {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"] or "cursor" in json.dumps(response.json())


def test_q_and_search_mean_the_same_and_rank_titles_first(client_for, db):
    title = f.PublicationFactory(citation_key="in-title", title="Quantization at Scale")
    abstract = f.PublicationFactory(citation_key="in-abstract", title="Other", abstract="about quantization")
    for pub in (title, abstract):
        f.AuthorshipFactory(publication=pub, position=1)
    client = client_for(None)
    by_q = client.get(LIST, {"q": "quantization"}).json()
    by_search = client.get(LIST, {"search": "quantization"}).json()
    assert [r["citation_key"] for r in by_q["results"]] == ["in-title", "in-abstract"]
    assert by_q == by_search
    assert by_q["count"] == 2


def test_profiles_search_alias_and_names_in_every_script(client_for, db):
    f.ProfileFactory(slug="aiko", full_name="Aiko Nakamura", native_name="中村 愛子", interest_tags="Databases")
    f.ProfileFactory(slug="zoe", full_name="Zoë Müller", interest_tags="Compilers")
    client = client_for(None)

    def slugs(**params):
        return [row["slug"] for row in client.get("/api/v1/profiles/", params).json()["results"]]

    assert slugs(q="中村") == ["aiko"]
    assert slugs(search="中村") == ["aiko"]
    assert slugs(q="databases") == ["aiko"]
    assert slugs(search="Müller") == ["zoe"]
    assert slugs(q="nakamura databases") == ["aiko"]
    assert slugs(q="nakamura compilers") == []


def test_detail_by_slug_or_by_a_key_with_slashes(client_for, admin):
    pub = f.PublicationFactory(citation_key="DBLP:journals/algorithmica/ChauguleL24", title="Slashes")
    f.AuthorshipFactory(publication=pub, position=1)
    client = client_for(None)
    assert pub.slug == "DBLP:journals-algorithmica-ChauguleL24"
    for path in (f"{LIST}{pub.slug}/", f"{LIST}{pub.citation_key}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json()["citation_key"] == "DBLP:journals/algorithmica/ChauguleL24"
    assert client.get(f"{LIST}DBLP:journals/nothing/here/").status_code == 404
    # The key's address answers every method the slug's does, with the same permissions.
    assert client_for(None).delete(f"{LIST}{pub.citation_key}/").status_code == 401
    author = pub.authorships.get()
    for key in (pub.slug, pub.citation_key):  # an unlinked author: refused alike at both addresses
        path = f"{LIST}{key}/authors/{author.pk}/"
        assert client_for(admin).patch(path, {"selected": True}).status_code == 403
        response = client_for(admin).post(f"{LIST}{key}/claim/", {"author": author.pk, "profile": "nobody"})
        assert response.status_code == 400
        assert "nobody" in response.content.decode()
    response = client_for(admin).patch(f"{LIST}{pub.citation_key}/", {"title": "Renamed"})
    assert response.status_code == 200, response.content
    assert client_for(admin).delete(f"{LIST}{pub.citation_key}/").status_code == 204
    assert not Publication.objects.filter(pk=pub.pk).exists()


@pytest.mark.parametrize("n", [1, 150])
@pytest.mark.parametrize("params", [{}, {"q": "paper"}, {"search": "lovelace", "year": 2001}, {"type": "journal"}])
def test_list_and_search_queries_do_not_grow(client_for, db, n, params):
    pubs = Publication.objects.bulk_create(
        Publication(title=f"Paper {i}", citation_key=f"q{i}", year=2000 + i % 3) for i in range(n)
    )
    Authorship.objects.bulk_create(Authorship(publication=p, position=1, name="Ada Lovelace") for p in pubs)
    client = client_for(None)
    client.get(LIST, params)  # warms the facets
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, {**params, "page_size": 100})
    assert response.status_code == 200
    # The catalogue version (not for a search: the facets cannot count it) or a count (a
    # search's; on PostgreSQL it also decides between full text and trigrams), the page, its authors.
    assert len(ctx.captured_queries) <= 3


def _page_query(ctx):
    """The query that read the page's papers whole (the one selecting the abstract)."""
    (sql,) = [q["sql"] for q in ctx.captured_queries if '"abstract"' in q["sql"]]
    return sql


@pytest.mark.parametrize("params", [{}, {"year": "2001"}, {"q": "paper"}])
def test_deep_page_numbers_give_the_rows_of_the_plain_ordered_query(client_for, catalogue, params):
    from publications.selectors import PublicationFilters, filtered_publications

    expected = list(filtered_publications(PublicationFilters.from_query(params)).values_list("citation_key", flat=True))
    client = client_for(None)
    seen = []
    for number in range(1, len(expected) // 20 + 2):
        with CaptureQueriesContext(connection) as ctx:
            page = keys(client.get(LIST, {**params, "page_size": 20, "page": number}))
        assert page == expected[(number - 1) * 20 : number * 20]
        if number > 1:
            # Deferred join: OFFSET picks the page's ids in a sub-select; only those rows are read whole.
            assert "OFFSET" in _page_query(ctx).split("IN (SELECT", 1)[1]
        seen += page
    assert seen == expected
