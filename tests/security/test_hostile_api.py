"""Hostile JSON bodies to the API (issue 23): nesting deep enough to blow Python's stack, and
NUL characters PostgreSQL cannot store, are refused with a 400 saying why; nothing is written."""

import json

import pytest
from rest_framework.test import APIClient

from portfolio_site.api.parsers import max_depth_exceeded
from profiles.models import NewsItem, Profile
from profiles.services.tokens import api_token_create
from publications.models import Publication

pytestmark = pytest.mark.django_db

DEEP = 100_000


def owner_client(user):
    _, raw = api_token_create(actor=user, name="hostile", scope="read-write")
    return APIClient(HTTP_AUTHORIZATION=f"Token {raw}")


def endpoints(profile):
    """(method, address, a valid body, what it writes) for the three write endpoints."""
    return [
        ("patch", f"/api/v1/profiles/{profile.slug}/", {"headline": "Hi"}, lambda: Profile.objects.values().get()),
        ("post", f"/api/v1/profiles/{profile.slug}/news/", {"date": "2024-05", "body": "Hi"}, NewsItem.objects.count),
        ("post", "/api/v1/publications/", {"title": "T", "kind": "preprint", "year": 2025}, Publication.objects.count),
    ]


def send(client, method, address, body: bytes):
    return getattr(client, method)(address, body, content_type="application/json")


def deep_body(valid, levels):
    """`valid` with its first field's value wrapped in `levels` levels of [ ]."""
    value = json.dumps(next(iter(valid.values())))
    return json.dumps(valid).replace(value, "[" * levels + value + "]" * levels, 1).encode()


@pytest.mark.parametrize("index", [0, 1, 2], ids=["profile", "news", "publication"])
def test_a_body_nested_100000_deep_is_a_400_and_writes_nothing(alice, index):
    method, address, valid, written = endpoints(alice.profile)[index]
    before = written()
    response = send(owner_client(alice), method, address, deep_body(valid, DEEP))
    assert response.status_code == 400
    assert response.json()["detail"] == "JSON nested deeper than 32 levels"
    assert written() == before


@pytest.mark.parametrize("index", [0, 1, 2], ids=["profile", "news", "publication"])
def test_a_nul_character_is_a_400_naming_the_field_and_writes_nothing(alice, index):
    method, address, valid, written = endpoints(alice.profile)[index]
    key = next(iter(valid))
    before = written()
    body = json.dumps({**valid, key: "bad\u0000value"}).encode()
    assert b"\\u0000" in body
    response = send(owner_client(alice), method, address, body)
    assert response.status_code == 400
    assert "NUL" in response.json()["errors"][key][0]
    assert written() == before


def test_a_nul_deep_in_a_list_is_named_by_its_path(alice):
    body = {"title": "T", "kind": "preprint", "year": 2025, "authors": [{"name": "A"}, {"name": "B\u0000"}]}
    response = send(owner_client(alice), "post", "/api/v1/publications/", json.dumps(body).encode())
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["authors[1].name"]
    assert not Publication.objects.exists()


def test_the_limit_is_the_setting_and_a_shallow_body_still_works(alice, settings):
    method, address, valid, written = endpoints(alice.profile)[1]
    client = owner_client(alice)
    settings.API_JSON_MAX_DEPTH = 3
    response = send(client, method, address, deep_body(valid, 3))  # 4 levels with the object
    assert response.json()["detail"] == "JSON nested deeper than 3 levels"
    assert send(client, method, address, json.dumps(valid).encode()).status_code == 201
    assert written() == 1


def test_the_scan_counts_brackets_outside_strings_only():
    assert max_depth_exceeded(b"[" * 33 + b"]" * 33, 32)
    assert not max_depth_exceeded(b"[" * 32 + b"]" * 32, 32)
    assert max_depth_exceeded(b"[" * 40, 32)  # unclosed: refused too (json.loads would recurse)
    inside = b'{"a": "' + b"[{" * 50 + b'"}'
    assert not max_depth_exceeded(inside, 32)
    escaped = b'{"a": "\\"' + b"[" * 50 + b'"}'  # an escaped quote does not end the string
    assert not max_depth_exceeded(escaped, 32)
    assert max_depth_exceeded(b'{"a": "\\\\", "b": ' + b"[" * 40 + b"]" * 40 + b"}", 32)


def test_the_scan_finds_a_deep_nest_without_a_long_run_of_openers():
    climb = (b"[" * 20 + b"[]") * 3  # 60 deep, never more than 21 [ in a row
    assert max_depth_exceeded(b"{" + climb + b"]" * 60 + b"}", 32)
    wide = b"[" + (b"[" * 31 + b"]" * 31 + b",") * 1000 + b"1]"  # 32 deep, a thousand times
    assert not max_depth_exceeded(wide, 32)
    assert max_depth_exceeded(b'{"a": [1, 2' + b"[" * 40, 32)
    assert not max_depth_exceeded(b'{"a": [1, 2' + b"[" * 30, 32)  # truncated, shallow: json.loads says why
