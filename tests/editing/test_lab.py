"""Lab administration at /me/lab/: roles, status, published flag, merging duplicates."""

import pytest

from profiles import permissions, services
from profiles.models import NewsItem, Profile, ProfileRedirect, Statement
from publications.models import Authorship
from tests import factories as f
from tests.editing.conftest import login

pytestmark = pytest.mark.django_db


def membership(profile, **values):
    data = {
        "role": profile.role,
        "status": profile.status,
        "display_order": profile.display_order,
        "published": "on" if profile.published else "",
        **values,
    }
    return {f"m{profile.pk}-{k}": v for k, v in data.items() if v != ""}


def test_members_page_lists_everyone(admin, alice, bob):
    response = login(admin).get("/me/lab/")
    assert response.status_code == 200
    assert b"Alice Liddell" in response.content
    assert b"Bob Builder" in response.content


def test_set_role_status_and_unpublish(admin, bob):
    client = login(admin)
    profile = bob.profile
    response = client.post(
        f"/me/lab/members/{profile.slug}/",
        membership(
            profile, role="postdoc", status="alumni", left_on="2024-06", alumni_destination="Prof, ETH", published=""
        ),
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.role, profile.status, profile.left_on, profile.published) == ("postdoc", "alumni", "2024-06", False)
    assert profile.alumni_destination == "Prof, ETH"


def test_invalid_membership_is_reported_not_saved(admin, bob):
    client = login(admin)
    profile = bob.profile
    response = client.post(
        f"/me/lab/members/{profile.slug}/", membership(profile, status="current", left_on="2024-06"), follow=True
    )
    assert b"not saved" in response.content
    profile.refresh_from_db()
    assert profile.left_on == ""


def test_make_and_unmake_a_lab_admin(admin, bob):
    client = login(admin)
    client.post(f"/me/lab/members/{bob.profile.slug}/", membership(bob.profile, is_lab_admin="on"))
    bob.refresh_from_db()
    assert permissions.is_lab_admin(bob)
    assert bob.is_staff
    client.post(f"/me/lab/members/{bob.profile.slug}/", membership(bob.profile))
    bob.refresh_from_db()
    bob.__dict__.pop("_is_lab_admin", None)
    assert not permissions.is_lab_admin(bob)
    assert not bob.is_staff


def test_merge_moves_everything_and_redirects_the_old_address(admin, alice):
    target = alice.profile
    source = f.ProfileFactory(full_name="A. Liddell", slug="a-liddell", native_name="爱丽丝")
    f.NewsItemFactory(profile=target, body="kept")
    f.NewsItemFactory(profile=source, body="moved")
    f.StatementFactory(profile=target, slug="research", title="Research")
    f.StatementFactory(profile=source, slug="research", title="Research")
    shared = f.PublicationFactory()
    f.AuthorshipFactory(publication=shared, profile=target, name="Alice Liddell", position=1)
    f.AuthorshipFactory(publication=shared, profile=source, name="A. Liddell", position=2)
    solo = f.AuthorshipFactory(profile=source, name="A. Liddell", position=1)

    response = login(admin).post("/me/lab/merge/", {"source": source.slug, "target": target.slug, "confirm": "on"})
    assert response.status_code == 302
    assert not Profile.objects.filter(slug="a-liddell").exists()
    assert sorted(NewsItem.objects.filter(profile=target).values_list("body", flat=True)) == ["kept", "moved"]
    assert sorted(Statement.objects.filter(profile=target).values_list("slug", flat=True)) == ["research", "research-2"]
    solo.refresh_from_db()
    assert solo.profile_id == target.pk
    assert Authorship.objects.filter(publication=shared, profile=target).count() == 1
    target.refresh_from_db()
    assert target.native_name == "爱丽丝"  # blank fields are filled from the other profile
    assert ProfileRedirect.objects.get(old_slug="a-liddell").profile == target
    assert services.resolve_profile_redirect("a-liddell") == target
    assert services.resolve_profile_redirect("nobody") is None


def test_merge_needs_two_different_profiles(admin, alice):
    response = login(admin).post(
        "/me/lab/merge/", {"source": alice.profile.slug, "target": alice.profile.slug, "confirm": "on"}
    )
    assert response.status_code == 200
    assert Profile.objects.filter(pk=alice.profile.pk).exists()


def test_services_check_permissions_themselves(alice, bob):
    """Calling a service directly (API, scripts) runs the same checks as the views."""
    from django.core.exceptions import PermissionDenied

    item = f.NewsItemFactory(profile=bob.profile)
    with pytest.raises(PermissionDenied):
        services.section_item_update(actor=alice, item=item, values={"body": "x"})
    with pytest.raises(PermissionDenied):
        services.section_item_create(actor=alice, profile=bob.profile, model=NewsItem, values={"body": "x"})
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=alice, profile=alice.profile, changes={"published": False})
    with pytest.raises(PermissionDenied):
        services.profiles_merge(actor=alice, source=bob.profile, target=alice.profile)
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=alice, email="x@example.org", site_url="http://x", full_name="X")
