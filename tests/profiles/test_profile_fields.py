"""Profile's and Publication's fields are declared once, in groups (profiles/fields.py,
publications/fields.py): a field in no group would be missing from some interface."""

from profiles import fields as profile_fields
from profiles.models import Profile
from publications import fields as publication_fields
from publications.models import Publication


def _model_fields(model):
    return {f.name for f in model._meta.concrete_fields} | {f.name for f in model._meta.many_to_many}


def _grouped(module, names):
    grouped = [name for group in names for name in getattr(module, group)]
    assert len(grouped) == len(set(grouped)), "a field is in two groups"
    return set(grouped)


def test_every_profile_field_is_in_exactly_one_group():
    groups = ("IDENTITY", "AFFILIATION", "CONTACT", "ABOUT", "INTROS", "MEMBERSHIP", "VERIFIED_NAMES", "JOINED",
              "NOT_EDITED")  # fmt: skip
    assert _grouped(profile_fields, groups) == _model_fields(Profile)


def test_every_publication_field_is_in_exactly_one_group():
    groups = ("WHAT", "VENUE", "IDENTIFIERS", "TEXT", "LINKS", "KEYS", "BOOKKEEPING")
    assert _grouped(publication_fields, groups) == _model_fields(Publication)


def test_what_a_member_edits_and_what_only_a_lab_admin_sets_never_overlap():
    assert not set(profile_fields.MEMBER_EDITABLE) & profile_fields.MEMBERSHIP_FIELDS
    # The native document carries every field a person types, membership included.
    assert set(profile_fields.MEMBER_EDITABLE) | set(profile_fields.MEMBERSHIP) == set(profile_fields.DOCUMENT)
