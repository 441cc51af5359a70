"""A member's self-typed ORCID iD never steers a lab admin's import into their profile."""

import json

import pytest
from rest_framework.test import APIClient

from profiles.imports.files import import_uploads
from profiles.imports.matching import member_index_from_db, profile_by_trusted_orcid
from profiles.models import Profile
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

ORCID = "0000-0002-1825-0097"


def _native(**fields):
    doc = {"format": "academic-profile", "version": 1, "full_name": "Alice Andersson", "orcid": ORCID,
           "headline": "Postdoc", "news": [{"date": "2026", "body": "Alice's news"}]}  # fmt: skip
    return ("alice.json", json.dumps({**doc, **fields}).encode())


def _claim_alices_orcid(bob):
    client = APIClient()
    client.force_login(bob)
    response = client.patch("/api/v1/profiles/bob/", {"orcid": ORCID}, format="json")
    assert response.status_code == 200
    assert Profile.objects.get(user=bob).orcid == ORCID


@pytest.mark.parametrize("alice_exists", [True, False])
def test_a_member_cannot_capture_a_colleagues_native_document_with_her_orcid(bob, admin, alice_exists):
    if alice_exists:
        ProfileFactory(slug="alice", full_name="Alice Andersson")
    _claim_alices_orcid(bob)  # bob types alice's ORCID iD into his own profile (nothing checks it) ...
    report = import_uploads(actor=admin, sources=[_native(slug="alice")])  # ... then an admin imports hers
    bob_profile = Profile.objects.get(user=bob)
    assert bob_profile.full_name == "Bob Brown"
    assert bob_profile.headline != "Postdoc"
    assert not bob_profile.news.exists()
    # Alice's document cannot take her ORCID iD while bob holds it: reported, nothing written.
    assert not report.ok
    assert any("alice.json" in e and "rcid" in e for e in report.errors), report.errors


def test_a_member_cannot_capture_a_colleagues_papers_with_her_orcid(bob):
    _claim_alices_orcid(bob)
    assert ORCID not in member_index_from_db()["orcid"]  # a printed author with her ORCID is not linked to bob
    assert profile_by_trusted_orcid(ORCID) is None


def test_the_orcid_of_a_profile_without_an_account_still_matches(admin):
    unclaimed = ProfileFactory(full_name="Alice A.", slug="alice-a", orcid=ORCID)
    report = import_uploads(actor=admin, sources=[_native(slug="alice-andersson")])
    assert report.ok, report.errors
    unclaimed.refresh_from_db()
    assert (unclaimed.full_name, unclaimed.slug) == ("Alice Andersson", "alice-a")  # its address is kept
    assert Profile.objects.count() == 1
    assert member_index_from_db()["orcid"] == {ORCID: unclaimed.pk}
