"""A member imports into their own profile only, and only papers they wrote; break-in attempts fail."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from profiles.imports.files import import_for_profile
from profiles.imports.sync import export_profile_document
from profiles.models import Profile
from publications.models import Authorship, Publication
from tests.factories import AuthorshipFactory, PublicationFactory
from tests.importing.flow import confirm, post_preview, preview_job, upload

pytestmark = pytest.mark.django_db

BIB = b"""@article{mine, title={My Paper}, author={Alice Andersson and Bob Brown}, year={2024}}
@article{notmine, title={Someone Else's Paper}, author={Carol Clark}, year={2024}}
"""


def test_member_imports_their_papers_and_only_links_themselves(alice, bob):
    me = Profile.objects.get(user=alice)
    report = import_for_profile(actor=alice, profile=me, files=[("mine.bib", BIB)])
    assert report.ok, report.errors
    paper = Publication.objects.get()
    rows = list(paper.authorships.order_by("position"))
    assert (rows[0].profile, rows[1].profile) == (me, None)  # Bob claims his own row himself
    assert any("skipped" in w and "notmine" in w for w in report.warnings)


def test_service_refuses_someone_elses_profile(alice, bob):
    with pytest.raises(PermissionDenied):
        import_for_profile(actor=alice, profile=Profile.objects.get(user=bob), files=[("x.bib", BIB)])
    assert Publication.objects.count() == 0


def test_view_preview_then_confirm(client, alice):
    client.force_login(alice)
    response = post_preview(client, [upload("mine.bib", BIB)])
    assert response.status_code == 200
    assert "publication: 1 created" in response.content.decode()
    assert "Confirm import" in response.content.decode()
    assert Publication.objects.count() == 0
    response = confirm(client, preview_job(response))
    assert response.status_code == 200
    assert "Done: " in response.content.decode()
    assert Publication.objects.count() == 1


def test_view_break_ins_by_profile_parameter_are_not_found(client, alice, bob):
    client.force_login(alice)
    url = reverse("profile_import:member_import")
    response = client.post(url, {"action": "preview", "profile": "bob", "files": [upload("x.bib", BIB)]})
    assert response.status_code == 404
    assert client.get(url + "?profile=bob").status_code == 404
    assert Publication.objects.count() == 0


def test_view_another_users_preview_cannot_be_confirmed(client, alice, bob):
    client.force_login(bob)
    job = preview_job(post_preview(client, [upload("x.bib", BIB)]))
    client.force_login(alice)
    response = confirm(client, job)
    assert response.status_code == 404  # not found for alice: its existence is not told either
    assert Publication.objects.count() == 0


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("profile_import:member_import"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_native_document_naming_bob_goes_into_alice_and_cannot_change_membership(alice, bob):
    bob_profile = Profile.objects.get(user=bob)
    doc = export_profile_document(bob_profile, user=bob)
    doc.update({"role": "pi", "published": False, "headline": "Hijacked"})
    me = Profile.objects.get(user=alice)
    report = import_for_profile(actor=alice, profile=me, files=[("doc.json", json.dumps(doc).encode())])
    assert report.ok, report.errors
    bob_profile.refresh_from_db()
    me.refresh_from_db()
    assert bob_profile.headline != "Hijacked"
    assert me.headline == "Hijacked"
    assert me.role != "pi"
    assert me.published


def test_member_cannot_take_over_a_paper_they_did_not_write(alice, bob):
    paper = PublicationFactory(title="Bob's Paper", year=2024, doi="10.5555/bob")
    AuthorshipFactory(publication=paper, position=1, name="Bob Brown", profile=Profile.objects.get(user=bob))
    bib = b"@article{b, title={Bob's Paper}, author={Alice Andersson}, year={2024}, doi={10.5555/bob}, note={x}}"
    report = import_for_profile(actor=alice, profile=Profile.objects.get(user=alice), files=[("b.bib", bib)])
    assert any("may not change" in w for w in report.warnings)
    assert list(Authorship.objects.values_list("name", flat=True)) == ["Bob Brown"]
    assert Publication.objects.get().note == ""


def test_members_may_not_import_csv(alice):
    me = Profile.objects.get(user=alice)
    report = import_for_profile(actor=alice, profile=me, files=[("m.csv", b"name,email\nEve,eve@example.org\n")])
    assert any("lab admins only" in e for e in report.errors)
    assert not Profile.objects.filter(full_name="Eve").exists()
