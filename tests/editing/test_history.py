"""Every change is recorded (who, when, what) and an earlier version can be restored."""

import pytest

from profiles.models import NewsItem
from tests import factories as f
from tests.editing.conftest import login

pytestmark = pytest.mark.django_db


def test_changes_are_recorded_with_their_author_and_can_be_restored(alice, admin):
    client = login(alice)
    client.post("/me/sections/news/add/", {"body": "First", "visibility": "public"})
    item = NewsItem.objects.get()
    version = client.get(f"/me/sections/news/{item.pk}/").context["form"]["version"].value()
    client.post(f"/me/sections/news/{item.pk}/", {"body": "Second", "visibility": "public", "version": version})
    records = list(item.history.order_by("history_date"))
    assert [r.body for r in records] == ["First", "Second"]
    assert {r.history_user for r in records} == {alice}

    page = client.get(f"/me/sections/news/{item.pk}/history/")
    assert page.status_code == 200
    assert b"First" in page.content
    assert b"Second" in page.content
    assert b"alice" in page.content

    response = client.post(f"/me/sections/news/{item.pk}/history/{records[0].history_id}/restore/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.body == "First"
    assert item.history.count() == 3  # the restore is itself recorded

    # A lab admin sees the same history through the profile's slug.
    admin_page = login(admin).get(f"/me/profiles/{alice.profile.slug}/sections/news/{item.pk}/history/")
    assert admin_page.status_code == 200


def test_profile_history_and_restore(alice):
    client = login(alice)
    version = client.get("/me/about/").context["form"]["version"].value()
    client.post("/me/about/", {"short_bio": "New bio", "version": version})
    first = alice.profile.history.order_by("history_date").first()
    assert client.get("/me/history/").status_code == 200
    client.post(f"/me/history/{first.history_id}/restore/")
    alice.profile.refresh_from_db()
    assert alice.profile.short_bio == "Works on *systems*."


def test_history_of_an_item_restores_only_that_item(alice):
    a = f.NewsItemFactory(profile=alice.profile, body="A")
    b = f.NewsItemFactory(profile=alice.profile, body="B")
    client = login(alice)
    # A history id of another item is not a version of this one.
    response = client.post(f"/me/sections/news/{a.pk}/history/{b.history.first().history_id}/restore/")
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.body == "A"
