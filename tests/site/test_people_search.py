"""People search (profiles/selectors/search.py), as the directory and the API use it."""

import pytest
from django.db import connection

from profiles import selectors
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(lab):
    return [
        f.ProfileFactory(slug="aiko", full_name="Aiko Nakamura", native_name="中村 愛子", interest_tags="Databases"),
        f.ProfileFactory(slug="zoe", full_name="Zoë Müller", interest_tags="Compilers", verified_names="Z. Mueller"),
        f.ProfileFactory(
            slug="alice", full_name="Alice Liddell", interest_tags="", research_interests="Learned *query optimisers*."
        ),
    ]


def found(text):
    return sorted(p.slug for p in selectors.directory(text))


@pytest.mark.parametrize(
    ("text", "slugs"),
    [
        ("中村", ["aiko"]),  # the name in its own script
        ("愛子", ["aiko"]),
        ("Müller", ["zoe"]),
        ("mueller", ["zoe"]),  # a verified name
        ("compilers", ["zoe"]),  # a tag
        ("optimis", ["alice"]),  # research interests, part of a word
        ("nakamura databases", ["aiko"]),  # every word
        ("nakamura compilers", []),
        ("%", sorted(["aiko", "zoe", "alice"])),  # no query syntax: an empty search
        ("_", []),  # a literal underscore, not a LIKE wildcard
    ],
)
def test_people_search(people, text, slugs):
    assert found(text) == slugs


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="typos need pg_trgm")
def test_misspelt_names_match_on_postgresql(people):
    assert found("Lidell") == ["alice"]
    assert found("Nakamure") == ["aiko"]


def test_the_directory_page_uses_it(client, people):
    html = client.get("/people/", {"q": "中村"}).content.decode()
    assert "Aiko Nakamura" in html
    assert "Alice Liddell" not in html
    assert connection.vendor in ("sqlite", "postgresql")
