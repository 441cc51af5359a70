"""REST API v1: the lab's publications, their authors, and their export."""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio_site.api.pagination import KeysetPagination
from portfolio_site.api.renderers import (
    CSL_ITEMS,
    BibTeXRenderer,
    CSLJSONRenderer,
    attachment,
    records_bibtex,
    records_csl,
)
from portfolio_site.api.schema import search_parameters
from profiles import permissions
from profiles.models import Profile
from publications import search, selectors, services
from publications.api.serializers import AuthorSerializer, PublicationSerializer, PublicationWriteSerializer
from publications.models import Authorship, Publication

FILTERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="Publication year (four digits)."),
    OpenApiParameter("type", OpenApiTypes.STR, enum=Publication.Kind.values, description="Kind of publication."),
    OpenApiParameter("member", OpenApiTypes.STR, description="Slug of a member among the authors."),
    *search_parameters(
        "Search titles, authors, venues and abstracts, best match first (title above authors above "
        "venue above abstract); every word, also as a prefix (PostgreSQL: also misspelt names and title words)."
    ),
]


def filtered_publications(params):
    """Publications matching the list filters (the same as /publications/), with authors."""
    return selectors.filtered_publications(selectors.PublicationFilters.from_query(params))


def publication_by_key(key, queryset=None):
    """The publication whose slug or citation key is `key`, or 404 (the slug wins)."""
    found = list(
        (queryset if queryset is not None else Publication.objects).filter(Q(slug=key) | Q(citation_key=key))[:2]
    )
    publication = next((p for p in found if p.slug == key), found[0] if found else None)
    if publication is None:
        raise NotFound("No such publication.")
    return publication


class CanEditPublicationOrReadOnly(BasePermission):
    message = "Only its authors and lab admins may change a publication."

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or permissions.is_member(request.user)

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or permissions.can_edit_publication(request.user, obj)


class ClaimSerializer(serializers.Serializer):
    author = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="Id of an unlinked author row of this publication."
    )
    profile = serializers.SlugField(required=False, help_text="Lab admins: the member to link (default: you).")


class AuthorFlagsSerializer(serializers.Serializer):
    selected = serializers.BooleanField(help_text="Feature the paper on the linked member's page.")


def _profile_by_slug(slug):
    profile = Profile.objects.filter(slug=slug).first()
    if profile is None:
        raise ValidationError({"profile": [f"No member with the address {slug!r}."]})
    return profile


def _author_rows(authors, *, creating):
    """Serializer author dicts -> (rows for services, profile to link or None)."""
    linked = [a for a in authors if a.get("profile") and (creating or not a.get("id"))]
    if creating and any(a.get("id") for a in authors):
        raise ValidationError({"authors": ["A new publication has no author ids yet."]})
    if len(linked) > 1 or (creating and len(linked) != 1):
        raise ValidationError(
            {"authors": ["Link exactly one author to a member with `profile` (yourself; lab admins: anyone)."]}
        )
    profile = _profile_by_slug(linked[0]["profile"]) if linked else None
    rows = [
        {
            "id": a.get("id"),
            "name": a["name"],
            "equal_contribution": a.get("equal_contribution", False),
            "corresponding": a.get("corresponding", False),
            "is_self": bool(linked) and a is linked[0],
        }
        for a in authors
    ]
    return rows, profile


@extend_schema_view(
    list=extend_schema(summary="List the lab's publications", parameters=FILTERS),
    retrieve=extend_schema(summary="A publication with its ordered authors"),
    create=extend_schema(
        summary="Add a publication (members: with themselves among the authors)",
        request=PublicationWriteSerializer,
        responses={201: PublicationSerializer},
    ),
    update=extend_schema(summary="Replace a publication", request=PublicationWriteSerializer,
                         responses=PublicationSerializer),
    partial_update=extend_schema(summary="Change a publication", request=PublicationWriteSerializer,
                                 responses=PublicationSerializer),
    destroy=extend_schema(summary="Delete a publication"),
)  # fmt: skip
@extend_schema(tags=["publications"])
class PublicationViewSet(viewsets.ModelViewSet):
    serializer_class = PublicationSerializer
    permission_classes = [CanEditPublicationOrReadOnly]
    lookup_field = "citation_key"
    lookup_url_kwarg = "key"
    # The slug (always these characters) or a citation key without "/"; keys with "/"
    # (DBLP:journals/algorithmica/ChauguleL24) are reached by their slug, or by the
    # undocumented fallback route in urls.py.
    lookup_value_regex = r"[A-Za-z0-9_:.\-]+"
    pagination_class = KeysetPagination

    def get_queryset(self):
        self.listed = filtered_publications(self.request.query_params if self.action == "list" else {})
        return self.listed

    def get_object(self):
        publication = publication_by_key(self.kwargs[self.lookup_url_kwarg], self.get_queryset())
        self.check_object_permissions(self.request, publication)
        return publication

    def _filters(self, request):
        return selectors.PublicationFilters.from_query(request.query_params)

    def keyset_ordering(self, request):
        """The list's order for cursors; none for a search (ranked)."""
        return None if self._filters(request).q else selectors.LIST_ORDER

    def count_hint(self, request):
        filters = self._filters(request)
        if filters.q:  # counted by the search (PostgreSQL), else COUNT(*)
            counted = search.match_count(self.listed)
            return counted[0] if counted else None
        if filters.member:  # the facets cannot tell: COUNT(*)
            return None
        return selectors.publication_facets().count(filters)

    def _read(self, publication):
        fresh = selectors.publications_with_authors().get(pk=publication.pk)
        return PublicationSerializer(fresh, context=self.get_serializer_context()).data

    def create(self, request):
        serializer = PublicationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        rows, profile = _author_rows(values.pop("authors", None) or [], creating=True)
        publication = services.publication_create(actor=request.user, profile=profile, values=values, authors=rows)
        return Response(self._read(publication), status=status.HTTP_201_CREATED)

    def update(self, request, key=None, partial=False):
        publication = self.get_object()
        serializer = PublicationWriteSerializer(publication, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        authors = values.pop("authors", None)
        rows = profile = None
        if authors is not None:
            if not authors:
                raise ValidationError({"authors": ["A publication has at least one author."]})
            rows, profile = _author_rows(authors, creating=False)
            if profile is not None and not permissions.can_edit_profile(request.user, profile):
                raise PermissionDenied("You may only link yourself as an author.")
        publication = services.publication_update(
            actor=request.user, publication=publication, values=values, authors=rows, profile=profile
        )
        return Response(self._read(publication))

    def partial_update(self, request, key=None):
        return self.update(request, key=key, partial=True)

    def perform_destroy(self, instance):
        services.publication_delete(actor=self.request.user, publication=instance)

    @extend_schema(request=ClaimSerializer, responses=PublicationSerializer, summary="Claim an author row as you")
    @action(detail=True, methods=["post"], permission_classes=[CanEditPublicationOrReadOnly])
    def claim(self, request, key=None):
        publication = publication_by_key(key)
        serializer = ClaimSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slug = serializer.validated_data.get("profile")
        if slug:
            profile = _profile_by_slug(slug)
        else:
            own = permissions.own_profile_id(request.user)
            if own is None:
                raise ValidationError({"profile": ["Name the member to link."]})
            profile = Profile.objects.get(pk=own)
        authorship = get_object_or_404(Authorship, pk=serializer.validated_data["author"], publication=publication)
        claim = services.authorship_claim(actor=request.user, profile=profile, authorship=authorship)
        if claim.status != claim.Status.APPROVED:  # not a verified name: a lab admin or a co-author confirms
            detail = f"“{authorship.name}” is not a verified name of {profile}: the claim waits for confirmation."
            return Response({"detail": detail, "claim": claim.pk, "status": claim.status}, status=202)
        return Response(self._read(publication))

    @extend_schema(
        methods=["PATCH"], request=AuthorFlagsSerializer, responses=AuthorSerializer,
        summary="Feature (or not) the paper on the linked member's page",
    )  # fmt: skip
    @extend_schema(methods=["DELETE"], request=None, responses={200: AuthorSerializer}, summary="Unlink a member")
    @action(
        detail=True, methods=["patch", "delete"], url_path=r"authors/(?P<author_id>[0-9]{1,18})",
        permission_classes=[CanEditPublicationOrReadOnly],
    )  # fmt: skip
    def author(self, request, key=None, author_id=None):
        authorship = get_object_or_404(
            Authorship.objects.select_related("profile"), pk=author_id, publication=publication_by_key(key)
        )
        if request.method == "DELETE":
            authorship = services.authorship_unlink(actor=request.user, authorship=authorship)
        else:
            serializer = AuthorFlagsSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            authorship = services.authorship_set_selected(
                actor=request.user, authorship=authorship, selected=serializer.validated_data["selected"]
            )
        return Response(AuthorSerializer(authorship, context=self.get_serializer_context()).data)


class PublicationExportView(APIView):
    """The lab's publications (filtered like the list) as BibTeX or CSL-JSON."""

    renderer_classes = [BibTeXRenderer, CSLJSONRenderer]

    @extend_schema(
        tags=["export"],
        summary="Export the lab's publications",
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=["bibtex", "csl"], description="Or use Accept."),
            *FILTERS,
        ],
        responses={(200, BibTeXRenderer.media_type): OpenApiTypes.STR, (200, CSLJSONRenderer.media_type): CSL_ITEMS},
    )
    def get(self, request):
        publications = list(filtered_publications(request.query_params))
        renderer = request.accepted_renderer
        body = records_bibtex(publications) if renderer.format == "bibtex" else records_csl(publications)
        return attachment(Response(body), f"publications.{renderer.extension}")


@extend_schema(exclude=True)
class PublicationByKeyViewSet(PublicationViewSet):
    """A publication addressed by a citation key that holds "/" (urls.py; documented: the slug's address)."""
