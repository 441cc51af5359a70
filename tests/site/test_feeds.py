import pytest

from profiles import models as pm
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(lab):
    profile = f.ProfileFactory(full_name="Aiko Nakamura", slug="aiko")
    f.NewsItemFactory(profile=profile, body="Public **news**", date="2025-05")
    f.NewsItemFactory(profile=profile, body="Members news", visibility=pm.Visibility.MEMBERS)
    hidden = f.ProfileFactory(published=False)
    f.NewsItemFactory(profile=hidden, body="Unpublished person news")
    pub = f.PublicationFactory(title="KVTier", citation_key="kvtier")
    f.AuthorshipFactory(publication=pub, position=1, name="Aiko Nakamura", profile=profile)
    return profile


@pytest.mark.parametrize("url", ["/feeds/news.atom", "/feeds/publications.atom", "/people/aiko/feed.atom"])
def test_feeds_are_atom_and_public_only(client, member, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.startswith("<?xml")
    assert "<feed" in body
    assert "Members news" not in body
    assert "Unpublished person news" not in body


def test_news_feed_content(client, member):
    body = client.get("/feeds/news.atom").content.decode()
    assert "Aiko Nakamura: Public news" in body


def test_member_feed_has_news_and_publications(client, member, bob):
    client.force_login(bob)  # a member asking still gets the public feed
    body = client.get("/people/aiko/feed.atom").content.decode()
    assert "KVTier" in body
    assert "Public news" in body
    assert "Members news" not in body


def test_feed_of_unpublished_member_is_404(client, lab):
    f.ProfileFactory(slug="ghost", published=False)
    assert client.get("/people/ghost/feed.atom").status_code == 404


@pytest.mark.parametrize("n", [1, 60])
def test_feeds_are_windowed_with_a_fixed_number_of_queries(client, lab, django_assert_max_num_queries, n):
    from profiles.site.feeds import FEED_LENGTH
    from tests.site.conftest import build_profile

    build_profile(slug="prolific", n_publications=n, n_items=n)  # n news items, n linked papers
    # news: 1 the lab (feed title), 2 the newest news items.
    # publications: 1 the lab, 2 the newest papers, 3 their authors.
    # a member's: 1 the member, 2 their newest news, 3 their newest papers, 4 those papers' authors.
    for url, queries, items in [
        ("/feeds/news.atom", 2, min(n, FEED_LENGTH)),
        ("/feeds/publications.atom", 3, min(n, FEED_LENGTH)),
        ("/people/prolific/feed.atom", 4, min(2 * n, FEED_LENGTH)),
    ]:
        with django_assert_max_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("<entry>") == items, url
