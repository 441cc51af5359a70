"""CV documents (Markdown/plain text, LaTeX, DOCX, PDF) -> a draft profile document.

Pure functions over text: ``parse_cv_text`` does all the reading; the LaTeX, DOCX and
PDF readers are thin adapters that turn their input into the same Markdown-ish
intermediate text (see ``lines.py``). Nothing here imports Django. The reading rules
are documented in docs/cv-and-sites.md.
"""

from __future__ import annotations

from pathlib import PurePath

from profiles.formats import without_nul
from profiles.formats.cvdoc.latex import latex_to_text
from profiles.formats.cvdoc.parse import CvDraft, parse_cv_text
from profiles.formats.cvdoc.readers import CvReadError, docx_to_text, pdf_to_text

__all__ = ["CV_EXTENSIONS", "CvDraft", "CvReadError", "cv_to_text", "latex_to_text", "parse_cv_file", "parse_cv_text"]

CV_EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".tex": "latex",
    ".docx": "docx",
    ".pdf": "pdf",
}


def _kind(name: str, data: bytes) -> str:
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx"
    kind = CV_EXTENSIONS.get(PurePath(name or "").suffix.lower())
    if kind in {"pdf", "docx"}:
        raise CvReadError(f"{name}: the file does not look like a {kind.upper()} document")
    if kind:
        return kind
    head = data[:4000].decode("utf-8", "replace")
    return "latex" if "\\documentclass" in head or "\\begin{document}" in head else "markdown"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def cv_to_text(name: str, data: bytes, warnings: list | None = None) -> tuple[str, str]:
    """``(kind, intermediate text)`` for a CV file; raises ``CvReadError`` for an unreadable one.

    What a reader left out (PDF pages past the limit) goes to ``warnings``. A text document
    (Markdown, plain text, LaTeX) with a NUL byte anywhere is refused; the text of a DOCX or
    PDF never holds one (PostgreSQL refuses NUL in text)."""
    kind = _kind(name, data)
    if kind == "pdf":
        return kind, pdf_to_text(data, warnings)
    if kind == "docx":
        return kind, docx_to_text(data)
    if b"\x00" in data:
        raise CvReadError("this is not a text file: it contains NUL bytes")
    text = _decode(data)
    if kind == "latex":
        return kind, latex_to_text(text)
    return kind, text


def parse_cv_file(name: str, data: bytes) -> CvDraft:
    """Read a CV file of any supported kind (by content, then extension) into a draft."""
    warnings: list[str] = []
    kind, text = cv_to_text(name, data, warnings)
    draft = parse_cv_text(text)
    draft.warnings.extend(warnings)
    if kind == "pdf" and not text.strip():
        draft.warnings.append("the PDF has no text layer (a scan?); nothing could be read")
    without_nul(draft.document)
    without_nul(draft.leftovers)
    return draft
