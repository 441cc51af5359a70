"""JSON Resume (schema v1.0.0) import/export for profile documents.

https://jsonresume.org/schema — ``parse_json_resume`` returns a ``ParseResult`` with a
single profile document; ``write_json_resume`` is its inverse for the fields JSON
Resume can carry.
"""

from __future__ import annotations

import json
import re

from profiles.formats import (
    ParseError,
    ParseResult,
    empty_award,
    empty_document,
    empty_education,
    empty_experience,
    empty_link,
    empty_project,
    empty_skill,
    guess_experience_kind,
    highlight,
    is_present,
    link_kind_for_url,
    orcid_from_text,
    partial_date,
    text,
)
from publications.formats import NOT_READ, empty_record, parse_partial_date, read_json_document

__all__ = ["parse_json_resume", "write_json_resume"]

_KNOWN_SECTIONS = {
    "basics", "work", "volunteer", "education", "awards", "certificates", "publications",
    "skills", "languages", "interests", "references", "projects", "meta",
}  # fmt: skip

_NETWORK_KINDS = {
    "github": "github",
    "linkedin": "linkedin",
    "googlescholar": "scholar",
    "scholar": "scholar",
    "orcid": "orcid",
    "twitter": "social",
    "x": "social",
    "mastodon": "social",
    "bluesky": "social",
    "threads": "social",
    "dblp": "dblp",
    "semanticscholar": "semanticscholar",
}

_KIND_NETWORKS = {
    "github": "GitHub",
    "linkedin": "LinkedIn",
    "scholar": "Google Scholar",
    "orcid": "ORCID",
    "dblp": "DBLP",
    "semanticscholar": "Semantic Scholar",
}

_PROFILE_URLS = {
    "github": "https://github.com/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "twitter": "https://twitter.com/{}",
    "x": "https://x.com/{}",
    "orcid": "https://orcid.org/{}",
}

RESEARCH_INTERESTS_NAME = "Research interests"


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _strings(value) -> list[str]:
    return [text(v) for v in _list(value) if text(v)]


def network_kind(network: str, url: str = "") -> str:
    key = re.sub(r"[^a-z]", "", network.lower())
    if key in _NETWORK_KINDS:
        return _NETWORK_KINDS[key]
    return link_kind_for_url(url) if url else "other"


def _texts(item: dict, target: dict, fields: dict) -> dict:
    """Each of ``fields`` (``{target key: JSON Resume key}``) as text into ``target``; returns ``target``."""
    for key, source in fields.items():
        target[key] = text(item.get(source))
    return target


def _dates(item: dict, target: dict) -> None:
    target["start"] = partial_date(item.get("startDate"))
    end_raw = item.get("endDate")
    target["end"] = partial_date(end_raw)
    target["is_current"] = bool(target["start"]) and (not text(end_raw) or is_present(end_raw))


def _parse_score(score: str) -> tuple[str, str] | None:
    s = re.sub(r"^\s*(gpa|cgpa|score)\s*[:=]?\s*", "", score, flags=re.IGNORECASE)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:(?:/|out of)\s*(\d+(?:\.\d+)?))?", s.strip())
    if not m:
        return None
    return m.group(1), m.group(2) or ""


def _basics(basics: dict, doc: dict) -> None:
    _texts(basics, doc, {"full_name": "name", "headline": "label", "email": "email", "short_bio": "summary"})
    url = text(basics.get("url") or basics.get("website"))
    if url:
        doc["links"].append(empty_link("homepage", url))
    for profile in _list(basics.get("profiles")):
        profile = _dict(profile)
        network = text(profile.get("network"))
        url = text(profile.get("url"))
        username = text(profile.get("username"))
        key = re.sub(r"[^a-z]", "", network.lower())
        if not url and username and key in _PROFILE_URLS:
            url = _PROFILE_URLS[key].format(username.lstrip("@"))
        if not url:
            continue
        kind = network_kind(network, url)
        doc["links"].append(empty_link(kind, url, network))
        if kind == "orcid" and not doc["orcid"]:
            doc["orcid"] = orcid_from_text(url)


def _work(item: dict, kind: str | None = None) -> dict:
    exp = empty_experience()
    exp["organisation"] = text(item.get("name") or item.get("company") or item.get("organization"))
    _texts(item, exp, {"title": "position", "location": "location", "summary": "summary"})
    exp["highlights"] = [highlight(h) for h in _strings(item.get("highlights"))]
    exp["kind"] = kind or guess_experience_kind(exp["organisation"], exp["title"])
    _dates(item, exp)
    return exp


def _education(item: dict) -> dict:
    edu = _texts(item, empty_education(), {
        "institution": "institution", "degree": "studyType", "programme": "area", "location": "location",
    })  # fmt: skip
    score = text(item.get("score") or item.get("gpa"))
    parsed = _parse_score(score) if score else None
    if parsed:
        edu["gpa"], edu["gpa_scale"] = parsed
    elif score:
        edu["note"] = score
    _dates(item, edu)
    return edu


def _publication(item: dict) -> dict:
    record = _texts(item, empty_record(), {"title": "name", "venue": "publisher", "url": "url", "abstract": "summary"})
    year, month, _ = parse_partial_date(text(item.get("releaseDate")))
    record["year"], record["month"] = year, month
    return record


def _project(item: dict) -> dict:
    project = empty_project()
    project["title"] = text(item.get("name"))
    project["summary"] = text(item.get("description") or item.get("summary"))
    project["url"] = text(item.get("url"))
    project["highlights"] = [highlight(h) for h in _strings(item.get("highlights"))]
    _dates(item, project)
    project.pop("is_current", None)  # projects carry start/end only
    return project


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _document_from_resume(data: dict) -> dict:
    doc = empty_document()
    _basics(_dict(data.get("basics")), doc)
    doc["experience"] = [_work(_dict(w)) for w in _list(data.get("work")) if _dict(w)]
    doc["experience"] += [_work(_dict(v), kind="volunteer") for v in _list(data.get("volunteer")) if _dict(v)]
    doc["education"] = [_education(_dict(e)) for e in _list(data.get("education")) if _dict(e)]
    for item in _list(data.get("awards")):
        item = _dict(item)
        if not text(item.get("title")):
            continue
        award = empty_award()
        award["title"] = text(item.get("title"))
        award["awarding_body"] = text(item.get("awarder"))
        award["year"] = parse_partial_date(text(item.get("date")))[0]
        award["note"] = text(item.get("summary"))
        doc["awards"].append(award)
    doc["publications"] = [p for p in (_publication(_dict(i)) for i in _list(data.get("publications"))) if p["title"]]
    doc["projects"] = [p for p in (_project(_dict(i)) for i in _list(data.get("projects"))) if p["title"]]
    tags, keywords = [], []
    for item in _list(data.get("interests")):
        item = _dict(item)
        name = text(item.get("name"))
        if name and name.lower() != RESEARCH_INTERESTS_NAME.lower():
            tags.append(name)
        keywords += _strings(item.get("keywords"))
    doc["interest_tags"] = ", ".join(tags)
    doc["research_interests"] = ", ".join(keywords)
    # skills, then languages: (JSON Resume key, kind, the name's key, the level's key)
    for key, kind, name_key, level_key in (("skills", "skill", "name", "level"),
                                           ("languages", "language", "language", "fluency")):  # fmt: skip
        for item in map(_dict, _list(data.get(key))):
            if not text(item.get(name_key)):
                continue
            skill = empty_skill(kind)
            skill["name"] = text(item.get(name_key))
            skill["level"] = text(item.get(level_key))
            if kind == "skill":
                skill["keywords"] = _strings(item.get("keywords"))
            doc["skills"].append(skill)
    return doc


def parse_json_resume(text_in: str) -> ParseResult:
    """Parse a JSON Resume into a ``ParseResult`` holding one profile document."""
    result = ParseResult(records=[], errors=[])
    data = read_json_document(text_in, result)
    if data is NOT_READ:
        return result
    if not isinstance(data, dict) or not (_KNOWN_SECTIONS & set(data)):
        result.errors.append(ParseError("not a JSON Resume document (no basics/work/... keys)"))
        return result
    try:
        document = _document_from_resume(data)
        kept = []
        for index, item in enumerate(document["experience"]):
            if item["organisation"]:
                kept.append(item)
            else:  # the profile model needs an organisation: name the item rather than refuse the file
                what = item["title"] or "an item"
                result.warnings.append(ParseError(f"work[{index}] ({what}) has no name (organisation); left out"))
        document["experience"] = kept
        if document["email"] and not _EMAIL.fullmatch(document["email"]):
            result.warnings.append(ParseError(f"basics.email {document['email']!r} is not an email address; left out"))
            document["email"] = ""
        result.records.append(document)
    except Exception as exc:  # defensive: report, never crash an upload
        result.errors.append(ParseError(f"could not read JSON Resume: {exc}"))
    return result


# --------------------------------------------------------------------------- writing


def _highlight_strings(highlights) -> list[str]:
    out = []
    for h in highlights or []:
        if isinstance(h, str):
            out.append(h)
            continue
        body = text(h.get("text"))
        if h.get("label"):
            body = f"{text(h['label'])}: {body}"
        children = [text(c.get("text")) for c in h.get("children") or [] if text(c.get("text"))]
        if children:
            body = f"{body} ({'; '.join(children)})" if body else "; ".join(children)
        if body:
            out.append(body)
    return out


def _put_dates(item: dict, out: dict) -> None:
    if item.get("start"):
        out["startDate"] = item["start"]
    if item.get("end") and not item.get("is_current"):
        out["endDate"] = item["end"]


def _compact(d: dict) -> dict:
    return {k: v for k, v in d.items() if v not in ("", None, [], {})}


def _split_tags(value: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,;]", value or "") if t.strip()]


def _resume_basics(doc: dict) -> dict:
    """``basics``: name, label, email, the homepage as ``url``, other links as ``profiles``."""
    links = doc.get("links") or []
    homepage = next((lk for lk in links if lk.get("kind") == "homepage"), None)
    profiles = []
    for link in links:
        kind = link.get("kind") or "other"
        if link is homepage or kind == "email" or not link.get("url"):
            continue
        network = link.get("label") or _KIND_NETWORKS.get(kind)
        if not network:
            host = link_kind_for_url(link["url"])
            network = "Twitter" if kind == "social" and host == "social" else "Website"
        profiles.append({"network": network, "url": link["url"]})
    if doc.get("orcid") and not any(lk.get("kind") == "orcid" for lk in links):
        profiles.append({"network": "ORCID", "url": f"https://orcid.org/{doc['orcid']}"})
    email = doc.get("email") or next(
        (lk["url"].removeprefix("mailto:") for lk in links if lk.get("kind") == "email"), ""
    )
    return _compact(
        {
            "name": doc.get("full_name"),
            "label": doc.get("headline"),
            "email": email,
            "url": homepage.get("url") if homepage else "",
            "summary": doc.get("short_bio") or doc.get("long_bio"),
            "profiles": profiles,
        }
    )


def _resume_experience(doc: dict, volunteer: bool) -> list[dict]:
    """``work`` (``volunteer`` False) or ``volunteer`` (True): the experience of that kind."""
    out_items = []
    for exp in doc.get("experience") or []:
        if (exp.get("kind") == "volunteer") != volunteer:
            continue
        out = {
            "position": exp.get("title"),
            "summary": exp.get("summary"),
            "highlights": _highlight_strings(exp.get("highlights")),
        }
        if volunteer:
            out = {"organization": exp.get("organisation"), **out}
        else:
            out = {"name": exp.get("organisation"), "location": exp.get("location"), **out}
        _put_dates(exp, out)
        out_items.append(_compact(out))
    return out_items


def _resume_education(doc: dict) -> list[dict]:
    education = []
    for edu in doc.get("education") or []:
        score = edu.get("gpa") or ""
        if score and edu.get("gpa_scale"):
            score = f"{score}/{edu['gpa_scale']}"
        out = {
            "institution": edu.get("institution"),
            "area": edu.get("programme"),
            "studyType": edu.get("degree"),
            "score": str(score) if score else edu.get("note"),
        }
        _put_dates(edu, out)
        education.append(_compact(out))
    return education


def _resume_awards(doc: dict) -> list[dict]:
    return [
        _compact(
            {
                "title": a.get("title"),
                "date": str(a["year"]) if a.get("year") else "",
                "awarder": a.get("awarding_body"),
                "summary": a.get("note"),
            }
        )
        for a in doc.get("awards") or []
    ]


def _resume_publications(doc: dict) -> list[dict]:
    publications = []
    for p in doc.get("publications") or []:
        release = ""
        if p.get("year"):
            release = f"{int(p['year']):04d}" + (f"-{int(p['month']):02d}" if p.get("month") else "")
        publications.append(
            _compact(
                {
                    "name": p.get("title"),
                    "publisher": p.get("venue"),
                    "releaseDate": release,
                    "url": p.get("url"),
                    "summary": p.get("abstract"),
                }
            )
        )
    return publications


def _resume_projects(doc: dict) -> list[dict]:
    projects = []
    for p in doc.get("projects") or []:
        out = {
            "name": p.get("title"),
            "description": p.get("summary"),
            "highlights": _highlight_strings(p.get("highlights")),
            "url": p.get("url"),
        }
        _put_dates({**p, "is_current": False}, out)
        projects.append(_compact(out))
    return projects


def _resume_skills(doc: dict) -> list[dict]:
    skills = []
    for s in doc.get("skills") or []:
        if s.get("category") != "language":
            keywords = s.get("keywords") or []
            if isinstance(keywords, str):
                keywords = _split_tags(keywords)
            skills.append(_compact({"name": s.get("name"), "level": s.get("level"), "keywords": keywords}))
    return skills


def _resume_languages(doc: dict) -> list[dict]:
    return [
        _compact({"language": s.get("name"), "fluency": s.get("level")})
        for s in doc.get("skills") or []
        if s.get("category") == "language"
    ]


def _resume_interests(doc: dict) -> list[dict]:
    """Interest tags, each a named interest; research interests as one interest's keywords."""
    interests = [{"name": tag} for tag in _split_tags(doc.get("interest_tags") or "")]
    research = _split_tags(doc.get("research_interests") or "")
    if research:
        interests.append({"name": RESEARCH_INTERESTS_NAME, "keywords": research})
    return interests


# JSON Resume's sections, in the order they are written, each with its writer (empty ones are left out).
_RESUME_SECTIONS = (
    ("work", lambda doc: _resume_experience(doc, volunteer=False)),
    ("volunteer", lambda doc: _resume_experience(doc, volunteer=True)),
    ("education", _resume_education),
    ("awards", _resume_awards),
    ("publications", _resume_publications),
    ("skills", _resume_skills),
    ("languages", _resume_languages),
    ("interests", _resume_interests),
    ("projects", _resume_projects),
)


def write_json_resume(document: dict) -> str:
    """Serialise a profile document as JSON Resume v1.0.0 (pretty-printed)."""
    doc = empty_document()
    doc.update(document or {})
    resume: dict = {
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "basics": _resume_basics(doc),
    }
    for name, write in _RESUME_SECTIONS:
        items = write(doc)
        if items:
            resume[name] = items
    return json.dumps(resume, ensure_ascii=False, indent=2) + "\n"
