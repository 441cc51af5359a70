"""/publications/ and a member's publication list come a page at a time, with plain links
that keep the filters and the search (no JavaScript), and facets with their counts."""

import re

import pytest

from profiles import selectors as profile_selectors
from publications import selectors
from publications.models import Authorship, Publication
from tests import factories as f
from tests.site.conftest import build_profile

pytestmark = pytest.mark.django_db


def links(html, rel):
    return [a.replace("&amp;", "&") for a in re.findall(rf'<a href="([^"]*)" rel="{rel}">', html)]


def keys(html):
    return re.findall(r'<li class="pub" id="pub-([^"]+)">', html)


def test_list_pages_keep_filters_and_search(client, lab, settings):
    build_profile(n_publications=130, n_items=0)  # papers "Paper 0".."Paper 129", years 2000..2024
    html = client.get("/publications/", {"type": "conference", "q": "paper"}).content.decode()
    assert len(keys(html)) == selectors.PUBLICATIONS_PAGE_SIZE
    assert "130 publications match “paper”" in html
    (next_url,) = links(html, "next")
    assert "type=conference" in next_url
    assert "q=paper" in next_url
    assert "page=2" in next_url
    assert next_url.startswith("?")  # relative to the page: /publications/?…
    second = client.get("/publications/" + next_url).content.decode()
    (prev_url,) = links(second, "prev")
    assert "type=conference" in prev_url
    assert "q=paper" in prev_url
    third = client.get("/publications/" + links(second, "next")[0]).content.decode()
    assert not links(third, "next")
    seen = keys(html) + keys(second) + keys(third)
    assert len(seen) == len(set(seen)) == 130


def test_pages_in_list_order_without_a_search(client, lab):
    build_profile(n_publications=120, n_items=0)
    first = client.get("/publications/").content.decode()
    assert "120 publications" in first
    assert "1–50 shown" in first
    assert first.index(">2024</h2>") < first.index(">2023</h2>")
    last = client.get("/publications/", {"page": 3}).content.decode()
    assert "101–120 shown" in last
    assert ">2000</h2>" in last
    # A page past the end shows the last one; a bad page number the first (never a 500).
    assert client.get("/publications/", {"page": 99}).status_code == 200
    assert client.get("/publications/", {"page": "x"}).status_code == 200


# Committed writes, as in production: on PostgreSQL the catalogue version changes once per
# transaction (and a test is otherwise one transaction).
@pytest.mark.django_db(transaction=True)
def test_facets_show_counts_and_follow_every_writer(client, lab):
    member = build_profile(n_publications=3, n_items=0, full_name="Ada Lovelace")
    html = client.get("/publications/").content.decode()
    assert ">Ada Lovelace (3)</option>" in html
    assert ">Conference paper (3)</option>" in html
    # The bulk import writes with bulk_create (no signals): the facets follow all the same.
    pub = Publication.objects.bulk_create([Publication(title="Thesis", citation_key="t1", kind="thesis", year=1999)])[0]
    Authorship.objects.bulk_create([Authorship(publication=pub, position=1, name="Ada", profile=member)])
    html = client.get("/publications/", {"type": "thesis"}).content.decode()
    assert ">Thesis (1)</option>" in html
    assert ">1999 (1)</option>" in html
    assert ">Ada Lovelace (4)</option>" in html
    assert "1 publication match" in html


@pytest.mark.django_db(transaction=True)
def test_facets_are_cached_until_the_catalogue_changes(lab, django_assert_num_queries):
    build_profile(n_publications=2, n_items=0)
    selectors.publication_facets()
    with django_assert_num_queries(1):  # the catalogue version only
        assert selectors.publication_facets().total == 2
    f.PublicationFactory()
    assert selectors.publication_facets().total == 3


@pytest.mark.django_db(transaction=True)
def test_facets_are_counted_once_per_change_even_without_a_cache(lab, settings, django_assert_num_queries):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    build_profile(n_publications=2, n_items=0)
    selectors.publication_facets()
    with django_assert_num_queries(1):  # the catalogue stamp with the facets stored under it
        assert selectors.publication_facets().total == 2
    f.PublicationFactory()
    assert selectors.publication_facets().total == 3


def test_member_publications_are_paginated(client, lab):
    profile = build_profile(n_publications=150, n_items=0)
    html = client.get(f"/people/{profile.slug}/publications/").content.decode()
    assert len(keys(html)) == profile_selectors.MEMBER_PUBLICATIONS_PAGE_SIZE
    assert "150 publications (1–100 shown)" in html
    rest = client.get(f"/people/{profile.slug}/publications/" + links(html, "next")[0]).content.decode()
    assert len(keys(rest)) == 50


def test_profile_page_reads_a_bounded_number_of_papers(client, lab, django_assert_max_num_queries):
    profile = build_profile(n_publications=300, n_items=0)  # all 300 "selected"
    page = profile_selectors.profile_page(None, profile.slug)
    assert page.publication_count == 300
    assert len(page.publications) == profile_selectors.MAX_SELECTED_ON_PROFILE
    html = client.get(profile.get_absolute_url()).content.decode()
    assert "All 300 publications" in html


@pytest.mark.parametrize("params", [{}, {"year": "2001"}, {"type": "journal"}, {"q": "paper"}])
def test_deep_pages_show_the_rows_of_the_plain_ordered_query(client, lab, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pubs = Publication.objects.bulk_create(
        Publication(
            title=f"Paper {i % 7}",  # many equal titles in one year and month: the pk decides
            citation_key=f"k{i:03d}",
            slug=f"k{i:03d}",
            kind="journal" if i % 2 else "conference",
            year=None if i % 13 == 0 else 2000 + i % 5,
            month=None if i % 3 == 0 else 1 + i % 12,
        )
        for i in range(260)
    )
    Authorship.objects.bulk_create(Authorship(publication=p, position=1, name="Ada Lovelace") for p in pubs)
    filters = selectors.PublicationFilters.from_query(params)
    expected = list(selectors.filtered_publications(filters).values_list("slug", flat=True))
    size = selectors.PUBLICATIONS_PAGE_SIZE
    for number in range(1, len(expected) // size + 2):
        with CaptureQueriesContext(connection) as ctx:
            html = client.get("/publications/", {**params, "page": number}).content.decode()
        assert keys(html) == expected[(number - 1) * size : number * size], number
        if number > 1:
            (sql,) = [q["sql"] for q in ctx.captured_queries if '"abstract"' in q["sql"]]
            assert "OFFSET" in sql.split("IN (SELECT", 1)[1]  # only the page's ids are read past


def pager_numbers(html):
    pager = html.split('<nav class="pagination"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r"<li(?: aria-hidden=\"true\")?>(?:<a [^>]*>)?(?:<strong>)?([0-9]+|…)", pager)


def test_the_pager_links_the_ends_and_the_neighbours_of_the_current_page(client, lab, monkeypatch):
    publication_page = selectors.publication_page
    monkeypatch.setattr(selectors, "publication_page", lambda filters, number: publication_page(filters, number, 2))
    build_profile(n_publications=40, n_items=0)  # 20 pages
    html = client.get("/publications/", {"page": 10}).content.decode()
    assert pager_numbers(html) == ["1", "…", "8", "9", "10", "11", "12", "…", "20"]
    assert '<a href="?page=10" aria-current="page"><strong>10</strong>' in html
    assert pager_numbers(client.get("/publications/", {"page": 2}).content.decode()) == [
        "1", "2", "3", "4", "…", "20",
    ]  # fmt: skip


def test_a_department_of_many_members_offers_those_with_most_papers_and_keeps_the_chosen(client, lab, monkeypatch):
    monkeypatch.setattr(selectors, "MEMBER_CHOICES", 2)
    people = [f.ProfileFactory(full_name=name) for name in ["Ada Ample", "Bo Busy", "Cy Casual", "Di Driven"]]
    for person, papers in zip(people, [3, 2, 1, 4], strict=True):
        for i in range(papers):
            pub = f.PublicationFactory(title=f"{person.full_name} paper {i}")
            Authorship.objects.create(publication=pub, position=1, name=person.full_name, profile=person)
    selectors.forget_facets()

    def options(html):
        menu = html.split('id="f-member"', 1)[1].split("</select>", 1)[0]
        return re.findall(r'<option value="([^"]*)"', menu)

    html = client.get("/publications/").content.decode()
    assert options(html) == ["", people[0].slug, people[3].slug]  # by name: the two with most papers
    assert "The 2 members with the most papers" in html
    chosen = client.get("/publications/", {"member": people[2].slug}).content.decode()
    assert options(chosen) == ["", people[0].slug, people[2].slug, people[3].slug]
    assert f'<option value="{people[2].slug}" selected>' in chosen
    assert "Cy Casual paper 0" in chosen


def test_a_lab_of_a_few_members_offers_everyone(client, lab):
    people = [f.ProfileFactory(full_name=name) for name in ["Ada Ample", "Bo Busy"]]
    for person in people:
        Authorship.objects.create(publication=f.PublicationFactory(), position=1, name=person.full_name, profile=person)
    selectors.forget_facets()
    html = client.get("/publications/").content.decode()
    assert all(f'<option value="{p.slug}"' in html for p in people)
    assert "members with the most papers" not in html
