"""Serializers of profiles, their sections, statements and API tokens.

Section serializers are built from profiles/api/sections.py: one per section, with the
section's writable fields. Foreign keys to other items (a project's position, a
highlight's project …) only accept items of the profile in the URL (`profile` in the
serializer context); publications are referred to by citation key.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from portfolio_site.api.links import api_url, profile_api_path
from profiles import fields as profile_fields
from profiles import permissions, sections
from profiles.api.sections import BY_KEY, SECTIONS
from profiles.models import ApiToken, Profile, Statement
from publications.models import Publication

READ_ONLY = ("id", "position")
MAX_ID = 2**63 - 1  # the largest database id (bigint)


class BoundedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id beyond the database's integer range is "not found" (not a 500 from the driver)."""

    def to_internal_value(self, data):
        try:
            too_big = int(data) > MAX_ID
        except (TypeError, ValueError):
            too_big = False
        if too_big:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class SectionItemSerializer(serializers.ModelSerializer):
    """Base of every section serializer (see make_section_serializer)."""

    section = None
    serializer_related_field = BoundedPrimaryKeyRelatedField

    def get_fields(self):
        fields = super().get_fields()
        profile = self.context.get("profile")
        for name, related_model in self.section.scoped.items():
            field = fields.get(name)
            field = getattr(field, "child_relation", field)  # a many=True field wraps its child
            if field is not None and not field.read_only:
                field.queryset = (
                    sections.scoped_queryset(related_model, profile)
                    if profile is not None
                    else related_model._default_manager.none()
                )
        return fields


def make_section_serializer(section):
    model = section.model
    names = [f.name for f in model._meta.get_fields()]
    extra = [name for name in ("draft", "updated_at") if name in names]  # draft: confirmed on /me/
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": ("id", *section.fields, "position", *extra),
            "read_only_fields": (*READ_ONLY, *extra),
        },
    )
    attrs = {"Meta": meta, "section": section, "__module__": __name__}
    for name, related_model in section.scoped.items():
        if related_model is Publication:
            many = model._meta.get_field(name).many_to_many
            attrs[name] = serializers.SlugRelatedField(
                slug_field="citation_key",
                queryset=Publication.objects.all(),
                many=many,
                required=False,
                allow_null=not many,
                help_text="Citation key(s) of publications the profile is an author of.",
            )
    if model is Statement:
        return make_statement_serializer(attrs)
    return type(f"{model.__name__}Serializer", (SectionItemSerializer,), attrs)


def make_statement_serializer(attrs):
    meta = attrs["Meta"]
    meta.fields = (*meta.fields, "slug", "share_url", "created_at")
    meta.read_only_fields = (*meta.read_only_fields, "slug", "created_at")

    @extend_schema_field({"type": "string", "nullable": True})
    def get_share_url(self, obj):
        """The unguessable link (only for those who may edit the statement)."""
        user = self.context["request"].user if "request" in self.context else None
        if obj.share_token and permissions.can_edit_profile(user, obj.profile):
            return obj.get_share_url()
        return None

    attrs = {
        **attrs,
        "share_url": serializers.SerializerMethodField(
            help_text="Address of the share link, for its owner (null when none)."
        ),
        "get_share_url": get_share_url,
    }
    return type("StatementSerializer", (SectionItemSerializer,), attrs)


SERIALIZERS = {section.key: make_section_serializer(section) for section in SECTIONS}


class ReorderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=1000,
        help_text="Every id of the list (or of one group: the highlights of one entry, the "
        "deliveries of one talk, the projects of one position), in the new order.",
    )


# --- Profile detail (everything nested, as the caller may see it) -----------------------
#
# Read from the profile page's selector (profiles.selectors.profile_page), the same read
# as the public page and the CV: nested lists come from the attributes it fills
# (`Parent.attr`), related papers from the references it attached (`Ref.attr`).


def _camel(key):
    return "".join(part.title() for part in key.replace("-", "_").split("_"))


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class NaturalKeysField(serializers.Field):
    """Related rows (already read) written by a natural value, e.g. papers by citation key."""

    def __init__(self, by, **kwargs):
        self.by = by
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return [getattr(row, self.by) for row in value]


_NESTED = {}


def nested_serializer(section, *, inside=None):
    """The serializer of `section`'s items with their children nested (one level of sub-bullets)."""
    if (section.key, inside) not in _NESTED:
        _NESTED[section.key, inside] = _make_nested(section, inside)
    return _NESTED[section.key, inside]


def _make_nested(section, inside):
    base = SERIALIZERS[section.key]
    declared, extra = {}, []
    for child, parent in sections.children(section):
        if child.key == section.key and inside == section.key:
            continue  # sub-bullets have no sub-bullets
        declared[parent.doc_key] = nested_serializer(child, inside=section.key)(
            many=True, read_only=True, source=parent.attr
        )
        extra.append(parent.doc_key)
    for ref in section.refs:
        if ref.attr:
            declared[ref.field] = NaturalKeysField(ref.by, source=ref.attr)
    if not declared:
        return base
    meta = type("Meta", (base.Meta,), {"fields": (*base.Meta.fields, *extra)})
    name = f"{_camel(section.key)}{'In' + _camel(inside) if inside else ''}NestedSerializer"
    return type(name, (base,), {"Meta": meta, "__module__": __name__, **declared})


DETAIL_SECTIONS = [s for s in SECTIONS if s.section.standalone and s.section.in_detail]


class ProfileSummarySerializer(serializers.ModelSerializer):
    avatar = serializers.SerializerMethodField()
    interests = serializers.ListField(child=serializers.CharField(), source="interest_list", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = (
            "slug", "full_name", "native_name", "pronouns", "headline", "role", "status",
            "organisation", "team", "alumni_destination", "avatar", "interests", "published", "url",
        )  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_avatar(self, profile):
        """Address of the 192 px avatar ("" without one)."""
        return profile.avatar_url(192)

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, profile):
        """The public page."""
        return profile.get_absolute_url()


MEMBER_EDITABLE = profile_fields.MEMBER_EDITABLE
# Changeable by lab admins only (profiles.services.MEMBERSHIP_FIELDS enforces it).
ADMIN_EDITABLE = profile_fields.MEMBERSHIP


class ProfileUpdateSerializer(serializers.ModelSerializer):
    """The fields of a profile; role, status, published and the rest of ADMIN_EDITABLE
    are refused (403) unless the caller is a lab admin."""

    class Meta:
        model = Profile
        fields = (*MEMBER_EDITABLE, *ADMIN_EDITABLE)
        extra_kwargs = {"slug": {"validators": []}, "orcid": {"validators": []}}

    def get_fields(self):
        fields = super().get_fields()
        # Uniqueness is checked by the service (full_clean), with the row locked.
        for field in fields.values():
            field.validators = [v for v in field.validators if not isinstance(v, UniqueValidator)]
        return fields


SECTION_URLS_SCHEMA = {
    "type": "object",
    "description": "Address of each section's collection (list, add, reorder).",
    "properties": {s.key: {"type": "string"} for s in SECTIONS},
    "required": [s.key for s in SECTIONS],
}


class ProfileDetailSerializer(ProfileSummarySerializer):
    """A profile and every section the caller may see (fields added below from the registry)."""

    api_url = serializers.SerializerMethodField()
    publications_url = serializers.SerializerMethodField()
    section_urls = serializers.SerializerMethodField()

    # A plain string: "" when the member gave none (the schema's rule for blank strings).
    email = serializers.CharField(read_only=True, help_text='Shown on the public page when set; "" when not set.')

    class Meta(ProfileSummarySerializer.Meta):
        fields = (
            *ProfileSummarySerializer.Meta.fields,
            "tagline", "joined_on", "left_on", "location", "email", "orcid", "short_bio", "long_bio",
            "research_interests", "interest_tags", "projects_intro", "press_intro", "recognition_intro",
            "display_order", "updated_at", "api_url", "publications_url", "section_urls",
            *(s.section.doc_key for s in DETAIL_SECTIONS),
        )  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_api_url(self, profile):
        """This resource: /api/v1/profiles/<slug>/."""
        return api_url(self.context, profile_api_path(profile.slug))

    @extend_schema_field(OpenApiTypes.STR)
    def get_publications_url(self, profile):
        """The member's publications: /api/v1/publications/?member=<slug>."""
        return api_url(self.context, f"/api/v1/publications/?member={profile.slug}")

    @extend_schema_field(SECTION_URLS_SCHEMA)
    def get_section_urls(self, profile):
        base = profile_api_path(profile.slug)
        return {s.key: api_url(self.context, f"{base}{s.key}/") for s in SECTIONS}


for _api_section in DETAIL_SECTIONS:
    # Read from the page object (profiles.selectors.ProfilePage): `page.<doc_key>`.
    ProfileDetailSerializer._declared_fields[_api_section.section.doc_key] = nested_serializer(_api_section.section)(
        many=True, read_only=True, source=f"page.{_api_section.section.doc_key}"
    )


# --- Tokens ------------------------------------------------------------------------------


class ApiTokenSerializer(serializers.ModelSerializer):
    expires_in_days = serializers.IntegerField(
        write_only=True, required=False, allow_null=True, min_value=1,
        help_text="Days until the token expires; leave out for a token that never expires.",
    )  # fmt: skip

    class Meta:
        model = ApiToken
        fields = ("id", "name", "scope", "prefix", "created_at", "expires_at", "expires_in_days", "last_used_at",
                  "revoked_at")  # fmt: skip
        read_only_fields = ("id", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The token itself: shown this once only.")

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "token")
        read_only_fields = fields


__all__ = ["BY_KEY", "SERIALIZERS"]
