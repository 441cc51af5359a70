"""ORCID public API v3.0 ``/record`` JSON -> profile document.

Every level of an ORCID record may be ``null`` (private or empty sections), so all
access goes through ``_get`` which never raises.
"""

from __future__ import annotations

import calendar
import re

from profiles.formats import (
    ParseError,
    ParseResult,
    empty_award,
    empty_document,
    empty_education,
    empty_experience,
    empty_link,
    guess_experience_kind,
    link_kind_for_url,
    orcid_from_text,
    text,
)
from publications.formats import (
    NOT_READ,
    empty_record,
    make_author,
    normalise_arxiv,
    normalise_doi,
    read_json_document,
    split_name,
)

__all__ = ["parse_orcid_record"]

_WORK_KINDS = {
    "conference-paper": "conference",
    "conference-abstract": "conference",
    "conference-poster": "conference",
    "journal-article": "journal",
    "review": "journal",
    "preprint": "preprint",
    "working-paper": "preprint",
    "dissertation-thesis": "thesis",
    "dissertation": "thesis",
    "supervised-student-publication": "thesis",
    "book-chapter": "chapter",
    "book": "book",
    "edited-book": "book",
    "patent": "patent",
}


def _get(data, *path, default=None):
    """``_get(d, "a", "b", 0, "c")`` with ``None`` anywhere on the path -> ``default``."""
    cur = data
    for key in path:
        if isinstance(key, int):
            if not isinstance(cur, list) or len(cur) <= key:
                return default
            cur = cur[key]
        else:
            if not isinstance(cur, dict):
                return default
            cur = cur.get(key)
        if cur is None:
            return default
    return cur


def _value(data, *path) -> str:
    """ORCID wraps most scalars as ``{"value": ...}``."""
    node = _get(data, *path)
    if isinstance(node, dict):
        node = node.get("value")
    return text(node)


def _list(data, *path) -> list:
    node = _get(data, *path)
    return node if isinstance(node, list) else []


def _date(node) -> str:
    """``{"year": {"value": "2020"}, "month": {"value": "07"}, "day": null}`` -> ``"2020-07"``."""
    year = _value(node, "year")
    if not re.fullmatch(r"\d{4}", year):
        return ""
    out = year
    month = _value(node, "month")
    if re.fullmatch(r"\d{1,2}", month) and 1 <= int(month) <= 12:
        out += f"-{int(month):02d}"
        day = _value(node, "day")
        if re.fullmatch(r"\d{1,2}", day) and 1 <= int(day) <= _days_in(int(year), int(month)):
            out += f"-{int(day):02d}"
    return out


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 31


def _impossible_dates(data) -> list[str]:
    """Dates such as {1930, 02, 29}: kept as year and month (``_date``), named in a warning."""
    found, stack = [], [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if {"year", "month", "day"} <= set(node):
                year, month, day = (_value(node, k) for k in ("year", "month", "day"))
                if (
                    re.fullmatch(r"\d{4}", year)
                    and re.fullmatch(r"\d{1,2}", month)
                    and re.fullmatch(r"\d{1,2}", day)
                    and 1 <= int(month) <= 12
                    and not 1 <= int(day) <= _days_in(int(year), int(month))
                ):
                    found.append(f"date {year}-{month}-{day} does not exist; kept as {year}-{int(month):02d}")
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return found


def _location(org) -> str:
    city = _value(org, "address", "city")
    region = _value(org, "address", "region")
    country = _value(org, "address", "country")
    return ", ".join(p for p in (city, region, country) if p)


def _affiliation_summaries(activities, section: str, summary_key: str) -> list[dict]:
    out = []
    for group in _list(activities, section, "affiliation-group"):
        for summary in _list(group, "summaries"):
            item = _get(summary, summary_key)
            if isinstance(item, dict):
                out.append(item)
    # ORCID API 2.x: a flat list ("employments": {"employment-summary": [...]}).
    out.extend(item for item in _list(activities, section, summary_key) if isinstance(item, dict))
    return out


def _affiliation(item: dict, target: dict, fields: dict) -> dict:
    """An affiliation summary (employment, education, qualification) into ``target``: each of
    ``fields`` (``{target key: path of its value}``), the organisation's place and the dates."""
    for key, path in fields.items():
        target[key] = _value(item, *path)
    target["location"] = _location(_get(item, "organization"))
    target["start"] = _date(_get(item, "start-date"))
    target["end"] = _date(_get(item, "end-date"))
    target["is_current"] = bool(target["start"]) and _get(item, "end-date") is None
    return target


def _experience(item: dict) -> dict:
    exp = _affiliation(item, empty_experience(), {
        "organisation": ("organization", "name"), "unit": ("department-name",), "title": ("role-title",),
    })  # fmt: skip
    exp["kind"] = guess_experience_kind(exp["organisation"], exp["title"])
    return exp


def _education(item: dict) -> dict:
    return _affiliation(item, empty_education(), {
        "institution": ("organization", "name"), "degree": ("role-title",), "programme": ("department-name",),
    })  # fmt: skip


def _author(contributor: dict) -> dict | None:
    name = _value(contributor, "credit-name")
    if not name:
        return None
    given, family = split_name(name)
    author = make_author(given, family)
    author["name"] = " ".join(name.split())  # as credited
    author["orcid"] = text(_get(contributor, "contributor-orcid", "path"))
    return author


def _work(summary: dict, full: dict | None) -> dict:
    work = full or summary
    record = empty_record()
    record["title"] = _value(work, "title", "title")
    subtitle = _value(work, "title", "subtitle")
    if subtitle:
        record["title"] = f"{record['title']}: {subtitle}"
    # Older records write types as JOURNAL_ARTICLE.
    record["kind"] = _WORK_KINDS.get(text(_get(work, "type")).lower().replace("_", "-"), "other")
    record["venue"] = _value(work, "journal-title")
    date = _date(_get(work, "publication-date"))
    record["year"] = int(date[:4]) if date else None
    record["month"] = int(date[5:7]) if len(date) >= 7 else None
    record["url"] = _value(work, "url")
    record["abstract"] = text(_get(work, "short-description"))
    for ext in _list(work, "external-ids", "external-id"):
        if text(_get(ext, "external-id-relationship")).lower() not in {"", "self"}:
            continue  # "part-of" ids (ISSN, ISBN of the proceedings) are not this work's
        kind = text(_get(ext, "external-id-type")).lower()
        value = text(_get(ext, "external-id-value")) or _value(ext, "external-id-normalized")
        if kind == "doi" and not record["doi"]:
            record["doi"] = normalise_doi(value)
        elif kind == "arxiv" and not record["arxiv_id"]:
            record["arxiv_id"] = normalise_arxiv(value)
        if not record["url"]:
            record["url"] = _value(ext, "external-id-url")
    contributors = _list(work, "contributors", "contributor")
    authors = []
    for c in contributors:
        role = text(_get(c, "contributor-attributes", "contributor-role")).lower()
        if role in {"editor", "chair-or-translator"}:
            continue
        author = _author(c)
        if author:
            authors.append(author)
    record["authors"] = authors
    return record


def _document(data: dict) -> dict:
    doc = empty_document()
    doc["orcid"] = text(_get(data, "orcid-identifier", "path"))
    person = _get(data, "person", default={})
    given = _value(person, "name", "given-names")
    family = _value(person, "name", "family-name")
    credit = _value(person, "name", "credit-name")
    doc["full_name"] = credit or " ".join(p for p in (given, family) if p)
    doc["other_names"] = [
        text(_get(o, "content")) for o in _list(person, "other-names", "other-name") if text(_get(o, "content"))
    ]
    doc["short_bio"] = text(_get(person, "biography", "content"))

    for ru in _list(person, "researcher-urls", "researcher-url"):
        url = _value(ru, "url")
        if not url:
            continue
        label = text(_get(ru, "url-name"))
        kind = link_kind_for_url(url)
        if kind == "other" and re.search(r"home\s*page|personal|website", label, re.IGNORECASE):
            kind = "homepage"
        doc["links"].append(empty_link(kind, url, label))
    if doc["orcid"]:
        doc["links"].append(empty_link("orcid", f"https://orcid.org/{doc['orcid']}", "ORCID"))

    external_ids = []
    for ext in _list(person, "external-identifiers", "external-identifier"):
        external_ids.append(
            {
                "type": text(_get(ext, "external-id-type")),
                "value": text(_get(ext, "external-id-value")),
                "url": _value(ext, "external-id-url"),
            }
        )
    doc["external_ids"] = external_ids

    emails = [e for e in _list(person, "emails", "email") if text(_get(e, "email"))]
    emails.sort(key=lambda e: (not _get(e, "primary", default=False), not _get(e, "verified", default=False)))
    if emails and (_get(emails[0], "primary") or _get(emails[0], "verified")):
        doc["email"] = text(emails[0]["email"])

    activities = _get(data, "activities-summary", default={})
    doc["experience"] = [
        _experience(i) for i in _affiliation_summaries(activities, "employments", "employment-summary")
    ]
    doc["education"] = [_education(i) for i in _affiliation_summaries(activities, "educations", "education-summary")]
    doc["education"] += [
        _education(i) for i in _affiliation_summaries(activities, "qualifications", "qualification-summary")
    ]
    for item in _affiliation_summaries(activities, "distinctions", "distinction-summary"):
        award = empty_award()
        award["title"] = _value(item, "role-title") or _value(item, "organization", "name")
        award["awarding_body"] = _value(item, "organization", "name")
        start = _date(_get(item, "start-date"))
        award["year"] = int(start[:4]) if start else None
        doc["awards"].append(award)
    current = next((e for e in doc["experience"] if e["is_current"]), None)
    doc["organisation"] = current["organisation"] if current else ""

    for group in _list(activities, "works", "group"):
        summaries = [s for s in _list(group, "work-summary") if isinstance(s, dict)]
        if not summaries:
            continue
        full = next((s for s in summaries if _get(s, "contributors") is not None), None)
        if full is None and isinstance(_get(group, "work"), dict):
            full = _get(group, "work")
        record = _work(summaries[0], full)
        if record["title"]:
            doc["publications"].append(record)
    return doc


def parse_orcid_record(text_in: str) -> ParseResult:
    """Parse an ORCID v3.0 ``/record`` JSON into a ``ParseResult`` with one profile document.

    The document carries an extra ``external_ids`` list (Scopus, ResearcherID, ...).
    """
    result = ParseResult(records=[], errors=[])
    data = read_json_document(text_in, result, empty="empty ORCID record")
    if data is NOT_READ:
        return result
    if not isinstance(data, dict) or not ({"orcid-identifier", "person", "activities-summary"} & set(data)):
        result.errors.append(ParseError("not an ORCID record (expected the v3.0 /record JSON)"))
        return result
    try:
        doc = _document(data)
    except Exception as exc:  # defensive: a malformed record must not crash an import
        result.errors.append(ParseError(f"could not read ORCID record: {exc}"))
        return result
    if not doc["orcid"]:
        doc["orcid"] = orcid_from_text(_get(data, "orcid-identifier", "uri"))
    result.warnings.extend(ParseError(message) for message in _impossible_dates(data))
    result.records.append(doc)
    return result
