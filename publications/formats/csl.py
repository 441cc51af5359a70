"""CSL-JSON import/export (Zotero, Crossref content negotiation, citeproc tools).

Accepts a JSON list of items, a single item, or ``{"items": [...]}`` (Crossref API
list responses use ``{"message": {"items": [...]}}``, also accepted).
"""

from __future__ import annotations

import html
import json
import re

from publications.formats import (
    NOT_READ,
    ParseError,
    ParseResult,
    arxiv_from_doi,
    arxiv_from_text,
    empty_record,
    is_suffix,
    make_author,
    normalise_arxiv,
    normalise_doi,
    parse_partial_date,
    read_json_document,
    split_name,
    year_and_month,
)

__all__ = ["parse_csl_json", "write_csl_json"]

_SHORT_VENUE_MAX = 30

_PREPRINT_HINT = re.compile(
    r"arxiv|\bcorr\b|biorxiv|medrxiv|chemrxiv|ssrn|research square|techrxiv|preprint",
    re.IGNORECASE,
)

# CSL types plus Crossref's own work types (api.crossref.org returns those).
_TYPE_TO_KIND = {
    "paper-conference": "conference",
    "proceedings-article": "conference",
    "article-journal": "journal",
    "journal-article": "journal",
    "posted-content": "preprint",
    "thesis": "thesis",
    "dissertation": "thesis",
    "chapter": "chapter",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "patent": "patent",
    "report": "other",
}

_KIND_TO_TYPE = {
    "conference": "paper-conference",
    "workshop": "paper-conference",
    "journal": "article-journal",
    "preprint": "article",
    "thesis": "thesis",
    "chapter": "chapter",
    "book": "book",
    "patent": "patent",
    "other": "document",
}


def _first(value) -> str:
    """Crossref gives many strings as one-element lists."""
    if isinstance(value, list):
        value = next((v for v in value if v), "")
    if value is None:
        return ""
    if isinstance(value, dict):  # CSL 1.0.2 "event": {"name": ...}
        value = value.get("name") or value.get("title") or ""
    return " ".join(str(value).split())


def strip_markup(value) -> str:
    """Remove JATS/HTML tags (Crossref abstracts) and keep paragraph breaks."""
    s = _first(value) if not isinstance(value, str) else value
    if not s:
        return ""
    s = re.sub(r"<jats:title>.*?</jats:title>", " ", s, flags=re.IGNORECASE | re.DOTALL)
    s = re.sub(r"</(?:jats:)?p>\s*<(?:jats:)?p[^>]*>", "\n\n", s, flags=re.IGNORECASE)
    s = re.sub(r"<[^>]+>", " ", s)
    s = html.unescape(s)
    paragraphs = re.split(r"\n\s*\n", s.strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _date(value) -> tuple[int | None, int | None]:
    """Year and month from a CSL date object (or a bare string/number)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, (int, str)):
        year, month, _ = parse_partial_date(value)
        return year, month
    if not isinstance(value, dict):
        return None, None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts:
        first = parts[0] if isinstance(parts[0], list) else parts
        if first:
            texts = [str(part) if part not in (None, "") else "" for part in first[:2]]
            year, month = year_and_month(texts[0], texts[1] if len(texts) > 1 else "")
            if year is not None:
                return year, month
    for key in ("raw", "literal"):
        if value.get(key):
            year, month, _ = parse_partial_date(value[key])
            if year is not None:
                return year, month
    return None, None


def _author(name) -> dict | None:
    if isinstance(name, str):
        given, family = split_name(name)
        return make_author(given, family) if (given or family) else None
    if not isinstance(name, dict):
        return None
    if name.get("literal") and not name.get("family"):
        literal = _first(name["literal"])
        author = make_author("", literal)
    else:
        given = _first(name.get("given"))
        dropping = _first(name.get("dropping-particle"))
        non_dropping = _first(name.get("non-dropping-particle"))
        family = _first(name.get("family"))
        suffix = _first(name.get("suffix"))
        family_full = " ".join(p for p in (dropping, non_dropping, family, suffix) if p)
        if not given and not family_full:
            return None
        author = make_author(given, family_full)
    orcid = _first(name.get("ORCID") or name.get("orcid"))
    if orcid:
        author["orcid"] = re.sub(r"^https?://(www\.)?orcid\.org/", "", orcid).strip("/")
    author["equal_contribution"] = bool(name.get("equal-contribution"))
    author["corresponding"] = bool(name.get("corresponding"))
    return author


def _kind(item: dict, venue: str, arxiv_id: str) -> str:
    csl_type = str(item.get("type") or "").strip().lower()
    genre = _first(item.get("genre")).lower()
    if csl_type in {"paper-conference", "proceedings-article"}:
        if "workshop" in venue.lower() or "workshop" in genre:
            return "workshop"
        return "conference"
    if csl_type == "article":
        hints = " ".join(_first(item.get(k)) for k in ("publisher", "container-title", "archive", "number"))
        if arxiv_id or _PREPRINT_HINT.search(hints) or "preprint" in genre:
            return "preprint"
        return "other"
    if csl_type in {"article-journal", "journal-article"} and _PREPRINT_HINT.search(venue):
        return "preprint"
    return _TYPE_TO_KIND.get(csl_type, "other")


def _item_to_record(item: dict) -> dict:
    """One CSL item -> a record (``empty_record``)."""
    record = empty_record()
    record["title"] = _item_title(item)
    record["citation_key"] = _item_key(item)
    record["authors"], record["authors_truncated"] = _item_authors(item)

    venue = _first(item.get("container-title"))
    if not venue and isinstance(item.get("institution"), list):
        # Crossref posted-content (preprints): the server is the "institution".
        venue = _first([i.get("name") for i in item["institution"] if isinstance(i, dict)])
    doi = normalise_doi(_first(item.get("DOI") or item.get("doi")))
    url = _first(item.get("URL") or item.get("url"))
    number = _first(item.get("number"))
    arxiv_id = _item_arxiv_id(item, number, url, doi)
    kind = _kind(item, venue, arxiv_id)
    record["kind"] = kind
    record["doi"] = doi
    record["arxiv_id"] = arxiv_id
    record["url"] = url

    publisher = _first(item.get("publisher"))
    if kind == "thesis" and not venue:
        venue, publisher = publisher, ""
    record["venue"] = venue
    record["publisher"] = publisher
    record["venue_short"] = _item_short_venue(item)
    record["year"], record["month"] = _item_date(item)

    record["volume"] = _first(item.get("volume"))
    arxiv_number = bool(re.search(r"arxiv", number, re.IGNORECASE))
    record["number"] = _first(item.get("issue")) or ("" if arxiv_number else number)
    record["pages"] = _item_pages(item)
    record["abstract"] = strip_markup(item.get("abstract"))
    record["note"] = strip_markup(item.get("note"))
    record["keywords"] = _item_keywords(item)
    _item_links(record, item)
    return record


def _item_title(item: dict) -> str:
    """The title, its subtitle added (unless the title already says it), markup stripped."""
    title = _first(item.get("title"))
    subtitle = _first(item.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    return strip_markup(title) if "<" in title else title


def _item_key(item: dict) -> str:
    """Better BibTeX puts the citation key in "id" (or CSL 1.0.2 "citation-key"); Zotero's
    plain export uses item URIs there, which are no use as keys ("")."""
    key = _first(item.get("citation-key")) or _first(item.get("id"))
    return "" if re.match(r"^[a-z]+://", key) or " " in key else key


def _item_authors(item: dict) -> tuple[list[dict], bool]:
    """The authors, and whether the list ends with "others" / "et al."."""
    authors, truncated = [], False
    for name in item.get("author") or []:
        if isinstance(name, dict) and _first(name.get("literal")).lower() in {
            "others",
            "et al.",
            "et al",
        }:
            truncated = True
            continue
        author = _author(name)
        if author:
            authors.append(author)
    return authors, truncated


def _item_arxiv_id(item: dict, number: str, url: str, doi: str) -> str:
    """The arXiv id in the number, the archive location or the URL (the first naming arXiv), or
    of an arXiv DOI."""
    arxiv_id = ""
    for candidate in (number, _first(item.get("archive_location")), url):
        if candidate and re.search(r"arxiv", candidate, re.IGNORECASE):
            arxiv_id = arxiv_from_text(candidate) or normalise_arxiv(candidate)
            if arxiv_id:
                break
    return arxiv_id or arxiv_from_doi(doi)


def _item_short_venue(item: dict) -> str:
    """The venue's short name; an event's name only when it is short enough for a badge."""
    for key in ("container-title-short", "short-container-title", "event", "event-title"):
        candidate = _first(item.get(key))
        if candidate and (key == "container-title-short" or len(candidate) <= _SHORT_VENUE_MAX):
            return candidate
    return ""


def _item_date(item: dict) -> tuple[int | None, int | None]:
    """(year, month) of the first of the item's dates that has a year."""
    year = month = None
    for key in ("issued", "published-print", "published-online", "published", "created"):
        year, month = _date(item.get(key))
        if year is not None:
            break
    return year, month


def _item_pages(item: dict) -> str:
    """The page range with an en dash."""
    pages = _first(item.get("page")).replace("--", "\u2013")
    if re.fullmatch(r"\d+-\d+", pages):
        pages = pages.replace("-", "\u2013")
    return pages


def _item_keywords(item: dict) -> str:
    """The keywords (a list or a `,`/`;`-separated text) as one ", "-separated text."""
    keywords = item.get("keyword") or item.get("subject") or ""
    if isinstance(keywords, list):
        keywords = ", ".join(_first(k) for k in keywords if _first(k))
    return ", ".join(k.strip() for k in re.split(r"[,;]", str(keywords)) if k.strip())


def _item_links(record: dict, item: dict) -> None:
    """The PDF of a Crossref ``link``, then the links of CSL-JSON 1.0.2's ``custom`` object
    (never over one already set)."""
    for link in item.get("link") or []:
        if (
            isinstance(link, dict)
            and "pdf" in str(link.get("content-type", "")).lower()
            and re.match(r"^https?://", str(link.get("URL", "")))
        ):
            record["url_pdf"] = str(link["URL"])
            break
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
    for name, field in _CUSTOM_LINKS.items():
        value = custom.get(name)
        if isinstance(value, str) and re.match(r"^https?://\S+$", value.strip()) and not record.get(field):
            record[field] = value.strip()


# CSL has no variables for a paper's code, slides, video or project page: they travel in
# CSL-JSON 1.0.2's ``custom`` object (with the PDF, also written as a Crossref ``link``), so
# an export read back keeps every link.
_CUSTOM_LINKS = {
    "pdf": "url_pdf",
    "code": "url_code",
    "slides": "url_slides",
    "video": "url_video",
    "project": "url_project",
}


_CSL_TYPES = {
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
    "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
    "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview", "legal_case",
    "legislation", "manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference",
    "patent", "performance", "periodical", "personal_communication", "post", "post-weblog", "regulation",
    "report", "review", "review-book", "software", "song", "speech", "standard", "thesis", "treaty",
    "webpage", *_TYPE_TO_KIND,
}  # fmt: skip
_CSL_FIELDS = {"author", "editor", "issued", "container-title", "DOI", "URL", "page", "volume", "publisher",
               "citation-key", "event-title", "accessed", "ISSN", "ISBN"}  # fmt: skip


def _looks_like_csl(item: dict) -> bool:
    """A CSL item names a CSL (or Crossref) type, or has a title and CSL's own fields."""
    if str(item.get("type") or "").strip().lower() in _CSL_TYPES:
        return True
    return "title" in item and bool(_CSL_FIELDS & set(item))


def _locate_items(data):
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if isinstance(data.get("items"), list):
            return data["items"]
        message = data.get("message")
        if isinstance(message, dict):
            if isinstance(message.get("items"), list):
                return message["items"]
            return [message]
        return [data]
    return None


def parse_csl_json(text: str) -> ParseResult:
    """Parse CSL-JSON into publication records (``line`` is always None)."""
    result = ParseResult(records=[], errors=[])
    data = read_json_document(text, result)
    if data is NOT_READ:
        return result
    items = _locate_items(data)
    if items is None:
        result.errors.append(ParseError("expected a CSL-JSON list or object"))
        return result
    objects = [item for item in items if isinstance(item, dict)]
    if items and sum(1 for item in objects if _looks_like_csl(item)) * 2 < len(items):
        # A JSON list of something else (a resume's "work", an API dump): refuse, don't guess.
        result.errors.append(ParseError(
            "not CSL-JSON: most items have no CSL fields (type with title, author, issued, container-title, DOI)"
        ))  # fmt: skip
        return result
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.skipped.append(
                ParseError(f"item {index} is not an object", key=str(index)),
            )
            continue
        key = _first(item.get("id")) or str(index)
        try:
            record = _item_to_record(item)
        except Exception as exc:  # defensive: one odd item must not sink the file
            result.skipped.append(ParseError(f"could not read item: {exc}", key=key))
            continue
        if not record["title"]:
            result.skipped.append(ParseError("item has no title", key=key))
            continue
        result.records.append(record)
    return result


# --------------------------------------------------------------------------- writing


def _csl_name(author: dict) -> dict:
    given = (author.get("given") or "").strip()
    family = (author.get("family") or "").strip()
    out: dict = {}
    if not family and not given:
        out["literal"] = (author.get("name") or "").strip()
    elif not given:
        out["literal"] = family
    else:
        words = family.split(" ")
        particle = []
        while len(words) > 1 and words[0].islower():
            particle.append(words.pop(0))
        suffix = ""
        if len(words) > 1 and is_suffix(words[-1]):
            suffix = words.pop()
        out["family"] = " ".join(words)
        out["given"] = given
        if particle:
            out["non-dropping-particle"] = " ".join(particle)
        if suffix:
            out["suffix"] = suffix
    if author.get("orcid"):
        out["ORCID"] = f"https://orcid.org/{author['orcid']}"
    if author.get("equal_contribution"):
        out["equal-contribution"] = True  # non-standard, ignored by citeproc
    if author.get("corresponding"):
        out["corresponding"] = True
    return out


def _record_to_item(record: dict, index: int) -> dict:
    kind = record.get("kind") or "other"
    item: dict = {
        "id": record.get("citation_key") or f"item{index + 1}",
        "type": _KIND_TO_TYPE.get(kind, "document"),
        "title": record.get("title") or "",
    }
    authors = [_csl_name(a) for a in record.get("authors") or []]
    if record.get("authors_truncated"):
        authors.append({"literal": "others"})
    if authors:
        item["author"] = authors
    if record.get("year"):
        parts = [int(record["year"])]
        if record.get("month"):
            parts.append(int(record["month"]))
        item["issued"] = {"date-parts": [parts]}
    venue = record.get("venue") or ""
    if kind == "thesis":
        if venue:
            item["publisher"] = venue
    elif venue:
        item["container-title"] = venue
    if kind == "workshop" and "workshop" not in venue.lower():
        item["genre"] = "workshop"
    if kind == "preprint" and not record.get("arxiv_id") and not _PREPRINT_HINT.search(venue):
        item["genre"] = "preprint"
    simple = {
        "venue_short": "container-title-short",
        "volume": "volume",
        "publisher": "publisher",
        "doi": "DOI",
        "url": "URL",
        "abstract": "abstract",
        "note": "note",
        "keywords": "keyword",
    }
    for ours, theirs in simple.items():
        if record.get(ours):
            item[theirs] = record[ours]
    if record.get("number"):
        item["issue"] = record["number"]
    if record.get("pages"):
        item["page"] = record["pages"]
    if record.get("arxiv_id"):
        item["number"] = f"arXiv:{record['arxiv_id']}"
    if record.get("url_pdf"):
        item["link"] = [{"URL": record["url_pdf"], "content-type": "application/pdf"}]
    custom = {name: record[field] for name, field in _CUSTOM_LINKS.items() if record.get(field)}
    if custom:
        item["custom"] = custom
    return item


def write_csl_json(records: list[dict]) -> str:
    """Serialise publication records to a pretty-printed CSL-JSON list."""
    items = [_record_to_item(r, i) for i, r in enumerate(records)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
