"""Text -> typed lines -> sections: the intermediate form every CV reader produces.

The intermediate form is Markdown-ish text: ``#``/``##`` headings, ``###`` entry
headings, ``-`` bullets (indent = nesting), ``**bold**``/``*italic*``, ``[label](url)``
links; plain text works too (headings are then recognised by their wording). The
LaTeX, DOCX and PDF readers all write this form, so there is one parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "SECTION_KEYS",
    "Line",
    "Section",
    "classify_heading",
    "emails_in",
    "links_in",
    "plain",
    "split_sections",
    "tokenize",
]


@dataclass
class Line:
    kind: str  # "heading", "bullet", "text", "blank"
    text: str  # markup kept (bold/italic/links), marker and indentation removed
    level: int = 0  # heading level, or bullet indentation (0 = top level)
    number: int = 0  # 1-based line number in the intermediate text


@dataclass
class Section:
    key: str  # one of SECTION_KEYS, or "" for a heading the parser does not know
    title: str
    lines: list = field(default_factory=list)
    level: int = 0


_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+•◦▪●‣∙·]|\d{1,3}[.)]|\[\d{1,3}\]|\(\d{1,3}\))\s+(?P<text>.*)$")
_EMPTY_BULLET = re.compile(r"^\s*[-*+•◦▪●‣]\s*$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")


def tokenize(text: str) -> list[Line]:
    """Split the intermediate text into typed lines (setext headings understood)."""
    out: list[Line] = []
    raw_lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    for number, raw in enumerate(raw_lines, start=1):
        line = raw.replace("\t", "    ").rstrip().replace("\u00a0", " ")
        if not line.strip():
            out.append(Line("blank", "", 0, number))
            continue
        if _RULE.match(line):
            previous = out[-1] if out else None
            if previous is not None and previous.kind == "text" and set(line.strip()) <= {"=", "-"}:
                previous.kind, previous.level = "heading", 1 if "=" in line else 2
            continue
        m = _HEADING.match(line.strip())
        if m:
            out.append(Line("heading", m.group("text").strip(), len(m.group("hashes")), number))
            continue
        if _EMPTY_BULLET.match(line):
            continue
        m = _BULLET.match(line)
        if m and not line.lstrip().startswith("**"):
            indent = len(m.group("indent").replace("\t", "    "))
            out.append(Line("bullet", m.group("text").strip(), indent, number))
            continue
        out.append(Line("text", line.strip(), len(line) - len(line.lstrip()), number))
    return out


# --------------------------------------------------------------------------- inline markup

_MD_LINK = re.compile(r"\[(?P<label>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<url>[^)\s]*)\)")  # "[[PDF]](url)" too
_ANGLE_URL = re.compile(r"<(?P<url>(?:https?://|mailto:)[^>\s]+)>")
_BARE_URL = re.compile(r"(?<![\w(/\[])(?P<url>(?:https?://|www\.)[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"])")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _real_url(url: str) -> str:
    url = (url or "").strip()
    if url.lower().startswith(("http://", "https://", "mailto:")):
        return url
    if url.lower().startswith("www."):
        return "https://" + url
    return ""  # "#", relative paths and placeholders are not links


def links_in(text: str) -> list[tuple[str, str]]:
    """``(label, url)`` for every real link (Markdown, ``<url>`` or bare); ``#`` placeholders skipped."""
    found = []
    for m in _MD_LINK.finditer(text or ""):
        url = _real_url(m.group("url"))
        if url:
            found.append((plain(m.group("label")), url))
    rest = _MD_LINK.sub(" ", text or "")
    for m in _ANGLE_URL.finditer(rest):
        found.append(("", m.group("url")))
    rest = _ANGLE_URL.sub(" ", rest)
    for m in _BARE_URL.finditer(rest):
        found.append(("", _real_url(m.group("url"))))
    return found


def emails_in(text: str) -> list[str]:
    s = _MD_LINK.sub(lambda m: f"{m.group('label')} {m.group('url')}", text or "")
    return [e.rstrip(".") for e in _EMAIL.findall(s.replace("mailto:", " "))]


def plain(text: str) -> str:
    """Markup removed: links become their label, ``**``/``__``/``*``/``_`` emphasis dropped."""
    s = _MD_LINK.sub(lambda m: m.group("label"), text or "")
    s = _ANGLE_URL.sub(lambda m: m.group("url"), s)
    s = re.sub(r"\*\*|__", "", s)
    s = re.sub(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"\1", s)
    s = re.sub(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])", r"\1", s)
    s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!&%$])", r"\1", s)
    s = s.replace("`", "")
    return " ".join(s.split())


# --------------------------------------------------------------------------- headings

SECTION_KEYS = (
    "research_interests", "about", "education", "publications", "talks", "open_source", "teaching",
    "service", "awards", "experience", "skills", "projects", "news", "press", "contact", "references",
)  # fmt: skip

_SECTION_PATTERNS = [
    ("research_interests", r"\binterests?\b|research (?:focus|areas?|statement|summary)"),
    ("about", r"^(?:about(?: me)?|bio(?:graphy)?|summary|profile|overview|introduction|personal statement)$"),
    ("education", r"\beducation|academic background|\bdegrees?\b|qualifications"),
    ("publications", r"publications?|\bpapers?\b|preprints?|\barticles\b|manuscripts|bibliography"),
    ("talks", r"\btalks?\b|presentations?|\blectures\b|seminars|keynotes?"),
    ("open_source", r"open[- ]?source"),
    ("teaching", r"teaching|courses taught|mentoring|supervision|students supervised"),
    ("service", r"\bservices?\b|professional activities|reviewing|\breviewer\b|committees?|outreach|leadership"),
    (
        "awards",
        r"awards?|hono(?:u)?rs?|recognition|fellowships?|scholarships?|prizes?|grants?|distinctions"
        r"|achievements",
    ),
    ("experience", r"experience|employment|positions?|appointments?|work history|career|internships?|industry"),
    ("skills", r"skills|competenc|\blanguages\b|technologies|tools"),
    ("projects", r"\bprojects?\b"),
    ("news", r"\bnews\b|updates|announcements"),
    ("press", r"\bpress\b|\bmedia\b|coverage|write-?ups"),
    ("contact", r"^contact"),
    ("references", r"^references$|referees"),
]
# Words that may stand beside the keyword in a heading ("Selected Publications", "Research & Industry Experience").
_FILLER = {
    "selected",
    "recent",
    "academic",
    "professional",
    "research",
    "industry",
    "industrial",
    "other",
    "invited",
    "technical",
    "relevant",
    "key",
    "work",
    "and",
    "of",
    "my",
    "the",
    "in",
    "peer",
    "conference",
    "journal",
    "company",
    "university",
    "related",
    "additional",
    "full",
    "list",
    "honors",
    "personal",
    "computer",
    "programming",
    "scientific",
    "major",
    "refereed",
    "peer-reviewed",
    "conference/workshop",
    "activities",
    "appointments",
    "community",
    "university-level",
    "internal",
    "external",
    "volunteer",
    "select",
    "featured",
}


def classify_heading(text: str) -> str | None:
    """The section key for a heading line, or ``None`` if the line does not read like one."""
    s = plain(text).strip().strip(":").strip()
    if not s or len(s) > 60 or s.endswith((".", ",", ";")) or re.search(r"\d{3,}|@|https?:", s):
        return None
    low = s.lower().replace("&", " and ")
    words = re.findall(r"[a-z][a-z'/-]*", low)
    if not words or len(words) > 6:
        return None
    key = None
    for name, pattern in _SECTION_PATTERNS:
        if re.search(pattern, low):
            key = name
            break
    if key is None:
        return None
    rest = low
    for _, pattern in _SECTION_PATTERNS:
        rest = re.sub(pattern, " ", rest)
    unknown = sum(1 for word in re.findall(r"[a-z][a-z'-]*", rest) if word not in _FILLER)
    return key if unknown <= 1 else None


def split_sections(lines: list[Line]) -> tuple[list[Line], list[Section]]:
    """Lines before the first heading, then one Section per recognised (or explicit) heading.

    A plain-text line is a heading when its wording says so (``Selected Publications``,
    ``EDUCATION``, ``**Awards**``); inside a section a line with the section's own
    wording (``Reviewer`` under Service) stays a line. An explicit Markdown heading the
    parser does not know starts an unknown section (its text goes to leftovers), except
    deeper headings inside a known section, which are entry headings.
    """
    header: list[Line] = []
    sections: list[Section] = []
    current: Section | None = None
    for line in lines:
        if line.kind == "heading":
            key = classify_heading(line.text)
            if key and not (current and current.key == key and line.level > current.level):
                current = Section(key, plain(line.text), [], line.level)
                sections.append(current)
            elif current is None and line.level == 1:
                header.append(Line("text", line.text, 0, line.number))
                header[-1].kind = "name"
            elif current is not None and current.key and line.level > current.level:
                current.lines.append(Line("entry", line.text, line.level, line.number))
            else:
                current = Section("", plain(line.text), [], line.level)
                sections.append(current)
            continue
        if line.kind == "text":
            key = classify_heading(line.text)
            if key and not (current and current.key == key):
                current = Section(key, plain(line.text), [], 99)
                sections.append(current)
                continue
        (current.lines if current is not None else header).append(line)
    return header, sections
