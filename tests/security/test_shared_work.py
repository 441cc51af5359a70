"""A member cannot damage another member's work (issue 12, findings 1a and 3).

Each test performs the attack as a hostile member would, over HTTP, and asserts both
the refusal and that nothing changed.
"""

import pytest
from rest_framework.test import APIClient

from profiles import services
from profiles.models import Profile
from publications.models import Authorship, Publication
from tests import factories as f
from tests.editing.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_paper(alice, bob):
    paper = f.PublicationFactory(citation_key="shared2024", title="Shared Work")
    f.AuthorshipFactory(publication=paper, position=1, name="Alice Liddell", profile=alice.profile)
    f.AuthorshipFactory(publication=paper, position=2, name="Bob Builder", profile=bob.profile)
    f.AuthorshipFactory(publication=paper, position=3, name="Carol Unlinked")
    return paper


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def _rows(paper):
    return list(paper.authorships.order_by("position").values_list("name", "profile_id"))


def test_patch_that_omits_a_co_authors_slot_is_refused_and_changes_nothing(alice, shared_paper):
    before = _rows(shared_paper)
    own = shared_paper.authorships.get(profile=alice.profile)
    response = api(alice).patch(
        "/api/v1/publications/shared2024/",
        {"authors": [{"id": own.pk, "name": "Alice Liddell", "is_self": True}, {"name": "Carol Unlinked"}]},
        format="json",
    )
    assert response.status_code == 403
    assert "linked to another member" in response.json()["detail"]
    assert _rows(shared_paper) == before


def test_patch_that_renames_or_takes_over_a_co_authors_slot_is_refused(alice, bob, shared_paper):
    before = _rows(shared_paper)
    own = shared_paper.authorships.get(profile=alice.profile)
    theirs = shared_paper.authorships.get(profile=bob.profile)
    carol = shared_paper.authorships.get(profile=None)
    renamed = [
        {"id": own.pk, "name": "Alice Liddell", "is_self": True},
        {"id": theirs.pk, "name": "B. Defaced"},
        {"id": carol.pk, "name": "Carol Unlinked"},
    ]
    taken = [  # bob's slot replaced by a new one linked to alice
        {"id": own.pk, "name": "Alice Liddell"},
        {"name": "Bob Builder", "profile": alice.profile.slug},
        {"id": carol.pk, "name": "Carol Unlinked"},
    ]
    for authors in (renamed, taken):
        response = api(alice).patch("/api/v1/publications/shared2024/", {"authors": authors}, format="json")
        assert response.status_code == 403
        assert _rows(shared_paper) == before


def test_reordering_and_fixing_unlinked_names_still_works(alice, bob, shared_paper):
    own = shared_paper.authorships.get(profile=alice.profile)
    theirs = shared_paper.authorships.get(profile=bob.profile)
    carol = shared_paper.authorships.get(profile=None)
    response = api(alice).patch(
        "/api/v1/publications/shared2024/",
        {"authors": [
            {"id": theirs.pk, "name": "Bob Builder"},
            {"id": own.pk, "name": "Alice Liddell", "is_self": True},
            {"id": carol.pk, "name": "Carol Q. Unlinked"},
        ]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200
    assert _rows(shared_paper) == [
        ("Bob Builder", bob.profile.pk),
        ("Alice Liddell", alice.profile.pk),
        ("Carol Q. Unlinked", None),
    ]


def test_a_member_cannot_delete_a_paper_another_member_is_on_but_a_lab_admin_can(alice, admin, shared_paper):
    assert api(alice).delete("/api/v1/publications/shared2024/").status_code == 403
    assert Publication.objects.filter(pk=shared_paper.pk).exists()
    assert Authorship.objects.filter(publication=shared_paper).count() == 3
    assert api(admin).delete("/api/v1/publications/shared2024/").status_code == 204
    assert not Publication.objects.filter(pk=shared_paper.pk).exists()


def test_a_lab_admin_may_fix_any_slot(admin, bob, shared_paper):
    theirs = shared_paper.authorships.get(profile=bob.profile)
    rows = [{"id": a.pk, "name": a.name} for a in shared_paper.authorships.order_by("position")]
    rows[1]["name"] = "Bob T. Builder"
    response = api(admin).patch("/api/v1/publications/shared2024/", {"authors": rows}, format="json")
    assert response.status_code == 200
    assert shared_paper.authorships.get(position=2).name == "Bob T. Builder"
    assert shared_paper.authorships.get(position=2).profile_id == theirs.profile_id


# --- Finding 3: a restore never undoes what only a lab admin may set --------------------------


def test_restoring_an_old_profile_version_keeps_the_lab_admins_settings(alice, admin):
    client = login(alice)
    version = client.get("/me/about/").context["form"]["version"].value()
    client.post("/me/about/", {"short_bio": "Old bio", "version": version})
    old = alice.profile.history.order_by("-history_date").first()
    # The lab admin unpublishes the profile, makes alice an alumna and moves her down the list.
    services.profile_set_membership(
        actor=admin, profile=alice.profile,
        changes={"published": False, "status": Profile.Status.ALUMNI, "display_order": 99},
    )  # fmt: skip
    version = client.get("/me/about/").context["form"]["version"].value()
    client.post("/me/about/", {"short_bio": "New bio", "version": version})

    response = client.post(f"/me/history/{old.history_id}/restore/")
    assert response.status_code == 302
    profile = Profile.objects.get(pk=alice.profile.pk)
    assert profile.short_bio == "Old bio"  # what alice may edit comes back
    assert (profile.published, profile.status, profile.display_order) == (False, Profile.Status.ALUMNI, 99)
    assert profile.history.first().history_user == alice  # recorded as her change
