"""Pure-Python helpers shared by the publication file-format parsers and writers.

Nothing in this package imports Django: parsers take text and return plain dicts
(see ``empty_record``/``empty_author`` for the record contract), so they can be used
from management commands, views, tests and scripts alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote

__all__ = [
    "KINDS",
    "JSONTooDeep",
    "ParseError",
    "ParseResult",
    "empty_author",
    "empty_record",
    "load_json",
    "make_author",
    "normalise_arxiv",
    "normalise_doi",
    "normalise_title",
    "parse_month",
    "parse_partial_date",
    "split_name",
]

KINDS = (
    "conference",
    "journal",
    "workshop",
    "preprint",
    "thesis",
    "chapter",
    "book",
    "patent",
    "other",
)


@dataclass
class ParseError:
    """One problem found while parsing; ``line`` is 1-based when known."""

    message: str
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.key:
            where.append(f"(key {self.key})")
        if not where:
            return self.message
        return f"{' '.join(where)}: {self.message}"


@dataclass
class ParseResult:
    """Records that could be parsed, and what could not.

    ``errors`` refuse the whole file (it cannot be read as its format at all);
    ``skipped`` name entries that cannot become a publication (the rest of the file is
    imported; ``--strict`` turns them into errors); ``warnings`` are kept-but-changed notes.
    """

    records: list[dict] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    skipped: list[ParseError] = field(default_factory=list)
    warnings: list[ParseError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------- JSON

MAX_JSON_DEPTH = 1000  # about where the json module gives up


class JSONTooDeep(ValueError):
    """JSON nested deeper than ``MAX_JSON_DEPTH`` levels (refused; never a RecursionError)."""

    def __init__(self):
        self.msg = f"JSON nested too deeply (more than about {MAX_JSON_DEPTH} levels of [ and {{); refused"
        self.lineno = 1
        self.colno = 1
        super().__init__(self.msg)


def load_json(text: str):
    """``json.loads`` that refuses deep nesting with ``JSONTooDeep`` (a ``ValueError``).

    ``json.loads("[" * 100000 + "]" * 100000)`` raises ``RecursionError``; callers
    catching ``ValueError`` (``json.JSONDecodeError`` included) get a clear message instead.
    """
    import json

    try:
        return json.loads(text)
    except RecursionError as exc:  # the C decoder's guard, hit at about a thousand levels
        raise JSONTooDeep() from exc


NOT_READ = object()  # read_json_document found nothing to return


def read_json_document(text, result, *, empty=None, column=False):
    """The JSON value of a document's text, with the errors every JSON reader reports the same way.

    Every JSON reader (CSL-JSON, JSON Resume, ORCID, the native document) starts the same way:
    drop a byte-order mark, treat a blank text as `empty` (None: nothing to read, no error;
    a string: that error), then parse with `load_json`. A text that is not JSON adds one
    `ParseError` (with its line, and its column when `column`) to `result.errors`. Returns the
    parsed value, or `NOT_READ` when there is nothing to go on (blank, or an error was added).
    """
    text = (text or "").lstrip("\ufeff")
    if not text.strip():
        if empty:
            result.errors.append(ParseError(empty))
        return NOT_READ
    import json

    try:
        value = load_json(text)
    except JSONTooDeep as exc:
        result.errors.append(ParseError(exc.msg, line=1))
        return NOT_READ
    except json.JSONDecodeError as exc:
        where = f" (column {exc.colno})" if column else ""
        result.errors.append(ParseError(f"invalid JSON: {exc.msg}{where}", line=exc.lineno))
        return NOT_READ
    if "\\u0000" in text and _holds_nul(value):  # an escaped NUL: PostgreSQL cannot store it in text
        result.errors.append(ParseError("the file holds NUL characters (\\u0000); this is not a document to import"))
        return NOT_READ
    return value


def _holds_nul(value):
    """True when a NUL character is in any string or key of a parsed JSON value (its depth is bounded)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


# --------------------------------------------------------------------------- records

_RECORD_STRING_FIELDS = (
    "kind",
    "title",
    "venue",
    "venue_short",
    "volume",
    "number",
    "pages",
    "publisher",
    "doi",
    "arxiv_id",
    "abstract",
    "note",
    "keywords",
    "url",
    "url_pdf",
    "url_code",
    "url_slides",
    "url_video",
    "url_project",
    "citation_key",
)


def empty_record() -> dict:
    """A publication record with every key present and neutral defaults."""
    record: dict = dict.fromkeys(_RECORD_STRING_FIELDS, "")
    record["kind"] = "other"
    record["year"] = None
    record["month"] = None
    record["authors"] = []
    record["authors_truncated"] = False
    record["line"] = None
    return record


def empty_author() -> dict:
    return {
        "name": "",
        "given": "",
        "family": "",
        "orcid": "",
        "equal_contribution": False,
        "corresponding": False,
    }


def make_author(given: str = "", family: str = "", **extra) -> dict:
    """Build an author dict; ``name`` is the printed form "Given Family"."""
    author = empty_author()
    author["given"] = _collapse(given)
    author["family"] = _collapse(family)
    author["name"] = " ".join(p for p in (author["given"], author["family"]) if p)
    for key, value in extra.items():
        if key in author and value is not None:
            author[key] = value
    return author


# --------------------------------------------------------------------------- merging


def is_blank(value) -> bool:
    """Nothing there: None, "", or only whitespace (0 and False are values)."""
    return value is None or (isinstance(value, str) and not value.strip())


def fill_blanks(target, source, names, *, get=None, put=None) -> list[str]:
    """Copy each of `names` from `source` into `target` where `target` has nothing and `source` has
    something; never overwrite. Returns the names it filled, in order.

    The one rule of every merge of an import ("fill blanks, never overwrite"): a paper met twice
    in a file, a CV's facts over a profile, two profiles merged, a BibTeX entry over its
    `crossref` parent. `target` and `source` are dicts, or objects when `get`/`put` are given
    (`getattr`/`setattr`), or any mix: each side is read with `get` only if it is not a dict.
    """
    get = get or getattr

    def read(obj, name):
        return obj.get(name) if isinstance(obj, dict) else get(obj, name, None)

    def write(name, value):
        if isinstance(target, dict):
            target[name] = value
        else:
            (put or setattr)(target, name, value)

    filled = []
    for name in names:
        value = read(source, name)
        if is_blank(read(target, name)) and not is_blank(value):
            write(name, value)
            filled.append(name)
    return filled


# --------------------------------------------------------------------------- normalisers

_DOI_PREFIX = re.compile(
    r"^(?:https?://)?(?:dx\.|www\.)?doi\.(?:org|acm\.org)/(?:abs/|doi/)?|^(?:doi|info:doi/|urn:doi:)\s*:?\s*"
    r"|^doi\s+",
    re.IGNORECASE,
)
_DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>{}]+|(?<=doi\.org/)10/[a-z0-9]+\b)", re.IGNORECASE)


def normalise_doi(value: str | None) -> str:
    """Every common DOI form -> the bare, lower-case DOI.

    ``https://doi.org/…``, ``http://dx.doi.org/…``, ``http://doi.acm.org/…``, ``doi:…``,
    ``info:doi/…``, ``urn:doi:…`` and short DOIs (``10/fqd6hj``, kept short).
    """
    if not value:
        return ""
    s = str(value).strip()
    s = _DOI_PREFIX.sub("", s).strip()
    if "%2f" in s.lower():
        s = unquote(s)
    s = s.rstrip(".,;")
    return s.lower()


def doi_from_text(value: str | None) -> str:
    """Find a DOI inside a URL or free text (``""`` when there is none)."""
    if not value:
        return ""
    m = _DOI_IN_TEXT.search(unquote(str(value)))
    return normalise_doi(m.group(1)) if m else ""


_ARXIV_PREFIX = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/|^arxiv:\s*",
    re.IGNORECASE,
)
_ARXIV_VERSION = re.compile(r"v\d+$", re.IGNORECASE)
_ARXIV_ID = re.compile(
    r"(?:arxiv[:.\s/]*|arxiv\.org/(?:abs|pdf|html)/|\babs/)"
    r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
    re.IGNORECASE,
)
_NEW_ARXIV_ID = re.compile(r"^\d{4}\.\d{4,5}$")
_OLD_ARXIV_ID = re.compile(r"^[a-z\-]+(?:\.[a-z]{2})?/\d{7}$", re.IGNORECASE)


def normalise_arxiv(value: str | None) -> str:
    """``arXiv:2201.12345v2`` / ``https://arxiv.org/abs/2201.12345`` -> ``2201.12345``."""
    if not value:
        return ""
    s = str(value).strip()
    s = _ARXIV_PREFIX.sub("", s).strip()
    if s.lower().endswith(".pdf"):
        s = s[:-4]
    s = s.strip("/ ")
    return _ARXIV_VERSION.sub("", s)


def normalise_identifier(name: str, value: str | None) -> str:
    """The stored form of a paper's identifier `name` ("doi" or "arxiv_id"): the one rule every
    import path (the record cleaner, the admin's spreadsheet) applies before validating it."""
    return normalise_doi(value) if name == "doi" else normalise_arxiv(value)


def arxiv_from_doi(doi: str) -> str:
    """The arXiv id of an arXiv DOI (``10.48550/arXiv.2201.12345`` -> ``2201.12345``); else ``""``."""
    return normalise_arxiv(doi.split("arxiv.", 1)[1]) if doi.startswith("10.48550/arxiv.") else ""


def looks_like_arxiv_id(value: str | None) -> bool:
    s = normalise_arxiv(value)
    return bool(_NEW_ARXIV_ID.match(s) or _OLD_ARXIV_ID.match(s))


def arxiv_from_text(value: str | None) -> str:
    """Find an arXiv id in ``arXiv preprint arXiv:2201.12345`` or an arxiv.org URL."""
    if not value:
        return ""
    m = _ARXIV_ID.search(str(value))
    if m:
        return normalise_arxiv(m.group(1))
    m = re.search(r"10\.48550/arxiv\.(\S+)", str(value), re.IGNORECASE)
    return normalise_arxiv(m.group(1)) if m else ""


_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+\*?|\\.")


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_title(value: str | None) -> str:
    """Key for de-duplication: casefolded, no accents/punctuation/LaTeX, single spaces."""
    if not value:
        return ""
    s = _LATEX_COMMAND.sub("", str(value)).replace("{", "").replace("}", "")
    s = strip_accents(s).casefold()
    s = re.sub(r"[\W_]+", " ", s)
    return " ".join(s.split())


def _collapse(value: str | None) -> str:
    return " ".join(str(value or "").split())


# --------------------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip


def parse_number(text: str) -> int:
    """A spreadsheet's number cell (``"2022"``, ``"2022.0"``) -> int; ``ValueError`` if it is none."""
    return int(float(text))


def parse_month(value) -> int | None:
    """``7``, ``"07"``, ``"jul"``, ``"July"``, ``"Sept."``, ``"July 11"`` -> 7; else None."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 12 else None
    s = str(value).strip().strip("{}\"' ").lower()
    m = re.match(r"^(\d{1,2})\b", s)
    if m:
        n = int(m.group(1))
        return n if 1 <= n <= 12 else None
    m = re.match(r"^([a-z]+)", s)
    if m and m.group(1) in _MONTHS:
        return _MONTHS[m.group(1)]
    return None


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2\d\d\d)(?!\d)")


def parse_year(value) -> int | None:
    """First plausible 4-digit year in ``value`` (``"2022a"`` -> 2022, ``"in press"`` -> None)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value if 1000 <= value <= 2999 else None
    m = _YEAR.search(str(value))
    return int(m.group(1)) if m else None


def year_and_month(year_text: str, month_text: str, date_text: str = "") -> tuple[int | None, int | None]:
    """(year, month) of a record's year and month texts (``"2022a"``, ``"Sept."``); what is
    missing taken from a date text, its month only when its year is the record's."""
    year = parse_year(year_text)
    month = parse_month(month_text) if month_text else None
    if (year is None or month is None) and date_text:
        d_year, d_month, _ = parse_partial_date(date_text)
        year = year if year is not None else d_year
        month = month if month is not None else (d_month if d_year == year else None)
    return year, month


def parse_partial_date(value) -> tuple[int | None, int | None, int | None]:
    """Parse EDTF-ish / free-text dates into ``(year, month, day)``, never inventing parts.

    Handles ``2022-07-11``, ``2022-07``, ``2022``, seasons ``2022-21`` (year only),
    uncertain ``2022?``/``2022~``, ranges ``2019/2020`` (first), ``Spring 2021``,
    ``July 2021``, ``11 Jul 2021`` and ISO timestamps.
    """
    if value is None:
        return None, None, None
    s = str(value).strip()
    if not s:
        return None, None, None
    s = s.split("/")[0] if re.match(r"^\d{4}[^/]*/", s) else s
    s = s.replace("?", "").replace("~", "").replace("%", "").strip()
    m = re.match(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", s)
    if m:
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        if month is not None and not 1 <= month <= 12:
            return year, None, None  # EDTF season (21-41) or garbage
        day = int(m.group(3)) if m.group(3) else None
        if day is not None and not 1 <= day <= 31:
            day = None
        return year, month, day
    year = parse_year(s)
    month = None
    for word in re.findall(r"[A-Za-z]+", s):
        if word.lower() in _MONTHS:
            month = _MONTHS[word.lower()]
            break
    day = None
    if month is not None:
        m = re.search(r"(?<!\d)(\d{1,2})(?!\d)", s)
        if m and 1 <= int(m.group(1)) <= 31:
            day = int(m.group(1))
    return year, month, day


def format_partial_date(year, month=None, day=None) -> str:
    """``(2020, 7, None)`` -> ``"2020-07"``; no year -> ``""``."""
    if not year:
        return ""
    out = f"{int(year):04d}"
    if month:
        out += f"-{int(month):02d}"
        if day:
            out += f"-{int(day):02d}"
    return out


def normalise_partial_date(value) -> str:
    """Any date-ish string -> ISO partial date string (``""`` when unknown)."""
    return format_partial_date(*parse_partial_date(value))


# --------------------------------------------------------------------------- names

PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "dei", "degli", "di", "da", "das",
    "dos", "du", "la", "le", "les", "lo", "ten", "ter", "te", "zu", "zum", "zur", "y",
    "e", "bin", "ibn", "al", "el", "st.", "mac", "af", "av",
}  # fmt: skip
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "2nd", "3rd", "phd", "ph.d."}


_CORPORATE = re.compile(
    r"\b(academ(y|ies)|association|consortium|collaboration|committee|council|society|institute|"
    r"university|foundation|agency|organi[sz]ation|group|team|project|working|network|alliance|"
    r"laborator(y|ies)|department|ministry|office|board|federation|commission|centre|center|inc\.?|ltd\.?)\b",
    re.IGNORECASE,
)


def is_corporate(name: str | None) -> bool:
    """A corporate/literal author ("National Academies of Sciences, Engineering, and Medicine")?

    Such names are written braced in BibTeX so they come back as one author.
    """
    s = _collapse(name)
    if not s:
        return False
    return s.count(",") >= 2 or (len(s.split()) >= 3 and bool(_CORPORATE.search(s)))


def is_suffix(word: str) -> bool:
    return word.strip(",").lower() in SUFFIXES


def split_name(name: str | None) -> tuple[str, str]:
    """Split a person's name into ``(given, family)``.

    Handles ``"Last, First"``, ``"Last, Jr., First"``, ``"First Last"``, particles
    (``"Jan van der Berg"`` -> ``("Jan", "van der Berg")``) and suffixes, which stay
    with the family name (``"Martin Luther King Jr."`` -> ``("Martin Luther", "King Jr.")``).
    A single word is a family name.
    """
    s = _collapse(name)
    if not s:
        return "", ""
    if "," in s:
        parts = [p.strip() for p in s.split(",") if p.strip()]
        if len(parts) == 1:
            return "", parts[0]
        if len(parts) >= 3 and is_suffix(parts[1]):
            # "King, Jr., Martin Luther"
            return ", ".join(parts[2:]), f"{parts[0]} {parts[1]}"
        if len(parts) == 2 and is_suffix(parts[1]):
            # "Martin Luther King, Jr."
            given, family = split_name(parts[0])
            return given, f"{family} {parts[1]}".strip()
        if len(parts) >= 3 and is_suffix(parts[-1]):
            # "King, Martin Luther, Jr."
            return ", ".join(parts[1:-1]), f"{parts[0]} {parts[-1]}"
        return ", ".join(parts[1:]), parts[0]
    words = s.split(" ")
    suffix = []
    while len(words) > 1 and is_suffix(words[-1]):
        suffix.insert(0, words.pop())
    if len(words) == 1:
        return "", " ".join(words + suffix)
    # Family starts at the first lower-case particle after the first word,
    # otherwise it is the last word.
    start = len(words) - 1
    for i in range(1, len(words) - 1):
        if words[i].lower() in PARTICLES and words[i][:1].islower():
            start = i
            break
    given = " ".join(words[:start])
    family = " ".join(words[start:] + suffix)
    return given, family
