import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from profiles import cache as page_cache
from profiles.models import Visibility
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


# --------------------------------------------------------------------------- page bodies
#
# The profile page, the CV and /publications/ keep their body (profiles/cache.py: bodies)
# per visibility level of the viewer, for signed-in users too. A body served from the
# cache runs none of the page's own reads: no query on the section tables.


def _get(client, url, data=None):
    """(response, whether the body was rendered now rather than read from the cache)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data)
    assert response.status_code == 200, url
    tables = ('"profiles_experience"', '"publications_authorship"')
    return response, any(table in q["sql"] for q in ctx.captured_queries for table in tables)


def _levels_profile(owner_profile):
    # Awards: on the profile page and on the CV.
    for title, visibility, draft in [
        ("Public prize", Visibility.PUBLIC, False),
        ("Members-only prize", Visibility.MEMBERS, False),
        ("Private prize", Visibility.PRIVATE, False),
        ("Draft prize", Visibility.PUBLIC, True),
    ]:
        f.AwardFactory(profile=owner_profile, title=title, visibility=visibility, draft=draft)
    f.ExperienceFactory(profile=owner_profile, organisation="Secret Org", visibility=Visibility.PRIVATE)
    f.AuthorshipFactory(profile=owner_profile, position=1, publication=f.PublicationFactory(title="Owned Paper"))


@pytest.mark.parametrize("page", ["", "cv/"])
def test_the_owners_body_never_reaches_visitors_or_members(client, lab, alice, bob, page):
    """Cache poisoning: the owner renders (and stores) the page first; a visitor and a member
    then each get their own level's body, never an item above it, and drafts reach nobody."""
    owner = alice.profile
    _levels_profile(owner)
    url = f"{owner.get_absolute_url()}{page}"
    client.force_login(alice)
    html = _get(client, url)[0].content.decode()
    assert "Private prize" in html
    assert "Secret Org" in html
    assert "Draft prize" not in html  # drafts only on the editing pages
    assert not _get(client, url)[1]  # the owner's level is kept
    client.logout()
    html = _get(client, url)[0].content.decode()
    assert "Public prize" in html
    for hidden in ("Members-only prize", "Private prize", "Secret Org", "Draft prize"):
        assert hidden not in html
    client.force_login(bob)
    html = _get(client, url)[0].content.decode()
    assert "Members-only prize" in html
    for hidden in ("Private prize", "Secret Org", "Draft prize"):
        assert hidden not in html


def test_a_member_gets_the_body_another_member_rendered(client, lab, alice, bob, settings):
    settings.PAGE_CACHE = False  # visitors too go through the body cache only
    profile = f.ProfileFactory()
    _levels_profile(profile)
    url = profile.get_absolute_url()
    client.force_login(alice)
    assert _get(client, url)[1]
    client.force_login(bob)
    second, rendered = _get(client, url)
    assert not rendered
    assert "Members-only prize" in second.content.decode()
    # The page around the body is bob's own: the signed-in header, not a cached copy of it.
    assert "My profile" in second.content.decode()
    client.logout()
    visitor, rendered = _get(client, url)
    assert rendered  # another level: its own body
    assert "Members-only prize" not in visitor.content.decode()
    assert "Sign in" in visitor.content.decode()
    assert not _get(client, url)[1]


@pytest.mark.parametrize("page", ["", "cv/"])
def test_an_edit_refreshes_that_profiles_body_and_leaves_another_cached(client, lab, alice, page):
    client.force_login(alice)  # signed in: no whole-page cache, only bodies
    edited, other = f.ProfileFactory(headline="Before"), f.ProfileFactory(headline="Untouched")
    edited_url, other_url = f"{edited.get_absolute_url()}{page}", f"{other.get_absolute_url()}{page}"
    for url in (edited_url, other_url):
        assert _get(client, url)[1]
        assert not _get(client, url)[1]
    edited.headline = "After"
    edited.save()
    response, rendered = _get(client, edited_url)
    assert rendered
    assert "After" in response.content.decode()
    assert not _get(client, other_url)[1]


def test_a_paper_edit_refreshes_the_bodies_of_the_pages_listing_it(client, lab, alice):
    client.force_login(alice)
    author = f.ProfileFactory()
    paper = f.AuthorshipFactory(
        profile=author, position=1, publication=f.PublicationFactory(title="Old Title")
    ).publication
    urls = [author.get_absolute_url(), f"{author.get_absolute_url()}cv/", "/publications/"]
    for url in urls:
        assert "Old Title" in _get(client, url)[0].content.decode()
    paper.title = "New Title"
    paper.save()
    for url in urls:
        html = _get(client, url)[0].content.decode()
        assert "New Title" in html, url
        assert "Old Title" not in html, url


def test_the_publication_list_body_is_kept_per_query_string_and_shared_by_every_viewer(client, lab, alice, settings):
    settings.PAGE_CACHE = False
    author = f.ProfileFactory()
    for year in (2001, 2002):
        f.AuthorshipFactory(
            profile=author, position=1, publication=f.PublicationFactory(title=f"Paper {year}", year=year)
        )
    html, rendered = _get(client, "/publications/", {"year": "2001"})
    assert rendered
    assert "Paper 2001" in html.content.decode()
    assert "Paper 2002" not in html.content.decode()
    other, rendered = _get(client, "/publications/", {"year": "2002"})
    assert rendered
    assert "Paper 2002" in other.content.decode()
    assert "Paper 2001" not in other.content.decode()
    client.force_login(alice)  # a member: the visitor's body, in a signed-in page
    member, rendered = _get(client, "/publications/", {"year": "2001"})
    assert not rendered
    assert "Paper 2001" in member.content.decode()
    assert "My profile" in member.content.decode()


@pytest.mark.parametrize("change", ["unpublish", "rename", "delete"])
def test_a_visitors_cached_body_goes_with_the_profile(client, lab, settings, change):
    """Visitors are served a stored body without the profile being read first: unpublishing,
    renaming or deleting the profile must make it unreachable at once."""
    settings.PAGE_CACHE = False
    profile = f.ProfileFactory(headline="Soon gone")
    url = profile.get_absolute_url()
    for page in ("", "cv/"):
        assert "Soon gone" in client.get(f"{url}{page}").content.decode()
        assert not _get(client, f"{url}{page}")[1]
    if change == "unpublish":
        profile.published = False
        profile.save()
    elif change == "rename":
        profile.slug = "a-new-address"
        profile.save()
    else:
        profile.delete()
    for page in ("", "cv/"):
        response = client.get(f"{url}{page}")
        assert response.status_code in (301, 404), page
        assert "Soon gone" not in response.content.decode()
