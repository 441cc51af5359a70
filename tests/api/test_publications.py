"""/api/v1/publications/: listing with filters, authors with flags, writes by authors and
lab admins only; a member can neither edit others' papers nor add themselves to them."""

import pytest

from profiles.models import Profile
from publications.models import Authorship, Publication
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = "/api/v1/publications/"


def detail(key):
    return f"/api/v1/publications/{key}/"


def paper(key, *authors, **fields):
    """A publication with authors given as names or (name, profile) pairs, in order."""
    publication = f.PublicationFactory(citation_key=key, **fields)
    for position, author in enumerate(authors, start=1):
        name, profile = author if isinstance(author, tuple) else (author, None)
        f.AuthorshipFactory(publication=publication, position=position, name=name, profile=profile)
    return publication


def snapshot(publication):
    return (
        Publication.objects.values().get(pk=publication.pk),
        list(Authorship.objects.filter(publication=publication).order_by("position").values()),
    )


@pytest.fixture
def papers(alice, bob):
    a = paper("alice2022ekko", ("Alice Liddell", alice.profile), "Yao Fu", year=2022, kind="conference",
              title="Ekko: Large-Scale Deep Learning Recommender System", venue="OSDI")  # fmt: skip
    b = paper("bob2021db", ("Bob Builder", bob.profile), year=2021, kind="journal", title="Databases",
              venue="VLDB Journal")  # fmt: skip
    return a, b


def keys(response):
    return [row["citation_key"] for row in response.json()["results"]]


def test_list_and_filters(client_for, papers):
    client = client_for(None)
    assert keys(client.get(LIST)) == ["alice2022ekko", "bob2021db"]
    assert keys(client.get(LIST, {"year": 2021})) == ["bob2021db"]
    assert keys(client.get(LIST, {"type": "conference"})) == ["alice2022ekko"]
    assert keys(client.get(LIST, {"member": "bob-builder"})) == ["bob2021db"]
    assert keys(client.get(LIST, {"q": "yao fu"})) == ["alice2022ekko"]
    assert keys(client.get(LIST, {"q": "vldb"})) == ["bob2021db"]
    assert keys(client.get(LIST, {"q": "ekko"})) == ["alice2022ekko"]


def test_detail_has_ordered_authors_with_flags(client_for, alice):
    p = paper("k1", ("Alice Liddell", alice.profile), "Yao Fu", "Luo Mai")
    Authorship.objects.filter(publication=p, position__in=[1, 2]).update(equal_contribution=True)
    Authorship.objects.filter(publication=p, position=3).update(corresponding=True)
    data = client_for(None).get(detail("k1")).json()
    assert [(a["position"], a["name"], a["profile"], a["equal_contribution"], a["corresponding"])
            for a in data["authors"]] == [
        (1, "Alice Liddell", "alice-liddell", True, False),
        (2, "Yao Fu", None, True, False),
        (3, "Luo Mai", None, False, True),
    ]  # fmt: skip
    assert client_for(None).get(detail("nope")).status_code == 404


def test_unpublished_members_are_not_revealed_in_author_lists(client_for, alice, bob, admin):
    paper("k1", ("Alice Liddell", alice.profile))
    Profile.objects.filter(pk=alice.profile.pk).update(published=False)
    assert client_for(None).get(detail("k1")).json()["authors"][0]["profile"] is None
    assert client_for(bob).get(detail("k1")).json()["authors"][0]["profile"] is None
    assert client_for(alice).get(detail("k1")).json()["authors"][0]["profile"] == "alice-liddell"
    assert client_for(admin).get(detail("k1")).json()["authors"][0]["profile"] == "alice-liddell"
    # …nor findable by filtering on them.
    assert keys(client_for(None).get(LIST, {"member": "alice-liddell"})) == []


# --- creating ----------------------------------------------------------------------------------


def new(**extra):
    return {
        "title": "Fresh Paper", "kind": "preprint", "year": 2025,
        "authors": [{"name": "Alice Liddell", "profile": "alice-liddell", "equal_contribution": True},
                    {"name": "Carol Danvers", "equal_contribution": True}],
        **extra,
    }  # fmt: skip


def test_member_creates_a_paper_with_themselves_as_author(client_for, alice):
    response = client_for(alice).post(LIST, new(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["citation_key"]
    assert [(a["name"], a["profile"], a["equal_contribution"]) for a in data["authors"]] == [
        ("Alice Liddell", "alice-liddell", True),
        ("Carol Danvers", None, True),
    ]


def test_member_cannot_create_a_paper_without_themselves_or_for_someone_else(client_for, alice, bob):
    client = client_for(alice)
    no_link = new(authors=[{"name": "Carol Danvers"}])
    assert client.post(LIST, no_link, format="json").status_code == 400
    for_bob = new(authors=[{"name": "Bob Builder", "profile": "bob-builder"}])
    assert client.post(LIST, for_bob, format="json").status_code == 403
    two = new(authors=[{"name": "Alice Liddell", "profile": "alice-liddell"},
                       {"name": "Bob Builder", "profile": "bob-builder"}])  # fmt: skip
    assert client.post(LIST, two, format="json").status_code == 400
    assert client_for(None).post(LIST, new(), format="json").status_code == 401
    assert not Publication.objects.exists()


def test_lab_admin_creates_for_any_member(client_for, admin, bob):
    body = new(authors=[{"name": "Bob Builder", "profile": "bob-builder"}])
    response = client_for(admin).post(LIST, body, format="json")
    assert response.status_code == 201
    assert response.json()["authors"][0]["profile"] == "bob-builder"


# --- changing ----------------------------------------------------------------------------------


def test_author_edits_own_paper_but_not_others(client_for, alice, papers):
    mine, bobs = papers
    client = client_for(alice)
    response = client.patch(detail(mine.citation_key), {"venue_short": "OSDI '22"}, format="json")
    assert response.status_code == 200
    assert Publication.objects.get(pk=mine.pk).venue_short == "OSDI '22"
    before = snapshot(bobs)
    assert client.patch(detail(bobs.citation_key), {"title": "pwned"}, format="json").status_code == 403
    assert client.put(detail(bobs.citation_key), new(), format="json").status_code == 403
    assert client.delete(detail(bobs.citation_key)).status_code == 403
    assert client_for(None).patch(detail(bobs.citation_key), {"title": "x"}, format="json").status_code == 401
    assert snapshot(bobs) == before


def test_member_cannot_add_themselves_to_someone_elses_paper(client_for, alice, papers):
    _, bobs = papers
    before = snapshot(bobs)
    authors = [{"id": a.pk, "name": a.name} for a in bobs.authorships.all()]
    authors.append({"name": "Alice Liddell", "profile": "alice-liddell"})
    response = client_for(alice).patch(detail(bobs.citation_key), {"authors": authors}, format="json")
    assert response.status_code == 403
    assert snapshot(bobs) == before


def test_author_reorders_authors_keeping_links(client_for, alice, papers):
    mine, _ = papers
    rows = list(mine.authorships.order_by("position"))
    authors = [{"id": rows[1].pk, "name": rows[1].name, "equal_contribution": True},
               {"id": rows[0].pk, "name": rows[0].name, "equal_contribution": True}]  # fmt: skip
    response = client_for(alice).patch(detail(mine.citation_key), {"authors": authors}, format="json")
    assert response.status_code == 200, response.json()
    assert [(a["name"], a["profile"]) for a in response.json()["authors"]] == [
        ("Yao Fu", None),
        ("Alice Liddell", "alice-liddell"),
    ]


def test_author_cannot_remove_themselves_nor_link_someone_else(client_for, alice, bob, papers):
    mine, bobs = papers
    before = snapshot(mine)
    client = client_for(alice)
    # Dropping her own row would leave her unable to edit: refused, nothing changes.
    response = client.patch(detail(mine.citation_key), {"authors": [{"name": "Yao Fu"}]}, format="json")
    assert response.status_code == 403
    # Linking bob to her paper is his call.
    authors = [{"id": a.pk, "name": a.name} for a in mine.authorships.all()]
    authors.append({"name": "Bob Builder", "profile": "bob-builder"})
    assert client.patch(detail(mine.citation_key), {"authors": authors}, format="json").status_code == 403
    # Author rows of another paper cannot be borrowed by id.
    borrowed = [{"id": bobs.authorships.get().pk, "name": "Bob Builder"},
                *({"id": a.pk, "name": a.name} for a in mine.authorships.all())]  # fmt: skip
    assert client.patch(detail(mine.citation_key), {"authors": borrowed}, format="json").status_code == 403
    assert snapshot(mine) == before


def test_lab_admin_edits_and_deletes_any_paper(client_for, admin, papers):
    mine, bobs = papers
    client = client_for(admin)
    assert client.patch(detail(bobs.citation_key), {"note": "Checked"}, format="json").status_code == 200
    assert client.delete(detail(mine.citation_key)).status_code == 204
    assert not Publication.objects.filter(pk=mine.pk).exists()


def test_duplicate_doi_is_a_400_not_a_500(client_for, alice, papers):
    mine, bobs = papers
    Publication.objects.filter(pk=bobs.pk).update(doi="10.1145/1234.5678")
    response = client_for(alice).patch(detail(mine.citation_key), {"doi": "10.1145/1234.5678"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]


# --- claiming, selecting, unlinking --------------------------------------------------------------


def test_member_claims_own_name_and_selects_the_paper(client_for, alice, bob):
    p = paper("k1", "Alice Liddell", "Someone Else")
    row, other = p.authorships.order_by("position")
    client = client_for(alice)
    response = client.post(f"{detail('k1')}claim/", {"author": other.pk}, format="json")
    assert response.status_code == 403  # not her name
    assert client.post(f"{detail('k1')}claim/", {"author": row.pk}, format="json").status_code == 200
    row.refresh_from_db()
    assert row.profile_id == alice.profile.pk
    response = client.patch(f"{detail('k1')}authors/{row.pk}/", {"selected": True}, format="json")
    assert response.status_code == 200
    assert response.json()["selected"] is True
    # bob neither selects nor unlinks alice's row, nor claims it for himself.
    author_url = f"{detail('k1')}authors/{row.pk}/"
    assert client_for(bob).patch(author_url, {"selected": False}, format="json").status_code == 403
    assert client_for(bob).delete(author_url).status_code == 403
    assert client_for(bob).post(f"{detail('k1')}claim/", {"author": row.pk}, format="json").status_code == 403
    response = client_for(bob).post(
        f"{detail('k1')}claim/", {"author": other.pk, "profile": "alice-liddell"}, format="json"
    )
    assert response.status_code == 403
    row.refresh_from_db()
    assert (row.profile_id, row.selected) == (alice.profile.pk, True)
    assert client.delete(f"{detail('k1')}authors/{row.pk}/").status_code == 200
    row.refresh_from_db()
    assert row.profile_id is None


def test_member_cannot_delete_a_paper_other_members_are_on(client_for, alice, bob):
    shared = paper("shared2024", ("Alice Liddell", alice.profile), ("Bob Builder", bob.profile), year=2024)
    before = snapshot(shared)
    response = client_for(alice).delete(detail("shared2024"))
    assert response.status_code == 403
    assert "unlink" in response.json()["detail"]
    assert snapshot(shared) == before


def test_member_deletes_a_paper_only_they_are_linked_to(client_for, alice):
    own = paper("solo2024", ("Alice Liddell", alice.profile), "Not A Member", year=2024)
    assert client_for(alice).delete(detail("solo2024")).status_code == 204
    assert not Publication.objects.filter(pk=own.pk).exists()
