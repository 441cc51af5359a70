"""What the API answers besides JSON: BibTeX, CSL-JSON, JSON Resume and the native document, as downloads.

Shared by the profiles and publications endpoints (profiles.api.transfer, publications.api.views)."""

import json

from rest_framework.renderers import BaseRenderer

from publications.exports.bibtex import publication_record
from publications.formats.bibtex import write_bibtex
from publications.formats.csl import write_csl_json


class TextRenderer(BaseRenderer):
    """Writes a string the view already produced (errors are JSON: portfolio_site/api/errors.py)."""

    charset = "utf-8"
    extension = "txt"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        return json.dumps(data, ensure_ascii=False).encode(self.charset)


def _text_renderer(name, media_type, fmt, extension):
    """A TextRenderer for one download format (`extension`: the file name's ending)."""
    return type(name, (TextRenderer,), {"media_type": media_type, "format": fmt, "extension": extension})


BibTeXRenderer = _text_renderer("BibTeXRenderer", "application/x-bibtex", "bibtex", "bib")
CSLJSONRenderer = _text_renderer("CSLJSONRenderer", "application/vnd.citationstyles.csl+json", "csl", "csl.json")
JSONResumeRenderer = _text_renderer(
    "JSONResumeRenderer", "application/vnd.jsonresume+json", "jsonresume", "resume.json"
)
NativeRenderer = _text_renderer("NativeRenderer", "application/vnd.portfolio.profile+json", "native", "profile.json")


def attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def records_bibtex(publications):
    # An empty body would go out without a Content-Type: say there is nothing instead.
    return write_bibtex([publication_record(p) for p in publications]) or "% No publications.\n"


def records_csl(publications):
    return write_csl_json([publication_record(p) for p in publications])


JSON_OBJECT = {"type": "object", "additionalProperties": {}}


CSL_ITEMS = {"type": "array", "items": JSON_OBJECT}
