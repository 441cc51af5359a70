"""Publications with their ordered authors and the authors' flags."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from portfolio_site.api.links import api_url, profile_api_path
from profiles import permissions
from publications import fields as publication_fields
from publications.models import Authorship, Publication

PUBLICATION_FIELDS = publication_fields.BIBLIOGRAPHIC


class AuthorSerializer(serializers.ModelSerializer):
    """One author as printed, with the member they are (when that member's page is visible)."""

    profile = serializers.SerializerMethodField()
    profile_url = serializers.SerializerMethodField()

    class Meta:
        model = Authorship
        fields = (
            "id", "position", "name", "profile", "profile_url", "equal_contribution", "corresponding", "selected",
        )  # fmt: skip
        read_only_fields = fields

    def _visible_profile(self, authorship):
        profile = authorship.profile
        if profile is None:
            return None
        user = self.context["request"].user if "request" in self.context else None
        return profile if permissions.can_view_profile(user, profile) else None

    @extend_schema_field({"type": "string", "nullable": True, "description": "The linked member's slug."})
    def get_profile(self, authorship):
        profile = self._visible_profile(authorship)
        return profile.slug if profile else None

    @extend_schema_field(
        {"type": "string", "nullable": True, "description": "The linked member's profile in the API (null: none)."}
    )
    def get_profile_url(self, authorship):
        profile = self._visible_profile(authorship)
        return api_url(self.context, profile_api_path(profile.slug)) if profile else None


class AuthorInputSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Keep this existing author row (and its link to a member).",
    )
    name = serializers.CharField(max_length=200)
    equal_contribution = serializers.BooleanField(default=False)
    corresponding = serializers.BooleanField(default=False)
    profile = serializers.SlugField(
        required=False,
        allow_null=True,
        max_length=80,
        help_text="Slug of the member this author is: yours (lab admins: anyone's). One per request.",
    )


class PublicationSerializer(serializers.ModelSerializer):
    authors = AuthorSerializer(many=True, read_only=True, source="authorships")
    page = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = ("citation_key", *PUBLICATION_FIELDS, "authors", "page", "created_at", "updated_at")
        read_only_fields = ("created_at", "updated_at")
        extra_kwargs = {"citation_key": {"required": False, "validators": []}}

    @extend_schema_field(OpenApiTypes.STR)
    def get_page(self, publication):
        """The publication's page on the site."""
        return publication.get_absolute_url()


class PublicationWriteSerializer(serializers.ModelSerializer):
    """A publication to create or change; `authors` replaces the whole author list."""

    authors = AuthorInputSerializer(many=True, required=False, max_length=500)

    class Meta:
        model = Publication
        fields = ("citation_key", *PUBLICATION_FIELDS, "authors")
        extra_kwargs = {"citation_key": {"required": False, "validators": []}}

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            # Uniqueness (key, DOI, arXiv id) is checked by the service's full_clean.
            field.validators = [v for v in field.validators if not isinstance(v, UniqueValidator)]
        return fields
