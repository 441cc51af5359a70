"""Export a whole profile as a native document, import it back: the same profile, `0 created`."""

import json

import pytest

from profiles import models as pm
from profiles.formats.native import parse_native, validate_document, write_native
from profiles.imports.sync import export_profile_document, import_profile_document
from publications.models import Authorship, Publication
from tests.profiles.test_demo import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def chijun(demo_lab):
    return pm.Profile.objects.get(slug="chijun-sima")


def test_export_is_valid_against_the_schema_and_holds_everything(chijun):
    doc = export_profile_document(chijun, user=_admin())
    assert doc["format"] == "academic-profile"
    assert doc["version"] == 1
    assert validate_document(doc) == []
    assert doc["education"][0]["gpa"] == "3.85"
    assert doc["education"][0]["start"] == "2016-09"
    ekko = next(p for p in doc["publications"] if p["citation_key"] == "sima2022ekko")
    assert ekko["authors"][0] == {
        "name": "Chijun Sima",
        "profile": "chijun-sima",
        "equal_contribution": True,
        "corresponding": False,
        "selected": True,
    }
    assert ekko["authors"][-1]["corresponding"] is True
    tencent = doc["experience"][0]
    contributions = tencent["projects"][0]["highlights"][2]
    assert next(c["label"] for c in contributions["children"]) == "Update dissemination + scheduling"
    assert doc["talks"][0]["publication"] == "sima2022ekko"
    assert doc["press"][0]["project"] == "Ekko"


def test_round_trip_over_itself_changes_nothing(chijun):
    before = snapshot()
    text = write_native(export_profile_document(chijun, user=_admin()))
    parsed = parse_native(text)
    assert parsed.ok
    report = import_profile_document(parsed.records[0], actor=None)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.deleted) == (0, 0, 0)
    assert "0 created" in report.summary()
    assert snapshot() == before


def test_round_trip_into_an_empty_database_gives_the_same_document(chijun):
    admin = _admin()
    original = export_profile_document(chijun, user=admin)
    aiko = export_profile_document(pm.Profile.objects.get(slug="aiko-nakamura"), user=admin)
    # Everything goes: profiles, papers, sections.
    Publication.objects.all().delete()
    pm.Profile.objects.all().delete()
    assert Authorship.objects.count() == 0

    report = import_profile_document(json.loads(write_native(original)), actor=None)
    assert report.ok, report.errors
    again = export_profile_document(pm.Profile.objects.get(slug="chijun-sima"), user=admin)
    # Co-authors who are members of the old lab are not in this database: unlinked, with a warning.
    for doc in (original, again):
        for record in doc["publications"]:
            for author in record["authors"]:
                if author["profile"] != "chijun-sima":
                    author["profile"], author["selected"] = None, False
    assert again == original
    assert any("unknown member" in w for w in report.warnings)

    # A second member's document links to the first's papers without duplicating them.
    report = import_profile_document(aiko, actor=None)
    assert report.ok, report.errors
    shared = Publication.objects.get(citation_key="nakamura2025kvtier")
    linked = set(shared.authorships.exclude(profile=None).values_list("profile__slug", flat=True))
    assert linked == {"aiko-nakamura", "chijun-sima"}
    assert Publication.objects.filter(title__startswith="KVTier").count() == 1


def test_a_dry_run_writes_nothing(chijun):
    doc = export_profile_document(chijun, user=_admin())
    doc["headline"] = "Changed"
    doc["news"].append({"date": "2026", "body": "New!", "visibility": "public"})
    before = snapshot()
    report = import_profile_document(doc, actor=None, dry_run=True)
    assert report.ok
    assert report.updated == 1
    assert report.created == 1
    assert snapshot() == before


def test_schema_errors_are_reported_with_their_json_path(chijun):
    doc = export_profile_document(chijun, user=_admin())
    doc["publications"][0]["authors"][0]["name"] = ""
    doc["education"][0]["start"] = "Sept 2016"
    doc["surprise"] = 1
    report = import_profile_document(doc, actor=None)
    assert not report.ok
    text = "\n".join(report.errors)
    assert "publications[0].authors[0].name" in text
    assert "education[0].start" in text
    assert "surprise" in text


def test_parse_native_refuses_other_json_and_other_versions():
    assert "not a native profile document" in str(parse_native('{"basics": {}}').errors[0])
    assert "unsupported version" in str(parse_native('{"format": "academic-profile", "version": 2}').errors[0])
    broken = parse_native('{"format": "academic-profile",\n "version": 1,,}')
    assert broken.errors[0].line == 2


def test_export_for_a_visitor_leaves_out_private_and_members_only_content(demo_lab):
    aiko = pm.Profile.objects.get(slug="aiko-nakamura")
    mei = pm.Profile.objects.get(slug="mei-ling-chou")
    assert export_profile_document(aiko, user=None)["news"] == []  # members-only item
    assert export_profile_document(mei, user=None)["statements"] == []  # private statement
    assert len(export_profile_document(mei, user=_admin())["statements"]) == 1
    assert "published" not in export_profile_document(aiko, user=None)


def _admin():
    from tests.factories import UserFactory

    return UserFactory(username="root", is_superuser=True, is_staff=True)
