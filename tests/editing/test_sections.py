"""Adding, editing, deleting and reordering items of every kind, without JavaScript."""

import pytest

from profiles import services
from profiles.models import Experience, Highlight, NewsItem, Project, TalkDelivery
from tests import factories as f
from tests.editing.conftest import login

pytestmark = pytest.mark.django_db


def test_add_edit_delete_a_news_item(alice):
    client = login(alice)
    data = {"date": "Sep 2025", "body": "Joined the lab", "visibility": "members"}
    response = client.post("/me/sections/news/add/", data)
    assert response.status_code == 302
    item = NewsItem.objects.get(profile=alice.profile)
    assert (item.date, item.visibility) == ("2025-09", "members")

    page = client.get(f"/me/sections/news/{item.pk}/")
    version = page.context["form"]["version"].value()
    response = client.post(
        f"/me/sections/news/{item.pk}/",
        {"date": "2025-09", "body": "Joined the lab!", "visibility": "public", "version": version},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.body == "Joined the lab!"

    assert client.post(f"/me/sections/news/{item.pk}/delete/").status_code == 302
    assert not NewsItem.objects.exists()


def test_invalid_input_shows_errors_and_saves_nothing(alice):
    client = login(alice)
    response = client.post(
        "/me/sections/education/add/",
        {"institution": "U", "start_date": "2020", "end_date": "2019", "visibility": "public"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not alice.profile.education.exists()


def test_experience_with_labelled_highlights_sub_bullets_and_projects(alice):
    client = login(alice)
    client.post("/me/sections/experience/add/", {"kind": "industry", "organisation": "Tencent", "visibility": "public"})
    experience = Experience.objects.get(profile=alice.profile)
    for label in ["Problem", "Key idea", "Outcomes"]:
        response = client.post(
            "/me/sections/experience-highlights/add/",
            {"parent": experience.pk, "label": label, "text": f"{label} with **92%**"},
        )
        assert response.status_code == 302
    problem = Highlight.objects.get(label="Problem")
    client.post("/me/sections/sub-highlights/add/", {"parent": problem.pk, "text": "nested detail"})
    child = Highlight.objects.get(parent=problem)
    assert child.experience_id == experience.pk
    data = {"parent": experience.pk, "title": "Ekko", "visibility": "public"}
    client.post("/me/sections/experience-projects/add/", data)
    project = Project.objects.get(experience=experience)
    assert project.profile_id == alice.profile.pk
    client.post("/me/sections/project-highlights/add/", {"parent": project.pk, "label": "Problem", "text": "slow"})
    assert project.highlights.count() == 1

    page = client.get(f"/me/sections/experience/{experience.pk}/")
    assert b"Key idea" in page.content
    assert b"Ekko" in page.content


def test_move_up_and_down(alice):
    experience = f.ExperienceFactory(profile=alice.profile)
    a, b, c = (f.HighlightFactory(project=None, experience=experience, text=t, position=i) for i, t in enumerate("abc"))
    client = login(alice)
    client.post(f"/me/sections/experience-highlights/{c.pk}/move/", {"direction": "up"})
    assert list(experience.highlights.order_by("position").values_list("text", flat=True)) == ["a", "c", "b"]
    client.post(f"/me/sections/experience-highlights/{a.pk}/move/", {"direction": "down"})
    assert list(experience.highlights.order_by("position").values_list("text", flat=True)) == ["c", "a", "b"]
    # At the edge nothing happens; a bad direction is a 400.
    client.post(f"/me/sections/experience-highlights/{b.pk}/move/", {"direction": "down"})
    assert list(experience.highlights.order_by("position").values_list("text", flat=True)) == ["c", "a", "b"]
    assert client.post(f"/me/sections/experience-highlights/{b.pk}/move/", {"direction": "x"}).status_code == 400


def test_move_redirects_back_only_within_the_site(alice):
    news = [f.NewsItemFactory(profile=alice.profile) for _ in range(2)]
    client = login(alice)
    response = client.post(
        f"/me/sections/news/{news[1].pk}/move/", {"direction": "up", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/me/sections/news/"


def test_talk_deliveries(alice):
    talk = f.TalkFactory(profile=alice.profile)
    client = login(alice)
    client.post("/me/sections/talk-deliveries/add/", {"parent": talk.pk, "event": "OSDI", "date": "2022-07"})
    assert TalkDelivery.objects.get(talk=talk).event == "OSDI"


def test_second_save_of_a_changed_item_is_refused(alice, admin):
    """Alice and a lab admin open the same item; the admin saves first; Alice's save is refused."""
    item = f.NewsItemFactory(profile=alice.profile, body="Original")
    alice_client, admin_client = login(alice), login(admin)
    alice_version = alice_client.get(f"/me/sections/news/{item.pk}/").context["form"]["version"].value()
    admin_url = f"/me/profiles/{alice.profile.slug}/sections/news/{item.pk}/"
    admin_version = admin_client.get(admin_url).context["form"]["version"].value()
    assert admin_version == alice_version

    admin_client.post(admin_url, {"body": "Admin's fix", "visibility": "public", "version": admin_version})
    response = alice_client.post(
        f"/me/sections/news/{item.pk}/", {"body": "Alice's text", "visibility": "public", "version": alice_version}
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.body == "Admin's fix"
    form = response.context["form"]
    assert "changed this item" in str(form.non_field_errors())
    assert ("Body", "Admin's fix") in [(str(label), value) for label, value in form.conflict]
    assert b"Admin&#x27;s fix" in response.content
    # Saving again (with the refreshed version) is a deliberate overwrite.
    response = alice_client.post(
        f"/me/sections/news/{item.pk}/",
        {"body": "Alice's text", "visibility": "public", "version": form.data["version"]},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.body == "Alice's text"


def test_concurrent_profile_edit_is_refused(alice):
    client = login(alice)
    version = client.get("/me/identity/").context["form"]["version"].value()
    services.profile_update(actor=alice, profile=alice.profile, changes={"headline": "Changed elsewhere"})
    response = client.post("/me/identity/", {"full_name": "Alice L.", "headline": "Mine", "version": version})
    assert response.status_code == 200
    alice.profile.refresh_from_db()
    assert alice.profile.headline == "Changed elsewhere"


def test_reordering_is_not_a_conflict(alice):
    a, b = f.NewsItemFactory(profile=alice.profile), f.NewsItemFactory(profile=alice.profile)
    client = login(alice)
    version = client.get(f"/me/sections/news/{a.pk}/").context["form"]["version"].value()
    client.post(f"/me/sections/news/{b.pk}/move/", {"direction": "up"})
    response = client.post(f"/me/sections/news/{a.pk}/", {"body": "edited", "visibility": "public", "version": version})
    assert response.status_code == 302


def test_lab_admin_edits_anyones_profile(admin, bob):
    client = login(admin)
    slug = bob.profile.slug
    assert client.get(f"/me/profiles/{slug}/").status_code == 200
    response = client.post(f"/me/profiles/{slug}/sections/awards/add/", {"title": "Best Paper", "visibility": "public"})
    assert response["Location"].startswith(f"/me/profiles/{slug}/")
    assert bob.profile.awards.get().title == "Best Paper"


def test_identity_and_bio(alice):
    client = login(alice)
    response = client.post("/me/identity/", {"full_name": "Alice Liddell", "native_name": "爱丽丝", "orcid": "bad"})
    assert response.status_code == 200
    assert "orcid" in response.context["form"].errors
    client.post("/me/identity/", {"full_name": "Alice Liddell", "native_name": "爱丽丝", "headline": "PhD student"})
    client.post("/me/about/", {"short_bio": "I build **systems**.", "long_bio": "Long.", "interest_tags": "ML, OS"})
    alice.profile.refresh_from_db()
    assert alice.profile.native_name == "爱丽丝"
    assert alice.profile.interest_list == ["ML", "OS"]


def test_members_cannot_change_their_own_role_or_published_flag(alice):
    client = login(alice)
    client.post("/me/identity/", {"full_name": "Alice Liddell", "role": "pi", "published": "", "status": "alumni"})
    alice.profile.refresh_from_db()
    assert (alice.profile.role, alice.profile.published, alice.profile.status) == ("phd", True, "current")
