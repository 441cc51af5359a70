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

from publications.models import Publication

from .. import permissions
from ..models import (
    ApiToken,
    Highlight,
    Profile,
    Statement,
)
from .sections import BY_KEY, PUBLICATION_FIELDS, SECTIONS

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
        for name, rows in self.section.scoped.items():
            field = fields.get(name)
            if field is not None and not field.read_only:
                field.queryset = rows(profile) if profile is not None else field.queryset.none()
        return fields


def make_section_serializer(section):
    model = section.model
    names = [f.name for f in model._meta.get_fields()]
    extra = [name for name in ("updated_at",) if name in names]
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
    for name in PUBLICATION_FIELDS & set(section.fields):
        many = name == "related_publications"
        attrs[name] = serializers.SlugRelatedField(
            slug_field="citation_key",
            queryset=Publication.objects.all(),
            many=many,
            required=False,
            allow_null=not many,
            help_text="Citation key(s) of lab publications.",
        )
    if model is Highlight:
        for name in section.parents:
            attrs[name] = BoundedPrimaryKeyRelatedField(
                queryset=model._meta.get_field(name).related_model._default_manager.all(),
                required=False,
                allow_null=True,
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


class HighlightChildSerializer(serializers.ModelSerializer):
    class Meta:
        model = Highlight
        fields = ("id", "label", "text", "position")


class HighlightTreeSerializer(serializers.ModelSerializer):
    children = HighlightChildSerializer(many=True, read_only=True)

    class Meta:
        model = Highlight
        fields = ("id", "label", "text", "position", "children")


def _nested(section_key, name, extra_fields, **declared):
    base = SERIALIZERS[section_key]
    meta = type("Meta", (base.Meta,), {"fields": (*base.Meta.fields, *extra_fields)})
    return type(name, (base,), {"Meta": meta, "__module__": __name__, **declared})


ProjectNestedSerializer = _nested(
    "projects", "ProjectNestedSerializer", ("highlights",),
    highlights=HighlightTreeSerializer(many=True, read_only=True),
)  # fmt: skip
ExperienceNestedSerializer = _nested(
    "experience", "ExperienceNestedSerializer", ("highlights", "projects"),
    highlights=HighlightTreeSerializer(many=True, read_only=True),
    projects=ProjectNestedSerializer(many=True, read_only=True, source="visible_projects"),
)  # fmt: skip
OpenSourceNestedSerializer = _nested(
    "open_source", "OpenSourceNestedSerializer", ("highlights",),
    highlights=HighlightTreeSerializer(many=True, read_only=True),
)  # fmt: skip
TalkNestedSerializer = _nested(
    "talks", "TalkNestedSerializer", ("deliveries",),
    deliveries=SERIALIZERS["talk_deliveries"](many=True, read_only=True),
)  # fmt: skip


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


MEMBER_EDITABLE = (
    "full_name", "native_name", "pronouns", "headline", "tagline", "joined_on", "organisation", "team",
    "location", "email", "orcid", "short_bio", "long_bio", "research_interests", "interest_tags",
    "projects_intro", "press_intro", "recognition_intro",
)  # fmt: skip
# Changeable by lab admins only (profiles.services.MEMBERSHIP_FIELDS enforces it).
ADMIN_EDITABLE = ("role", "status", "left_on", "alumni_destination", "published", "display_order", "slug")


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


class ProfileDetailSerializer(ProfileSummarySerializer):
    links = SERIALIZERS["links"](many=True, read_only=True)
    focus_themes = SERIALIZERS["focus_themes"](many=True, read_only=True)
    news = SERIALIZERS["news"](many=True, read_only=True)
    education = SERIALIZERS["education"](many=True, read_only=True)
    experience = ExperienceNestedSerializer(many=True, read_only=True)
    projects = ProjectNestedSerializer(many=True, read_only=True, source="standalone_projects")
    open_source = OpenSourceNestedSerializer(many=True, read_only=True)
    talks = TalkNestedSerializer(many=True, read_only=True)
    service = SERIALIZERS["service"](many=True, read_only=True)
    awards = SERIALIZERS["awards"](many=True, read_only=True)
    press = SERIALIZERS["press"](many=True, read_only=True)
    skills = SERIALIZERS["skills"](many=True, read_only=True)

    class Meta(ProfileSummarySerializer.Meta):
        fields = (
            *ProfileSummarySerializer.Meta.fields,
            "tagline", "joined_on", "left_on", "location", "email", "orcid", "short_bio", "long_bio",
            "research_interests", "interest_tags", "projects_intro", "press_intro", "recognition_intro",
            "display_order", "updated_at",
            "links", "focus_themes", "news", "education", "experience", "projects", "open_source", "talks",
            "service", "awards", "press", "skills",
        )  # fmt: skip
        read_only_fields = fields


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
