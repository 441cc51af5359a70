"""/api/v1/profiles/<slug>/statements/: private, members-only and link-shared statements are
never listed to those who may not see them; share links are the owner's."""

import pytest

from profiles.models import Statement
from tests import factories as f

pytestmark = pytest.mark.django_db


def url(pk=None, action=None):
    base = "/api/v1/profiles/alice-liddell/statements/"
    return base + (f"{pk}/" if pk else "") + (f"{action}/" if action else "")


@pytest.fixture
def statements(alice):
    made = {
        level: f.StatementFactory(profile=alice.profile, title=f"st-{level}", visibility=level)
        for level in Statement.Visibility.values
    }
    made["link"].create_share_token()
    made["link"].save()
    return made


def titles(response):
    return {row["title"] for row in response.json()["results"]}


def test_who_sees_which_statement(client_for, alice, bob, admin, statements):
    assert titles(client_for(None).get(url())) == {"st-public"}
    assert titles(client_for(bob).get(url())) == {"st-public", "st-members"}
    everything = {"st-public", "st-members", "st-link", "st-private"}
    assert titles(client_for(alice).get(url())) == everything
    assert titles(client_for(admin).get(url())) == everything
    for level in ("private", "link", "members"):
        assert client_for(None).get(url(statements[level].pk)).status_code == 404
    for level in ("private", "link"):
        assert client_for(bob).get(url(statements[level].pk)).status_code == 404


def test_share_url_only_for_the_owner(client_for, alice, admin, statements):
    link = statements["link"]
    owner_view = client_for(alice).get(url(link.pk)).json()
    assert owner_view["share_url"] == link.get_share_url()
    public = statements["public"]
    public.create_share_token()
    public.save()
    assert client_for(None).get(url(public.pk)).json()["share_url"] is None


def test_owner_creates_and_revokes_a_share_link(client_for, alice, bob, statements):
    private = statements["private"]
    assert client_for(bob).post(url(private.pk, "share_link")).status_code == 403
    response = client_for(alice).post(url(private.pk, "share_link"))
    assert response.status_code == 200
    private.refresh_from_db()
    assert private.visibility == "link"
    assert response.json()["share_url"] == private.get_share_url()
    # Still not listed to others.
    assert "st-private" not in titles(client_for(bob).get(url()))
    assert client_for(alice).delete(url(private.pk, "share_link")).status_code == 200
    private.refresh_from_db()
    assert (private.share_token, private.visibility) == (None, "private")


def test_others_cannot_change_statements(client_for, bob, statements):
    members = statements["members"]
    before = Statement.objects.values().get(pk=members.pk)
    client = client_for(bob)
    assert client.patch(url(members.pk), {"visibility": "public"}, format="json").status_code == 403
    assert client.post(url(members.pk, "share_link")).status_code == 403
    assert client.delete(url(members.pk)).status_code == 403
    assert Statement.objects.values().get(pk=members.pk) == before


def test_statement_slugs_are_made_unique(client_for, alice):
    client = client_for(alice)
    first = client.post(url(), {"title": "Research", "body": "x"}, format="json").json()
    second = client.post(url(), {"title": "Research", "body": "y"}, format="json").json()
    assert first["slug"] != second["slug"]
    assert first["visibility"] == "private"
