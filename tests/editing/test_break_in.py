"""Alice (a member) tries to change Bob's things by editing ids in URLs and POST bodies.

Every attempt must answer 403 or 404 and leave the database exactly as it was.
"""

import pytest
from django.test import Client

from profiles.editing import registry
from tests import factories as f
from tests.editing.conftest import login, snapshot

pytestmark = pytest.mark.django_db

FORBIDDEN = {403, 404}


def valid_data(key):
    """A POST body that would be a valid form for the section (so only the id is wrong)."""
    return {
        "links": {"kind": "github", "url": "https://github.com/alice"},
        "focus-themes": {"title": "Hijacked", "visibility": "public"},
        "news": {"body": "Hijacked", "visibility": "public"},
        "education": {"institution": "Hijacked U", "visibility": "public"},
        "experience": {"kind": "industry", "organisation": "Hijacked", "visibility": "public"},
        "experience-highlights": {"label": "Problem", "text": "Hijacked"},
        "experience-projects": {"title": "Hijacked", "visibility": "public"},
        "projects": {"title": "Hijacked", "visibility": "public"},
        "project-highlights": {"text": "Hijacked"},
        "open-source": {"project": "Hijacked", "visibility": "public"},
        "open-source-highlights": {"text": "Hijacked"},
        "sub-highlights": {"text": "Hijacked"},
        "talks": {"title": "Hijacked", "visibility": "public"},
        "talk-deliveries": {"event": "Hijacked"},
        "service": {"role": "reviewer", "venue": "Hijacked", "visibility": "public"},
        "awards": {"title": "Hijacked", "visibility": "public"},
        "press": {"outlet": "X", "title": "Hijacked", "visibility": "public"},
        "skills": {"category": "skill", "name": "Hijacked", "visibility": "public"},
        "statements": {"kind": "research", "title": "Hijacked", "body": "x", "visibility": "public"},
    }[key]


def assert_refused(client, method, url, data=None):
    before = snapshot()
    response = client.get(url) if method == "get" else client.post(url, data or {})
    assert response.status_code in FORBIDDEN, (method, url, response.status_code)
    assert snapshot() == before, (method, url)


@pytest.mark.parametrize("key", [s.key for s in registry.SECTIONS])
def test_alice_cannot_touch_bobs_section_items(alice, bob_items, key):
    client = login(alice)
    item = bob_items[key]
    base = f"/me/sections/{key}/{item.pk}"
    history_id = item.history.first().history_id
    assert_refused(client, "get", f"{base}/")
    assert_refused(client, "post", f"{base}/", valid_data(key))
    assert_refused(client, "get", f"{base}/delete/")
    assert_refused(client, "post", f"{base}/delete/")
    assert_refused(client, "post", f"{base}/move/", {"direction": "up"})
    assert_refused(client, "get", f"{base}/history/")
    assert_refused(client, "post", f"{base}/history/{history_id}/restore/")


@pytest.mark.parametrize("key", [s.key for s in registry.SECTIONS if s.parent_model])
def test_alice_cannot_add_into_bobs_items_through_the_parent_id(alice, bob_items, key):
    """The hidden `parent` field names one of Bob's items: refused, nothing created."""
    client = login(alice)
    section = registry.get(key)
    parent = next(
        item
        for item in bob_items.values()
        if type(item) is section.parent_model
        and registry.section_for(item)
        and all(
            (getattr(item, k.removesuffix("__isnull") + "_id") is None) == v for k, v in section.parent_lookups.items()
        )
    )
    assert_refused(client, "get", f"/me/sections/{key}/add/?parent={parent.pk}")
    assert_refused(client, "post", f"/me/sections/{key}/add/", {**valid_data(key), "parent": parent.pk})
    # Missing or junk parent ids are refused too.
    assert_refused(client, "post", f"/me/sections/{key}/add/", {**valid_data(key), "parent": "x"})
    assert_refused(client, "post", f"/me/sections/{key}/add/", valid_data(key))


def test_a_profile_id_in_the_body_is_ignored(alice, bob):
    """Extra `profile`/`profile_id` fields never move an item to someone else's profile."""
    client = login(alice)
    bob_before = snapshot()["profiles.NewsItem"]
    response = client.post(
        "/me/sections/news/add/",
        {"body": "Mine", "visibility": "public", "profile": bob.profile.pk, "profile_id": bob.profile.pk},
    )
    assert response.status_code == 302
    assert list(alice.profile.news.values_list("body", flat=True)) == ["Mine"]
    assert not bob.profile.news.exists()
    assert bob_before == []


def test_related_choices_are_scoped_to_the_own_profile(alice, bob_items):
    client = login(alice)
    assert_refused(
        client,
        "post",
        "/me/sections/press/add/",
        {
            **valid_data("press"),
            "publication": bob_items["publication"].pk,
        },
    )
    assert_refused(
        client,
        "post",
        "/me/sections/press/add/",
        {
            **valid_data("press"),
            "project": bob_items["projects"].pk,
        },
    )
    assert_refused(
        client,
        "post",
        "/me/sections/projects/add/",
        {
            **valid_data("projects"),
            "related_publications": [bob_items["publication"].pk],
        },
    )


def test_alice_cannot_open_bobs_editing_pages_by_slug(alice, bob_items):
    client = login(alice)
    slug = bob_items["statements"].profile.slug
    for path in [
        "",
        "identity/",
        "about/",
        "avatar/",
        "history/",
        "publications/",
        "publications/add/",
        "visitor-view/",
        "sections/news/",
        "sections/news/add/",
        f"sections/news/{bob_items['news'].pk}/",
    ]:
        assert_refused(client, "get", f"/me/profiles/{slug}/{path}")
    assert_refused(client, "post", f"/me/profiles/{slug}/identity/", {"full_name": "Hijacked"})
    assert_refused(client, "post", f"/me/profiles/{slug}/about/", {"short_bio": "Hijacked"})
    assert_refused(client, "post", f"/me/profiles/{slug}/sections/news/add/", valid_data("news"))
    assert_refused(client, "post", f"/me/profiles/{slug}/sections/news/{bob_items['news'].pk}/delete/")


def test_alice_cannot_restore_bobs_profile_history_into_hers(alice, bob_items):
    client = login(alice)
    bob_profile = bob_items["news"].profile
    history_id = bob_profile.history.first().history_id
    assert_refused(client, "post", f"/me/history/{history_id}/restore/")


def test_alice_cannot_share_or_revoke_bobs_statement(alice, bob_items):
    client = login(alice)
    statement = bob_items["statements"]
    statement.create_share_token()
    statement.save()
    assert_refused(client, "post", f"/me/statements/{statement.pk}/share/")
    assert_refused(client, "post", f"/me/statements/{statement.pk}/unshare/")


def test_alice_cannot_edit_bobs_publication_or_authorship(alice, bob_items):
    client = login(alice)
    publication, authorship = bob_items["publication"], bob_items["authorship"]
    assert_refused(client, "get", f"/me/publications/{publication.pk}/")
    assert_refused(client, "post", f"/me/publications/{publication.pk}/", {"title": "Hijacked"})
    assert_refused(client, "post", f"/me/authorships/{authorship.pk}/unlink/")
    assert_refused(client, "post", f"/me/authorships/{authorship.pk}/select/", {"selected": "1"})
    # Bob's row is linked already: it cannot be claimed by changing the id.
    assert_refused(client, "post", f"/me/authorships/{authorship.pk}/claim/")


def test_alice_cannot_claim_an_author_row_with_someone_elses_name(alice):
    other = f.AuthorshipFactory(name="Carol Example", position=1)
    client = login(alice)
    assert_refused(client, "post", f"/me/authorships/{other.pk}/claim/")


def test_alice_cannot_relink_an_authorship_of_another_paper_through_the_formset(alice, bob_items):
    """A hidden author-row id of Bob's paper in the formset of Alice's own paper."""
    mine = f.PublicationFactory(title="Alice's paper")
    f.AuthorshipFactory(publication=mine, name="Alice Liddell", profile=alice.profile, position=1)
    client = login(alice)
    data = {
        "kind": "conference",
        "title": "Alice's paper",
        "version": "",
        "authors-TOTAL_FORMS": "2",
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "1000",
        "authors-0-name": "Alice Liddell",
        "authors-0-is_self": "on",
        "authors-0-ORDER": "1",
        "authors-1-name": "Bob Builder",
        "authors-1-id": str(bob_items["authorship"].pk),
        "authors-1-ORDER": "2",
    }
    assert_refused(client, "post", f"/me/publications/{mine.pk}/", data)


def test_members_do_not_get_the_lab_pages(alice, bob_items):
    from profiles.models import Invitation

    bob_profile = bob_items["news"].profile
    invitation = Invitation.objects.create(
        email="x@example.org",
        profile=f.ProfileFactory(),
        token_hash="h" * 64,
        expires_at="2999-01-01T00:00:00Z",
    )
    client = login(alice)
    assert_refused(client, "get", "/me/lab/")
    assert_refused(client, "get", "/me/lab/invite/")
    assert_refused(client, "post", "/me/lab/invite/", {"email": "evil@example.org", "full_name": "Evil"})
    assert_refused(
        client,
        "post",
        f"/me/lab/members/{bob_profile.slug}/",
        {f"m{bob_profile.pk}-role": "pi", f"m{bob_profile.pk}-status": "current"},
    )
    assert_refused(
        client,
        "post",
        f"/me/lab/members/{alice.profile.slug}/",
        {
            f"m{alice.profile.pk}-role": "pi",
            f"m{alice.profile.pk}-status": "current",
            f"m{alice.profile.pk}-published": "on",
        },
    )
    assert_refused(
        client, "post", "/me/lab/merge/", {"source": bob_profile.slug, "target": alice.profile.slug, "confirm": "on"}
    )
    assert_refused(client, "post", f"/me/lab/invitations/{invitation.pk}/resend/")
    assert_refused(client, "post", f"/me/lab/invitations/{invitation.pk}/revoke/")


def test_visitors_are_sent_to_the_login_page(bob_items):
    client = Client()
    item = bob_items["news"]
    for url in [
        "/me/",
        "/me/identity/",
        f"/me/sections/news/{item.pk}/",
        "/me/lab/",
        f"/me/profiles/{item.profile.slug}/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    before = snapshot()
    client.post(f"/me/sections/news/{item.pk}/delete/")
    client.post("/me/preview/markdown/", {"text": "x"})
    assert snapshot() == before


def test_a_user_without_a_profile_gets_no_editing_pages(db):
    user = f.UserFactory(username="loner")
    client = login(user)
    assert client.get("/me/").status_code == 404
    assert client.post("/me/preview/markdown/", {"text": "x"}).status_code == 403
