"""Export and import of one profile through the API.

Export writes with the project's format writers (publications/formats, profiles/formats,
profiles/native.py for the native document when present); the format is chosen with
`?format=` or the Accept header. What a caller exports is what they may see.
"""

import importlib
import json
import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from publications.bibtex_export import publication_record
from publications.formats.bibtex import write_bibtex
from publications.formats.csl import write_csl_json

from .. import permissions, selectors
from ..formats import empty_document
from ..formats.jsonresume import write_json_resume

# --------------------------------------------------------------------------- renderers


class TextRenderer(BaseRenderer):
    """Writes a string the view already produced (errors are JSON: profiles/api/errors.py)."""

    charset = "utf-8"
    extension = "txt"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        return json.dumps(data, ensure_ascii=False).encode(self.charset)


class BibTeXRenderer(TextRenderer):
    media_type = "application/x-bibtex"
    format = "bibtex"
    extension = "bib"


class CSLJSONRenderer(TextRenderer):
    media_type = "application/vnd.citationstyles.csl+json"
    format = "csl"
    extension = "csl.json"


class JSONResumeRenderer(TextRenderer):
    media_type = "application/vnd.jsonresume+json"
    format = "jsonresume"
    extension = "resume.json"


class NativeRenderer(TextRenderer):
    media_type = "application/vnd.portfolio.profile+json"
    format = "native"
    extension = "profile.json"


def native_module():
    """profiles/native.py (the native document service) when it is installed, else None."""
    try:
        module = importlib.import_module("profiles.native")
    except ImportError:
        return None
    return module if hasattr(module, "export_profile_document") else None


def attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def records_bibtex(publications):
    # An empty body would go out without a Content-Type: say there is nothing instead.
    return write_bibtex([publication_record(p) for p in publications]) or "% No publications.\n"


def records_csl(publications):
    return write_csl_json([publication_record(p) for p in publications])


# --------------------------------------------------------------------------- documents


def _dates(item):
    return {"start": item.start_date, "end": item.end_date, "is_current": item.is_current}


def _highlights(owner):
    return [
        {"label": h.label, "text": h.text, "children": [{"label": c.label, "text": c.text} for c in h.children.all()]}
        for h in owner.highlights.all()
    ]


def _project(project):
    return {
        "title": project.title, "summary": project.summary, "narrative": project.narrative,
        "outcomes": project.outcomes, "url": project.url, **_dates(project), "highlights": _highlights(project),
    }  # fmt: skip


def profile_document(profile, publications):
    """The profile document (profiles/formats) of a profile fetched by
    selectors.get_profile_for_page, i.e. with only the items the caller may see."""
    doc = empty_document()
    for name in (
        "full_name", "native_name", "headline", "email", "orcid", "short_bio", "long_bio", "research_interests",
        "interest_tags", "organisation", "team",
    ):  # fmt: skip
        doc[name] = getattr(profile, name)
    doc["links"] = [{"kind": link.kind, "label": link.label, "url": link.url} for link in profile.links.all()]
    doc["focus_themes"] = [{"title": t.title, "body": t.body} for t in profile.focus_themes.all()]
    doc["news"] = [{"date": n.date, "body": n.body} for n in profile.news.all()]
    doc["education"] = [
        {
            "institution": e.institution,
            "degree": e.degree,
            "programme": e.programme,
            "location": e.location,
            **_dates(e),
            "gpa": "" if e.gpa is None else str(e.gpa),
            "gpa_scale": "" if e.gpa_scale is None else str(e.gpa_scale),
            "rank": e.rank,
            "rank_of": e.rank_of,
            "advisor": e.advisor,
            "note": e.note,
        }
        for e in profile.education.all()
    ]
    doc["experience"] = [
        {
            "kind": e.kind,
            "organisation": e.organisation,
            "unit": e.unit,
            "title": e.title,
            "location": e.location,
            **_dates(e),
            "summary": e.summary,
            "highlights": _highlights(e),
            "projects": [_project(p) for p in e.visible_projects],
        }
        for e in profile.experience.all()
    ]
    doc["projects"] = [_project(p) for p in profile.standalone_projects]
    doc["open_source"] = [
        {
            "project": o.project,
            "url": o.url,
            "role": o.role,
            **_dates(o),
            "summary": o.summary,
            "highlights": _highlights(o),
        }
        for o in profile.open_source.all()
    ]
    doc["talks"] = [
        {
            "title": t.title,
            "abstract": t.abstract,
            "deliveries": [
                {"event": d.event, "location": d.location, "is_virtual": d.is_virtual, "date": d.date, "url": d.url}
                for d in t.deliveries.all()
            ],
        }
        for t in profile.talks.all()
    ]
    doc["service"] = [
        {"role": s.role, "role_detail": s.role_detail, "venue": s.venue, "year": s.year, "note": s.note}
        for s in profile.service.all()
    ]
    doc["awards"] = [
        {
            "title": a.title,
            "awarding_body": a.awarding_body,
            "year": a.year,
            "period": a.period,
            "role": a.role,
            "note": a.note,
        }
        for a in profile.awards.all()
    ]
    doc["press"] = [{"outlet": p.outlet, "title": p.title, "url": p.url, "date": p.date} for p in profile.press.all()]
    doc["skills"] = [
        {
            "category": s.category,
            "name": s.name,
            "level": s.level,
            "keywords": [k.strip() for k in s.keywords.split(",") if k.strip()],
        }
        for s in profile.skills.all()
    ]
    doc["publications"] = [publication_record(p) for p in publications]
    return doc


# --------------------------------------------------------------------------- export


FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["native", "bibtex", "csl", "jsonresume"],
    description="native (when installed), bibtex, csl (CSL-JSON) or jsonresume; or use the Accept header.",
)


JSON_OBJECT = {"type": "object", "additionalProperties": {}}
CSL_ITEMS = {"type": "array", "items": JSON_OBJECT}
EXPORT_RESPONSES = {
    (200, NativeRenderer.media_type): JSON_OBJECT,
    (200, JSONResumeRenderer.media_type): JSON_OBJECT,
    (200, BibTeXRenderer.media_type): OpenApiTypes.STR,
    (200, CSLJSONRenderer.media_type): CSL_ITEMS,
}


class ProfileExportView(APIView):
    """A profile as a native document, BibTeX, CSL-JSON or JSON Resume."""

    def get_renderers(self):
        renderers = [JSONResumeRenderer(), BibTeXRenderer(), CSLJSONRenderer()]
        if native_module() is not None:
            renderers.insert(0, NativeRenderer())
        return renderers

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
            document = native_module().export_profile_document(profile, user=user)
            body = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False, indent=2)
        else:
            page = selectors.get_profile_for_page(user, slug)
            body = write_json_resume(profile_document(page, publications))
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
    """Import one file into a profile with the import service (profiles/importing.py).

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
        from profiles import importing

        from .views import get_viewable_profile

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
