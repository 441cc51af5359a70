"""academicpages (Jekyll, Minimal Mistakes) sites.

Reads ``_config.yml`` (``name``, ``author:`` block with its social usernames),
``_pages/about.md``, ``_publications/*.md``, ``_talks/*.md``, ``_teaching/*.md`` and
``_pages/cv.md`` (read as a CV document with ``profiles.formats.cvdoc``).
"""

from __future__ import annotations

import re
from pathlib import Path

from profiles.formats import empty_experience, text
from profiles.formats.cvdoc import parse_cv_text
from profiles.formats.cvdoc.pubs import guess_kind, looks_like_author_list, parse_authors
from profiles.formats.sites.common import (
    Page,
    SiteImport,
    add_link,
    markdown_plain,
    partial,
    publication_title,
    put_year_month,
    read_page,
    read_pages,
    read_yaml_file,
    report_unused,
    site_file,
    strip_html,
    visible,
)
from publications.formats import empty_record

__all__ = ["detect", "read"]

AUTHOR_LINKS = {
    "github": "https://github.com/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "twitter": "https://twitter.com/{}",
    "googlescholar": "{}",
    "orcid": "{}",
    "researchgate": "{}",
    "uri": "{}",
    "bluesky": "https://bsky.app/profile/{}",
    "gitlab": "https://gitlab.com/{}",
    "dblp": "{}",
    "semantic": "{}",
}
_CATEGORY = {"manuscripts": "journal", "conferences": "conference", "books": "book", "thesis": "thesis"}
_IGNORED = {
    "collection",
    "permalink",
    "excerpt",
    "layout",
    "header",
    "author_profile",
    "redirect_from",
    "share",
    "comments",
    "classes",
    "toc",
    "sidebar",
    "related",
}


def detect(root: Path) -> bool:
    return any((root / name).is_dir() for name in ("_publications", "_talks", "_teaching"))


def read(root: Path, site: SiteImport) -> None:
    doc = site.document("")
    config = read_yaml_file(root, "_config.yml", site)
    if isinstance(config, dict):
        author = config.get("author") if isinstance(config.get("author"), dict) else {}
        doc["full_name"] = text(author.get("name")) or text(config.get("name"))
        doc["short_bio"] = text(author.get("bio"))
        doc["location"] = text(author.get("location"))[:120]
        doc["organisation"] = text(author.get("employer"))[:200]
        doc["email"] = text(author.get("email"))
        for key, template in AUTHOR_LINKS.items():
            value = text(author.get(key))
            if value:
                add_link(doc, value if "://" in value else template.format(value))
        avatar = text(author.get("avatar"))
        found = site_file(root, "images", avatar) if avatar else None
        if found:
            doc["avatar_path"] = found
        elif avatar:
            site.skip("_config.yml", f"author.avatar {avatar!r} is not a file in images/ of the upload")
    about = root / "_pages" / "about.md"
    about_page = read_page(root, about, site) if about.is_file() else None
    if about_page is not None:
        doc["long_bio"] = markdown_plain(about_page.body)
    for page in read_pages(root, _files(root, "_publications"), site):
        _publication(root, page, site, doc)
    for page in read_pages(root, _files(root, "_talks"), site):
        _talk(root, page, site, doc)
    for page in read_pages(root, _files(root, "_teaching"), site):
        _teaching(root, page, site, doc)
    cv = root / "_pages" / "cv.md"
    cv_page = read_page(root, cv, site) if cv.is_file() else None
    if cv_page is not None:
        draft = parse_cv_text(re.sub(r"\{%.*?%\}", "", cv_page.body, flags=re.S))
        for key, value in draft.document.items():
            if key == "publications":
                continue  # _publications/ is the site's list; the CV's copy would duplicate it
            if isinstance(value, list) and value:
                doc[key].extend(value)
            elif isinstance(value, str) and value and not doc.get(key):
                doc[key] = value
        for left in draft.leftovers:
            site.skip("_pages/cv.md", f"{left['section'] + ': ' if left['section'] else ''}{left['text'][:160]}")


def _files(root: Path, name: str) -> list[Path]:
    folder = root / name
    return visible(folder.glob("*.md"))


def _citation_authors(citation: str) -> tuple[list, bool]:
    """``Your Name, You. (2009). "Title." <i>Journal</i>.`` -> the authors before ``(year)``."""
    s = strip_html(citation)
    m = re.match(r"^(?P<authors>.+?)\s*\(\s*(?:19|20)\d\d[a-z]?\s*\)", s)
    head = m.group("authors") if m else re.split(r"\s[\"“]", s)[0]
    head = head.strip(" ,")
    if not head or not looks_like_author_list(head):
        return [], False
    return parse_authors(head)


def _publication(root: Path, page: Page, site: SiteImport, doc: dict) -> None:
    title = publication_title(page, site)
    if not title:
        return
    where, data, body = page.path, page.data, page.body
    record = empty_record()
    record["title"] = title
    record["venue"] = strip_html(text(data.get("venue")))[:300]
    put_year_month(record, data.get("date"))
    record["kind"] = _CATEGORY.get(text(data.get("category")), "") or guess_kind(record["venue"])
    paper = text(data.get("paperurl"))
    if paper.startswith("http"):
        record["url_pdf" if paper.lower().endswith(".pdf") else "url"] = paper
    elif paper:
        local = site_file(root, paper)
        if local:
            record["attachments"] = [local]
        else:
            site.skip(where, f"paperurl {paper!r} is neither a web address nor a file in the site")
    slides = text(data.get("slidesurl"))
    if slides.startswith("http"):
        record["url_slides"] = slides
    elif slides:
        site.skip(where, f"slidesurl {slides!r}")
    citation = text(data.get("citation"))
    if citation:
        record["authors"], record["authors_truncated"] = _citation_authors(citation)
        if not record["authors"]:
            site.skip(where, "citation: authors could not be read from it")
    abstract = markdown_plain(body) or text(data.get("excerpt"))
    if abstract:
        record["abstract"] = abstract
    record["source"] = where
    report_unused(
        site,
        where,
        data,
        {"title", "venue", "date", "category", "paperurl", "slidesurl", "citation", "bibtexurl"},
        _IGNORED,
    )
    if text(data.get("bibtexurl")):
        site.skip(where, f"bibtexurl {text(data.get('bibtexurl'))} (import the .bib file itself for its fields)")
    site.publications.append(record)


def _talk(root: Path, page: Page, site: SiteImport, doc: dict) -> None:
    where, data, body = page.path, page.data, page.body
    title = text(data.get("title"))
    if not title:
        return
    location = text(data.get("location"))
    delivery = {
        "event": (strip_html(text(data.get("venue"))) or title)[:250],
        "location": location[:120],
        "is_virtual": bool(re.search(r"virtual|online|zoom", location, re.I)),
        "date": partial(data.get("date")),
        "url": "",
    }
    doc["talks"].append({"title": title[:300], "abstract": markdown_plain(body), "deliveries": [delivery]})
    report_unused(site, where, data, {"title", "venue", "date", "location"}, _IGNORED | {"type", "talk_type"})
    if text(data.get("type")) and text(data.get("type")).lower() != "talk":
        site.skip(where, f"type {text(data.get('type'))!r} (kept as a talk)")


def _teaching(root: Path, page: Page, site: SiteImport, doc: dict) -> None:
    where, data, body = page.path, page.data, page.body
    title = text(data.get("title"))
    venue = strip_html(text(data.get("venue")))
    if not (title or venue):
        return
    item = empty_experience()
    item["kind"] = "teaching"
    item["organisation"] = (venue or title)[:200]
    item["title"] = " — ".join(filter(None, [title, text(data.get("type"))]))[:200] if venue else ""
    item["location"] = text(data.get("location"))[:120]
    item["start"] = partial(data.get("date"))
    item["summary"] = markdown_plain(body)
    doc["experience"].append(item)
    report_unused(site, where, data, {"title", "venue", "date", "location", "type"}, _IGNORED)
