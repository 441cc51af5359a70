import re

import pytest

from profiles.models import Profile
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(lab):
    return {
        "pi": f.ProfileFactory(full_name="Elena Marchetti", role=Profile.Role.PI, interest_tags="Schedulers"),
        "phd": f.ProfileFactory(full_name="Aiko Nakamura", role=Profile.Role.PHD, interest_tags="KV caches"),
        "alum": f.ProfileFactory(
            full_name="Hugo Lefevre",
            status=Profile.Status.ALUMNI,
            left_on="2024",
            alumni_destination="Assistant Professor, ETH Zurich",
        ),
        "hidden": f.ProfileFactory(full_name="Secret Person", published=False),
    }


def test_members_grouped_by_role_alumni_on_their_own_page(client, people):
    html = client.get("/people/").content.decode()
    assert html.index("Principal investigators") < html.index("PhD students")
    assert "Schedulers" in html
    assert "Hugo Lefevre" not in html  # alumni are behind their own link
    assert 'href="/people/?status=alumni">Alumni (1)</a>' in html
    assert "Secret Person" not in html
    assert html.count("<h1") == 1

    alumni = client.get("/people/", {"status": "alumni"}).content.decode()
    assert "<h1>Alumni</h1>" in alumni
    assert "Hugo Lefevre" in alumni
    assert "Assistant Professor, ETH Zurich" in alumni
    assert "Elena Marchetti" not in alumni
    assert "Secret Person" not in alumni


@pytest.mark.parametrize(
    ("query", "found", "absent"),
    [
        ("aiko", "Aiko Nakamura", "Elena Marchetti"),
        ("kv cache", "Aiko Nakamura", "Elena Marchetti"),
        ("schedulers", "Elena Marchetti", "Aiko Nakamura"),
    ],
)
def test_search_matches_names_and_interests(client, people, query, found, absent):
    html = client.get("/people/", {"q": query}).content.decode()
    assert found in html
    assert absent not in html


def test_search_without_match_says_so(client, people):
    html = client.get("/people/", {"q": "zzz"}).content.decode()
    assert "No one matches" in html


def test_home_shows_lab_members_news_and_publications(client, people):
    f.NewsItemFactory(profile=people["pi"], body="We won **a prize**")
    pub = f.PublicationFactory(title="A Paper On Things")
    f.AuthorshipFactory(publication=pub, position=1, name="Elena Marchetti", profile=people["pi"])
    html = client.get("/").content.decode()
    assert "Systems Lab" in html
    assert "We build <strong>systems</strong>." in html
    assert "Elena Marchetti" in html
    assert "We won <strong>a prize</strong>" in html
    assert "A Paper On Things" in html
    assert "Secret Person" not in html


def _bulk_people(n, **fields):
    """`n` published profiles in one INSERT (names sort in creation order)."""
    start = Profile.objects.count()
    return Profile.objects.bulk_create(
        Profile(slug=f"person-{start + i:04d}", full_name=f"Person {start + i:04d}", **fields) for i in range(n)
    )


def _cards(html):
    return re.findall(r'<h3 class="card__name"><a href="/people/([^/]+)/">', html)


def test_role_filter_shows_one_group(client, people):
    html = client.get("/people/", {"role": "phd"}).content.decode()
    assert _cards(html) == [people["phd"].slug]
    assert 'aria-current="page">PhD students (1)</a>' in html
    # An unknown role is ignored, not an error.
    assert client.get("/people/", {"role": "wizard"}).status_code == 200


def test_directory_is_paginated_with_plain_links(client, lab):
    _bulk_people(2, role=Profile.Role.PI)
    _bulk_people(60, role=Profile.Role.PHD)
    first = client.get("/people/").content.decode()
    assert len(_cards(first)) == 48
    assert "1–48 of 62." in first
    assert 'href="?page=2" rel="next"' in first
    assert "(continued)" not in first
    second = client.get("/people/", {"page": 2}).content.decode()
    assert len(_cards(second)) == 14
    assert 'PhD students <span class="muted">(continued)</span>' in second
    assert 'href="?page=1" rel="prev"' in second
    assert not set(_cards(first)) & set(_cards(second))
    # Out-of-range or nonsense page numbers land on a real page, never an error.
    assert _cards(client.get("/people/", {"page": 99}).content.decode()) == _cards(second)
    assert _cards(client.get("/people/", {"page": "abc"}).content.decode()) == _cards(first)


def test_pages_keep_the_search_and_filters(client, lab):
    _bulk_people(50, role=Profile.Role.PHD, interest_tags="Compilers")
    _bulk_people(5, role=Profile.Role.PHD, interest_tags="Databases")
    html = client.get("/people/", {"q": "compilers", "role": "phd"}).content.decode()
    assert "50 people match “compilers” among PhD students." in html
    assert 'href="?q=compilers&amp;role=phd&amp;page=2" rel="next"' in html
    page2 = client.get("/people/", {"q": "compilers", "role": "phd", "page": 2}).content.decode()
    assert len(_cards(page2)) == 2


def test_alumni_newest_leavers_first_and_searchable(client, lab):
    Profile.objects.bulk_create(
        [
            Profile(slug="old", full_name="Old Timer", status="alumni", left_on="2015"),
            Profile(slug="new", full_name="New Leaver", status="alumni", left_on="2024-06"),
            Profile(slug="mid", full_name="Mid Way", status="alumni", left_on="2020"),
        ]
    )
    html = client.get("/people/", {"status": "alumni"}).content.decode()
    assert html.index("New Leaver") < html.index("Mid Way") < html.index("Old Timer")
    found = client.get("/people/", {"status": "alumni", "q": "timer"}).content.decode()
    assert "Old Timer" in found
    assert "New Leaver" not in found
    assert '<input type="hidden" name="status" value="alumni">' in found


@pytest.mark.parametrize("n", [1, 150])
@pytest.mark.parametrize(
    "params", [{}, {"q": "person"}, {"role": "postdoc", "page": "2"}, {"status": "alumni"}, {"page": "3"}]
)
def test_directory_query_count_does_not_grow(client, lab, django_assert_max_num_queries, n, params):
    _bulk_people(n, role=Profile.Role.PHD)
    _bulk_people(n, role=Profile.Role.POSTDOC)
    _bulk_people(n, status=Profile.Status.ALUMNI, left_on="2020")
    # 1 lab (context processor), 2 people per (status, role), 3 one page of people.
    with django_assert_max_num_queries(3):
        response = client.get("/people/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(_cards(html)) + html.count('<li><a href="/people/person-') <= 100
