"""al-folio (Jekyll) sites.

Reads ``_config.yml`` (name, email, old-style social usernames), ``_data/socials.yml``,
``_pages/about.md`` (subtitle, body), ``_bibliography/papers.bib`` with al-folio's extra
fields, ``_data/cv.yml`` or ``assets/json/resume.json``, ``_news/*.md``, ``_projects/*.md``
and ``_data/coauthors.yml``. One site is one profile.
"""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser

from profiles.formats import (
    empty_award,
    empty_education,
    empty_experience,
    empty_project,
    empty_skill,
    guess_experience_kind,
    highlight,
    text,
)
from profiles.formats.cvdoc.dates import find_date_range
from profiles.formats.cvdoc.lines import classify_heading
from profiles.formats.jsonresume import parse_json_resume
from profiles.formats.sites.common import (
    DocumentRefused,
    SiteImport,
    add_link,
    as_list,
    markdown_plain,
    partial,
    read_page,
    read_pages,
    read_text,
    read_yaml_file,
    rel,
    site_file,
    strip_html,
    visible,
)
from publications.formats.bibtex import parse_bibtex

__all__ = ["detect", "read"]

# _config.yml / _data/socials.yml usernames -> URL templates.
SOCIALS = {
    "github_username": "https://github.com/{}",
    "gitlab_username": "https://gitlab.com/{}",
    "linkedin_username": "https://www.linkedin.com/in/{}",
    "scholar_userid": "https://scholar.google.com/citations?user={}",
    "orcid_id": "https://orcid.org/{}",
    "twitter_username": "https://twitter.com/{}",
    "x_username": "https://x.com/{}",
    "semanticscholar_id": "https://www.semanticscholar.org/author/{}",
    "dblp_url": "{}",
    "research_gate_profile": "https://www.researchgate.net/profile/{}",
    "bluesky_url": "{}",
    "mastodon_username": "https://{}",
    "website_url": "{}",
    "cv_pdf": "",
}


def detect(root: Path) -> bool:
    return (
        (root / "_bibliography").is_dir()
        or (root / "_data" / "cv.yml").is_file()
        or ((root / "_pages" / "about.md").is_file() and (root / "_news").is_dir())
    )


def read(root: Path, site: SiteImport) -> None:
    doc = site.document("")
    config = read_yaml_file(root, "_config.yml", site) or {}
    if isinstance(config, dict):
        name = " ".join(text(config.get(k)) for k in ("first_name", "middle_name", "last_name") if text(config.get(k)))
        doc["full_name"] = name or text(config.get("title"))
        doc["email"] = text(config.get("email"))
        _socials(config, doc)
    socials = read_yaml_file(root, "_data/socials.yml", site)
    if isinstance(socials, dict):
        _socials(socials, doc)
        doc["email"] = doc["email"] or text(socials.get("email"))
    _about(root, site, doc)
    _bibliography(root, site)
    cv = read_yaml_file(root, "_data/cv.yml", site)
    if isinstance(cv, list):
        _cv_yaml(cv, doc, site)
    resume = root / "assets" / "json" / "resume.json"
    if resume.is_file():
        site.files_read += 1
        try:
            parsed = parse_json_resume(read_text(resume, "replace"))
        except DocumentRefused as exc:
            site.warn("assets/json/resume.json", str(exc))
            parsed = None
        for problem in parsed.errors if parsed else []:
            site.warn("assets/json/resume.json", str(problem))
        for other in parsed.records if parsed else []:
            _merge(doc, other)
            site.publications.extend(other.get("publications") or [])
    for page in read_pages(root, visible((root / "_news").glob("*.md")), site):
        data, body = page.data, page.body
        news = markdown_plain(body) or text(data.get("title"))
        if news:
            doc["news"].append({"date": partial(data.get("date")), "body": news})
    for page in read_pages(root, visible((root / "_projects").glob("*.md")), site):
        where, data, body = page.path, page.data, page.body
        if not text(data.get("title")):
            site.warn(where, "project without a title; skipped")
            continue
        project = empty_project()
        project["title"] = text(data["title"])[:250]
        project["summary"] = text(data.get("description"))[:300]
        project["narrative"] = markdown_plain(body)
        url = text(data.get("redirect"))
        project["url"] = url if url.startswith("http") else ""
        doc["projects"].append(project)
        for key in ("related_publications", "img", "category", "giscus_comments"):
            if data.get(key):
                site.skip(where, f"{key}")
    coauthors = read_yaml_file(root, "_data/coauthors.yml", site)
    if isinstance(coauthors, dict) and coauthors:
        site.skip("_data/coauthors.yml", f"links of {len(coauthors)} co-author families (author pages are not kept)")


def _about(root: Path, site: SiteImport, doc: dict) -> None:
    """``_pages/about.md``: the subtitle as headline, the body as long bio, the profile image as avatar."""
    about = root / "_pages" / "about.md"
    page = read_page(root, about, site) if about.is_file() else None
    if page is None:
        return
    where, data, body = page.path, page.data, page.body
    subtitle = strip_html(text(data.get("subtitle")))
    if subtitle:
        doc["headline"] = subtitle[:250]
    doc["long_bio"] = markdown_plain(body)
    profile = data.get("profile") if isinstance(data.get("profile"), dict) else {}
    if text(profile.get("more_info")):
        site.skip(where, "profile.more_info (address block)")
    image = text(profile.get("image"))
    found = site_file(root, "assets", "img", image) if image else None
    if found:
        doc["avatar_path"] = found
    elif image:
        site.skip(where, f"profile.image {image!r} is not a file in assets/img/ of the upload")


def _socials(data: dict, doc: dict) -> None:
    for key, template in SOCIALS.items():
        value = text(data.get(key))
        if value and template:
            add_link(doc, template.format(value.strip("/")) if "://" not in value or template == "{}" else value)


# --------------------------------------------------------------------------- bibliography

_ALFOLIO_LINKS = (
    ("pdf", "url_pdf"),
    ("code", "url_code"),
    ("slides", "url_slides"),
    ("video", "url_video"),
    ("website", "url_project"),
    ("html", "url"),
)


def _bibliography(root: Path, site: SiteImport) -> None:
    folder = root / "_bibliography"
    if not folder.is_dir():
        return
    for bib in visible(folder.glob("*.bib")):
        path = rel(root, bib)
        site.files_read += 1
        try:
            source = read_text(bib, "replace")
        except DocumentRefused as exc:
            site.warn(path, str(exc))
            continue
        parsed = parse_bibtex(source)
        for problem in parsed.errors:
            site.warn(path, str(problem))
        raw = {}
        try:
            for entry in bibtexparser.parse_string(source).entries:
                raw[entry.key] = {k.lower(): str(f.value).strip('{}" ') for k, f in entry.fields_dict.items()}
        except Exception:  # the main parser already reported broken entries
            raw = {}
        for record in parsed.records:
            fields = raw.get(record["citation_key"], {})
            if fields.get("abbr") and not record["venue_short"]:
                record["venue_short"] = fields["abbr"][:60]
            record["selected"] = fields.get("selected", "").lower() in {"true", "yes", "1"}
            attachments = []
            for field, target in _ALFOLIO_LINKS:
                value = fields.get(field, "")
                if not value:
                    continue
                if value.startswith("http"):
                    if not record[target]:
                        record[target] = value
                elif field == "pdf":
                    local = site_file(root, "assets", "pdf", value)
                    if local:
                        attachments.append(local)
                    else:
                        site.skip(path, f"{record['citation_key']}: pdf {value!r} is not in assets/pdf/")
            if attachments:
                record["attachments"] = attachments
            for field in (
                "poster",
                "preview",
                "supp",
                "blog",
                "dimensions",
                "altmetric",
                "google_scholar_id",
                "award",
                "annotation",
            ):
                if fields.get(field):
                    site.skip(path, f"{record['citation_key']}: {field} = {fields[field]}")
            record["source"] = path
            site.publications.append(record)


# --------------------------------------------------------------------------- _data/cv.yml


def _years(value) -> tuple[str, str, bool]:
    s = text(value)
    found = find_date_range(s)
    if found is None:
        return "", "", False
    return found.start, found.end, found.is_current


def _cv_yaml(sections: list, doc: dict, site: SiteImport) -> None:
    """``_data/cv.yml``: a list of ``{title, type, contents}`` sections, each read by its heading."""
    for section in sections:
        if not isinstance(section, dict):
            continue
        title = text(section.get("title"))
        kind = text(section.get("type"))
        contents = as_list(section.get("contents"))
        key = classify_heading(title) or ""
        if kind == "map" or re.search(r"general information|contact", title, re.I):
            _cv_map(title, contents, doc, site)
            continue
        read_item = _CV_ITEMS.get(key)
        for item in contents:
            if read_item and isinstance(item, dict) and (key != "research_interests" or text(item.get("title"))):
                read_item(item, doc, key, title)
            else:
                site.skip(_CV_YML, f"{title}: {_description(item)[:120]}")


_CV_YML = "_data/cv.yml"


def _cv_map(title: str, contents: list, doc: dict, site: SiteImport) -> None:
    """A ``type: map`` section (general information): name, email and languages; the rest is named."""
    for item in contents:
        if not isinstance(item, dict):
            continue
        label, value = text(item.get("name")).lower(), text(item.get("value"))
        if label in {"full name", "name"} and not doc["full_name"]:
            doc["full_name"] = value
        elif label == "email":
            doc["email"] = doc["email"] or value
        elif label in {"languages", "language"}:
            for lang in re.split(r"\s*,\s*", value):
                if lang:
                    skill = empty_skill("language")
                    skill["name"] = lang[:120]
                    doc["skills"].append(skill)
        elif value:
            site.skip(_CV_YML, f"{title}: {item.get('name')} = {value}")


# Each reads one item of a cv.yml section into ``doc``; ``key`` is the section's kind, ``title`` its heading.


def _cv_education(item: dict, doc: dict, key: str, title: str) -> None:
    edu = empty_education()
    edu["institution"] = strip_html(item.get("institution"))[:200]
    edu["degree"] = strip_html(item.get("title"))[:120]
    edu["start"], edu["end"], edu["is_current"] = _years(item.get("year"))
    if edu["start"] and not edu["end"] and not edu["is_current"]:
        edu["start"], edu["end"] = "", edu["start"]  # one year on a degree: when it was awarded
    edu["note"] = "; ".join(text(d) for d in as_list(item.get("description")) if text(d))
    if edu["institution"]:
        doc["education"].append(edu)


def _cv_job(item: dict, doc: dict, key: str, title: str) -> None:
    """Experience, teaching (kind ``teaching``) or open source (an ``open_source`` entry)."""
    job = empty_experience()
    job["organisation"] = (strip_html(item.get("institution")) or strip_html(item.get("title")))[:200]
    job["title"] = strip_html(item.get("title"))[:200] if text(item.get("institution")) else ""
    href = re.search(r"href=[\"']([^\"']+)", text(item.get("title")) + text(item.get("institution")))
    url = href.group(1) if href and href.group(1).startswith("http") else ""
    job["start"], job["end"], job["is_current"] = _years(item.get("year"))
    job["kind"] = "teaching" if key == "teaching" else guess_experience_kind(job["organisation"], job["title"])
    job["highlights"] = _highlights(item.get("description"))
    if key == "open_source":
        doc["open_source"].append(
            {
                "project": job["organisation"],
                "role": job["title"],
                "start": job["start"],
                "end": job["end"],
                "is_current": job["is_current"],
                "summary": "",
                "highlights": job["highlights"],
                "url": url,
            }
        )
    elif job["organisation"]:
        job["url"] = url
        doc["experience"].append(job)


def _cv_awards(item: dict, doc: dict, key: str, title: str) -> None:
    """One award per entry of ``items`` (or the item's title), all with the item's year."""
    year = find_date_range(text(item.get("year")))
    for entry in as_list(item.get("items")) or [item.get("title")]:
        if text(entry):
            award = empty_award()
            award["title"] = text(entry)[:300]
            award["year"] = year.year if year else None
            doc["awards"].append(award)


def _cv_interest(item: dict, doc: dict, key: str, title: str) -> None:
    """The title joins the interest tags; its ``items`` become "topic: details" research interests."""
    topic = strip_html(item.get("title")).rstrip(".")
    doc["interest_tags"] = ", ".join(filter(None, [doc["interest_tags"], topic]))[:400]
    details = "; ".join(strip_html(i) for i in as_list(item.get("items")) if text(i))
    if details:
        doc["research_interests"] = "\n".join(filter(None, [doc["research_interests"], f"{topic}: {details}"]))


def _cv_skill(item: dict, doc: dict, key: str, title: str) -> None:
    skill = empty_skill()
    skill["name"] = strip_html(item.get("title"))[:120] or title
    skill["keywords"] = [strip_html(i) for i in as_list(item.get("items")) if text(i)]
    if skill["name"]:
        doc["skills"].append(skill)


_CV_ITEMS = {
    "education": _cv_education,
    "experience": _cv_job,
    "teaching": _cv_job,
    "open_source": _cv_job,
    "awards": _cv_awards,
    "research_interests": _cv_interest,
    "skills": _cv_skill,
}


def _highlights(value) -> list[dict]:
    """cv.yml descriptions: strings, or ``{title, contents: [...]}`` with sub-items."""
    out = []
    for entry in as_list(value):
        if isinstance(entry, dict):
            item = highlight(strip_html(entry.get("title")))
            item["children"] = [{"label": "", "text": strip_html(c)} for c in as_list(entry.get("contents")) if text(c)]
            if item["text"] or item["children"]:
                out.append(item)
        elif text(entry):
            out.append(highlight(strip_html(entry)))
    return out


def _description(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_description(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_description(v) for v in value)
    return text(value)


def _merge(doc: dict, other: dict) -> None:
    for key, value in other.items():
        if key == "publications":
            continue
        if isinstance(value, list):
            doc.setdefault(key, []).extend(value)
        elif isinstance(value, str) and value and not doc.get(key):
            doc[key] = value
