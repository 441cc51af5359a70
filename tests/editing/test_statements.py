"""Statements: write, choose visibility, share by link, revoke."""

import pytest
from django.test import Client

from profiles.models import Statement
from tests.editing.conftest import login

pytestmark = pytest.mark.django_db


def test_write_share_and_revoke_a_statement(alice):
    client = login(alice)
    data = {"kind": "purpose", "title": "Statement of purpose", "body": "**Why.** Because.", "visibility": "private"}
    client.post("/me/sections/statements/add/", data)
    statement = Statement.objects.get(profile=alice.profile)
    assert statement.slug == "statement-of-purpose"

    client.post(f"/me/statements/{statement.pk}/share/")
    statement.refresh_from_db()
    assert statement.share_token
    assert statement.visibility == "link"
    share_url = statement.get_share_url()
    visitor = Client()
    assert visitor.get(share_url).status_code == 200

    client.post(f"/me/statements/{statement.pk}/unshare/")
    statement.refresh_from_db()
    assert statement.share_token is None
    assert statement.visibility == "private"
    assert visitor.get(share_url).status_code == 404


def test_a_new_link_replaces_the_old_one(alice):
    client = login(alice)
    data = {"kind": "research", "title": "Research", "body": "x", "visibility": "link"}
    client.post("/me/sections/statements/add/", data)
    statement = Statement.objects.get()
    client.post(f"/me/statements/{statement.pk}/share/")
    statement.refresh_from_db()
    old = statement.get_share_url()
    client.post(f"/me/statements/{statement.pk}/share/")
    statement.refresh_from_db()
    assert statement.get_share_url() != old
    assert Client().get(old).status_code == 404
    assert Client().get(statement.get_share_url()).status_code == 200


def test_two_statements_with_the_same_title_get_distinct_slugs(alice):
    client = login(alice)
    for _ in range(2):
        data = {"kind": "research", "title": "Research", "body": "x", "visibility": "private"}
        client.post("/me/sections/statements/add/", data)
    assert sorted(Statement.objects.values_list("slug", flat=True)) == ["research", "research-2"]
