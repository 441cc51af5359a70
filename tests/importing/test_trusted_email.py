"""Finding 10: a member's self-typed profile email never steers a lab admin's bulk import."""

import pytest
from rest_framework.test import APIClient

from profiles.imports.files import import_uploads
from profiles.models import Profile
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

CSV = "name,email,role\nAlice Andersson,alice@example.org,postdoc\n"


def test_a_member_cannot_capture_a_colleagues_import_row_with_her_email(alice, bob, admin):
    # bob types alice's address into his own profile (nothing checks it) ...
    client = APIClient()
    client.force_login(bob)
    response = client.patch("/api/v1/profiles/bob/", {"email": "alice@example.org"}, format="json")
    assert response.status_code == 200
    # ... then a lab admin imports the members list with alice's row.
    report = import_uploads(actor=admin, sources=[("members.csv", CSV.encode())])
    assert report.ok, report.errors
    bob_profile = Profile.objects.get(user=bob)
    assert bob_profile.full_name == "Bob Brown"
    assert bob_profile.role != "postdoc"
    # The row went to alice, matched by her verified account address.
    assert Profile.objects.get(user=alice).role == "postdoc"


def test_the_profile_email_of_a_profile_without_an_account_still_matches(admin):
    unclaimed = ProfileFactory(full_name="Carol Clark", slug="carol", email="carol@example.org")
    csv = "name,email,role\nCarol Clark-Smith,carol@example.org,postdoc\n"
    report = import_uploads(actor=admin, sources=[("members.csv", csv.encode())])
    assert report.ok, report.errors
    unclaimed.refresh_from_db()
    assert unclaimed.full_name == "Carol Clark-Smith"
    assert Profile.objects.count() == 1


def test_an_address_two_profiles_claim_matches_neither(admin):
    ProfileFactory(full_name="Dan One", slug="dan-one", email="dan@example.org")
    ProfileFactory(full_name="Dan Two", slug="dan-two", email="dan@example.org")
    csv = "name,email\nDaniel New,dan@example.org\n"
    report = import_uploads(actor=admin, sources=[("members.csv", csv.encode())])
    assert report.ok, report.errors
    assert set(Profile.objects.values_list("full_name", flat=True)) == {"Dan One", "Dan Two", "Daniel New"}
