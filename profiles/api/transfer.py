"""Export and import of one profile through the API.

Export writes with the project's format writers (publications/formats, profiles/formats,
profiles/imports/sync.py and profiles/formats/native.py for the native document); the format is chosen with
`?format=` or the Accept header. What a caller exports is what they may see.
"""

import json
import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from portfolio_site.api.renderers import (
    CSL_ITEMS,
    JSON_OBJECT,
    BibTeXRenderer,
    CSLJSONRenderer,
    JSONResumeRenderer,
    NativeRenderer,
    attachment,
    records_bibtex,
    records_csl,
)
from profiles import permissions, selectors
from profiles.formats import empty_document
from profiles.formats.jsonresume import write_json_resume
from profiles.imports import sync as native
from profiles.services.activity import export_record
from publications.exports.bibtex import publication_record

# --------------------------------------------------------------------------- renderers


# --------------------------------------------------------------------------- documents


def profile_document(profile, publications, *, user):
    """The profile document that the format writers (profiles/formats) take, from the
    native export: the same read as the profile page, only what `user` may see."""
    return {
        **empty_document(),
        **native.export_profile_document(profile, user=user),
        "publications": [publication_record(p) for p in publications],
    }


# --------------------------------------------------------------------------- export


FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["native", "bibtex", "csl", "jsonresume"],
    description="native (when installed), bibtex, csl (CSL-JSON) or jsonresume; or use the Accept header.",
)


EXPORT_RESPONSES = {
    (200, NativeRenderer.media_type): JSON_OBJECT,
    (200, JSONResumeRenderer.media_type): JSON_OBJECT,
    (200, BibTeXRenderer.media_type): OpenApiTypes.STR,
    (200, CSLJSONRenderer.media_type): CSL_ITEMS,
}


class ProfileExportView(APIView):
    """A profile as a native document, BibTeX, CSL-JSON or JSON Resume."""

    def get_renderers(self):
        return [NativeRenderer(), JSONResumeRenderer(), BibTeXRenderer(), CSLJSONRenderer()]

    @extend_schema(
        tags=["export"],
        summary="Export a profile",
        parameters=[FORMAT],
        responses=EXPORT_RESPONSES,
    )
    def get(self, request, slug):
        fmt = request.accepted_renderer.format
        user = request.user
        profile, publications = selectors.member_publications(user, slug)
        if fmt == "bibtex":
            body = records_bibtex(publications)
        elif fmt == "csl":
            body = records_csl(publications)
        elif fmt == "native":
            document = native.export_profile_document(profile, user=user)
            body = json.dumps(document, ensure_ascii=False, indent=2)
        else:
            body = write_json_resume(profile_document(profile, publications, user=user))
        if permissions.can_edit_profile(user, profile):  # an export with private items: in the audit log
            export_record(actor=user, profile=profile, target=fmt)
        return attachment(Response(body), f"{profile.slug}.{request.accepted_renderer.extension}")


# --------------------------------------------------------------------------- import


IMPORT_FORMATS = ["auto", "native", "bibtex", "csl", "jsonresume", "orcid", "csv"]
LINE = re.compile(r"\bline (\d+)")


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The file to import (UTF-8): .bib, CSL-JSON, JSON Resume, ORCID, native.")
    format = serializers.ChoiceField(choices=IMPORT_FORMATS, default="auto", help_text="auto: guessed from the file.")
    dry_run = serializers.BooleanField(default=False, help_text="Check and count without saving anything.")


class ImportProblemSerializer(serializers.Serializer):
    message = serializers.CharField()
    line = serializers.IntegerField(allow_null=True, help_text="1-based line of the entry, when known.")


class ImportReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    summary = serializers.CharField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    deleted = serializers.IntegerField()
    counts = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="Per kind of row (publication, authorship, news item …): created/updated/unchanged/deleted.",
    )
    errors = ImportProblemSerializer(many=True)
    warnings = ImportProblemSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class ImportFailedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    report = ImportReportSerializer(required=False, help_text="Present when the file itself had problems.")


def _problems(messages):
    return [{"message": str(m), "line": int(found.group(1)) if (found := LINE.search(str(m))) else None}
            for m in messages]  # fmt: skip


def report_data(report):
    return {
        "ok": report.ok, "dry_run": report.dry_run, "summary": report.summary(),
        "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
        "deleted": report.deleted, "counts": report.counts, "errors": _problems(report.errors),
        "warnings": _problems(report.warnings), "notes": [str(n) for n in report.notes],
    }  # fmt: skip


class ProfileImportView(APIView):
    """Import one file into a profile with the import service (profiles/imports/files.py).

    Members get what their /me/ import page gets: their own profile's sections and the
    papers they are an author of; lab admins may import anything into any profile.
    All or nothing: on any error nothing is written and the answer is a 400 with the report.
    """

    parser_classes = [MultiPartParser, FormParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        tags=["import"],
        summary="Import a file into a profile",
        request={"multipart/form-data": ImportRequestSerializer},
        responses={200: ImportReportSerializer, 400: ImportFailedSerializer},
    )
    def post(self, request, slug):
        from profiles.api.views import get_viewable_profile
        from profiles.imports import files as importing

        profile = get_viewable_profile(request.user, slug)
        if not permissions.can_edit_profile(request.user, profile):
            self.permission_denied(request, message="Only the profile's owner and lab admins may import into it.")
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        problem = importing.too_big(upload.size)
        if problem:
            raise ValidationError({"file": [problem]})
        # As importing.import_for_profile, plus the format the client names.
        report = importing.import_uploads(
            actor=request.user,
            sources=[(upload.name, upload.read())],
            fmt=serializer.validated_data["format"],
            profile=profile,
            dry_run=serializer.validated_data["dry_run"],
            member=not permissions.can_manage_lab(request.user),
        )
        data = report_data(report)
        if not report.ok:
            body = {
                "detail": "The file has problems; nothing was written.",
                "errors": {"file": [p["message"] for p in data["errors"]]},
                "report": data,
            }
            return Response(body, status=400)
        return Response(data)
