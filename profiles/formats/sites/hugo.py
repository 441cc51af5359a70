"""Hugo Academic / Wowchemy / Hugo Blox sites.

Reads ``content/authors/<name>/_index.md`` (or ``index.md``) into one profile per author,
``content/publication(s)/*/index.md`` (+ ``cite.bib``) into publication records,
``content/event(s)/`` and ``content/talk/`` into talks, short ``content/post/`` or
``content/blog/`` pages into news, and the ``experience``/``accomplishments``/``skills``
widgets of ``content/home/*.md`` (older sites) into the superuser's sections.
"""

from __future__ import annotations

import re
from pathlib import Path

from profiles.formats import empty_award, empty_education, empty_experience, empty_skill, guess_experience_kind, text
from profiles.formats.cvdoc.pubs import guess_kind
from profiles.formats.sites.common import (
    DocumentRefused,
    Page,
    SiteImport,
    add_link,
    as_list,
    markdown_plain,
    partial,
    publication_title,
    put_year_month,
    read_page,
    read_pages,
    read_text,
    rel,
    report_unused,
    visible,
)
from publications.formats import empty_record, make_author, normalise_doi, split_name
from publications.formats.bibtex import parse_bibtex

__all__ = ["detect", "read"]

# Publication types: CSL names (Hugo Blox) and the old numeric codes (Academic/Wowchemy).
_PUB_TYPES = {
    "0": "other", "1": "conference", "2": "journal", "3": "preprint", "4": "other", "5": "book", "6": "chapter",
    "7": "thesis", "8": "patent", "paper-conference": "conference", "article-journal": "journal",
    "article": "preprint", "report": "other", "book": "book", "chapter": "chapter", "thesis": "thesis",
    "patent": "patent", "manuscript": "preprint",
}  # fmt: skip
_ROLES = (
    (r"principal|\bpi\b|director|faculty lead", "pi"),
    (r"faculty|professor", "faculty"),
    (r"post-?doc|research(er|ers)\b|scientist", "postdoc"),
    (r"ph\.?d|doctoral|grad(uate)? student", "phd"),
    (r"master|msc", "masters"),
    (r"undergrad|bachelor", "undergrad"),
    (r"engineer", "engineer"),
    (r"staff|admin", "staff"),
    (r"visit", "visitor"),
    (r"collaborat", "collaborator"),
)
_LINK_FIELDS = {
    "url_pdf": "url_pdf",
    "url_code": "url_code",
    "url_slides": "url_slides",
    "url_video": "url_video",
    "url_project": "url_project",
}
_LINK_TYPES = {
    "pdf": "url_pdf",
    "code": "url_code",
    "slides": "url_slides",
    "video": "url_video",
    "project": "url_project",
    "source": "url_code",
}
_PRESENTATION = {
    "image", "header", "design", "draft", "weight", "widget", "headless", "active", "type", "layout", "icon",
    "icon_pack", "superuser", "highlight_name", "status", "publishDate", "lastmod", "slides", "summary",
    "projects", "tags", "categories", "hugoblox", "sections", "url_source", "url_dataset", "url_poster",
    "subtitle", "show_date", "reading_time", "share", "profile", "commentable", "editable", "toc", "math",
    "diagram", "aliases", "name_pronunciation", "date_format",
}  # fmt: skip


def detect(root: Path) -> bool:
    content = root / "content"
    if not content.is_dir():
        return False
    hugo_config = any((root / name).exists() for name in (
        "config.toml", "config.yaml", "hugo.toml", "hugo.yaml", "config/_default", "go.mod", "netlify.toml",
    ))  # fmt: skip
    markers = any((content / name).is_dir() for name in ("authors", "publication", "publications", "home"))
    return (hugo_config and markers) or (content / "authors").is_dir()


def _content_dirs(content: Path, *names: str) -> list[Path]:
    return [content / n for n in names if (content / n).is_dir()]


def _pages(folder: Path) -> list[Path]:
    """Page bundles (``x/index.md``) and single pages (``x.md``), ``_index.md`` list pages skipped."""
    pages = []
    for path in visible(folder.iterdir(), files_only=False):
        if path.is_dir():
            for name in ("index.md", "_index.md", "index.markdown"):
                if (path / name).is_file():
                    pages.append(path / name)
                    break
        elif path.suffix in {".md", ".markdown"} and path.name != "_index.md":
            pages.append(path)
    return pages


def read(root: Path, site: SiteImport) -> None:
    content = root / "content"
    authors = _read_authors(root, content, site)
    superuser = next((folder for folder, info in authors.items() if info["superuser"]), None) or next(iter(authors), "")
    site.owner = superuser
    for folder in _content_dirs(content, "publication", "publications"):
        for page in read_pages(root, _pages(folder), site):
            _read_publication(root, page, site, authors)
    for folder in _content_dirs(content, "event", "events", "talk", "talks"):
        for page in read_pages(root, _pages(folder), site):
            _read_event(root, page, site, authors, superuser)
    for folder in _content_dirs(content, "post", "posts", "blog"):
        for page in read_pages(root, _pages(folder), site):
            _read_post(root, page, site, superuser)
    home = content / "home"
    if home.is_dir():
        for page in read_pages(root, visible(home.glob("*.md")), site):
            _read_widget(root, page, site, superuser)
    for name in ("project", "projects"):
        folder = content / name
        if folder.is_dir():
            for page in read_pages(root, _pages(folder), site):
                _read_project(root, page, site, superuser)


def _read_authors(root: Path, content: Path, site: SiteImport) -> dict:
    """``{author folder: {"name", "superuser"}}``, each author's page read into their document."""
    authors: dict = {}
    folder = content / "authors"
    if not folder.is_dir():
        site.warn("content/authors", "no author folders; profile fields cannot be read")
        return authors
    for sub in (p for p in visible(folder.iterdir(), files_only=False) if p.is_dir()):
        page = next((sub / n for n in ("_index.md", "index.md") if (sub / n).is_file()), None)
        if page is None:
            continue
        author_page = read_page(root, page, site)
        if author_page is None:
            continue
        path, data, body = author_page.path, author_page.data, author_page.body
        doc = site.document(sub.name)
        name = _author_profile(data, body, doc, site, path)
        _education(data.get("education"), doc, site, path)
        for job in as_list(data.get("work")) + as_list(data.get("experience")):
            _experience(job, doc)
        _author_awards(data.get("awards"), doc)
        _author_skills(data, doc)
        _author_groups(data.get("user_groups"), doc)
        avatar = next(
            (
                p
                for p in sorted(sub.iterdir())
                if p.stem == "avatar" and p.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp", ".gif"}
            ),
            None,
        )
        if avatar is not None:
            doc["avatar_path"] = rel(root, avatar)
        authors[sub.name] = {"name": name, "superuser": bool(data.get("superuser"))}
        report_unused(site, path, data, {
            "title", "first_name", "last_name", "role", "organizations", "bio", "interests", "education", "social",
            "profiles", "email", "user_groups", "work", "experience", "awards", "skills", "languages", "pronouns",
        }, _PRESENTATION)  # fmt: skip
    return authors


def _author_profile(data: dict, body: str, doc: dict, site: SiteImport, path: str) -> str:
    """Name, role, pronouns, organisation, bios, interests, email and links; returns the name."""
    name = text(data.get("title")) or " ".join(
        filter(None, [text(data.get("first_name")), text(data.get("last_name"))])
    )
    doc["full_name"] = name
    doc["headline"] = text(data.get("role"))[:250]
    if text(data.get("pronouns")):
        doc["pronouns"] = text(data.get("pronouns"))[:40]
    orgs = [o for o in as_list(data.get("organizations")) if isinstance(o, dict) and text(o.get("name"))]
    if orgs:
        doc["organisation"] = text(orgs[0]["name"])[:200]
        if len(orgs) > 1:
            site.skip(path, "organizations after the first: " + ", ".join(text(o["name"]) for o in orgs[1:]))
    doc["short_bio"] = markdown_plain(text(data.get("bio")))
    doc["long_bio"] = markdown_plain(body)
    interests = [text(i) for i in as_list(data.get("interests")) if text(i)]
    doc["interest_tags"] = ", ".join(interests)[:400]
    doc["email"] = text(data.get("email"))
    for item in as_list(data.get("social")) + as_list(data.get("profiles")):
        if isinstance(item, dict):
            add_link(doc, text(item.get("link") or item.get("url")), text(item.get("label")))
    return name


def _author_awards(awards, doc: dict) -> None:
    for award in as_list(awards):
        if isinstance(award, dict) and text(award.get("title")):
            item = empty_award()
            item["title"] = text(award["title"])[:300]
            item["awarding_body"] = text(award.get("awarder") or award.get("organization"))[:250]
            date = partial(award.get("date"))
            item["year"] = int(date[:4]) if date else None
            item["note"] = markdown_plain(text(award.get("summary")))[:300]
            doc["awards"].append(item)


def _author_skills(data: dict, doc: dict) -> None:
    """Skill groups (``skills: [{name, items: [{name}]}]``), then languages (with a ``percent`` level)."""
    for group in as_list(data.get("skills")):
        if isinstance(group, dict):
            skill = empty_skill()
            skill["name"] = text(group.get("name"))[:120] or "Skills"
            skill["keywords"] = [
                text(i.get("name")) for i in as_list(group.get("items")) if isinstance(i, dict) and text(i.get("name"))
            ]
            doc["skills"].append(skill)
    for lang in as_list(data.get("languages")):
        if isinstance(lang, dict) and text(lang.get("name")):
            skill = empty_skill("language")
            skill["name"] = text(lang["name"])[:120]
            if lang.get("percent") not in (None, ""):
                skill["level"] = f"{lang['percent']}%"
            doc["skills"].append(skill)


def _author_groups(user_groups, doc: dict) -> None:
    """``user_groups`` ("Principal Investigators", "Alumni") -> the member's role and status."""
    for group in (text(g) for g in as_list(user_groups) if text(g)):
        if re.search(r"alumn", group, re.I):
            doc["status"] = "alumni"
        for pattern, role in _ROLES:
            if "role" not in doc and re.search(pattern, group, re.I):
                doc["role"] = role


def _education(value, doc: dict, site: SiteImport, path: str) -> None:
    courses = value.get("courses") if isinstance(value, dict) else value
    for course in as_list(courses):
        if not isinstance(course, dict):
            continue
        institution = text(course.get("institution"))
        if not institution:
            continue
        item = empty_education()
        item["institution"] = institution[:200]
        area = text(course.get("course") or course.get("area"))
        m = re.match(
            r"^(?P<deg>(?:B|M|Ph|D)\.?\s?[A-Za-z.]{0,5}\.?|PhD|MSc|BSc|MS|BS|MA|BA|MEng|BEng)\s+(?:in\s+)?"
            r"(?P<prog>.+)$",
            area,
        )
        if m:
            item["degree"], item["programme"] = m.group("deg")[:120], m.group("prog")[:200]
        else:
            item["degree"] = area[:120]
        if course.get("year"):
            item["end"] = partial(course.get("year"))
        item["start"] = partial(course.get("date_start")) or item["start"]
        item["end"] = partial(course.get("date_end")) or item["end"]
        summary = markdown_plain(text(course.get("summary")))
        gpa = re.search(r"GPA:?\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)", summary)
        if gpa:
            item["gpa"], item["gpa_scale"] = gpa.group(1), gpa.group(2)
        item["note"] = summary
        doc["education"].append(item)


def _experience(job, doc: dict) -> None:
    if not isinstance(job, dict):
        return
    org = text(job.get("company_name") or job.get("company") or job.get("organization"))
    if not org:
        return
    item = empty_experience()
    item["organisation"] = org[:200]
    item["title"] = text(job.get("position") or job.get("title"))[:200]
    item["location"] = text(job.get("location"))[:120]
    item["start"] = partial(job.get("date_start"))
    item["end"] = partial(job.get("date_end"))
    item["is_current"] = bool(item["start"]) and not item["end"]
    item["summary"] = markdown_plain(text(job.get("summary") or job.get("description")))
    item["kind"] = guess_experience_kind(item["organisation"], item["title"])
    url = text(job.get("company_url"))
    if url.startswith("http"):
        item["url"] = url
    doc["experience"].append(item)


def _author_list(names, notes, authors: dict) -> list[dict]:
    out = []
    notes = as_list(notes)
    for index, raw in enumerate(as_list(names)):
        name = text(raw)
        equal = name.endswith("*") or "*" in name
        name = name.replace("*", "").strip()
        if not name:
            continue
        info = authors.get(name)
        display = info["name"] if info else name
        given, family = split_name(display)
        author = make_author(given, family)
        note = text(notes[index]) if index < len(notes) else ""
        author["equal_contribution"] = equal or bool(re.search(r"equal|co-?first", note, re.I))
        author["corresponding"] = bool(re.search(r"correspond", note, re.I))
        if info:
            author["site_author"] = name
        out.append(author)
    return out


def _read_publication(root: Path, page: Page, site: SiteImport, authors: dict) -> None:
    title = publication_title(page, site)
    if not title:
        return
    path, data, body = page.path, page.data, page.body
    record = empty_record()
    bib = page.file.parent / "cite.bib"
    if bib.is_file():
        site.files_read += 1
        try:
            parsed = parse_bibtex(read_text(bib, "replace"))
        except DocumentRefused as exc:
            site.warn(rel(root, bib), str(exc))
            parsed = parse_bibtex("")
        if parsed.records:
            record.update({k: v for k, v in parsed.records[0].items() if v not in ("", None, [])})
        for problem in parsed.errors:
            site.warn(rel(root, bib), str(problem))
    record["title"] = title
    record["line"] = None
    hugo_authors = _author_list(data.get("authors"), data.get("author_notes"), authors)
    if hugo_authors:
        record["authors"] = hugo_authors
    put_year_month(record, data.get("date"))
    types = [text(t) for t in as_list(data.get("publication_types"))]
    if types and types[0] in _PUB_TYPES:
        record["kind"] = _PUB_TYPES[types[0]]
    venue = markdown_plain(text(data.get("publication"))).replace("*", "").strip()
    venue = re.sub(r"^In\s+", "", venue)
    if venue:
        record["venue"] = venue[:300]
    short = re.sub(r"^In\s+", "", text(data.get("publication_short")).replace("*", "").strip())
    if short:
        record["venue_short"] = short[:60]
    if record["kind"] == "other" and record["venue"]:
        record["kind"] = guess_kind(record["venue"])
    if text(data.get("abstract")):
        record["abstract"] = text(data.get("abstract"))
    ids = data.get("hugoblox", {}).get("ids", {}) if isinstance(data.get("hugoblox"), dict) else {}
    doi = text(data.get("doi")) or text(ids.get("doi") if isinstance(ids, dict) else "")
    if doi:
        record["doi"] = normalise_doi(doi)
    for key, target in _LINK_FIELDS.items():
        url = text(data.get(key))
        if url.startswith("http"):
            record[target] = url
        elif url:
            site.skip(path, f"{key} {url!r} is not a web address")
    for link in as_list(data.get("links")):
        if not isinstance(link, dict):
            continue
        url = text(link.get("url"))
        kind = text(link.get("type") or link.get("name")).lower()
        target = _LINK_TYPES.get(kind)
        if url.startswith("http") and target and not record[target]:
            record[target] = url
        elif url:
            site.skip(path, f"link {text(link.get('name')) or kind!r}: {url}")
    record["featured"] = bool(data.get("featured"))
    record["source"] = path
    pdfs = [rel(root, p) for p in sorted(page.file.parent.glob("*.pdf"))]
    if pdfs:
        record["attachments"] = pdfs
    if body.strip():
        site.skip(path, "page body (notes or full text below the front matter)")
    report_unused(site, path, data, {
        "title", "authors", "author_notes", "date", "publication_types", "publication", "publication_short",
        "abstract", "doi", "links", "featured", *_LINK_FIELDS,
    }, _PRESENTATION)  # fmt: skip
    site.publications.append(record)


def _read_event(root: Path, page: Page, site: SiteImport, authors: dict, superuser: str) -> None:
    path, data, body = page.path, page.data, page.body
    title = text(data.get("title"))
    if not title:
        return
    location = text(data.get("location"))
    address = data.get("address") if isinstance(data.get("address"), dict) else {}
    if not location and address:
        location = ", ".join(text(address.get(k)) for k in ("city", "region", "country") if text(address.get(k)))
    delivery = {
        "event": (text(data.get("event")) or title)[:250],
        "location": location[:120],
        "is_virtual": bool(re.search(r"virtual|online|zoom", location, re.I)),
        "date": partial(data.get("date")),
        "url": text(data.get("event_url")) if text(data.get("event_url")).startswith("http") else "",
    }
    talk = {"title": title[:300], "abstract": markdown_plain(text(data.get("abstract"))), "deliveries": [delivery]}
    speakers = [text(a) for a in as_list(data.get("authors"))]
    owners = [a for a in speakers if a in authors] or [superuser]
    for owner in owners:
        site.document(owner)["talks"].append(talk)
    for key in ("url_slides", "url_video", "url_code", "url_pdf"):
        if text(data.get(key)):
            site.skip(path, f"{key} {text(data.get(key))}")
    if body.strip():
        site.skip(path, "page body")
    report_unused(site, path, data, {
        "title", "event", "event_url", "location", "address", "date", "date_end", "abstract", "authors",
        "all_day", "url_slides", "url_video", "url_code", "url_pdf", "featured",
    }, _PRESENTATION)  # fmt: skip


_SHORT_POST = 600  # characters: longer posts are articles, not news


def _read_post(root: Path, page: Page, site: SiteImport, superuser: str) -> None:
    path, data, body = page.path, page.data, page.body
    plain_body = markdown_plain(body)
    news_text = plain_body or text(data.get("summary")) or text(data.get("title"))
    if len(plain_body) > _SHORT_POST:
        site.skip(path, f"post longer than {_SHORT_POST} characters (an article, not news)")
        return
    title = text(data.get("title"))
    body_text = f"{title}: {news_text}" if title and news_text != title else news_text
    if body_text:
        site.document(superuser)["news"].append({"date": partial(data.get("date")), "body": body_text})


def _read_widget(root: Path, page: Page, site: SiteImport, superuser: str) -> None:
    path, data = page.path, page.data
    widget = text(data.get("widget"))
    doc = site.document(superuser)
    if widget == "experience" or (page.file.stem == "experience" and data.get("experience")):
        for job in as_list(data.get("experience")):
            _experience(job, doc)
    elif widget == "accomplishments" or page.file.stem == "accomplishments":
        for item in as_list(data.get("item")):
            if isinstance(item, dict) and text(item.get("title")):
                award = empty_award()
                award["title"] = text(item["title"])[:300]
                award["awarding_body"] = text(item.get("organization"))[:250]
                date = partial(item.get("date_start") or item.get("date_end"))
                award["year"] = int(date[:4]) if date else None
                award["note"] = markdown_plain(text(item.get("description")))[:300]
                doc["awards"].append(award)
    elif widget in {"featurette", "skills"} or page.file.stem == "skills":
        names = [text(f.get("name")) for f in as_list(data.get("feature")) if isinstance(f, dict)]
        for name in filter(None, names):
            skill = empty_skill()
            skill["name"] = name[:120]
            doc["skills"].append(skill)
    elif widget and widget not in {
        "about",
        "pages",
        "portfolio",
        "blank",
        "hero",
        "contact",
        "featured",
        "collection",
        "people",
        "markdown",
        "slider",
    }:
        site.skip(path, f"home widget {widget!r}")


def _read_project(root: Path, page: Page, site: SiteImport, superuser: str) -> None:
    data, body = page.data, page.body
    title = text(data.get("title"))
    if not title:
        return
    from profiles.formats import empty_project

    project = empty_project()
    project["title"] = title[:250]
    project["summary"] = markdown_plain(text(data.get("summary")))[:300]
    project["narrative"] = markdown_plain(body)
    url = text(data.get("external_link") or data.get("url_project"))
    project["url"] = url if url.startswith("http") else ""
    project["start"] = partial(data.get("date"))
    site.document(superuser)["projects"].append(project)
