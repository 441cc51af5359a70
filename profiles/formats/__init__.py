"""Pure-Python helpers shared by the profile document importers/exporters.

A *profile document* is a plain dict (the project's native document body); the
``empty_*`` builders below list every key with a safe default so consumers can
index keys without checks. Nothing here imports Django.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from profiles.fields import FOREIGN_FILL
from publications.formats import (
    ParseError,
    ParseResult,
    format_partial_date,
    parse_partial_date,
)

__all__ = [
    "ParseError",
    "ParseResult",
    "empty_award",
    "empty_document",
    "empty_education",
    "empty_experience",
    "empty_link",
    "empty_project",
    "empty_skill",
    "guess_experience_kind",
    "highlight",
    "link_kind_for_url",
    "partial_date",
    "text",
    "without_nul",
]


# The lists of a profile document, in the order readers fill them.
DOCUMENT_LISTS = (
    "other_names", "links", "focus_themes", "news", "education", "experience", "projects", "open_source",
    "talks", "service", "awards", "press", "skills", "publications",
)  # fmt: skip


def empty_document() -> dict:
    """A profile document with nothing in it: the name, the profile fields a foreign document
    can carry (profiles.fields.FOREIGN_FILL, what a merge fills), then every list."""
    return {"full_name": "", **dict.fromkeys(FOREIGN_FILL, ""), **{key: [] for key in DOCUMENT_LISTS}}


def empty_link(kind: str = "other", url: str = "", label: str = "") -> dict:
    return {"kind": kind, "label": label, "url": url}


def _blank(*names, **others) -> dict:
    """{name: ""} for each of `names`, then `others` as given (keys in that order)."""
    return {**dict.fromkeys(names, ""), **others}


def empty_education() -> dict:
    dates = _blank("institution", "degree", "programme", "location", "start", "end", is_current=False)
    return {**dates, **_blank("gpa", "gpa_scale", rank=None, rank_of=None), **_blank("advisor", "note")}


def empty_experience() -> dict:
    return {
        "kind": "industry",
        **_blank("organisation", "unit", "title", "location", "start", "end", is_current=False),
        **_blank("summary", highlights=[], projects=[]),
    }


def empty_project() -> dict:
    return _blank("title", "summary", "narrative", "outcomes", "url", "start", "end", highlights=[])


def empty_award() -> dict:
    return {"title": "", "awarding_body": "", "year": None, "period": "", "role": "", "note": ""}


def empty_skill(category: str = "skill") -> dict:
    return {"category": category, "name": "", "level": "", "keywords": []}


def highlight(value: str, label: str = "") -> dict:
    return {"label": label, "text": value, "children": []}


def text(value) -> str:
    """Any JSON scalar -> stripped string; ``None``/containers -> ``""``."""
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return str(value).strip()


_PRESENT = {"present", "current", "now", "ongoing", "today", "-"}


def without_nul(value):
    """``value`` (text, or lists and dicts of it, changed in place) without NUL characters, which
    PostgreSQL refuses in text: a reader's last step, so that none reaches a record."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        value[:] = [without_nul(v) for v in value]
    elif isinstance(value, dict):
        for key in list(value):
            value[key] = without_nul(value[key])
    return value


def partial_date(value) -> str:
    """ISO partial date (``"2020"``, ``"2020-07"``, ``"2020-07-01"``) or ``""``."""
    s = text(value)
    if not s or s.lower() in _PRESENT:
        return ""
    return format_partial_date(*parse_partial_date(s))


def is_present(value) -> bool:
    return text(value).lower() in _PRESENT


_HOST_KINDS = (
    (r"(^|\.)github\.com$|(^|\.)gitlab\.com$", "github"),
    (r"(^|\.)linkedin\.com$", "linkedin"),
    (r"^scholar\.google\.", "scholar"),
    (r"(^|\.)orcid\.org$", "orcid"),
    (r"^dblp\.(org|uni-trier\.de|dagstuhl\.de)$", "dblp"),
    (r"(^|\.)semanticscholar\.org$", "semanticscholar"),
    (r"(^|\.)(twitter\.com|x\.com|bsky\.app|threads\.net)$|mastodon|fosstodon", "social"),
)


def link_kind_for_url(url: str, default: str = "other") -> str:
    """Guess a link kind from the URL's host (GitLab counts as ``github``: code host)."""
    s = text(url)
    if s.lower().startswith("mailto:"):
        return "email"
    host = (urlparse(s if "://" in s else f"https://{s}").hostname or "").lower()
    host = host.removeprefix("www.")
    for pattern, kind in _HOST_KINDS:
        if re.search(pattern, host):
            if kind == "github" and "gitlab" in host:
                return "other"
            return kind
    return default


_ORCID_RE = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)


def orcid_from_text(value) -> str:
    m = _ORCID_RE.search(text(value))
    return m.group(1).upper() if m else ""


def guess_experience_kind(organisation: str, title: str) -> str:
    """Best guess among industry/research/academic/internship/teaching (volunteer is explicit)."""
    org, role = text(organisation).lower(), text(title).lower()
    if re.search(r"\bintern(ship)?\b", role):
        return "internship"
    if re.search(r"teaching assistant|\btutor\b|\blecturer\b|\binstructor\b", role):
        return "teaching"
    if re.search(r"universit|college|école|ecole|school|institute of technology|academy", org):
        return "academic"
    if re.search(r"research", org) or re.search(r"research", role):
        return "research"
    return "industry"
