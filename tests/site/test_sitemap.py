"""/sitemap.xml is an index of section files, each bounded in size and in queries."""

import re

import pytest
from django.urls import reverse

from profiles.site import sitemaps
from publications.models import Publication
from tests import factories as f

pytestmark = pytest.mark.django_db


def _locs(body):
    return re.findall(r"<loc>([^<]+)</loc>", body)


def _all_urls(client):
    """Every page URL listed, following the index into each file."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert "<sitemapindex" in index.content.decode()
    urls = []
    for loc in _locs(index.content.decode()):
        response = client.get(loc.replace("http://testserver", ""))
        assert response.status_code == 200, loc
        body = response.content.decode()
        assert "<urlset" in body
        urls += _locs(body)
    return urls


def test_index_points_at_one_file_per_section(client, lab):
    f.PublicationFactory()
    body = client.get("/sitemap.xml").content.decode()
    for section in ("pages", "people", "cv", "publications", "statements"):
        assert f"http://testserver/sitemap-{section}.xml</loc>" in body


def test_sitemap_lists_public_pages_only(client, lab):
    public = f.ProfileFactory(slug="public-person")
    f.ProfileFactory(slug="hidden-person", published=False)
    f.StatementFactory(profile=public, visibility="public", slug="open-letter")
    f.StatementFactory(profile=public, visibility="members", slug="lab-only")
    f.PublicationFactory(citation_key="paper-x")
    urls = _all_urls(client)
    assert "http://testserver/" in urls
    assert "http://testserver/people/" in urls
    assert "http://testserver/people/public-person/" in urls
    assert "http://testserver/people/public-person/cv/" in urls
    assert "http://testserver/people/public-person/statements/open-letter/" in urls
    assert "http://testserver/publications/paper-x/" in urls
    assert not [u for u in urls if "hidden-person" in u or "lab-only" in u]


def test_urls_match_reverse_and_carry_lastmod(client, lab):
    pub = f.PublicationFactory(citation_key="Smith2024:serving.v2")
    body = client.get("/sitemap-publications.xml").content.decode()
    assert f"<loc>http://testserver{reverse('publications:detail', kwargs={'key': pub.citation_key})}</loc>" in body
    assert f"<lastmod>{pub.updated_at.date().isoformat()}" in body


def test_a_section_larger_than_the_limit_is_split_into_pages(client, lab, monkeypatch):
    monkeypatch.setattr(sitemaps.PublicationSitemap, "limit", 2)
    Publication.objects.bulk_create(Publication(title=f"Paper {i}", citation_key=f"p{i}", year=2020) for i in range(5))
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-publications.xml</loc>" in index
    assert "/sitemap-publications.xml?p=2</loc>" in index
    assert "/sitemap-publications.xml?p=3</loc>" in index
    assert "?p=4" not in index
    pages = [_locs(client.get("/sitemap-publications.xml", {"p": p}).content.decode()) for p in (1, 2, 3)]
    assert [len(urls) for urls in pages] == [2, 2, 1]
    assert len({u for urls in pages for u in urls}) == 5
    assert client.get("/sitemap-publications.xml", {"p": 4}).status_code == 404


def test_the_protocol_limit_is_respected():
    for sitemap in sitemaps.SITEMAPS.values():
        assert sitemap.limit <= 50_000


@pytest.mark.parametrize("path", ["/sitemap-nothing.xml", "/sitemap-people.xml?p=abc", "/sitemap-people.xml?p=0"])
def test_bad_section_or_page_is_a_404(client, lab, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("n", [1, 120])
def test_query_counts_do_not_grow_with_rows(client, lab, django_assert_max_num_queries, n):
    profiles = [f.ProfileFactory() for _ in range(n)]
    for profile in profiles:
        f.StatementFactory(profile=profile, visibility="public")
    Publication.objects.bulk_create(
        Publication(title=f"Paper {i}", citation_key=f"p{i}", year=2020) for i in range(n * 3)
    )
    # Index: 1 lab (context processor), then one aggregate (first and last keys, newest change) for each
    # of people, CVs, publications and statements.
    with django_assert_max_num_queries(5):
        assert client.get("/sitemap.xml").status_code == 200
    # A file: 1 lab, 2 the section's first and last keys and newest change, 3 its rows (a key range).
    for section, expected in [("people", n), ("cv", n), ("publications", n * 3), ("statements", n)]:
        with django_assert_max_num_queries(3):
            response = client.get(f"/sitemap-{section}.xml")
        assert len(_locs(response.content.decode())) == expected


def test_a_file_is_well_formed_xml_with_escaped_urls_and_last_modified(client, lab):
    from xml.etree import ElementTree

    f.ProfileFactory(slug="ada")
    pub = f.PublicationFactory(citation_key="a&b")
    # A row bulk-created without a slug is addressed by its key, which needs escaping in XML.
    type(pub).objects.filter(pk=pub.pk).update(slug=None)
    response = client.get("/sitemap-publications.xml")
    assert response["Content-Type"] == "application/xml"
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "Last-Modified" in response
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ElementTree.fromstring(response.content)
    (url,) = root.findall("s:url", ns)
    assert url.find("s:loc", ns).text == "http://testserver/publications/a&b/"
    assert url.find("s:lastmod", ns).text == pub.updated_at.date().isoformat()
    assert url.find("s:priority", ns).text == "0.5"
    assert url.find("s:changefreq", ns).text == "monthly"
    people = ElementTree.fromstring(client.get("/sitemap-people.xml").content)
    assert [u.find("s:loc", ns).text for u in people.findall("s:url", ns)] == ["http://testserver/people/ada/"]
    assert client.post("/sitemap-people.xml").status_code == 405


def test_files_are_key_ranges_and_a_new_paper_appears_in_the_last(client, lab, monkeypatch):
    monkeypatch.setattr(sitemaps.PublicationSitemap, "limit", 3)
    pubs = Publication.objects.bulk_create(
        Publication(title=f"Paper {i}", citation_key=f"p{i}", slug=f"p{i}", year=2020) for i in range(7)
    )
    pubs[1].delete()  # a gap: its file holds fewer URLs, the others do not move

    def files():
        index = client.get("/sitemap.xml").content.decode()
        locs = [loc.replace("http://testserver", "") for loc in _locs(index) if "publications" in loc]
        return [[u.rsplit("/", 2)[1] for u in _locs(client.get(loc).content.decode())] for loc in locs]

    assert files() == [["p0", "p2"], ["p3", "p4", "p5"], ["p6"]]
    f.PublicationFactory(citation_key="fresh")
    assert files() == [["p0", "p2"], ["p3", "p4", "p5"], ["p6", "fresh"]]
    assert client.get("/sitemap-publications.xml", {"p": 4}).status_code == 404
