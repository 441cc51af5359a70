"""The activity log (issue 12): lab admins read who did what across the lab at
/me/lab/activity/; a member reads what concerns their profile and their papers at /me/activity/."""

import pytest

from profiles import services
from profiles.models import ActivityEntry
from tests import factories as f
from tests.editing.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(alice, bob):
    paper = f.PublicationFactory(citation_key="shared2024", title="Shared Work")
    f.AuthorshipFactory(publication=paper, position=1, name="Alice Liddell", profile=alice.profile)
    f.AuthorshipFactory(publication=paper, position=2, name="Bob Builder", profile=bob.profile)
    return paper


def test_member_sees_what_a_co_author_did_to_a_shared_paper(alice, bob, shared):
    from publications import services as publication_services

    publication_services.publication_update(actor=bob, publication=shared, values={"title": "Shared Work, revised"})
    page = login(alice).get("/me/activity/").content.decode()
    assert "bob" in page
    assert "Shared Work, revised" in page
    assert "changed" in page


def test_member_does_not_see_other_members_private_activity(alice, bob):
    services.profile_update(actor=bob, profile=bob.profile, changes={"headline": "Secret plans"})
    item = f.AwardFactory(profile=bob.profile, title="Bobs prize")
    services.section_item_delete(actor=bob, item=item)
    page = login(alice).get("/me/activity/").content.decode()
    assert "Bobs prize" not in page
    assert "Bob Builder" not in page


def test_lab_admin_sees_everything_filters_by_member_and_kind(alice, bob, admin, shared):
    item = f.AwardFactory(profile=bob.profile, title="Bobs prize")
    services.section_item_delete(actor=bob, item=item)
    services.profile_update(actor=alice, profile=alice.profile, changes={"headline": "Wonder"})
    client = login(admin)
    page = client.get("/me/lab/activity/").content.decode()
    assert "Bobs prize" in page
    assert "Alice Liddell" in page
    page = client.get("/me/lab/activity/?member=bob-builder&kind=deleted").content.decode()
    assert "Bobs prize" in page
    assert "Wonder" not in page
    assert "Wonder" not in client.get("/me/lab/activity/?member=bob-builder").content.decode()
    assert client.get("/me/lab/activity/?kind=nonsense&page=zzz").status_code == 200


def test_members_get_404_on_the_lab_log(alice):
    assert login(alice).get("/me/lab/activity/").status_code == 404


def test_merge_restore_and_import_write_entries(alice, bob, admin):
    services.profile_update(actor=alice, profile=alice.profile, changes={"headline": "One"})
    services.profile_update(actor=alice, profile=alice.profile, changes={"headline": "Two"})
    first = alice.profile.history.order_by("history_date")[1]
    services.history_restore(actor=alice, item=alice.profile, history_id=first.history_id)
    assert ActivityEntry.objects.filter(kind="restored", actor=alice).exists()
    other = f.ProfileFactory(full_name="Bob Dup", slug="bob-dup")
    services.profiles_merge(actor=admin, source=other, target=bob.profile)
    assert ActivityEntry.objects.filter(kind="merged", profile=bob.profile).exists()
    from profiles.imports.files import import_for_profile

    bib = b"@article{wonder2020, title={Through the Looking Glass}, author={Liddell, Alice}, year={2020}}"
    dry = import_for_profile(actor=alice, profile=alice.profile, files=[("mine.bib", bib)], dry_run=True)
    assert dry.ok
    assert not ActivityEntry.objects.filter(kind="imported").exists()
    report = import_for_profile(actor=alice, profile=alice.profile, files=[("mine.bib", bib)])
    assert report.ok
    entry = ActivityEntry.objects.get(kind="imported")
    assert (entry.actor, entry.profile, entry.target) == (alice, alice.profile, "mine.bib")
    page = login(alice).get("/me/activity/?kind=imported").content.decode()
    assert "mine.bib" in page
    assert "2 created" in page
    page = login(admin).get("/me/lab/activity/?kind=restored").content.decode()
    assert "restored" in page
    assert "headline" in page


def test_pagination(admin, alice):
    for i in range(60):
        ActivityEntry.record(actor=alice, kind="exported", profile=alice.profile, target=f"export-{i:02d}")
    client = login(admin)
    first = client.get("/me/lab/activity/?kind=exported").content.decode()
    assert "export-59" in first
    assert "export-05" not in first
    assert 'rel="next"' in first
    second = client.get("/me/lab/activity/?kind=exported&page=2").content.decode()
    assert "export-05" in second
    assert "export-59" not in second


@pytest.mark.parametrize("n", [1, 80])
def test_queries_do_not_grow_with_entries(n, alice, bob, admin, shared, django_assert_max_num_queries):
    for i in range(n):
        item = f.AwardFactory(profile=bob.profile, title=f"Prize {i}")
        services.section_item_delete(actor=bob, item=item)
        ActivityEntry.record(
            actor=alice, kind="claimed", profile=alice.profile, target=f"slot {i}", publication_id=shared.pk
        )
    admin_client, alice_client = login(admin), login(alice)
    with django_assert_max_num_queries(30):
        assert admin_client.get("/me/lab/activity/").status_code == 200
    with django_assert_max_num_queries(30):
        assert alice_client.get("/me/activity/").status_code == 200


def test_co_authors_see_a_deleted_paper_and_exports_are_logged(alice, bob, admin, shared):
    from publications import services as publication_services

    publication_services.publication_delete(actor=admin, publication=shared)
    page = login(bob).get("/me/activity/?kind=deleted").content.decode()
    assert "Shared Work" in page
    assert "labadmin" in page
    login(alice).get(f"/api/v1/profiles/{alice.profile.slug}/export/?format=native")
    assert ActivityEntry.objects.filter(kind="exported", actor=alice, profile=alice.profile).exists()
    login(bob).get(f"/api/v1/profiles/{alice.profile.slug}/export/?format=native")  # public items only: not logged
    assert not ActivityEntry.objects.filter(kind="exported", actor=bob).exists()


def test_nested_items_of_every_section_reach_the_members_log(bob, bob_items):
    highlight = bob_items["sub-highlights"]
    services.section_item_delete(actor=bob, item=highlight)
    client = login(bob)
    page = client.get("/me/activity/?kind=deleted").content.decode()
    assert "deleted" in page
    assert "Nothing recorded." not in page
    assert client.get("/me/activity/").status_code == 200
