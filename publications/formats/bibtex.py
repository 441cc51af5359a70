"""BibTeX / BibLaTeX import and export.

``parse_bibtex`` uses bibtexparser 2's splitter to cut the file into blocks (it is
robust and reports the line of every block), then evaluates field values itself
(``@string`` macros, month macros and ``#`` concatenation, which bibtexparser 2's
middlewares only handle for whole-value references), splits names with bibtexparser's
BibTeX-compliant name parser and decodes LaTeX with pylatexenc.

``write_bibtex`` emits UTF-8 BibTeX that ``parse_bibtex`` reads back to the same records.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from bibtexparser.middlewares.names import parse_single_name_into_parts
from pylatexenc.latex2text import LatexNodes2Text

from publications.formats import (
    ParseError,
    ParseResult,
    arxiv_from_doi,
    arxiv_from_text,
    bibsplit,
    doi_from_text,
    empty_record,
    is_suffix,
    latex,
    looks_like_arxiv_id,
    make_author,
    normalise_arxiv,
    normalise_doi,
    parse_month,
    strip_accents,
    year_and_month,
)

__all__ = ["StreamCheck", "iter_bibtex", "iter_bibtex_chunks", "parse_bibtex", "write_bibtex"]

logger = logging.getLogger(__name__)

# BibTeX's standard month macros (plain.bst and friends).
MONTH_MACROS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April",
    "may": "May", "jun": "June", "jul": "July", "aug": "August",
    "sep": "September", "oct": "October", "nov": "November", "dec": "December",
}  # fmt: skip
_MONTH_ABBREV = list(MONTH_MACROS)

EQUAL_CONTRIBUTION_FIELDS = {
    "equalcontribution",
    "equalcontrib",
    "cofirst",
    "cofirstauthor",
    "cofirstauthors",
}
CORRESPONDING_FIELDS = {"corresponding", "correspondingauthor", "correspondingauthors"}

PREPRINT_SERVERS = re.compile(
    r"arxiv|\bcorr\b|biorxiv|medrxiv|chemrxiv|ssrn|research square|preprints?\b|techrxiv",
    re.IGNORECASE,
)

# Fields whose value is a URL/identifier: no LaTeX decoding, only unescaping.
_VERBATIM_FIELDS = {
    "url", "doi", "eprint", "arxivid", "arxiv", "file", "pdf", "code", "slides",
    "video", "project", "archiveprefix", "eprinttype", "isbn", "issn",
}  # fmt: skip

_LATEX = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)
_CARET = "\ue000"


# --------------------------------------------------------------------------- values


def _split_concatenation(raw: str) -> list[str]:
    """Split ``a # "b" # {c}`` on top-level ``#``."""
    parts, depth, in_quotes, current = [], 0, False, []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\" and i + 1 < len(raw):
            current.append(raw[i : i + 2])
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == '"' and depth == 0:
            in_quotes = not in_quotes
        elif c == "#" and depth == 0 and not in_quotes:
            parts.append("".join(current).strip())
            current = []
            i += 1
            continue
        current.append(c)
        i += 1
    parts.append("".join(current).strip())
    return parts


MAX_VALUE_CHARS = 20_000  # longest value a @string macro may expand to
MIN_EXPANSION_BUDGET = 2_000_000  # characters all macro expansions of one file may produce


class MacroTooLong(ValueError):
    pass


_REFUSED = "\x00refused macro\x00"  # stands for a @string whose expansion was refused


class _Budget:
    """Total characters macro expansion may produce for one file: linear in the file's size."""

    __slots__ = ("left",)

    def __init__(self, text_length: int):
        self.left = max(MIN_EXPANSION_BUDGET, 20 * text_length)


def _evaluate(raw: str, macros: dict[str, str], budget: _Budget | None = None) -> str:
    """Turn a raw field value into its TeX string (outer delimiters removed).

    Macro references are bounded: a value may not grow past ``MAX_VALUE_CHARS`` through
    macros, and the whole file's expansions past its ``_Budget`` (``MacroTooLong``), so
    chained ``@string{s2 = s1 # s1}`` definitions cannot exhaust time or memory.
    """
    raw = raw.strip()
    # The common case, one delimited value, a number or one macro, needs no splitting.
    parts = [raw] if "#" not in raw else _split_concatenation(raw)
    out = []
    size = 0
    for part in parts:
        if not part:
            continue
        if (part[0] == "{" and part[-1] == "}") or (part[0] == '"' and part[-1] == '"'):
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        else:
            # Unknown macros are kept by name (BibTeX warns and uses an empty string;
            # keeping the name loses less information).
            value = macros.get(part.lower(), part)
            if value is _REFUSED:
                raise MacroTooLong(f"uses @string {part}, which was not defined (it expands to too much text)")
            if len(value) > 64:
                size += len(value)
                if size > MAX_VALUE_CHARS:
                    raise MacroTooLong(f"expands to more than {MAX_VALUE_CHARS:,} characters through @string macros")
                if budget is not None:
                    budget.left -= len(value)
                    if budget.left < 0:
                        raise MacroTooLong("@string macros in this file expand to too much text")
            out.append(value)
    return out[0] if len(out) == 1 else "".join(out)


# Anything pylatexenc would change; most field values (plain titles, names, venues)
# contain none of it and skip the parser, which costs about a millisecond a value.
_NEEDS_LATEX = re.compile(r"[\\{}$~%]|--|``|''")


def latex_to_text(value: str) -> str:
    """Decode LaTeX (accents, escapes, ``--``, protective braces) to plain Unicode."""
    if not value:
        return ""
    if not _NEEDS_LATEX.search(value):
        return value
    if not _NEEDS_LATEX.search(value.replace("{", "").replace("}", "")):
        return value.replace("{", "").replace("}", "")  # only case-protecting braces
    return _decode_latex(value)


@functools.lru_cache(maxsize=16384)
def _decode_latex(value: str) -> str:
    # Cached: a .bib file repeats the same accented names and venues many times.
    try:
        text = latex.decode(value)
    except latex.Unknown:
        text = _decode_with_pylatexenc(value)
    return text.replace("\u00a0", " ")


def _decode_with_pylatexenc(value: str) -> str:
    """The slow, thorough fallback for macros the fast decoder does not know."""
    s = value
    s = re.sub(r"\\url\s*\{([^{}]*)\}", r"\1", s)
    s = re.sub(r"\\href\s*\{[^{}]*\}\s*\{([^{}]*)\}", r"\1", s)
    s = re.sub(r"\\textasciicircum(?:\{\})?", _CARET, s)
    # A bare % would start a TeX comment and swallow the rest of the line.
    s = re.sub(r"(?<!\\)%", r"\\%", s)
    try:
        text = _LATEX.latex_to_text(s)
    except Exception:  # pylatexenc is tolerant, but never let a bad macro crash an import
        logger.debug("pylatexenc failed on %r", value, exc_info=True)
        text = re.sub(r"\\([&%#_$])", r"\1", s).replace("{", "").replace("}", "")
    return text.replace(_CARET, "^")


_PARAGRAPH = re.compile(r"\n\s*\n")
_URL_MACRO = re.compile(r"\\url\s*\{([^{}]*)\}")
_VERBATIM_ESCAPE = re.compile(r"\\([_%&#~:$;])")
_HTTP_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


def _clean_text(value: str, keep_paragraphs: bool = False) -> str:
    text = latex_to_text(value)
    if keep_paragraphs:
        paragraphs = _PARAGRAPH.split(text.strip())
        return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())
    return " ".join(text.split())


def _clean_verbatim(value: str) -> str:
    s = value.strip()
    if "\\" in s:
        s = _URL_MACRO.sub(r"\1", s)
    s = s.replace("{", "").replace("}", "")
    if "\\" in s:
        s = _VERBATIM_ESCAPE.sub(r"\1", s)
    return s.strip()


def _http_url(value: str) -> str:
    s = value.strip()
    return s if s and _HTTP_URL.match(s) else ""


def _url_from_file_field(value: str) -> str:
    """First http(s) URL in a Zotero/JabRef/Mendeley ``file`` field, else ``""``.

    Formats: ``Description:path:type`` items separated by ``;`` (JabRef escapes ``:``
    and ``;`` with a backslash, Mendeley writes ``C$\\backslash$:``); local paths are
    useless on a website and are dropped.
    """
    items = re.split(r"(?<!\\);", value)
    for item in items:
        item = re.sub(r"\\([:;\\])", r"\1", item.strip())
        m = re.search(r"(https?://\S+?)(?::[A-Za-z]+(?:/[\w.+-]+)?)?$", item, flags=re.IGNORECASE)
        if m:
            return m.group(1)
    return ""


# --------------------------------------------------------------------------- names

_STAR_MARKERS = re.compile(
    r"\$\s*\^\s*\{?\s*\\?\*\s*\}?\s*\$"  # $^*$ / $^{*}$
    r"|\\textsuperscript\s*\{\s*\*\s*\}"  # \textsuperscript{*}
    r"|\^\s*\{?\s*\*\s*\}?"  # ^* outside math
    r"|\*"
)


def _parse_author(raw_name: str) -> dict:
    return dict(_author_template(raw_name))  # a copy: flags are set on it per entry


@functools.lru_cache(maxsize=65536)
def _author_template(raw_name: str) -> dict:
    given, family, equal = _author_parts(raw_name)
    return make_author(given, family, equal_contribution=equal)


@functools.lru_cache(maxsize=65536)
def _author_parts(raw_name: str) -> tuple[str, str, bool]:
    # Cached: a library names the same few hundred people thousands of times.
    equal = False
    if _STAR_MARKERS.search(raw_name):
        equal = True
        raw_name = _STAR_MARKERS.sub("", raw_name)
    raw_name = _SPACE_COMMA.sub(",", raw_name).strip().strip(",").strip()
    if "\\" in raw_name:
        # Accents become letters before the name is split into parts.
        raw_name = _ACCENT_MACRO.sub(_accent, raw_name)
    parts = parse_single_name_into_parts(raw_name, strict=False)
    given = _clean_text(" ".join(parts.first))
    family = _clean_text(" ".join(parts.von + parts.last + parts.jr))
    if not family and given:
        given, family = "", given
    return given, family, equal


_SPACE_COMMA = re.compile(r"\s+,")
_ACCENT_MACRO = re.compile(r"\\(?:['`^\"~=.]|[cvuHkrdb](?![A-Za-z]))\s*(?:\{\\?[A-Za-z]\}|\\[ij](?![A-Za-z])|[A-Za-z])")


def _accent(match: re.Match) -> str:
    try:
        return latex.decode(match.group(0))
    except latex.Unknown:
        return match.group(0)


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_AND_OR_BRACE = re.compile(r"[{}]| and ", re.IGNORECASE)


_INNER_GROUP = re.compile(r"\{[^{}]*\}")


def _balanced(text: str) -> bool:
    """Braces in ``text`` open before they close and all close (``}{`` is not balanced)."""
    while "{" in text:
        text, found = _INNER_GROUP.subn("", text)
        if not found:
            return False
    return "}" not in text


def _split_names(raw: str) -> list[str]:
    """Split an author list on " and " outside braces (BibTeX's rule)."""
    raw = " ".join(raw.split())
    if "{" not in raw:
        return _AND.split(raw)
    names = _AND.split(raw)
    if all(_balanced(name) for name in names):
        return names  # every " and " is outside braces (the usual case: braced accents)
    names, depth, start = [], 0, 0
    for m in _AND_OR_BRACE.finditer(raw):
        token = m.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth = depth - 1 if depth > 0 else 0
        elif depth == 0:
            names.append(raw[start : m.start()])
            start = m.end()
    names.append(raw[start:])
    return names


def _parse_authors(raw: str) -> tuple[list[dict], bool]:
    truncated = False
    authors = []
    for name in _split_names(raw):
        name = name.strip()
        if name.lower() in {"others", "et al.", "et al", "{others}"}:
            truncated = True
            continue
        if name:
            authors.append(_parse_author(name))
    return authors, truncated


def _match_author(piece: str, authors: list[dict]) -> int | None:
    key = " ".join(piece.lower().replace(".", " ").split())
    if not key:
        return None
    for i, a in enumerate(authors):
        family = a["family"].lower()
        forms = {
            " ".join(a["name"].lower().replace(".", " ").split()),
            family,
            " ".join(f"{family}, {a['given'].lower()}".replace(".", " ").split()),
        }
        if key in forms:
            return i
    return None


def _flag_positions(value: str, authors: list[dict]) -> list[int]:
    """Author indexes (0-based) listed in an ``equal-contribution``-like field.

    Accepts 1-based positions (``1,2``, ``1-3``) or names (``Sima and Fu``,
    ``Sima, Chijun and Fu, Yao``, ``Chijun Sima; Yao Fu``).
    """
    text = value.strip()
    if not text:
        return []
    if re.fullmatch(r"[\d\s,;&\-\u2013]+|[\d\s,;]+and[\d\s,;]+", text):
        positions: list[int] = []
        for token in re.split(r"[,;&\s]+|and", text):
            token = token.strip()
            if not token:
                continue
            m = re.fullmatch(r"(\d+)\s*[-\u2013]\s*(\d+)", token)
            if m:
                positions.extend(range(int(m.group(1)), int(m.group(2)) + 1))
            elif token.isdigit():
                positions.append(int(token))
        return [p - 1 for p in positions if 1 <= p <= len(authors)]
    found: list[int] = []
    for piece in re.split(r"\s+and\s+|;", text):
        idx = _match_author(piece, authors)
        if idx is not None:
            found.append(idx)
        elif "," in piece:
            for sub in piece.split(","):
                idx = _match_author(sub, authors)
                if idx is not None:
                    found.append(idx)
    return found


# --------------------------------------------------------------------------- kinds


def _kind(entry_type: str, fields: dict[str, str], arxiv_id: str) -> str:
    t = entry_type.lower()
    booktitle = fields.get("booktitle", "")
    journal = fields.get("journal") or fields.get("journaltitle", "")
    pubstate = fields.get("pubstate", "").lower()
    if t in {"inproceedings", "conference"}:
        return "workshop" if "workshop" in booktitle.casefold() else "conference"
    if t == "article":
        if PREPRINT_SERVERS.search(journal) or (not journal and arxiv_id):
            return "preprint"
        return "journal"
    if t in {"phdthesis", "mastersthesis", "thesis"}:
        return "thesis"
    if t in {"incollection", "inbook", "bookinbook", "suppbook"}:
        return "chapter"
    if t in {"book", "mvbook"}:
        return "book"
    if t == "patent":
        return "patent"
    if t in {"misc", "unpublished", "online", "electronic", "www", "preprint"}:
        howpublished = fields.get("howpublished", "") + " " + fields.get("publisher", "")
        if (
            arxiv_id
            or fields.get("eprint")
            or pubstate in {"prepublished", "preprint"}
            or t == "preprint"
            or PREPRINT_SERVERS.search(howpublished)
        ):
            return "preprint"
    return "other"


# --------------------------------------------------------------------------- parsing

_KEY_IN_RAW = re.compile(r"^@\s*\w+\s*[{(]\s*([^,\s{}()=\"]+)")

# Types that only hold what children inherit through crossref / xdata.
_PARENT_TYPES = {"proceedings", "mvproceedings", "book", "mvbook", "collection", "mvcollection", "reference",
                 "mvreference", "periodical"}  # fmt: skip
# Fields a child never inherits from its crossref parent (they identify the parent itself).
_NOT_INHERITED = {
    "title", "subtitle", "titleaddon", "shorttitle", "crossref", "xdata", "ids", "entryset", "related", "doi",
    "url", "eprint", "eprinttype", "archiveprefix", "arxiv", "arxivid", "pages", "abstract", "note", "keywords",
    "keyword", "file", "pdf", "code", "slides", "video", "poster", "website", "html", "blog", "selected",
    "isbn", "label", "shorthand", "sortkey", "preview", "bibtex_show", "annotation", "urldate",
}  # fmt: skip
_MAX_CROSSREF_DEPTH = 4


def _key_from_raw(raw: str | None) -> str | None:
    m = _KEY_IN_RAW.match(raw or "")
    return m.group(1) if m else None


def _references(fields: dict[str, str], name: str) -> list[str]:
    value = fields.get(name, "")
    return [k.strip().lower() for k in value.split(",") if k.strip()] if value.strip() else []


def _inherit(fields: dict[str, str], entry_type: str, by_key: dict, depth: int = 0) -> dict[str, str]:
    """A child's fields completed from its ``xdata`` and ``crossref`` parents (BibTeX/biblatex rules)."""
    if depth > _MAX_CROSSREF_DEPTH:
        return fields
    result = dict(fields)
    for parent_key in _references(fields, "xdata"):
        parent = by_key.get(parent_key)
        if parent is None:
            continue
        parent_fields = _inherit(parent[1], parent[0], by_key, depth + 1)
        for name, value in parent_fields.items():
            if name not in result and name not in {"xdata", "crossref", "ids"}:
                result[name] = value
    for parent_key in _references(fields, "crossref")[:1]:
        parent = by_key.get(parent_key)
        if parent is None:
            continue
        parent_type, parent_fields = parent[0], _inherit(parent[1], parent[0], by_key, depth + 1)
        if parent_type in _PARENT_TYPES and "booktitle" not in result and parent_fields.get("title"):
            # biblatex: the parent's title is the child's booktitle (journaltitle for periodicals).
            target = "journaltitle" if parent_type == "periodical" else "booktitle"
            if target not in result and "journal" not in result:
                result[target] = parent_fields["title"]
        if "author" in result and "author" in parent_fields and parent_type in _PARENT_TYPES:
            result.setdefault("bookauthor", parent_fields["author"])
        for name, value in parent_fields.items():
            if name not in result and name not in _NOT_INHERITED:
                if name == "author" and entry_type.lower() not in {"inbook", "bookinbook", "suppbook"}:
                    continue
                result[name] = value
    return result


_DOI_HOST = re.compile(r"doi\.(acm\.)?org/")
_URL_IN_TEXT = re.compile(r"\\url|https?://")
_KEYWORD_SEPARATOR = re.compile(r"[,;]")


class _EntryFields:
    """An entry's raw fields, read as text (LaTeX decoded, once per field: venue and kind both
    read some) or verbatim (addresses and identifiers); the first of several names not blank."""

    def __init__(self, raw_fields: dict[str, str]):
        self.raw = raw_fields
        self._cleaned: dict[tuple[str, bool], str] = {}

    def clean(self, name: str, paragraphs: bool = False) -> str:
        key = (name, paragraphs)
        value = self._cleaned.get(key)
        if value is None:
            value = self._cleaned[key] = _clean_text(self.raw[name], keep_paragraphs=paragraphs)
        return value

    def text(self, *names: str, paragraphs: bool = False) -> str:
        for name in names:
            if name in self.raw and self.raw[name].strip():
                return self.clean(name, paragraphs)
        return ""

    def verbatim(self, *names: str) -> str:
        for name in names:
            if name in self.raw and self.raw[name].strip():
                return _clean_verbatim(self.raw[name])
        return ""


# record field: the entry's fields it is read from (the first not blank), as text
_TEXT_FIELDS = {
    "volume": ("volume",),
    "number": ("number", "issue"),
    "publisher": ("publisher",),
}
_PARAGRAPH_FIELDS = {"abstract": ("abstract",), "note": ("note",)}  # text, paragraphs kept
_SHORT_VENUE_FIELDS = (
    "abbr",  # al-folio's badge
    "shortbooktitle",
    "booktitleshort",
    "shortjournal",
    "journalabbr",
    "journal-abbreviation",
    "series",
    "eventtitle",
)
_LINK_FIELDS = {  # verbatim, http(s) addresses only
    "url_code": ("code", "url_code", "github"),
    "url_slides": ("slides", "url_slides"),
    "url_video": ("video", "url_video"),
    "url_project": ("project", "url_project", "website", "blog"),
}


def _entry_to_record(entry_type: str, entry_key: str, line: int | None, raw_fields: dict[str, str]) -> dict:
    """One entry -> a record (``empty_record``); what is not stored is said in ``record["warnings"]``."""
    fields = _EntryFields(raw_fields)
    record = empty_record()
    record["citation_key"] = entry_key
    record["line"] = line
    warnings: list[str] = []
    record["warnings"] = warnings
    record["title"] = fields.text("title")
    record["authors"], record["authors_truncated"] = _entry_authors(raw_fields)

    url = fields.verbatim("url")
    venue = fields.text("booktitle", "journal", "journaltitle", "school", "institution")
    if not venue and not _URL_IN_TEXT.search(raw_fields.get("howpublished", "")):
        venue = fields.text("howpublished")
    eprint = fields.verbatim("eprint")
    record["doi"] = doi = normalise_doi(fields.verbatim("doi")) or doi_from_text(url if _DOI_HOST.search(url) else "")
    record["arxiv_id"] = arxiv_id = _entry_arxiv_id(fields, eprint, venue, url, doi)
    record["kind"] = _kind(entry_type, _kind_fields(fields, eprint), arxiv_id)
    record["venue"] = venue
    record["venue_short"] = fields.text(*_SHORT_VENUE_FIELDS)
    record["year"], record["month"] = _entry_date(fields)

    for name, names in _TEXT_FIELDS.items():
        record[name] = fields.text(*names)
    for name, names in _PARAGRAPH_FIELDS.items():
        record[name] = fields.text(*names, paragraphs=True)
    record["pages"] = fields.text("pages").replace("--", "\u2013").replace("\u2014", "\u2013")
    keywords = fields.text("keywords", "keyword")
    record["keywords"] = ", ".join(k.strip() for k in _KEYWORD_SEPARATOR.split(keywords) if k.strip())
    _entry_links(record, fields, url, warnings)
    record["selected"] = fields.verbatim("selected").lower() in {"true", "yes", "1"}
    return record


def _entry_authors(raw_fields: dict[str, str]) -> tuple[list[dict], bool]:
    """The entry's authors, flagged by the "equal-contribution" / "corresponding" style fields."""
    # Normalised keys for the flexible "equal-contribution" style fields (names never hold spaces).
    compact = {k.replace("-", "").replace("_", ""): v for k, v in raw_fields.items()}
    authors, truncated = _parse_authors(raw_fields.get("author", ""))
    for field_names, flag in (
        (EQUAL_CONTRIBUTION_FIELDS, "equal_contribution"),
        (CORRESPONDING_FIELDS, "corresponding"),
    ):
        for name in field_names:
            if name in compact:
                for idx in _flag_positions(_clean_text(compact[name]), authors):
                    authors[idx][flag] = True
    return authors, truncated


def _entry_arxiv_id(fields: _EntryFields, eprint: str, venue: str, url: str, doi: str) -> str:
    """The arXiv id: an arXiv eprint, an arxivid field, the venue ("arXiv preprint arXiv:…",
    DBLP's CoRR), an arxiv.org address or an arXiv DOI, in that order."""
    prefix = (fields.verbatim("archiveprefix") or fields.verbatim("eprinttype")).lower()
    arxiv_id = ""
    if eprint and (prefix == "arxiv" or (not prefix and looks_like_arxiv_id(eprint))):
        arxiv_id = normalise_arxiv(eprint)
    arxiv_id = arxiv_id or normalise_arxiv(fields.verbatim("arxivid", "arxiv"))
    if not arxiv_id and PREPRINT_SERVERS.search(venue):
        # "arXiv preprint arXiv:2201.12345"; DBLP: journal = {CoRR}, volume = {abs/2201.12345}
        arxiv_id = arxiv_from_text(f"{venue} {fields.verbatim('volume')}")
    if not arxiv_id and "arxiv.org" in url:
        arxiv_id = arxiv_from_text(url)
    return arxiv_id or arxiv_from_doi(doi)


def _kind_fields(fields: _EntryFields, eprint: str) -> dict[str, str]:
    """What ``_kind`` reads besides the entry type."""
    cleaned_for_kind = {
        k: fields.clean(k) if k in fields.raw else ""
        for k in ("booktitle", "journal", "journaltitle", "howpublished", "publisher")
    }
    cleaned_for_kind["eprint"] = eprint
    cleaned_for_kind["pubstate"] = fields.verbatim("pubstate")
    return cleaned_for_kind


def _entry_date(fields: _EntryFields) -> tuple[int | None, int | None]:
    """(year, month) from year and month, completed from ``date`` (its month only with its year)."""
    return year_and_month(fields.text("year"), fields.text("month"), fields.text("date"))


def _entry_links(record: dict, fields: _EntryFields, url: str, warnings: list[str]) -> None:
    """The paper's addresses (http(s) only); a local PDF or a link without a field is a warning."""
    if not url:
        url = _http_url(fields.verbatim("html"))  # al-folio: the paper's page
    record["url"] = url
    pdf_raw = fields.verbatim("pdf", "url_pdf", "urlpdf")
    pdf = _http_url(pdf_raw)
    if pdf_raw and not pdf:
        warnings.append(f"pdf {pdf_raw!r} is a local file, not stored: upload it and add its address")
    if not pdf and fields.raw.get("file"):
        pdf = _url_from_file_field(fields.raw["file"])
    record["url_pdf"] = pdf
    for name, names in _LINK_FIELDS.items():
        record[name] = _http_url(fields.verbatim(*names))
    for name, label in (("poster", "poster"), ("blog", "blog"), ("website", "website")):
        value = fields.verbatim(name)
        stored = value and value in (record["url_project"], record["url"])
        if value and not stored:
            warnings.append(f"{label} link {value!r} not stored (no field for it)")
    for name in ("code", "slides", "video"):
        value = fields.verbatim(name)
        if value and not _http_url(value):
            warnings.append(f"{name} {value!r} is not an http(s) address, not stored")


def parse_bibtex(text: str) -> ParseResult:
    """Parse BibTeX/BibLaTeX text into publication records.

    The file is refused (``errors``) only when it cannot be read as BibTeX at all. An entry
    that cannot become a publication (a syntax error confined to it, no title, a biblatex
    ``@set``, a ``@proceedings`` that only serves as a crossref parent, a value that
    expands past the macro limits) is left out and named in ``skipped`` with its line and
    key; the other entries are returned.
    """
    result = ParseResult(records=[], errors=[])
    result.records.extend(iter_bibtex(text, result))
    return result


_CROSS_REFERENCE = re.compile(r"\b(?:crossref|xdata)[ \t\r\n]*=", re.IGNORECASE)
_STRING_BLOCK = re.compile(r"@[ \t]*string[ \t\r\n]*[{(]", re.IGNORECASE)
_ENTRY_BLOCK = re.compile(r"@[ \t]*(?!(?:string|comment|preamble)\b)[A-Za-z_][\w\-:]*[ \t\r\n]*[{(]", re.IGNORECASE)


def _streamable(text: str) -> bool:
    """Entries can be read one at a time: none refers to another (crossref, xdata) and no
    ``@string`` is defined after the first entry (such a macro still applies to entries above)."""
    if _CROSS_REFERENCE.search(text):
        return False
    first_entry = _ENTRY_BLOCK.search(text)
    if first_entry is None:
        return True
    return _STRING_BLOCK.search(text, first_entry.start()) is None


def iter_bibtex(text: str, result: ParseResult) -> Iterator[dict]:
    """The records of ``text`` one at a time; ``result`` collects errors, skips and warnings.

    A bulk import consumes records in batches, so only one batch of records is alive at a
    time. When entries refer to each other (crossref/xdata) or a macro is defined below an
    entry, every entry is evaluated first (as BibTeX does), then the records are yielded.
    File-level ``errors`` are appended once the text is exhausted.
    """
    if text is None:
        return
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return
    seen: list[bool] = []
    budget = _Budget(len(text))
    blocks = bibsplit.iter_blocks(text, seen)
    if _streamable(text):
        yield from _in_order(blocks, seen, budget, result)
        return
    produced = 0
    for record in _parse_whole(blocks, dict(MONTH_MACROS), budget, result):
        produced += 1
        yield record
    failed = sum(1 for p in result.skipped if p.message.startswith("syntax error in this entry"))
    _file_errors(seen, failed, produced, result)


def _in_order(blocks, seen, budget, result) -> Iterator[dict]:
    """Records of `blocks` one at a time (no crossref/xdata, every macro defined before its
    use), then the file's own errors; what both the whole-text and the chunked reader do."""
    macros: dict[str, str] = dict(MONTH_MACROS)
    failed = produced = 0
    for block in blocks:
        if block.kind == "string":
            _define_macro(block, macros, budget, result)
        elif block.kind == "failed":
            failed += 1
            result.skipped.append(_syntax_error(block))
        else:
            fields = _evaluate_fields(block, macros, budget, result)
            record = None if fields is None else _record_or_skip(block, fields, {}, {}, result)
            if record is not None:
                produced += 1
                yield record
    _file_errors(seen, failed, produced, result)


def _file_errors(seen, failed, produced, result) -> None:
    if not seen:
        result.errors.append(ParseError("no BibTeX entries found (is this a .bib file?)", line=1))
    elif failed and not produced and failed == len(result.skipped):
        result.errors.append(ParseError(
            f"no entry could be read: all {failed} have syntax errors (is the file cut off or not BibTeX?)",
            line=result.skipped[0].line,
        ))  # fmt: skip


def iter_bibtex_chunks(chunks: Iterable[str], result: ParseResult, size: int) -> Iterator[dict]:
    """``iter_bibtex`` for text read bit by bit (a file of ``size`` characters, newlines
    already ``\\n``): memory holds one piece of the text and one batch of records. Only
    for text ``streamable`` says yes to (the caller checks while reading it once)."""
    seen: list[bool] = []
    yield from _in_order(bibsplit.iter_blocks_of_chunks(chunks, seen), seen, _Budget(size), result)


class StreamCheck:
    """Fed a text piece by piece (cut at line ends), tells whether ``iter_bibtex_chunks`` may
    read it (no crossref/xdata, no @string below an entry) and counts its entries."""

    def __init__(self):
        self.streamable = True
        self.entries = 0
        self.seen_entry = False
        self.tail = ""

    def feed(self, text: str) -> None:
        window = self.tail + text  # a field name or block start cut across two pieces
        self.entries += len(_ENTRY_LINE.findall(text))
        if _CROSS_REFERENCE.search(window):
            self.streamable = False
        first = _ENTRY_BLOCK.search(window)
        if self.seen_entry and _STRING_BLOCK.search(window):
            self.streamable = False
        elif first is not None:
            if _STRING_BLOCK.search(window, first.start()):
                self.streamable = False
            self.seen_entry = True
        self.tail = text[-200:]


_ENTRY_LINE = re.compile(r"^\s*@(?!(?:comment|string|preamble)\b)\w+\s*[{(]", re.M | re.I)


def _syntax_error(block: bibsplit.Block) -> ParseError:
    return ParseError(f"syntax error in this entry ({block.error})", line=block.line, key=block.key or None)


def _define_macro(block, macros, budget, result) -> None:
    # Later @string definitions may use earlier ones.
    name = block.key.strip().lower()
    try:
        macros[name] = _evaluate(block.fields[0][1], macros, budget)
    except MacroTooLong as exc:
        macros[name] = _REFUSED
        result.warnings.append(ParseError(f"@string {block.key.strip()} not defined: it {exc}", block.line))


def _evaluate_fields(entry, macros, budget, result) -> dict[str, str] | None:
    fields: dict[str, str] = {}
    name = ""
    try:
        for raw_name, raw_value in entry.fields:
            name = raw_name.lower()
            if name not in fields:  # first occurrence wins on duplicates
                fields[name] = _evaluate(raw_value, macros, budget)
    except MacroTooLong as exc:
        result.skipped.append(ParseError(f"field {name!r} {exc}", entry.line, entry.key.strip() or None))
        return None
    return fields


def _record_or_skip(entry, fields, by_key, crossref_children, result) -> dict | None:
    line = entry.line
    key = entry.key.strip()
    entry_type = entry.entry_type.lower()
    if entry_type in {"set", "xdata"}:
        why = (
            "a biblatex @set only groups other entries"
            if entry_type == "set"
            else ("a biblatex @xdata entry only holds fields for other entries")
        )
        result.skipped.append(ParseError(f"{why} (not a publication)", line, key or None))
        return None
    children = crossref_children.get(key.lower(), 0)
    if children and entry_type in _PARENT_TYPES and not fields.get("author", "").strip():
        result.skipped.append(ParseError(
            f"@{entry_type} without authors that only serves as the crossref parent of "
            f"{children} entr{'y' if children == 1 else 'ies'} (their fields include its own)",
            line, key or None,
        ))  # fmt: skip
        return None
    if "crossref" in fields or "xdata" in fields:
        for parent in [*_references(fields, "crossref")[:1], *_references(fields, "xdata")]:
            if parent not in by_key:
                result.warnings.append(ParseError(f"crossref/xdata {parent!r} is not in the file", line, key))
        fields = _inherit(fields, entry_type, by_key)
    try:
        record = _entry_to_record(entry.entry_type, key, line, fields)
    except Exception as exc:  # defensive: one odd entry must not sink the file
        logger.exception("failed to convert BibTeX entry %s", entry.key)
        result.skipped.append(ParseError(f"could not read entry: {exc}", line, key or None))
        return None
    if not record["title"]:
        result.skipped.append(ParseError("entry has no title", line, key or None))
        return None
    return record


def _parse_whole(blocks, macros, budget, result) -> Iterator[dict]:
    """Every macro and entry first, then the records: crossref/xdata parents may follow their children."""
    entries: list[bibsplit.Block] = []
    for block in blocks:
        if block.kind == "string":
            _define_macro(block, macros, budget, result)
        elif block.kind == "failed":
            result.skipped.append(_syntax_error(block))
        else:
            entries.append(block)

    # Evaluate every entry's fields once (crossref children need their parents' values).
    evaluated: list[tuple[bibsplit.Block, dict[str, str] | None]] = []
    by_key: dict[str, tuple[str, dict[str, str]]] = {}
    for entry in entries:
        fields = _evaluate_fields(entry, macros, budget, result)
        evaluated.append((entry, fields))
        if fields is not None:
            by_key.setdefault(entry.key.strip().lower(), (entry.entry_type.lower(), fields))

    crossref_children: dict[str, int] = {}
    for _entry, fields in evaluated:
        if fields:
            for parent in _references(fields, "crossref")[:1]:
                crossref_children[parent] = crossref_children.get(parent, 0) + 1

    for entry, fields in evaluated:
        if fields is None:
            continue
        record = _record_or_skip(entry, fields, by_key, crossref_children, result)
        if record is not None:
            yield record


# --------------------------------------------------------------------------- writing

_TEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_TEX_ESCAPE_RE = re.compile(r"[\\{}&%#_$~^]")


def tex_escape(value: str) -> str:
    """Escape BibTeX/LaTeX special characters; Unicode is kept as is (UTF-8 BibTeX)."""
    s = _TEX_ESCAPE_RE.sub(lambda m: _TEX_ESCAPES[m.group(0)], value)
    # Keep a literal "--" from becoming an en dash when read back.
    return s.replace("--", "-{}-")


def _protect_title(title: str) -> str:
    """Escape and brace words whose capitals must survive bibliography styles."""
    out = []
    for i, word in enumerate(title.split(" ")):
        escaped = tex_escape(word)
        needs = any(c.isupper() for c in word[1:]) or (i > 0 and word[:1].isupper())
        out.append("{" + escaped + "}" if needs else escaped)
    return " ".join(out)


def _verbatim_value(value: str) -> str:
    # URLs and identifiers are written raw (biblatex/hyperref read them verbatim);
    # only braces, which would unbalance the field, are percent-encoded.
    return value.replace("{", quote("{")).replace("}", quote("}"))


def _bib_name(author: dict) -> str:
    given = (author.get("given") or "").strip()
    family = (author.get("family") or "").strip()
    if not family and not given:
        return ""
    if not family:
        given, family = "", given
    words = family.split(" ")
    suffix = ""
    if len(words) > 1 and is_suffix(words[-1]):
        suffix = words.pop()
        family = " ".join(words)
    family_tex = tex_escape(family)
    if " " in family and not family.split(" ")[0].islower():
        # "Brinch Hansen" is one family name; protect it from the von/last split.
        family_tex = "{" + family_tex + "}"
    parts = [family_tex]
    if suffix:
        parts.append(tex_escape(suffix))
    if given:
        parts.append(tex_escape(given))
    elif suffix:
        parts.append("")
    if len(parts) == 1 and " " in family:
        return "{" + tex_escape(family) + "}"
    return ", ".join(parts)


_ENTRY_TYPES = {
    "conference": ("inproceedings", "booktitle", "shortbooktitle"),
    "workshop": ("inproceedings", "booktitle", "shortbooktitle"),
    "journal": ("article", "journal", "shortjournal"),
    "preprint": ("misc", "howpublished", "shortjournal"),
    "thesis": ("phdthesis", "school", "shortbooktitle"),
    "chapter": ("incollection", "booktitle", "shortbooktitle"),
    "book": ("book", "howpublished", "shortbooktitle"),
    "patent": ("patent", "howpublished", "shortbooktitle"),
    "other": ("misc", "howpublished", "shortbooktitle"),
}


def _make_key(record: dict, used: set[str]) -> str:
    key = re.sub(r"[^A-Za-z0-9_:.+/-]", "", str(record.get("citation_key") or ""))
    if not key:
        family = record["authors"][0]["family"] if record.get("authors") else "anon"
        first_word = next(
            (w for w in re.findall(r"[A-Za-z0-9]+", record.get("title") or "") if len(w) > 3),
            "untitled",
        )
        key = re.sub(
            r"[^A-Za-z0-9]",
            "",
            strip_accents(f"{family}{record.get('year') or ''}{first_word}").lower(),
        )
    base, n = key, 0
    while key in used:
        n += 1
        key = f"{base}{chr(ord('a') + (n - 1) % 26)}{'' if n <= 26 else n}"
    used.add(key)
    return key


def _write_entry(record: dict, key: str) -> str:
    kind = record.get("kind") or "other"
    entry_type, venue_field, short_field = _ENTRY_TYPES.get(kind, _ENTRY_TYPES["other"])
    fields: list[tuple[str, str, bool]] = []  # (name, value, raw-without-braces)

    def add(name: str, value, *, verbatim: bool = False, escaped: bool = False) -> None:
        if value is None or value == "" or value == []:
            return
        value = str(value)
        if not escaped:
            value = _verbatim_value(value) if verbatim else tex_escape(value)
        fields.append((name, value, False))

    authors = record.get("authors") or []
    names = [n for n in (_bib_name(a) for a in authors) if n]
    if record.get("authors_truncated"):
        names.append("others")
    add("author", " and ".join(names), escaped=True)
    add("title", _protect_title(record.get("title") or ""), escaped=True)
    add(venue_field, record.get("venue"))
    add(short_field, record.get("venue_short"))
    if record.get("year"):
        add("year", str(record["year"]), escaped=True)
    month = parse_month(record.get("month"))
    if month:
        fields.append(("month", _MONTH_ABBREV[month - 1], True))
    add("volume", record.get("volume"))
    add("number", record.get("number"))
    pages = (record.get("pages") or "").replace("\u2013", "--").replace("\u2014", "--")
    add("pages", tex_escape(pages).replace("-{}-", "--"), escaped=True)
    add("publisher", record.get("publisher"))
    add("doi", record.get("doi"), verbatim=True)
    if record.get("arxiv_id"):
        add("eprint", record["arxiv_id"], verbatim=True)
        add("archiveprefix", "arXiv", verbatim=True)
    elif kind == "preprint":
        add("pubstate", "prepublished")
    add("url", record.get("url"), verbatim=True)
    add("pdf", record.get("url_pdf"), verbatim=True)
    add("code", record.get("url_code"), verbatim=True)
    add("slides", record.get("url_slides"), verbatim=True)
    add("video", record.get("url_video"), verbatim=True)
    add("project", record.get("url_project"), verbatim=True)
    add("keywords", record.get("keywords"))
    add("abstract", record.get("abstract"))
    add("note", record.get("note"))
    equal = [str(i + 1) for i, a in enumerate(authors) if a.get("equal_contribution")]
    add("equal-contribution", ", ".join(equal), escaped=True)
    corresponding = [str(i + 1) for i, a in enumerate(authors) if a.get("corresponding")]
    add("corresponding", ", ".join(corresponding), escaped=True)

    width = max((len(name) for name, _, _ in fields), default=0)
    lines = [f"@{entry_type}{{{key},"]
    for name, value, bare in fields:
        rendered = value if bare else "{" + value + "}"
        lines.append(f"  {name.ljust(width)} = {rendered},")
    lines.append("}")
    return "\n".join(lines)


def write_bibtex(records: list[dict]) -> str:
    """Serialise publication records to UTF-8 BibTeX (one entry per record)."""
    used: set[str] = set()
    chunks = [_write_entry(r, _make_key(r, used)) for r in records]
    return "\n\n".join(chunks) + ("\n" if chunks else "")
