"""/api/v1/profiles/ and /api/v1/profiles/<slug>/: who sees which profile and which items."""

import pytest

from profiles.models import Profile, Visibility
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = "/api/v1/profiles/"


def detail(slug):
    return f"/api/v1/profiles/{slug}/"


@pytest.fixture
def hidden(db):
    return f.ProfileFactory(full_name="Hidden Person", slug="hidden-person", published=False)


@pytest.fixture
def sections(alice):
    """Alice has one item per visibility level in several sections."""
    p = alice.profile
    items = {}
    for level in Visibility.values:
        items[level] = {
            "news": f.NewsItemFactory(profile=p, body=f"news-{level}", visibility=level),
            "award": f.AwardFactory(profile=p, title=f"award-{level}", visibility=level),
            "experience": f.ExperienceFactory(profile=p, organisation=f"org-{level}", visibility=level),
            "talk": f.TalkFactory(profile=p, title=f"talk-{level}", visibility=level),
        }
    exp = items["public"]["experience"]
    inner_public = f.ProjectFactory(profile=p, experience=exp, title="inner-public")
    f.HighlightFactory(project=inner_public, label="Problem", text="inner-highlight")
    # A public project inside a private position stays hidden with it.
    f.ProjectFactory(profile=p, experience=items["private"]["experience"], title="inner-of-private")
    f.ProjectFactory(profile=p, title="standalone-private", visibility=Visibility.PRIVATE)
    top = f.HighlightFactory(project=None, experience=exp, label="Key idea", text="exp-highlight")
    f.HighlightFactory(project=None, experience=exp, parent=top, label="", text="sub-bullet")
    f.TalkDeliveryFactory(talk=items["public"]["talk"], event="PyCon")
    f.ProfileLinkFactory(profile=p)
    return items


def _texts(data):
    return repr(data)


# --- list ----------------------------------------------------------------------------------


def test_list_anonymous_sees_published_profiles_only(client_for, alice, bob, hidden):
    response = client_for(None).get(LIST)
    assert response.status_code == 200
    slugs = [row["slug"] for row in response.json()["results"]]
    assert set(slugs) == {"alice-liddell", "bob-builder"}


def test_list_member_sees_own_unpublished_profile_but_not_others(client_for, alice, bob, hidden):
    Profile.objects.filter(pk=alice.profile.pk).update(published=False)
    slugs = {row["slug"] for row in client_for(alice).get(LIST).json()["results"]}
    assert slugs == {"alice-liddell", "bob-builder"}
    slugs = {row["slug"] for row in client_for(bob).get(LIST).json()["results"]}
    assert slugs == {"bob-builder"}


def test_list_lab_admin_sees_every_profile(client_for, admin, alice, hidden):
    slugs = {row["slug"] for row in client_for(admin).get(LIST).json()["results"]}
    assert slugs == {"alice-liddell", "hidden-person"}


def test_list_filters_and_search(client_for, alice, bob):
    Profile.objects.filter(pk=bob.profile.pk).update(
        role=Profile.Role.POSTDOC, status=Profile.Status.ALUMNI, interest_tags="Databases"
    )
    client = client_for(None)
    assert [r["slug"] for r in client.get(LIST, {"role": "postdoc"}).json()["results"]] == ["bob-builder"]
    assert [r["slug"] for r in client.get(LIST, {"status": "current"}).json()["results"]] == ["alice-liddell"]
    assert [r["slug"] for r in client.get(LIST, {"q": "databases"}).json()["results"]] == ["bob-builder"]
    assert [r["slug"] for r in client.get(LIST, {"q": "liddell"}).json()["results"]] == ["alice-liddell"]


def test_list_page_size_is_capped(client_for, db):
    f.ProfileFactory.create_batch(120)
    data = client_for(None).get(LIST, {"page_size": 1000}).json()
    assert data["count"] == 120
    assert len(data["results"]) == 100


# --- detail --------------------------------------------------------------------------------


def test_detail_anonymous_sees_public_items_only(client_for, alice, sections):
    data = client_for(None).get(detail("alice-liddell")).json()
    text = _texts(data)
    assert "news-public" in text
    assert "award-public" in text
    assert "talk-public" in text
    for hidden_text in ("news-members", "news-private", "award-private", "org-private", "talk-members",
                        "inner-of-private", "standalone-private"):  # fmt: skip
        assert hidden_text not in text
    (exp,) = data["experience"]
    assert exp["organisation"] == "org-public"
    assert [p["title"] for p in exp["projects"]] == ["inner-public"]
    assert exp["projects"][0]["highlights"][0]["text"] == "inner-highlight"
    assert exp["highlights"][0]["label"] == "Key idea"
    assert exp["highlights"][0]["children"][0]["text"] == "sub-bullet"
    assert data["talks"][0]["deliveries"][0]["event"] == "PyCon"
    assert data["links"][0]["kind"] == "github"
    for key in ("focus_themes", "news", "education", "experience", "projects", "open_source", "talks",
                "service", "awards", "press", "skills", "links"):  # fmt: skip
        assert key in data


def test_detail_member_sees_members_items_not_private(client_for, alice, bob, sections):
    text = _texts(client_for(bob).get(detail("alice-liddell")).json())
    assert "news-members" in text
    assert "org-members" in text
    assert "news-private" not in text
    assert "org-private" not in text


@pytest.mark.parametrize("who", ["alice", "admin"])
def test_detail_owner_and_admin_see_everything(client_for, alice, admin, sections, who):
    user = {"alice": alice, "admin": admin}[who]
    text = _texts(client_for(user).get(detail("alice-liddell")).json())
    assert "news-private" in text
    assert "inner-of-private" in text
    assert "standalone-private" in text


def test_unpublished_profile_is_404_for_visitors_and_other_members(client_for, alice, bob, admin, hidden):
    assert client_for(None).get(detail("hidden-person")).status_code == 404
    assert client_for(bob).get(detail("hidden-person")).status_code == 404
    assert client_for(admin).get(detail("hidden-person")).status_code == 200
    response = client_for(None).get(detail("nobody"))
    assert response.status_code == 404
    assert response.json() == {"detail": "No such profile.", "errors": {}}


# --- writing the profile's fields ----------------------------------------------------------


def test_owner_changes_own_fields(client_for, alice):
    response = client_for(alice).patch(detail("alice-liddell"), {"headline": "Postdoc at Wonderland"})
    assert response.status_code == 200
    assert response.json()["headline"] == "Postdoc at Wonderland"
    assert Profile.objects.get(slug="alice-liddell").headline == "Postdoc at Wonderland"


def test_validation_errors_are_json_with_field_errors(client_for, alice):
    response = client_for(alice).patch(detail("alice-liddell"), {"orcid": "not-an-orcid"})
    assert response.status_code == 400
    body = response.json()
    assert "orcid" in body["errors"]
    assert body["detail"]


@pytest.mark.parametrize(
    "change",
    [{"role": "pi"}, {"status": "alumni"}, {"published": False}, {"slug": "queen-alice"}],
)
def test_member_cannot_change_role_status_published_or_slug(client_for, alice, change):
    before = Profile.objects.values().get(slug="alice-liddell")
    response = client_for(alice).patch(detail("alice-liddell"), change)
    assert response.status_code == 403
    assert Profile.objects.values().get(pk=before["id"]) == before


def test_lab_admin_changes_role_status_and_published(client_for, admin, alice):
    response = client_for(admin).patch(
        detail("alice-liddell"), {"role": "postdoc", "published": False, "headline": "Set by admin"}
    )
    assert response.status_code == 200
    profile = Profile.objects.get(slug="alice-liddell")
    assert (profile.role, profile.published, profile.headline) == ("postdoc", False, "Set by admin")


def test_unchanged_admin_fields_in_a_member_patch_are_fine(client_for, alice):
    # A client sending the whole representation back (role unchanged) is not refused.
    response = client_for(alice).patch(detail("alice-liddell"), {"role": "phd", "headline": "H"})
    assert response.status_code == 200


def test_other_member_and_visitor_cannot_change_a_profile(client_for, alice, bob):
    before = Profile.objects.values().get(slug="alice-liddell")
    assert client_for(bob).patch(detail("alice-liddell"), {"headline": "pwned"}).status_code == 403
    assert client_for(None).patch(detail("alice-liddell"), {"headline": "pwned"}).status_code == 401
    assert Profile.objects.values().get(pk=before["id"]) == before


def test_profiles_cannot_be_created_or_deleted_through_the_api(client_for, admin, alice):
    assert client_for(admin).post(LIST, {"full_name": "X", "slug": "x"}).status_code == 405
    assert client_for(admin).delete(detail("alice-liddell")).status_code == 405
    assert Profile.objects.filter(slug="alice-liddell").exists()
