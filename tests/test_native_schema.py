"""docs/native-profile.schema.json describes what export_profile_document really writes.

The schema is hand-written; these tests keep it honest. A profile gets an item in every
section of profiles.sections.SECTIONS, in every place an item can hang (a project on
its own and inside a position, highlights under each of their parents, a sub-bullet
under a highlight, a delivery under a talk), once with every field filled and once with
only what is required, and its native export must validate against the schema. A new
section, or a new field on one, that the schema does not describe fails here.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.db import models

from profiles.imports.sync import export_profile_document
from profiles.models import Profile
from profiles.sections import BY_KEY, SECTIONS
from publications.models import Authorship, Publication
from tests.factories import ProfileFactory

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "native-profile.schema.json").read_text())

# Set by the database, rendered from another field, or the item's place: never filled here.
NOT_FILLED = {"id", "position", "updated_at", "created_at", "share_token", "title_normalised"}
# Values a field's type alone does not give (a valid slug, a real year, a GPA …).
VALUES = {
    "slug": "a-slug",
    "citation_key": "doe2024things",
    "orcid": "0000-0002-1825-0097",
    "email": "someone@example.org",
    "year": 2024,
    "period": "2022H2",
    "gpa": Decimal("3.85"),
    "gpa_scale": Decimal("4.00"),
    "doi": "10.1000/xyz123",
    "arxiv_id": "2401.01234",
    "keywords": "Rust, Go",
}


def _value(f):
    """A valid, non-blank value for model field `f`."""
    if f.name in VALUES:
        return VALUES[f.name]
    if f.choices:
        return f.choices[-1][0]
    if isinstance(f, models.BooleanField):
        return True
    if isinstance(f, models.DecimalField):
        return Decimal("1.50")
    if isinstance(f, (models.IntegerField, models.PositiveIntegerField)):
        return 3
    if isinstance(f, models.DateTimeField):
        return datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
    if isinstance(f, models.DateField):
        return datetime.date(2024, 5, 1)
    if isinstance(f, models.URLField):
        return "https://example.org/page"
    if isinstance(f, models.JSONField):
        return []
    if f.name in {"date", "start_date", "end_date", "joined_on", "left_on"}:
        return "2021-07"
    if isinstance(f, models.TextField):
        return "Some *Markdown* text."
    if isinstance(f, models.CharField):
        return "Text"[: f.max_length]
    raise AssertionError(f"no test value for {f.model.__name__}.{f.name} ({type(f).__name__})")


def _fill(model, *, filled, **values):
    """Field values for a new `model` row: every editable field when `filled`, else only `values`."""
    if filled:
        for f in model._meta.concrete_fields:
            if f.is_relation or isinstance(f, models.FileField) or f.name in NOT_FILLED or f.name.endswith("_html"):
                continue
            if f.name in values:
                continue
            values[f.name] = _value(f)
    return values


def _required(section):
    """The fields of `section` that may not be blank, with a value each."""
    return {
        f.name: _value(f)
        for f in section.model._meta.concrete_fields
        if not (f.blank or f.null or f.has_default() or f.is_relation or f.name in NOT_FILLED)
    }


def _publication(profile, *, filled):
    values = _fill(Publication, filled=filled, title="A Study of Things", citation_key="doe2024things", year=2024)
    publication = Publication.objects.create(**values)
    author = _fill(Authorship, filled=filled, publication=publication, position=1, name=profile.full_name)
    Authorship.objects.create(**author, profile=profile)
    Authorship.objects.create(publication=publication, position=2, name="Jane Doe")
    return publication


def _build(*, filled):
    """A profile with an item in every section and under every parent; returns it."""
    profile = ProfileFactory(**_fill(Profile, filled=filled, slug=f"everything-{filled:d}", full_name="Ada Every"))
    publication = _publication(profile, filled=filled)
    items = {}  # section key -> the items made of it so far
    for section in SECTIONS:
        places = [("profile", None)] if section.standalone else []
        places += [(parent.field, parent.section) for parent in section.parents]
        for position, (field, container) in enumerate(places):
            # Under the first item of the container's section (a sub-bullet: under a bullet made just before).
            place = {field: profile if container is None else items[container][0]}
            if container == section.key:  # a sub-bullet keeps its bullet's owner
                place.update({name: getattr(place[field], name) for name in section.parent_fields if name != field})
            if section.has_profile:
                place.setdefault("profile", profile)
            values = _fill(section.model, filled=filled, **_required(section), **place, position=position)
            if filled:
                values.update(_refs(section, publication, items))
            if section.sync_key != "position":
                values[section.sync_key] = f"{values[section.sync_key]}-{position}"
            many = {name: values.pop(name) for name in list(values) if section.model._meta.get_field(name).many_to_many}
            item = section.model.objects.create(**values)
            for name, related in many.items():
                getattr(item, name).set(related)
            items.setdefault(section.key, []).append(item)
    return profile


def _refs(section, publication, items):
    """The related rows a section's refs name (a paper, a project)."""
    out = {}
    for ref in section.refs:
        related = section.model._meta.get_field(ref.field).related_model
        target = publication if related is Publication else items["projects"][0]
        out[ref.field] = [target] if ref.attr else target
    return out


def _errors(document):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def _exported(document, section):
    """Every item of `section` in `document`: in its own list, and nested under each of its parents."""
    out = list(document[section.doc_key]) if section.standalone else []
    for parent in section.parents:
        if parent.section != section.key:
            out += [
                item for container in _exported(document, BY_KEY[parent.section]) for item in container[parent.doc_key]
            ]
    for parent in section.parents:
        if parent.section == section.key:  # one level of nesting (a highlight's sub-bullets)
            out += [child for item in out for child in item[parent.doc_key]]
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("filled", [True, False], ids=["every-field", "required-only"])
def test_the_export_of_a_profile_with_every_section_is_valid_against_the_schema(filled, admin, anon):
    profile = _build(filled=filled)
    document = export_profile_document(profile, user=admin)
    for section in SECTIONS:
        if section.standalone:
            assert document[section.doc_key], f"no {section.key} on the profile"
        for parent in section.parents:
            containers = _exported(document, BY_KEY[parent.section])
            assert any(item[parent.doc_key] for item in containers), f"no {section.key} under {parent.section}"
    assert _errors(document) == []
    if not filled:  # a visitor's export (the public page's content, no membership fields)
        assert _errors(export_profile_document(profile, user=anon)) == []


@pytest.mark.django_db
def test_every_choice_of_every_field_is_valid_against_the_schema(admin):
    document = export_profile_document(_build(filled=True), user=admin)
    places = [(Profile, document), (Publication, document["publications"][0])]
    places += [(section.model, document[section.doc_key][0]) for section in SECTIONS if section.standalone]
    for model, item in places:
        for f in model._meta.concrete_fields:
            for value, _label in f.choices or ():
                original, item[f.name] = item[f.name], value
                assert _errors(document) == [], f"{model.__name__}.{f.name} = {value!r}"
                item[f.name] = original


def test_every_section_has_a_place_in_the_schema():
    """A section added to profiles.sections.SECTIONS must be added to the schema too."""
    for section in SECTIONS:
        if section.standalone:
            assert section.doc_key in SCHEMA["properties"], f"{section.doc_key} is not in the schema's properties"
        for parent in section.parents:
            container = _item_schema(BY_KEY[parent.section])
            assert parent.doc_key in container["properties"], f"no {parent.doc_key} in a {parent.section} item"
        assert _item_schema(section)["type"] == "object"


def _item_schema(section):
    """The schema of one item of `section`: in the document's list, else in its first parent's."""
    if section.standalone:
        return _resolve(SCHEMA["properties"][section.doc_key]["items"])
    parent = section.parents[0]
    return _resolve(_item_schema(BY_KEY[parent.section])["properties"][parent.doc_key]["items"])


def _resolve(schema):
    """`schema`, or the definition its "$ref" names."""
    while "$ref" in schema:
        schema = SCHEMA["$defs"][schema["$ref"].removeprefix("#/$defs/")]
    return schema
