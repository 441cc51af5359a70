"""REST API v1: profiles, their sections and statements, tokens.

Thin views: reads go through profiles.selectors and profiles.permissions, writes through
profiles.services (which check permissions again inside their transaction).
"""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from portfolio_site.api.schema import search_parameters
from profiles import permissions, selectors, services
from profiles.api.sections import ALIASES, SECTIONS, visible_items
from profiles.api.serializers import (
    SERIALIZERS,
    ApiTokenCreatedSerializer,
    ApiTokenSerializer,
    ProfileDetailSerializer,
    ProfileSummarySerializer,
    ProfileUpdateSerializer,
    ReorderSerializer,
)
from profiles.models import ApiToken, Profile, Statement
from profiles.selectors.search import search_profiles
from profiles.services.tokens import TOKEN_CANNOT_MINT, api_token_create, api_token_revoke, tokens_of

SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The profile's slug.")


get_viewable_profile = selectors.viewable_profile


def visible_profiles(user):
    """Published profiles, plus the ones `user` may edit (their own, or all for lab admins)."""
    if permissions.is_lab_admin(user):
        return Profile.objects.all()
    own = permissions.own_profile_id(user)
    return Profile.objects.filter(Q(published=True) | Q(pk=own)) if own else Profile.objects.published()


# --------------------------------------------------------------------------- profiles


@extend_schema_view(
    list=extend_schema(
        summary="List profiles",
        parameters=[
            OpenApiParameter("role", OpenApiTypes.STR, enum=Profile.Role.values, description="Filter by role."),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Profile.Status.values),
            *search_parameters(
                "Search names (in any script), interest tags, headline and research interests; "
                "every word must match (PostgreSQL: also partial words and typos)."
            ),
        ],
    ),
    retrieve=extend_schema(summary="A profile with every section the caller may see"),
    partial_update=extend_schema(
        summary="Change a profile's fields (role, status, published, slug: lab admins only)",
        request=ProfileUpdateSerializer,
        responses=ProfileDetailSerializer,
    ),
)
class ProfileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    http_method_names = ["get", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "list":
            return ProfileSummarySerializer
        if self.action == "partial_update":
            return ProfileUpdateSerializer
        return ProfileDetailSerializer

    def get_queryset(self):
        qs = visible_profiles(self.request.user).defer("long_bio", "short_bio", "research_interests")
        params = self.request.query_params
        if role := params.get("role", "").strip():
            qs = qs.filter(role=role)
        if status_ := params.get("status", "").strip():
            qs = qs.filter(status=status_)
        query = params.get("q", "").strip() or params.get("search", "").strip()
        if query:
            qs = search_profiles(qs, query[:200])
        return qs.order_by("display_order", "full_name", "pk")

    def retrieve(self, request, slug=None):
        return Response(ProfileDetailSerializer(self._detail(slug), context=self.get_serializer_context()).data)

    def partial_update(self, request, slug=None):
        profile = get_viewable_profile(request.user, slug)
        if not permissions.can_edit_profile(request.user, profile):
            self.permission_denied(request, message="Only the profile's owner and lab admins may change it.")
        serializer = ProfileUpdateSerializer(profile, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {name: value for name, value in serializer.validated_data.items() if getattr(profile, name) != value}
        if changes:
            profile = services.profile_update(actor=request.user, profile=profile, changes=changes)
        return Response(ProfileDetailSerializer(self._detail(profile.slug), context=self.get_serializer_context()).data)

    def _detail(self, slug):
        """The profile with `.page`: the same read as its public page (selectors.profile_page)."""
        page = selectors.profile_page(self.request.user, slug)
        page.profile.page = page
        return page.profile


# --------------------------------------------------------------------------- sections


class ProfileEditOrReadOnly(BasePermission):
    """Reading follows the items' visibility; writing needs can_edit_profile."""

    message = "Only the profile's owner and lab admins may change it."

    def has_permission(self, request, view):
        profile = view.get_profile()
        return request.method in SAFE_METHODS or permissions.can_edit_profile(request.user, profile)


class SectionViewSet(viewsets.ModelViewSet):
    """Generic list/create/retrieve/update/delete/reorder of one section's items."""

    section = None
    permission_classes = [ProfileEditOrReadOnly]
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_profile(self):
        if not hasattr(self, "_profile"):
            self._profile = get_viewable_profile(self.request.user, self.kwargs.get("slug"))
        return self._profile

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.section.model._default_manager.none()
        return visible_items(self.section, self.request.user, self.get_profile())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["profile"] = self.get_profile()
        return context

    def _refuse_other_profile(self):
        """A body naming another profile is an attempt to move the item: forbidden."""
        data = self.request.data
        claimed = data.get("profile") if isinstance(data, dict) else None
        profile = self.get_profile()
        if claimed not in (None, "", profile.pk, str(profile.pk), profile.slug):
            raise PermissionDenied("Items cannot be moved to another profile.")

    def perform_create(self, serializer):
        self._refuse_other_profile()
        values = dict(serializer.validated_data)
        parent = parent_field = None
        for name in self.section.parents:
            if values.get(name) is not None and parent is None:
                parent, parent_field = values[name], name
        for name in self.section.parents:
            values.pop(name, None)
        if parent is None and not self.section.section.standalone:
            names = ", ".join(self.section.parents)
            first = self.section.section.parents[0].field
            raise ValidationError({first: [f"Give the item it belongs to (one of: {names})."]})
        serializer.instance = services.section_item_create(
            actor=self.request.user,
            profile=self.get_profile(),
            model=self.section.model,
            values=values,
            parent=parent,
            parent_field=parent_field,
        )

    def perform_update(self, serializer):
        self._refuse_other_profile()
        serializer.instance = services.section_item_update(
            actor=self.request.user, item=serializer.instance, values=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.section_item_delete(actor=self.request.user, item=instance)

    @action(detail=False, methods=["post"])
    def reorder(self, request, slug=None):
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = serializer.validated_data["order"]
        visible = set(self.get_queryset().filter(pk__in=order).values_list("pk", flat=True))
        if missing := [pk for pk in order if pk not in visible]:
            raise ValidationError({"order": [f"Not items of this list: {missing}."]})
        services.section_items_reorder(
            actor=request.user, profile=self.get_profile(), model=self.section.model, order=order
        )
        return Response({"order": order})


class StatementViewSet(SectionViewSet):
    @extend_schema(
        methods=["POST"], request=None, responses=SERIALIZERS["statements"],
        summary="Create (or replace) the statement's share link",
    )  # fmt: skip
    @extend_schema(
        methods=["DELETE"], request=None, responses={200: SERIALIZERS["statements"]}, summary="Revoke the share link"
    )
    @action(detail=True, methods=["post", "delete"], url_path="share_link")
    def share_link(self, request, slug=None, pk=None):
        statement = self.get_object()
        if request.method == "DELETE":
            statement = services.statement_share_link_revoke(actor=request.user, statement=statement)
        else:
            statement = services.statement_share_link_create(actor=request.user, statement=statement)
        return Response(self.get_serializer(statement).data)


def _section_viewset(section, *, alias=None):
    base = StatementViewSet if section.model is Statement else SectionViewSet
    name = _camel(alias or section.key)
    tag = "profile sections" if section.model is not Statement else "statements"
    item = section.model._meta.verbose_name
    a = _article(item)
    viewset = type(
        f"{name}ViewSet",
        (base,),
        {"section": section, "serializer_class": SERIALIZERS[section.key], "__module__": __name__},
    )
    if alias:
        # The older spelling of the path: same behaviour, documented once under the new one.
        return extend_schema(exclude=True)(viewset)
    schema = {
        "list": extend_schema(summary=f"List {section.key}", description=section.description),
        "create": extend_schema(summary=f"Add {a} {item}"),
        "retrieve": extend_schema(summary=f"One {item}"),
        "update": extend_schema(summary=f"Replace {a} {item}"),
        "partial_update": extend_schema(summary=f"Change {a} {item}"),
        "destroy": extend_schema(summary=f"Delete {a} {item}"),
        "reorder": extend_schema(
            summary=f"Reorder {section.key}", request=ReorderSerializer, responses=ReorderSerializer
        ),
    }
    viewset = extend_schema_view(**schema)(viewset)
    return extend_schema(tags=[tag], parameters=[SLUG])(viewset)


def _article(noun):
    """'a' or 'an' for a summary ("Add an award", "Add a publication"): by the first letter,
    which is right for every section name we have (none starts with a silent h or a 'you' sound)."""
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _camel(key):
    return "".join(part.title() for part in key.replace("-", "_").split("_"))


SECTION_VIEWSETS = {section.key: _section_viewset(section) for section in SECTIONS}
SECTION_VIEWSETS.update({alias: _section_viewset(section, alias=alias) for alias, section in ALIASES.items()})


# --------------------------------------------------------------------------- tokens


@extend_schema_view(
    list=extend_schema(summary="Your API tokens"),
    create=extend_schema(
        summary="Create a token (its value is in this response only)",
        request=ApiTokenSerializer,
        responses={201: ApiTokenCreatedSerializer},
    ),
    retrieve=extend_schema(summary="One of your tokens"),
    destroy=extend_schema(summary="Revoke a token", responses={204: None}),
)
@extend_schema(tags=["tokens"])
class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return tokens_of(None).none()
        return tokens_of(self.request.user)

    def create(self, request):
        if isinstance(request.auth, ApiToken):
            raise PermissionDenied(TOKEN_CANNOT_MINT)
        serializer = ApiTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, raw = api_token_create(
            actor=request.user,
            name=data["name"],
            scope=data.get("scope", ApiToken.Scope.READ),
            expires_in_days=data.get("expires_in_days"),
            via_token=isinstance(request.auth, ApiToken),  # a token never mints a token
        )
        token.token = raw
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        api_token_revoke(actor=request.user, token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
