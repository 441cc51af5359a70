"""Limits of the document readers (issue 23: hostile documents cannot hurt the server).

The readers are pure (they import nothing of Django), so a limit is looked up here at use:
inside the running project, ``portfolio_site/settings.py`` may override it ("# Reader limits
(issue 23)"); anywhere else (scripts, a child process without Django) the default applies.
"""

from __future__ import annotations

import sys

__all__ = ["DEFAULTS", "limit"]

DEFAULTS = {
    "IMPORT_DOCX_MAX_PARAGRAPHS": 20_000,  # paragraphs in a .docx CV, table cells' included
    "IMPORT_DOCX_MAX_STYLES": 5_000,  # styles in a .docx CV's styles part
    "IMPORT_PDF_MAX_PAGES": 50,  # pages of a PDF CV read; the rest is left out with a warning
}


def limit(name: str) -> int:
    """The limit ``name``: the project's setting when Django is loaded and configured, else the default."""
    conf = sys.modules.get("django.conf")  # never imported from here: the formats stay Django-free
    settings = getattr(conf, "settings", None)
    if settings is not None and settings.configured:
        return int(getattr(settings, name, DEFAULTS[name]))
    return DEFAULTS[name]
