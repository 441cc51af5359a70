"""A member's publications: add by hand with ordered authors, claim, unlink, select."""

import pytest

from publications.models import Authorship, Publication
from tests import factories as f
from tests.editing.conftest import login

pytestmark = pytest.mark.django_db


def formset(rows):
    data = {
        "authors-TOTAL_FORMS": str(len(rows)),
        "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0",
        "authors-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"authors-{i}-{key}"] = value
    return data


def test_add_a_publication_by_hand_with_ordered_authors(alice):
    client = login(alice)
    data = {
        "kind": "conference",
        "title": "Ekko: A Large-Scale Deep Learning Recommender System",
        "venue": "OSDI",
        "venue_short": "OSDI '22",
        "year": "2022",
        **formset(
            [
                {"name": "Zhang San", "equal_contribution": "on", "ORDER": "2"},
                {"name": "Alice Liddell", "equal_contribution": "on", "is_self": "on", "ORDER": "1"},
                {"name": "Luo Mai", "corresponding": "on", "ORDER": "3"},
            ]
        ),
    }
    response = client.post("/me/publications/add/", data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    publication = Publication.objects.get()
    authors = list(publication.authorships.order_by("position"))
    assert [(a.name, a.equal_contribution, a.corresponding) for a in authors] == [
        ("Alice Liddell", True, False),
        ("Zhang San", True, False),
        ("Luo Mai", False, True),
    ]
    assert authors[0].profile_id == alice.profile.pk
    assert publication.citation_key


def test_exactly_one_author_must_be_me(alice):
    client = login(alice)
    data = {"kind": "conference", "title": "T", **formset([{"name": "A"}, {"name": "B"}])}
    response = client.post("/me/publications/add/", data)
    assert response.status_code == 200
    assert not Publication.objects.exists()


def test_claim_unlink_and_select(alice):
    paper = f.PublicationFactory()
    row = f.AuthorshipFactory(publication=paper, name="Alice Liddell", position=2)
    f.AuthorshipFactory(publication=paper, name="Someone Else", position=1)
    client = login(alice)
    page = client.get("/me/publications/")
    assert paper.title.encode() in page.content

    client.post(f"/me/authorships/{row.pk}/claim/")
    row.refresh_from_db()
    assert row.profile_id == alice.profile.pk

    client.post(f"/me/authorships/{row.pk}/select/", {"selected": "1"})
    row.refresh_from_db()
    assert row.selected

    client.post(f"/me/authorships/{row.pk}/unlink/")
    row.refresh_from_db()
    assert row.profile_id is None
    assert not row.selected


def test_claim_matches_family_name_first_form(alice):
    row = f.AuthorshipFactory(name="Liddell, Alice", position=1)
    login(alice).post(f"/me/authorships/{row.pk}/claim/")
    row.refresh_from_db()
    assert row.profile_id == alice.profile.pk


def test_edit_keeps_other_authors_links(alice, bob):
    paper = f.PublicationFactory(title="Joint")
    mine = f.AuthorshipFactory(publication=paper, name="Alice Liddell", profile=alice.profile, position=1)
    bobs = f.AuthorshipFactory(publication=paper, name="Bob Builder", profile=bob.profile, position=2, selected=True)
    client = login(alice)
    page = client.get(f"/me/publications/{paper.pk}/")
    assert page.status_code == 200
    data = {
        "kind": "conference",
        "title": "Joint (extended)",
        "version": page.context["form"]["version"].value(),
        **formset(
            [
                {"id": str(bobs.pk), "name": "Bob Builder", "ORDER": "1"},
                {"id": str(mine.pk), "name": "Alice Liddell", "is_self": "on", "ORDER": "2"},
            ]
        ),
    }
    response = client.post(f"/me/publications/{paper.pk}/", data)
    assert response.status_code == 302
    rows = list(Authorship.objects.filter(publication=paper).order_by("position"))
    assert [(r.name, r.profile_id, r.selected) for r in rows] == [
        ("Bob Builder", bob.profile.pk, True),
        ("Alice Liddell", alice.profile.pk, False),
    ]
