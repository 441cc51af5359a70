"""Claiming an author slot (issue 12, finding 1b).

A member's name fields are theirs to edit, so a match there only *asks* for the slot: it is
linked at once only under a name a lab admin verified; otherwise a lab admin or a linked
co-author confirms it. Every claim is recorded and a lab admin can undo it.
"""

import pytest
from rest_framework.test import APIClient

from profiles.models import ActivityEntry, AuthorshipClaim
from publications.models import Authorship
from tests import factories as f
from tests.editing.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def carols_paper(bob):
    """A paper with bob linked and an unlinked slot printed as "Carol Danvers"."""
    paper = f.PublicationFactory(citation_key="carol2024", title="Carol's Paper")
    f.AuthorshipFactory(publication=paper, position=1, name="Carol Danvers")
    f.AuthorshipFactory(publication=paper, position=2, name="Bob Builder", profile=bob.profile)
    return paper


def _carol_slot(paper):
    return paper.authorships.get(name="Carol Danvers")


def test_new_profiles_get_their_name_as_verified_name(alice):
    assert alice.profile.verified_name_list() == ["Alice Liddell"]


def test_member_cannot_set_verified_names_themselves(alice):
    client = login(alice)
    client.post("/me/identity/", {"full_name": "Alice Liddell", "verified_names": "Carol Danvers"})
    alice.profile.refresh_from_db()
    assert alice.profile.verified_name_list() == ["Alice Liddell"]
    response = APIClient()
    response.force_login(alice)
    answer = response.patch(
        f"/api/v1/profiles/{alice.profile.slug}/", {"verified_names": "Carol Danvers"}, format="json"
    )
    alice.profile.refresh_from_db()
    assert answer.status_code in {200, 400, 403}
    assert alice.profile.verified_name_list() == ["Alice Liddell"]


def test_attack_native_name_set_to_a_co_authors_printed_name_does_not_link(alice, carols_paper):
    """The attack: put Carol's printed name in native_name, then claim her slot (site and API)."""
    client = login(alice)
    profile = alice.profile
    profile.native_name = "Carol Danvers"
    profile.save()
    slot = _carol_slot(carols_paper)
    response = client.post(f"/me/authorships/{slot.pk}/claim/", follow=True)
    assert response.status_code == 200
    assert "waits for a lab admin or a co-author" in response.content.decode()
    slot.refresh_from_db()
    assert slot.profile_id is None
    api = APIClient()
    api.force_login(alice)
    answer = api.post("/api/v1/publications/carol2024/claim/", {"author": slot.pk}, format="json")
    assert answer.status_code == 202
    assert answer.json()["status"] == "pending"
    slot.refresh_from_db()
    assert slot.profile_id is None
    # Not an author, so the paper stays out of reach: no edit, no delete.
    assert api.delete("/api/v1/publications/carol2024/").status_code in {403, 404}
    assert Authorship.objects.filter(publication=carols_paper).count() == 2
    claim = AuthorshipClaim.objects.get()
    assert (claim.status, claim.profile, claim.name) == ("pending", profile, "Carol Danvers")
    assert ActivityEntry.objects.filter(kind="claimed", profile=profile).exists()


def test_claim_under_a_verified_name_links_at_once_and_is_recorded(alice):
    paper = f.PublicationFactory(title="Wonderland")
    slot = f.AuthorshipFactory(publication=paper, position=1, name="Liddell, Alice")
    response = login(alice).post(f"/me/authorships/{slot.pk}/claim/", follow=True)
    assert "is now on your profile" in response.content.decode()
    slot.refresh_from_db()
    assert slot.profile == alice.profile
    claim = AuthorshipClaim.objects.get()
    assert claim.status == "approved"
    assert claim.automatic
    assert claim.claimed_by == alice


def test_a_linked_co_author_confirms_a_pending_claim(alice, bob, carols_paper):
    profile = alice.profile
    profile.native_name = "Carol Danvers"
    profile.save()
    slot = _carol_slot(carols_paper)
    login(alice).post(f"/me/authorships/{slot.pk}/claim/")
    claim = AuthorshipClaim.objects.get()
    # alice cannot confirm her own claim
    assert login(alice).post(f"/me/claims/{claim.pk}/approve/").status_code == 404
    page = login(bob).get("/me/publications/").content.decode()
    assert "Claims waiting for you" in page
    assert "Carol Danvers" in page
    login(bob).post(f"/me/claims/{claim.pk}/approve/", {"next": "/me/publications/"})
    slot.refresh_from_db()
    claim.refresh_from_db()
    assert slot.profile == profile
    assert (claim.status, claim.decided_by) == ("approved", bob)


def test_a_stranger_cannot_confirm_and_a_refused_claim_links_nothing(alice, bob, carols_paper):
    stranger = f.UserFactory(username="mallory")
    f.ProfileFactory(user=stranger, full_name="Mallory Mole", slug="mallory")
    profile = alice.profile
    profile.native_name = "Carol Danvers"
    profile.save()
    slot = _carol_slot(carols_paper)
    login(alice).post(f"/me/authorships/{slot.pk}/claim/")
    claim = AuthorshipClaim.objects.get()
    assert login(stranger).post(f"/me/claims/{claim.pk}/approve/").status_code == 404
    login(bob).post(f"/me/claims/{claim.pk}/refuse/", {"next": "/me/publications/"})
    slot.refresh_from_db()
    claim.refresh_from_db()
    assert slot.profile_id is None
    assert claim.status == "refused"


def test_lab_admin_undoes_a_claim(alice, admin):
    paper = f.PublicationFactory(title="Wonderland")
    slot = f.AuthorshipFactory(publication=paper, position=1, name="Alice Liddell")
    login(alice).post(f"/me/authorships/{slot.pk}/claim/")
    claim = AuthorshipClaim.objects.get()
    assert login(alice).post(f"/me/lab/claims/{claim.pk}/undo/").status_code == 404
    page = login(admin).get("/me/lab/activity/").content.decode()
    assert "Wonderland" in page
    assert "Undo" in page
    login(admin).post(f"/me/lab/claims/{claim.pk}/undo/")
    slot.refresh_from_db()
    claim.refresh_from_db()
    assert slot.profile_id is None
    assert claim.status == "undone"
    assert claim.decided_by == admin


def test_lab_admin_sets_verified_names_on_the_member_form(alice, admin):
    profile = alice.profile
    client = login(admin)
    page = client.get("/me/lab/").content.decode()
    assert f'name="m{profile.pk}-verified_names"' in page
    data = {
        f"m{profile.pk}-{k}": v
        for k, v in {
            "role": profile.role,
            "status": profile.status,
            "published": "on",
            "display_order": profile.display_order,
            "verified_names": "Alice Liddell\nCarol Danvers",
        }.items()
    }
    form_page = client.get("/me/lab/").content.decode()
    import re

    version = re.search(rf'name="m{profile.pk}-version" value="([^"]*)"', form_page)
    if version:
        data[f"m{profile.pk}-version"] = version.group(1)
    client.post(f"/me/lab/members/{profile.slug}/", data)
    profile.refresh_from_db()
    assert profile.verified_name_list() == ["Alice Liddell", "Carol Danvers"]


def test_attack_through_a_member_import_does_not_take_the_slot(alice, carols_paper):
    """The same attack through /me/import/: a .bib of Carol's paper, with native_name set to her name."""
    from profiles.imports.files import import_for_profile

    profile = alice.profile
    profile.native_name = "Carol Danvers"
    profile.save()
    bib = (
        b"@article{carol2024, title={Carol's Paper}, author={Danvers, Carol and Builder, Bob}, year={2024},"
        b" doi={10.1234/carol}}"
    )
    carols_paper.doi = "10.1234/carol"
    carols_paper.save()
    import_for_profile(actor=alice, profile=profile, files=[("carol.bib", bib)])
    slot = _carol_slot(carols_paper)
    slot.refresh_from_db()
    assert slot.profile_id is None
    assert not Authorship.objects.filter(profile=profile).exists()


def test_member_import_still_links_their_verified_name(alice):
    from profiles.imports.files import import_for_profile

    paper = f.PublicationFactory(title="Wonderland", doi="10.1234/wonder")
    slot = f.AuthorshipFactory(publication=paper, position=1, name="Alice Liddell")
    bib = b"@article{w, title={Wonderland}, author={Liddell, Alice}, year={2024}, doi={10.1234/wonder}}"
    report = import_for_profile(actor=alice, profile=alice.profile, files=[("w.bib", bib)])
    assert report.ok
    slot.refresh_from_db()
    assert slot.profile == alice.profile
