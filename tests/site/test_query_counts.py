"""Each page runs a fixed number of queries, whatever the amount of content."""

import pytest

from tests.site.conftest import build_profile

pytestmark = pytest.mark.django_db

SIZES = [(1, 1), (300, 50)]  # (publications, items per section)


@pytest.mark.parametrize(("n_pubs", "n_items"), SIZES)
def test_profile_page(client, lab, django_assert_max_num_queries, n_pubs, n_items):
    profile = build_profile(n_publications=n_pubs, n_items=n_items)
    # 1 lab (context processor), 2 profile, 3 links+focus+news+education+service+awards+press+skills
    # (one UNION ALL), 4 experience, 5 open source, 6 projects with related publications,
    # 7 highlights, 8 talks with deliveries, 9 the member's publications, 10 their authors,
    # 11 statements.
    with django_assert_max_num_queries(11):
        response = client.get(profile.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize(("n_pubs", "n_items"), SIZES)
def test_cv_page(client, lab, django_assert_max_num_queries, n_pubs, n_items):
    profile = build_profile(n_publications=n_pubs, n_items=n_items)
    # The profile page's 11 (all publications instead of the selected ones).
    with django_assert_max_num_queries(11) as ctx:
        response = client.get(f"/people/{profile.slug}/cv/")
    assert response.content.decode().count('class="cv-row cv-pub"') == n_pubs
    # The papers are read without their abstracts (a CV never shows them).
    (papers,) = [q["sql"] for q in ctx.captured_queries if 'FROM "publications_publication"' in q["sql"]]
    assert '"venue"' in papers
    assert '"abstract"' not in papers


@pytest.mark.parametrize(("n_pubs", "n_items"), SIZES)
def test_member_publications_page(client, lab, django_assert_max_num_queries, n_pubs, n_items):
    profile = build_profile(n_publications=n_pubs, n_items=0)
    # 1 lab, 2 profile, 3 count, 4 one page of publications, 5 their authors.
    with django_assert_max_num_queries(5):
        html = client.get(f"/people/{profile.slug}/publications/", {"page": 2 if n_pubs > 100 else 1}).content
    assert html.decode().count('class="pub"') <= 100


@pytest.mark.parametrize(("n_pubs", "n_items"), SIZES)
@pytest.mark.parametrize(
    "params", [{}, {"year": "2001"}, {"type": "conference", "page": "2"}, {"q": "paper"}, {"q": "coauthor 3"}]
)
def test_publication_list(client, lab, django_assert_max_num_queries, n_pubs, n_items, params):
    member = build_profile(n_publications=n_pubs, n_items=0)
    # Cold facets: 1 lab, 2 catalogue stamp and stored facets, 3 papers per (year, kind),
    # 4 members with their papers, 5 store them, 6 count (only with a search or a member:
    # the facets give the others; on PostgreSQL the search's own, which also decides between
    # full text and trigrams), 7 one page of publications (a deep page: its ids in a
    # sub-select), 8 their authors.
    with django_assert_max_num_queries(8):
        assert client.get("/publications/", params).status_code == 200
    # Warm (another visitor, the same catalogue): this process holds the facets of this stamp.
    with django_assert_max_num_queries(5):
        assert client.get("/publications/", {**params, "member": member.slug}).status_code == 200


@pytest.mark.parametrize("n_people", [1, 40])
def test_directory_and_home(client, lab, django_assert_max_num_queries, n_people):
    for _ in range(n_people):
        build_profile(n_publications=1, n_items=1)
    # Directory: 1 lab, 2 people per (status, role) for the group links and the pager, 3 one page of people.
    with django_assert_max_num_queries(3):
        assert client.get("/people/?q=member").status_code == 200
    # Home: 1 lab, 2 members per role, 3 the few members shown, 4 news, 5 publications, 6 their authors.
    with django_assert_max_num_queries(6):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("n_people", [1, 60])
def test_home_is_windowed(client, lab, django_assert_max_num_queries, n_people):
    """Home shows a few members, news and papers, and links to the rest, whatever the lab's size."""
    from profiles.selectors import MEMBERS_ON_HOME
    from publications.selectors import LATEST_ON_HOME

    for _ in range(n_people):
        build_profile(n_publications=1, n_items=1)
    # 1 lab, 2 members per role, 3 the few members shown, 4 news, 5 publications, 6 their authors.
    with django_assert_max_num_queries(6):
        response = client.get("/")
    page = response.content.decode()
    members = page.split('id="members-h"')[1].split("</section>")[0]
    assert members.count("<li>") == min(n_people, MEMBERS_ON_HOME)
    assert page.count('class="pub"') == min(n_people, LATEST_ON_HOME)
    if n_people > MEMBERS_ON_HOME:
        assert f"All {n_people} members" in members
        assert f"PhD students ({n_people})" in members


def test_publication_detail(client, lab, django_assert_max_num_queries):
    profile = build_profile(n_publications=3, n_items=0)
    pub = profile.authorships.first().publication
    # 1 lab, 2 publication, 3 authors.
    with django_assert_max_num_queries(3):
        assert client.get(pub.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(("n_pubs", "n_items"), SIZES)
def test_cached_bodies_for_a_signed_in_member(client, lab, alice, django_assert_max_num_queries, n_pubs, n_items):
    """A member after another member: the profile page, the CV and /publications/ from their
    cached bodies (profiles/cache.py), whatever their size."""
    profile = build_profile(n_publications=n_pubs, n_items=n_items)
    client.force_login(alice)
    for url in (profile.get_absolute_url(), f"/people/{profile.slug}/cv/", "/publications/?page=2"):
        client.get(url)
        # 1 session, 2 user, 3 the profile (404 or not), 4 the member's own profile (their
        # level), 5 their lab-admin group, 6 lab; /publications/ only 1, 2 and 6.
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize(("n_pubs", "n_items"), SIZES)
def test_cached_bodies_for_a_visitor(client, lab, settings, django_assert_max_num_queries, n_pubs, n_items):
    settings.PAGE_CACHE = False  # the whole-page cache would answer before the view
    profile = build_profile(n_publications=n_pubs, n_items=n_items)
    for url in (profile.get_absolute_url(), f"/people/{profile.slug}/cv/", "/publications/"):
        client.get(url)
        with django_assert_max_num_queries(1):  # the lab (context processor): not even the profile
            assert client.get(url).status_code == 200
