"""/api/v1/profiles/<slug>/<section>/…: every section, as the owner, another member, a lab
admin and a visitor; forged ids in URLs and bodies change nothing."""

import pytest

from profiles import models as pm
from tests import factories as f

pytestmark = pytest.mark.django_db

SECTION_KEYS = [
    "links", "focus_themes", "news", "education", "experience", "projects", "open_source", "highlights",
    "talks", "talk_deliveries", "service", "awards", "press", "skills", "statements",
]  # fmt: skip

# A text field each test changes, per section.
EDIT_FIELD = {
    "links": "label", "focus_themes": "title", "news": "body", "education": "institution",
    "experience": "organisation", "projects": "title", "open_source": "project", "highlights": "text",
    "talks": "title", "talk_deliveries": "event", "service": "venue", "awards": "title", "press": "title",
    "skills": "name", "statements": "title",
}  # fmt: skip


def make_item(key, profile, **extra):
    """One (public) item of `key` belonging to `profile`."""
    makers = {
        "links": lambda: f.ProfileLinkFactory(profile=profile, **extra),
        "focus_themes": lambda: f.FocusThemeFactory(profile=profile, **extra),
        "news": lambda: f.NewsItemFactory(profile=profile, **extra),
        "education": lambda: f.EducationFactory(profile=profile, **extra),
        "experience": lambda: f.ExperienceFactory(profile=profile, **extra),
        "projects": lambda: f.ProjectFactory(profile=profile, **extra),
        "open_source": lambda: f.OpenSourceFactory(profile=profile, **extra),
        "highlights": lambda: f.HighlightFactory(project=f.ProjectFactory(profile=profile), **extra),
        "talks": lambda: f.TalkFactory(profile=profile, **extra),
        "talk_deliveries": lambda: f.TalkDeliveryFactory(talk=f.TalkFactory(profile=profile), **extra),
        "service": lambda: f.ServiceFactory(profile=profile, **extra),
        "awards": lambda: f.AwardFactory(profile=profile, **extra),
        "press": lambda: f.PressItemFactory(profile=profile, **extra),
        "skills": lambda: pm.Skill.objects.create(profile=profile, name="Rust", **extra),
        "statements": lambda: f.StatementFactory(profile=profile, visibility="public", **extra),
    }
    return makers[key]()


def new_payload(key, profile):
    """A valid body to create an item of `key` in `profile`."""
    if key == "highlights":
        return {"project": f.ProjectFactory(profile=profile).pk, "label": "Problem", "text": "It was **slow**."}
    if key == "talk_deliveries":
        return {"talk": f.TalkFactory(profile=profile).pk, "event": "OSDI", "date": "2022-07"}
    return {
        "links": {"kind": "github", "url": "https://github.com/alice"},
        "focus_themes": {"title": "Theme", "body": "Paragraph.", "visibility": "members"},
        "news": {"date": "2024-05", "body": "A paper accepted."},
        "education": {"institution": "Uni", "degree": "B.Sc.", "start_date": "2016", "end_date": "2020"},
        "experience": {"organisation": "Org", "title": "Engineer", "start_date": "2020-01", "is_current": True},
        "projects": {"title": "Ekko", "summary": "One line."},
        "open_source": {"project": "pytorch", "role": "Contributor"},
        "talks": {"title": "A talk"},
        "service": {"venue": "OSDI", "year": 2024, "role": "reviewer"},
        "awards": {"title": "Best paper", "year": 2022},
        "press": {"outlet": "Blog", "title": "Write-up", "url": "https://example.org/x"},
        "skills": {"name": "Go", "category": "skill"},
        "statements": {"title": "Research statement", "body": "I build **systems**.", "kind": "research"},
    }[key]


def url(profile, key, pk=None, action=None):
    base = f"/api/v1/profiles/{profile.slug}/{key}/"
    if pk is not None:
        base += f"{pk}/"
    if action:
        base += f"{action}/"
    return base


def model_of(key):
    from profiles.api.sections import BY_KEY

    return BY_KEY[key].model


def snapshot(item):
    return type(item).objects.values().get(pk=item.pk)


def count(key):
    return model_of(key).objects.count()


# --- the owner and lab admins write -------------------------------------------------------


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_owner_creates_updates_reorders_and_deletes(client_for, alice, key):
    profile = alice.profile
    client = client_for(alice)
    response = client.post(url(profile, key), new_payload(key, profile), format="json")
    assert response.status_code == 201, response.json()
    created = model_of(key).objects.get(pk=response.json()["id"])
    assert pm.Profile.objects.get(pk=_owner_profile_id(created)) == profile

    field = EDIT_FIELD[key]
    response = client.patch(url(profile, key, created.pk), {field: "Changed"}, format="json")
    assert response.status_code == 200, response.json()
    created.refresh_from_db()
    assert getattr(created, field) == "Changed"

    # A second item in the same list, then the reverse order.
    second = _sibling(key, created)
    response = client.post(url(profile, key, action="reorder"), {"order": [second.pk, created.pk]}, format="json")
    assert response.status_code == 200, response.json()
    created.refresh_from_db()
    second.refresh_from_db()
    assert second.position < created.position

    listed = client.get(url(profile, key)).json()["results"]
    assert {row["id"] for row in listed} >= {created.pk, second.pk}

    assert client.delete(url(profile, key, created.pk)).status_code == 204
    assert not model_of(key).objects.filter(pk=created.pk).exists()


def _owner_profile_id(item):
    from profiles.permissions import owning_profile

    return owning_profile(item).pk


def _sibling(key, item):
    """Another item in the same ordered list as `item`."""
    if key == "highlights":
        return f.HighlightFactory(project=item.project)
    if key == "talk_deliveries":
        return f.TalkDeliveryFactory(talk=item.talk)
    if key == "projects":
        return f.ProjectFactory(profile=item.profile, experience=item.experience)
    return make_item(key, item.profile)


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_lab_admin_writes_anyones_section(client_for, admin, alice, key):
    profile = alice.profile
    client = client_for(admin)
    response = client.post(url(profile, key), new_payload(key, profile), format="json")
    assert response.status_code == 201, response.json()
    item = model_of(key).objects.get(pk=response.json()["id"])
    assert client.patch(url(profile, key, item.pk), {EDIT_FIELD[key]: "By admin"}, format="json").status_code == 200
    assert client.delete(url(profile, key, item.pk)).status_code == 204


# --- others may not --------------------------------------------------------------------------


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_other_member_cannot_write_someone_elses_section(client_for, alice, bob, key):
    profile = alice.profile
    item = make_item(key, profile)
    before, total = snapshot(item), count(key)
    client = client_for(bob)
    payload = new_payload(key, profile)
    total = count(key)
    assert client.post(url(profile, key), payload, format="json").status_code == 403
    assert client.patch(url(profile, key, item.pk), {EDIT_FIELD[key]: "pwned"}, format="json").status_code == 403
    assert client.put(url(profile, key, item.pk), payload, format="json").status_code == 403
    assert client.delete(url(profile, key, item.pk)).status_code == 403
    assert client.post(url(profile, key, action="reorder"), {"order": [item.pk]}, format="json").status_code == 403
    assert snapshot(item) == before
    assert count(key) == total


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_visitor_cannot_write(client_for, alice, key):
    profile = alice.profile
    item = make_item(key, profile)
    before = snapshot(item)
    client = client_for(None)
    total = count(key)
    assert client.post(url(profile, key), new_payload(key, profile), format="json").status_code == 401
    assert client.patch(url(profile, key, item.pk), {EDIT_FIELD[key]: "pwned"}, format="json").status_code == 401
    assert client.delete(url(profile, key, item.pk)).status_code == 401
    assert snapshot(item) == before
    assert count(key) == total


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_someone_elses_item_id_under_my_profile_is_not_found(client_for, alice, bob, key):
    """alice PATCHing bob's item through her own URL: the id is not in her list."""
    item = make_item(key, bob.profile)
    before = snapshot(item)
    client = client_for(alice)
    mine = alice.profile
    assert client.patch(url(mine, key, item.pk), {EDIT_FIELD[key]: "pwned"}, format="json").status_code == 404
    assert client.delete(url(mine, key, item.pk)).status_code == 404
    response = client.post(url(mine, key, action="reorder"), {"order": [item.pk]}, format="json")
    assert response.status_code == 400
    assert snapshot(item) == before


PROFILE_SECTIONS = [k for k in SECTION_KEYS if k not in {"highlights", "talk_deliveries"}]


@pytest.mark.parametrize("key", PROFILE_SECTIONS)
def test_profile_in_the_body_cannot_move_an_item(client_for, alice, bob, key):
    """alice PATCHing her own item with "profile": bob's id, or POSTing one for bob."""
    item = make_item(key, alice.profile)
    before = snapshot(item)
    client = client_for(alice)
    body = {EDIT_FIELD[key]: "moved", "profile": bob.profile.pk}
    assert client.patch(url(alice.profile, key, item.pk), body, format="json").status_code == 403
    assert snapshot(item) == before
    total = count(key)
    payload = {**new_payload(key, alice.profile), "profile": bob.profile.slug}
    assert client.post(url(alice.profile, key), payload, format="json").status_code == 403
    assert count(key) == total
    assert not model_of(key).objects.filter(profile=bob.profile).exists()


def test_highlight_cannot_be_hung_under_someone_elses_project(client_for, alice, bob):
    mine = f.HighlightFactory(project=f.ProjectFactory(profile=alice.profile))
    bobs_project = f.ProjectFactory(profile=bob.profile)
    bobs_highlight = f.HighlightFactory(project=bobs_project)
    before = snapshot(mine)
    client = client_for(alice)
    base = url(alice.profile, "highlights")
    response = client.patch(f"{base}{mine.pk}/", {"project": bobs_project.pk}, format="json")
    assert response.status_code == 400
    assert "project" in response.json()["errors"]
    assert snapshot(mine) == before
    total = pm.Highlight.objects.count()
    for body in (
        {"project": bobs_project.pk, "text": "x"},
        {"parent": bobs_highlight.pk, "text": "x"},
        {"experience": f.ExperienceFactory(profile=bob.profile).pk, "text": "x"},
        {"open_source": f.OpenSourceFactory(profile=bob.profile).pk, "text": "x"},
    ):
        assert client.post(base, body, format="json").status_code == 400
    assert pm.Highlight.objects.count() == total
    assert list(bobs_project.highlights.all()) == [bobs_highlight]


def test_items_cannot_point_at_someone_elses_items(client_for, alice, bob):
    client = client_for(alice)
    bobs_talk = f.TalkFactory(profile=bob.profile)
    bobs_experience = f.ExperienceFactory(profile=bob.profile)
    bobs_project = f.ProjectFactory(profile=bob.profile)
    response = client.post(url(alice.profile, "talk_deliveries"), {"talk": bobs_talk.pk, "event": "x"}, format="json")
    assert response.status_code == 400
    assert not bobs_talk.deliveries.exists()
    project = f.ProjectFactory(profile=alice.profile)
    response = client.patch(
        url(alice.profile, "projects", project.pk), {"experience": bobs_experience.pk}, format="json"
    )
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.experience_id is None
    response = client.post(
        url(alice.profile, "press"), {"outlet": "o", "title": "t", "project": bobs_project.pk}, format="json"
    )
    assert response.status_code == 400
    assert not pm.PressItem.objects.exists()


def test_sub_bullets_nest_under_own_highlights(client_for, alice):
    top = f.HighlightFactory(project=f.ProjectFactory(profile=alice.profile))
    client = client_for(alice)
    response = client.post(url(alice.profile, "highlights"), {"parent": top.pk, "text": "detail"}, format="json")
    assert response.status_code == 201
    child = pm.Highlight.objects.get(pk=response.json()["id"])
    assert (child.parent_id, child.project_id) == (top.pk, top.project_id)
    # Two levels only.
    response = client.post(url(alice.profile, "highlights"), {"parent": child.pk, "text": "deeper"}, format="json")
    assert response.status_code == 400


def test_reorder_needs_the_whole_list(client_for, alice):
    a, b, c = (f.NewsItemFactory(profile=alice.profile) for _ in range(3))
    positions = {n.pk: n.position for n in (a, b, c)}
    client = client_for(alice)
    target = url(alice.profile, "news", action="reorder")
    assert client.post(target, {"order": [c.pk, a.pk]}, format="json").status_code == 400
    assert client.post(target, {"order": [c.pk, c.pk, a.pk, b.pk]}, format="json").status_code == 400
    assert {n.pk: n.position for n in pm.NewsItem.objects.all()} == positions
    assert client.post(target, {"order": [c.pk, a.pk, b.pk]}, format="json").status_code == 200
    assert list(pm.NewsItem.objects.order_by("position").values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]


# --- reading ----------------------------------------------------------------------------------


def test_hidden_items_are_not_listed_nor_retrievable(client_for, alice, bob):
    p = alice.profile
    public = f.NewsItemFactory(profile=p, visibility="public")
    members = f.NewsItemFactory(profile=p, visibility="members")
    private = f.NewsItemFactory(profile=p, visibility="private")
    listing = {
        who: {row["id"] for row in client_for(user).get(url(p, "news")).json()["results"]}
        for who, user in (("anon", None), ("bob", bob), ("alice", alice))
    }
    assert listing == {
        "anon": {public.pk},
        "bob": {public.pk, members.pk},
        "alice": {public.pk, members.pk, private.pk},
    }
    assert client_for(None).get(url(p, "news", members.pk)).status_code == 404
    assert client_for(bob).get(url(p, "news", private.pk)).status_code == 404
    assert client_for(bob).get(url(p, "news", members.pk)).status_code == 200


def test_children_of_hidden_items_are_hidden(client_for, alice, bob):
    p = alice.profile
    private_project = f.ProjectFactory(profile=p, visibility="private")
    hidden_highlight = f.HighlightFactory(project=private_project)
    private_talk = f.TalkFactory(profile=p, visibility="private")
    hidden_delivery = f.TalkDeliveryFactory(talk=private_talk)
    private_position = f.ExperienceFactory(profile=p, visibility="private")
    inner = f.ProjectFactory(profile=p, experience=private_position, visibility="public")
    for user in (None, bob):
        client = client_for(user)
        assert client.get(url(p, "highlights")).json()["results"] == []
        assert client.get(url(p, "talk_deliveries")).json()["results"] == []
        assert client.get(url(p, "projects")).json()["results"] == []
        assert client.get(url(p, "highlights", hidden_highlight.pk)).status_code == 404
        assert client.get(url(p, "talk_deliveries", hidden_delivery.pk)).status_code == 404
        assert client.get(url(p, "projects", inner.pk)).status_code == 404
    assert len(client_for(alice).get(url(p, "projects")).json()["results"]) == 2


def test_sections_of_an_unpublished_profile_are_404(client_for, alice, bob):
    pm.Profile.objects.filter(pk=alice.profile.pk).update(published=False)
    f.NewsItemFactory(profile=alice.profile)
    assert client_for(None).get(url(alice.profile, "news")).status_code == 404
    assert client_for(bob).get(url(alice.profile, "news")).status_code == 404
    assert client_for(bob).post(url(alice.profile, "news"), {"body": "x"}, format="json").status_code == 404
    assert client_for(alice).get(url(alice.profile, "news")).status_code == 200


def test_publications_are_referred_to_by_citation_key(client_for, alice):
    paper = f.PublicationFactory(citation_key="sima2022ekko")
    f.AuthorshipFactory(publication=paper, profile=alice.profile, name="Alice Liddell")
    response = client_for(alice).post(
        url(alice.profile, "projects"), {"title": "Ekko", "related_publications": ["sima2022ekko"]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["related_publications"] == ["sima2022ekko"]
    assert list(pm.Project.objects.get(pk=response.json()["id"]).related_publications.all()) == [paper]
    response = client_for(alice).post(
        url(alice.profile, "talks"), {"title": "T", "publication": "no-such-key"}, format="json"
    )
    assert response.status_code == 400


def test_related_papers_are_only_the_members_own_as_on_the_me_forms(client_for, alice, bob):
    """The API offers the same choices as /me/: a project cites papers its owner wrote."""
    theirs = f.PublicationFactory(citation_key="bob2024only")
    f.AuthorshipFactory(publication=theirs, profile=bob.profile, name="Bob Builder")
    response = client_for(alice).post(
        url(alice.profile, "projects"), {"title": "Ekko", "related_publications": ["bob2024only"]}, format="json"
    )
    assert response.status_code == 400
    assert "related_publications" in response.json()["errors"]
    assert not pm.Project.objects.filter(profile=alice.profile).exists()
