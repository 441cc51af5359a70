import pytest

from profiles import cache as page_cache
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_anonymous_pages_are_cached_and_an_edit_shows_at_the_next_request(client, lab):
    profile = f.ProfileFactory(headline="Before")
    first = client.get(profile.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    second = client.get(profile.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    profile.headline = "After"
    profile.save()
    third = client.get(profile.get_absolute_url())
    assert "After" in third.content.decode()
    assert third["X-Page-Cache"] == "miss"


@pytest.mark.parametrize("edit", ["news", "highlight", "delivery", "authorship", "lab"])
def test_section_edits_invalidate(client, lab, edit):
    profile = f.ProfileFactory()
    client.get(profile.get_absolute_url())
    before = page_cache.generation()
    if edit == "news":
        f.NewsItemFactory(profile=profile)
    elif edit == "highlight":
        f.HighlightFactory(project=f.ProjectFactory(profile=profile))
    elif edit == "delivery":
        f.TalkDeliveryFactory(talk=f.TalkFactory(profile=profile))
    elif edit == "authorship":
        f.AuthorshipFactory(profile=profile, position=1)
    else:
        lab.name = "Renamed"
        lab.save()
    assert page_cache.generation() != before
    assert client.get(profile.get_absolute_url())["X-Page-Cache"] == "miss"


def test_deletes_invalidate(client, lab):
    item = f.NewsItemFactory(body="Going away")
    url = item.profile.get_absolute_url()
    assert "Going away" in client.get(url).content.decode()
    item.delete()
    assert "Going away" not in client.get(url).content.decode()


def test_logged_in_users_never_get_or_fill_the_cache(client, lab, alice):
    profile = f.ProfileFactory()
    anon_page = client.get(profile.get_absolute_url())
    assert anon_page["X-Page-Cache"] == "miss"
    client.force_login(alice)
    member_page = client.get(profile.get_absolute_url())
    assert "X-Page-Cache" not in member_page
    assert "My profile" in member_page.content.decode()
    client.logout()
    assert client.get(profile.get_absolute_url())["X-Page-Cache"] == "hit"


def test_logged_in_request_does_not_populate(client, lab, alice):
    profile = f.ProfileFactory()
    client.force_login(alice)
    client.get(profile.get_absolute_url())
    client.logout()
    assert client.get(profile.get_absolute_url())["X-Page-Cache"] == "miss"


def test_query_string_is_part_of_the_key(client, lab):
    f.ProfileFactory(full_name="Zed Zulu")
    assert "Zed Zulu" in client.get("/people/?q=zed").content.decode()
    assert "Zed Zulu" not in client.get("/people/?q=nobody").content.decode()


def test_share_links_are_never_cached(client, lab):
    st = f.StatementFactory(visibility="link", share_token="tok123")
    assert client.get("/s/tok123/").status_code == 200
    # Revoking through a queryset update fires no signal: the page must still vanish.
    type(st).objects.filter(pk=st.pk).update(share_token=None)
    assert client.get("/s/tok123/").status_code == 404


def test_a_page_cached_while_the_write_was_uncommitted_is_dropped_at_commit(
    client, lab, django_capture_on_commit_callbacks
):
    """Finding 2: the race between a write and a concurrent anonymous request.

    Inside the writer's transaction the generation is bumped at once; a request that read
    the old (still committed) rows in that window stores the old page under the new
    generation. The bump after commit must make that page unreachable.
    """
    profile = f.ProfileFactory(headline="Public")
    item = f.NewsItemFactory(profile=profile, body="Soon private")
    url = profile.get_absolute_url()
    stale = client.get(url)
    assert "Soon private" in stale.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        item.visibility = "private"
        item.save()
        # The concurrent reader: the page it rendered from the old rows lands in the cache
        # under the generation current *during* the transaction.
        request = client.get(url).wsgi_request
        from django.core.cache import cache

        cache.set(page_cache.page_key(request), (stale.content, stale["Content-Type"], {}), 600)
        assert "Soon private" in client.get(url).content.decode()  # served stale, until commit
    after = client.get(url)
    assert "Soon private" not in after.content.decode()
    assert after["X-Page-Cache"] == "miss"


def test_the_generation_never_returns_to_an_earlier_value(lab):
    seen = {page_cache.generation()}
    for _ in range(50):
        page_cache.bump_generation()
        gen = page_cache.generation()
        assert gen not in seen
        seen.add(gen)
