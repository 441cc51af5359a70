"""Every section declared in profiles/sections.py reaches every interface.

The test walks the registry instead of naming sections, so a section added there is
checked here without touching this file: its /me/ list and form, its API serializer and
routes (old spellings included), its admin, its import-export resource, its place in the
native document (export and sync), the API profile detail, its page partial on the
profile and the CV, and page-cache invalidation.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import models
from django.template.loader import get_template
from django.urls import resolve, reverse

from profiles import sections
from profiles.api.serializers import SERIALIZERS
from profiles.editing import forms
from profiles.editing import registry as editing
from profiles.imports import sync as native
from profiles.imports.resources import SECTION_RESOURCES
from profiles.models import Profile
from tests import factories as f

pytestmark = pytest.mark.django_db

ALL = [pytest.param(s, id=s.key) for s in sections.SECTIONS]
STANDALONE = [pytest.param(s, id=s.key) for s in sections.top_level()]


@pytest.mark.parametrize("section", ALL)
def test_each_place_an_item_can_live_has_a_me_list_with_a_form(section):
    keys = ([section.key] if section.standalone else []) + [p.edit_key for p in section.parents]
    for key in keys:
        placement = editing.get(key)
        assert placement is not None, key
        assert placement.model is section.model, key
        form = forms.section_form_class(placement)()
        assert set(placement.fields) <= set(form.fields), key
    for alias in section.aliases:
        assert editing.get(alias) is editing.get(section.key)


@pytest.mark.parametrize("section", ALL)
def test_each_section_has_a_serializer_and_api_routes_under_every_spelling(section):
    serializer = SERIALIZERS[section.key]()
    assert {*section.fields, *section.parent_fields} <= set(serializer.fields)
    for key in (section.key, *section.aliases):
        match = resolve(f"/api/v1/profiles/someone/{key}/")
        assert match.func.cls.section.model is section.model, key


@pytest.mark.parametrize("section", ALL)
def test_each_section_has_an_admin_and_sits_inline_under_its_container(section):
    assert section.model in admin.site._registry
    inline_models = {inline.model for inline in admin.site._registry[Profile].inlines}
    if section.standalone:
        assert section.model in inline_models
        assert section.model in SECTION_RESOURCES
    for parent in section.parents:
        container = sections.get(parent.section).model
        if container is not section.model:
            assert section.model in {i.model for i in admin.site._registry[container].inlines}


@pytest.mark.parametrize("section", STANDALONE)
def test_each_section_has_a_partial(section):
    assert get_template(section.template)


def test_content_models_are_the_registry_models():
    assert set(sections.content_models()) == {s.model for s in sections.SECTIONS}


# --- One item in every section, through the native document ----------------------------------


SPECIAL = {"period": "2020H1"}  # values other fields constrain (an award's half-year must match its year)


def _value(model_field, marker):
    if model_field.name in SPECIAL:
        return SPECIAL[model_field.name]
    if model_field.choices:
        return model_field.choices[0][0]
    if isinstance(model_field, models.BooleanField):
        return False
    if isinstance(model_field, models.DecimalField):
        return "3.50"
    if isinstance(model_field, models.IntegerField):
        return 2020 if model_field.name == "year" else 3
    if isinstance(model_field, models.URLField) or model_field.name == "url":
        return f"https://example.org/{marker}"
    if "date" in model_field.name or model_field.name in {"start", "end"}:
        return "2020-01"
    return f"{marker} text"


def _row(section, depth=0):
    """A document row for `section` with one child in each nested list (one level of sub-bullets)."""
    row = {}
    for name in section.fields:
        model_field = section.model._meta.get_field(name)
        if model_field.is_relation or name == "visibility":
            continue
        key = native.EXPORT_RENAMES.get(name, name)
        row[key] = _value(model_field, f"{section.doc_key}-{name}")
    if "visibility" in section.fields:
        row["visibility"] = "public"
    if section.sync_key != "position":
        row[section.sync_key] = f"{section.doc_key}-key"
    for child, parent in sections.children(section):
        if child.key == section.key and depth:
            continue
        row[parent.doc_key] = [_row(child, depth + 1)]
    return row


def _document():
    doc = {"format": native.FORMAT, "version": native.VERSION, "slug": "every-section", "full_name": "Every Section"}
    for section in sections.top_level():
        doc[section.doc_key] = [_row(section)]
    return doc


def _as_compared(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _assert_holds(expected, got, where):
    for key, value in expected.items():
        if isinstance(value, list):
            assert len(got[key]) == len(value), f"{where}.{key}"
            for i, (e, g) in enumerate(zip(value, got[key], strict=True)):
                _assert_holds(e, g, f"{where}.{key}[{i}]")
        elif key == "keywords":
            assert got[key] == [value], where
        else:
            assert _as_compared(got[key]) == value, f"{where}.{key}: {got[key]!r} != {value!r}"


@pytest.fixture
def everything(admin):
    document = _document()
    report = native.import_profile_document(document, actor=None)
    assert report.ok, report.lines()
    profile = Profile.objects.get(slug="every-section")
    Profile.objects.filter(pk=profile.pk).update(published=True)
    profile.refresh_from_db()
    return document, profile


def test_every_section_round_trips_through_the_native_document(everything, admin):
    document, profile = everything
    exported = native.export_profile_document(profile, user=admin)
    for section in sections.top_level():
        _assert_holds({section.doc_key: document[section.doc_key]}, exported, "document")
    again = native.import_profile_document(exported, actor=None, dry_run=True)
    assert again.ok, again.lines()
    assert (again.created, again.updated) == (0, 0), again.lines()


def test_every_section_is_in_the_api_detail(everything, client):
    _, profile = everything
    detail = client.get(f"/api/v1/profiles/{profile.slug}/").json()
    for section in sections.top_level():
        if section.in_detail:
            assert len(detail[section.doc_key]) == 1, section.key
            for child, parent in sections.children(section):
                assert len(detail[section.doc_key][0][parent.doc_key]) == 1, (section.key, child.key)


def test_every_section_renders_through_its_partial_on_the_page_and_cv(everything, client):
    _, profile = everything
    f.PublicationFactory()  # a paper elsewhere in the lab changes nothing here
    page = client.get(profile.get_absolute_url())
    cv = client.get(reverse("profiles:cv", args=[profile.slug]))
    used_on_page = {t.name for t in page.templates}
    used_on_cv = {t.name for t in cv.templates}
    for section in sections.top_level():
        assert section.template in used_on_page, section.key
        assert section.template in used_on_cv, section.key
