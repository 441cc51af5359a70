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


@pytest.mark.parametrize("edit", ["news", "highlight", "delivery", "authorship", "link", "statement"])
def test_an_edit_refreshes_that_profile_and_leaves_another_profile_cached(client, lab, edit):
    """Fine-grained invalidation: a change to one person's page empties only their pages."""
    profile = f.ProfileFactory()
    other = f.ProfileFactory()
    client.get(profile.get_absolute_url())
    client.get(other.get_absolute_url())
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"
    if edit == "news":
        f.NewsItemFactory(profile=profile)
    elif edit == "highlight":
        f.HighlightFactory(project=f.ProjectFactory(profile=profile))
    elif edit == "delivery":
        f.TalkDeliveryFactory(talk=f.TalkFactory(profile=profile))
    elif edit == "authorship":
        f.AuthorshipFactory(profile=profile, position=1)
    elif edit == "link":
        f.ProfileLinkFactory(profile=profile)
    else:
        f.StatementFactory(profile=profile)
    assert client.get(profile.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"


def test_an_edit_to_one_profile_keeps_other_profiles_pages_and_refreshes_its_own(client, lab):
    edited = f.ProfileFactory(headline="Before")
    other = f.ProfileFactory(headline="Untouched")
    urls = [other.get_absolute_url(), f"{other.get_absolute_url()}cv/", f"{other.get_absolute_url()}publications/"]
    for url in [edited.get_absolute_url(), *urls]:
        assert client.get(url)["X-Page-Cache"] == "miss"
    edited.headline = "After"
    edited.save()
    fresh = client.get(edited.get_absolute_url())
    assert fresh["X-Page-Cache"] == "miss"
    assert "After" in fresh.content.decode()
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "hit", url
    # The directory lists the edited person: it is refreshed too.
    assert "After" in client.get("/people/").content.decode()


def test_a_paper_edit_refreshes_its_authors_pages_and_its_own_page_only(client, lab):
    author = f.ProfileFactory()
    bystander = f.ProfileFactory()
    paper = f.AuthorshipFactory(profile=author, position=1).publication
    pages = [author.get_absolute_url(), paper.get_absolute_url(), "/publications/", bystander.get_absolute_url()]
    for url in pages:
        client.get(url)
    paper.title = "A Retitled Paper"
    paper.save()
    for url in pages[:3]:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert "A Retitled Paper" in response.content.decode(), url
    assert client.get(bystander.get_absolute_url())["X-Page-Cache"] == "hit"


def test_unpublishing_a_coauthor_removes_their_link_from_every_cached_page(client, lab):
    """A profile unpublished (or renamed in its URL) changes author links on others' pages."""
    author = f.ProfileFactory()
    coauthor = f.ProfileFactory(full_name="Carol Coauthor")
    paper = f.AuthorshipFactory(profile=author, position=1).publication
    f.AuthorshipFactory(publication=paper, profile=coauthor, name="Carol Coauthor", position=2)
    link = f'href="{coauthor.get_absolute_url()}"'
    assert link in client.get(author.get_absolute_url()).content.decode()
    coauthor.published = False
    coauthor.save()
    response = client.get(author.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert link not in response.content.decode()
    assert client.get(coauthor.get_absolute_url()).status_code == 404


def test_a_paper_moved_to_another_member_leaves_the_first_members_page(client, lab):
    first, second = f.ProfileFactory(), f.ProfileFactory()
    authorship = f.AuthorshipFactory(profile=first, position=1, publication=f.PublicationFactory(title="Moving Paper"))
    assert "Moving Paper" in client.get(first.get_absolute_url()).content.decode()
    authorship.profile = second
    authorship.save()
    assert "Moving Paper" not in client.get(first.get_absolute_url()).content.decode()
    assert "Moving Paper" in client.get(second.get_absolute_url()).content.decode()


def test_lab_edits_invalidate_everything(client, lab):
    profile = f.ProfileFactory()
    client.get(profile.get_absolute_url())
    before = page_cache.generation()
    lab.name = "Renamed Lab"
    lab.save()
    assert page_cache.generation() != before
    response = client.get(profile.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Renamed Lab" in response.content.decode()


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
