"""The CV parser: intermediate text -> a draft profile document, leftovers and warnings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from profiles.formats import (
    empty_award,
    empty_document,
    empty_education,
    empty_experience,
    empty_link,
    empty_project,
    empty_skill,
    guess_experience_kind,
    highlight,
    link_kind_for_url,
    orcid_from_text,
)
from profiles.formats.cvdoc.dates import find_date_range, is_date_line, parse_cv_date, two_digit_year
from profiles.formats.cvdoc.lines import Line, Section, emails_in, links_in, plain, split_sections, tokenize
from profiles.formats.cvdoc.pubs import looks_like_author_list, parse_publication

__all__ = ["CvDraft", "parse_cv_text"]


@dataclass
class CvDraft:
    """A CV read into a profile document (``profiles.formats.empty_document`` shape).

    ``document["publications"]`` holds publication records (``publications.formats.empty_record``
    shape), as the JSON Resume and ORCID parsers do. ``leftovers`` is every piece of text
    that could not be placed, as ``{"section": heading or "", "text": ...}``, in document order.
    """

    document: dict = field(default_factory=empty_document)
    leftovers: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def publications(self) -> list:
        return self.document["publications"]

    def leftover(self, section: str, text: str) -> None:
        text = plain(text) if text else ""
        if text.strip():
            self.leftovers.append({"section": section, "text": text.strip()})

    def counts(self) -> dict:
        return {k: len(v) for k, v in self.document.items() if isinstance(v, list) and v}


def parse_cv_text(text: str) -> CvDraft:
    """Parse a CV in Markdown or plain text (or the intermediate text of the other readers)."""
    draft = CvDraft()
    text = (text or "").lstrip("\ufeff")
    if not text.strip():
        draft.warnings.append("the document is empty")
        return draft
    header, sections = split_sections(tokenize(text))
    _parse_header(header, draft)
    for section in sections:
        parser = _PARSERS.get(section.key)
        if parser is None:
            for line in section.lines:
                draft.leftover(section.title, line.text)
            if section.key == "":
                draft.warnings.append(f"section “{section.title}” is not one this site holds; its text is a leftover")
            continue
        parser(section, draft)
    doc = draft.document
    if not doc["full_name"]:
        draft.warnings.append("no name found at the top of the document")
    if not any(doc[k] for k in ("education", "experience", "publications", "talks", "awards", "service")):
        draft.warnings.append("no CV sections recognised (headings such as Education, Experience, Publications)")
    return draft


# --------------------------------------------------------------------------- helpers


def _nonblank(lines):
    return [ln for ln in lines if ln.kind != "blank"]


def _add_links(draft: CvDraft, text: str) -> None:
    doc = draft.document
    for email in emails_in(text):
        if not doc["email"]:
            doc["email"] = email
    orcid = orcid_from_text(text)
    if orcid and not doc["orcid"]:
        doc["orcid"] = orcid
    for label, url in links_in(text):
        if url.lower().startswith("mailto:"):
            if not doc["email"]:
                doc["email"] = url[7:]
            continue
        if any(link["url"] == url for link in doc["links"]):
            continue
        kind = link_kind_for_url(url, default="homepage" if not doc["links"] else "other")
        doc["links"].append(empty_link(kind, url, label[:100]))


_NAME_LINE = re.compile(r"^[A-ZÀ-Þ\u4e00-\u9fff][\w'’.\-À-ÿ]*(?:\s+[A-ZÀ-Þ(][\w'’.\-()À-ÿ]*){0,4}$")
_CONTACT = re.compile(r"@|https?://|www\.|\+?\d[\d ()-]{6,}|linkedin|github|scholar|orcid|phone|email|tel\b", re.I)


def _parse_header(lines: list[Line], draft: CvDraft) -> None:
    doc = draft.document
    for line in lines:
        if line.kind == "blank":
            continue
        raw = line.text
        p = plain(raw)
        if not doc["full_name"] and (line.kind == "name" or (_NAME_LINE.match(p) and len(p) <= 60)):
            doc["full_name"] = p
            continue
        if _CONTACT.search(raw):
            _add_links(draft, raw)
            _add_handles(draft, raw)
            rest = re.sub(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[[^\]]*\]\([^)]*\)|https?://\S+", "", raw)
            rest = plain(rest).strip(" |·•,;:")
            if rest and not re.fullmatch(r"[\w\s:|·•,;+()-]*", rest):
                draft.leftover("", rest)
            continue
        if not doc["headline"] and len(p) <= 250 and doc["full_name"]:
            doc["headline"] = p
            continue
        draft.leftover("", raw)


_HANDLES = {
    "linkedin": "https://www.linkedin.com/in/{}",
    "github": "https://github.com/{}",
    "gitlab": "https://gitlab.com/{}",
}
_HANDLE = re.compile(r"\b(?P<site>LinkedIn|GitHub|GitLab)\s*:\s*\[?(?P<handle>[\w.-]{2,60})\]?(?:\(#?\))?", re.I)


def _add_handles(draft: CvDraft, raw: str) -> None:
    """``LinkedIn: chijun-sima`` (a handle, not a URL) -> the profile's address on that site."""
    for m in _HANDLE.finditer(raw):
        url = _HANDLES[m.group("site").lower()].format(m.group("handle"))
        if not any(link["url"].rstrip("/").lower() == url.lower() for link in draft.document["links"]):
            draft.document["links"].append(empty_link(link_kind_for_url(url), url, ""))


def _paragraphs(lines: list[Line]) -> list[str]:
    paras, cur = [], []
    for line in lines:
        if line.kind == "blank":
            if cur:
                paras.append(" ".join(cur))
                cur = []
            continue
        cur.append(plain(line.text) if line.kind != "bullet" else "- " + plain(line.text))
        if line.kind == "bullet":
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    return [p for p in paras if p]


def _parse_about(section: Section, draft: CvDraft) -> None:
    doc = draft.document
    for line in section.lines:
        _add_links(draft, line.text)
    paras = [p for p in _paragraphs(section.lines) if not re.search(r"\bavatar$|^!\[|^photo$", p, re.I)]
    if paras:
        doc["long_bio"] = "\n\n".join(filter(None, [doc["long_bio"], *paras]))
        if not doc["short_bio"]:
            first = next((p for p in paras if len(p.split()) >= 8), paras[0])
            doc["short_bio"] = first if len(first) <= 500 else ""


def _parse_interests(section: Section, draft: CvDraft) -> None:
    paras = _paragraphs(section.lines)
    draft.document["research_interests"] = "\n\n".join(filter(None, [draft.document["research_interests"], *paras]))


def _parse_contact(section: Section, draft: CvDraft) -> None:
    for line in _nonblank(section.lines):
        before = (len(draft.document["links"]), draft.document["email"])
        _add_links(draft, line.text)
        if before == (len(draft.document["links"]), draft.document["email"]):
            draft.leftover(section.title, line.text)


# --------------------------------------------------------------------------- entries (education, experience, …)


@dataclass
class _Entry:
    header: list = field(default_factory=list)  # markup-kept strings
    bullets: list = field(default_factory=list)  # (indent, text)
    groups: list = field(default_factory=list)  # sub-projects: {"title", "text": [], "bullets": []}
    from_bullet: bool = False


def _ends_sentence(text: str) -> bool:
    return plain(text).rstrip().endswith((".", "!", "?", ":", ";", ")"))


def _runs(lines: list[Line]) -> list[tuple[str, list]]:
    """Consecutive text lines and consecutive bullets (with their lazy continuation lines)."""
    runs: list[tuple[str, list]] = []
    previous = None
    for line in lines:
        if line.kind == "blank":
            previous = line
            continue
        if line.kind == "entry":
            runs.append(("entry", [line]))
        elif line.kind == "bullet":
            if runs and runs[-1][0] == "bullets":
                runs[-1][1].append([line.level, line.text])
            else:
                runs.append(("bullets", [[line.level, line.text]]))
        else:
            lazy = (
                previous is not None and previous.kind == "bullet" and runs and runs[-1][0] == "bullets"
                and not is_date_line(line.text) and (not _ends_sentence(previous.text) or line.text[:1].islower())
            )  # fmt: skip
            if lazy:
                runs[-1][1][-1][1] += " " + line.text
                continue
            if runs and runs[-1][0] == "text":
                runs[-1][1].append(line.text)
            else:
                runs.append(("text", [line.text]))
        previous = line
    return runs


def _has_date(text: str) -> bool:
    if is_date_line(text):
        return True
    dr = find_date_range(plain(text))
    if dr is None:
        return False
    # A range, or a date at the end of the line after a separator ("Org, Jun 2020").
    tail = plain(text)[dr.span[1] :].strip(" .)*_")
    return bool(dr.end or dr.is_current) or not tail


def _entries(lines: list[Line]) -> list[_Entry]:
    entries: list[_Entry] = []
    for kind, items in _runs(lines):
        if kind == "entry":
            entries.append(_Entry(header=[items[0].text]))
            continue
        if kind == "bullets":
            if not entries or entries[-1].from_bullet:
                # No entry headers at all: each top-level bullet is an entry ("B.S., College, 1937").
                base = min(level for level, _ in items)
                for level, value in items:
                    if level == base or not entries:
                        entries.append(_Entry(header=[value], from_bullet=True))
                    else:
                        entries[-1].bullets.append((level, value))
                continue
            target = entries[-1].groups[-1]["bullets"] if entries[-1].groups else entries[-1].bullets
            target.extend(tuple(b) for b in items)
            continue
        dated = [i for i, t in enumerate(items) if _has_date(t)]
        current = entries[-1] if entries else None
        started_by_heading = current is not None and not current.bullets and not current.groups
        if current is not None and (current.bullets or current.groups) and not dated:
            current.groups.append({"title": items[0], "text": items[1:], "bullets": []})
            continue
        if started_by_heading and len(dated) <= 1 and not any(_has_date(t) for t in current.header[1:]):
            current.header.extend(items)
            continue
        if len(dated) <= 1:
            entries.append(_Entry(header=list(items)))
            continue
        lead = dated[0]
        starts = [0]
        for d in dated[1:]:
            # Entries repeat the first one's layout ("Org / date / degree"): the same number of lines
            # before the date. A date sharing its line with text where the first entry had a date line
            # of its own ("MIT   2020 – 2022" after "Org / date") is another layout: that line starts it.
            mixed = is_date_line(items[dated[0]]) and not is_date_line(items[d])
            starts.append(max(starts[-1] + 1, d if mixed else d - lead))
        for a, b in zip(starts, [*starts[1:], len(items)], strict=True):
            entries.append(_Entry(header=list(items[a:b])))
    return [e for e in entries if e.header or e.bullets]


_LABEL = re.compile(r"^\*\*(?P<label>[^*]{1,80}?)[.:]?\*\*[.:]?\s*(?P<text>.*)$")


_PLAIN_LABEL = re.compile(r"^(?P<label>[A-Z][\w+/-]*(?: [\w+/-]+){0,2})[.:]\s+(?P<text>[A-Z].*)$")


def _highlights(bullets) -> list[dict]:
    out: list[dict] = []
    base = min((indent for indent, _ in bullets), default=0)
    # "Problem. Text" labels without markup count only when every top-level bullet has one.
    top = [plain(raw) for indent, raw in bullets if indent == base]
    plain_labels = len(top) >= 2 and all(_PLAIN_LABEL.match(t) for t in top)
    for indent, raw in bullets:
        m = _LABEL.match(raw) or (_PLAIN_LABEL.match(plain(raw)) if plain_labels else None)
        item = highlight(plain(m.group("text")), plain(m.group("label"))[:80]) if m else highlight(plain(raw))
        if indent > base and out:
            out[-1]["children"].append({"label": item["label"], "text": item["text"]})
        else:
            out.append(item)
    return out


_SPLIT_PIECES = re.compile(r"\s+[·|•]\s+|\t|\s{3,}")
_LOCATION = re.compile(
    r"^(?:remote|virtual|online|[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2},\s*[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2})$"
)


def _pieces(entry: _Entry) -> tuple[list[str], object, str, list[str]]:
    """Header pieces without the date, the date range, the location and every link URL."""
    dates = None
    location = ""
    pieces: list[str] = []
    urls: list[str] = []
    for raw in entry.header:
        urls += [u for _, u in links_in(raw)]
        for piece in _SPLIT_PIECES.split(raw):
            p = plain(piece).strip(" ,;|")
            if not p:
                continue
            if dates is None:
                dr = find_date_range(p)
                if dr is not None and _has_date(p):
                    dates = dr
                    p = (p[: dr.span[0]] + p[dr.span[1] :]).strip(" ,;:–—-()|")
                    p = re.sub(r"\(\s*\)", "", p).strip()
                    if not p:
                        continue
            m = re.match(r"^(?:location|place|where)\s*:\s*(.+)$", p, re.IGNORECASE)
            if m:
                location = location or m.group(1)
                continue
            if not location and _LOCATION.match(p) and pieces:
                location = p
                continue
            pieces.append(p)
    return pieces, dates, location, urls


_JOB = re.compile(
    r"engineer|developer|intern\b|scientist|researcher|assistant|professor|lecturer|manager|fellow|postdoc|"
    r"student|analyst|consultant|director|lead\b|head\b|architect|visiting|member of|programmer",
    re.IGNORECASE,
)


def _split_one(piece: str, *, force: bool) -> tuple[str, str] | None:
    """``"Intern at Google"`` / ``"Intern, Google"`` / ``"Google – Intern"`` -> ``(org, title)``."""
    m = re.match(r"^(?P<title>.+?)\s+(?:at|@)\s+(?P<org>.+)$", piece)
    if m and _JOB.search(m.group("title")):
        return m.group("org"), m.group("title")
    m = re.match(r"^(?P<a>.+?)\s*(?:,|\s[–—-])\s+(?P<b>.+)$", piece)
    if not m:
        return None
    a, b = m.group("a"), m.group("b")
    if _JOB.search(a) and not _JOB.search(b):
        return b, a
    if _JOB.search(b) and not _JOB.search(a):
        return a, b
    return (a, b) if force else None


def _split_org_title(pieces: list[str]) -> tuple[str, str, list[str]]:
    if not pieces:
        return "", "", []
    first, rest = pieces[0], pieces[1:]
    both = _split_one(first, force=not rest)
    if both:
        return both[0], both[1], rest
    if not rest:
        return first, "", []
    org, title = first, rest[0]
    if _JOB.search(org) and not _JOB.search(title):
        org, title = title, org
    return org, title, rest[1:]


def _apply_dates(item: dict, dates) -> None:
    if dates is not None:
        item["start"], item["end"], item["is_current"] = dates.start, dates.end, dates.is_current


def _groups_to_projects(entry: _Entry) -> list[dict]:
    projects = []
    for group in entry.groups:
        project = empty_project()
        project["title"] = plain(group["title"])[:250]
        summary = " ".join(plain(t) for t in group["text"])
        m = re.match(r"^(?P<title>[^:]{3,120}):\s+(?P<summary>.+)$", project["title"])
        if m and not summary:
            project["title"], summary = m.group("title"), m.group("summary")
        project["summary"] = summary[:300]
        if len(summary) > 300:
            project["narrative"] = summary
        project["highlights"] = _highlights(group["bullets"])
        urls = [u for _, u in links_in(group["title"])]
        project["url"] = urls[0] if urls else ""
        projects.append(project)
    return projects


def _parse_experience(section: Section, draft: CvDraft, kind: str | None = None) -> None:
    for entry in _entries(section.lines):
        pieces, dates, location, urls = _pieces(entry)
        org, title, rest = _split_org_title(pieces)
        if not org:
            for _, text in entry.bullets:
                draft.leftover(section.title, text)
            continue
        item = empty_experience()
        item["organisation"], item["title"], item["location"] = org[:200], title[:200], location[:120]
        item["kind"] = kind or guess_experience_kind(org, title)
        _apply_dates(item, dates)
        if entry.groups and rest and entry.bullets:
            # "Org / dates / Title / Project A" + bullets, "Project B" + bullets: A is a project too.
            entry.groups.insert(0, {"title": rest[-1], "text": [], "bullets": entry.bullets})
            rest, entry.bullets = rest[:-1], []
        item["summary"] = " ".join(rest)
        item["highlights"] = _highlights(entry.bullets)
        item["projects"] = _groups_to_projects(entry)
        if urls:
            item["url"] = urls[0]
        draft.document["experience"].append(item)


def _parse_teaching(section: Section, draft: CvDraft) -> None:
    before = len(draft.document["experience"])
    _parse_experience(section, draft, kind="teaching")
    for item in draft.document["experience"][before:]:
        org, title = item["organisation"], item["title"]
        if (
            title
            and re.search(r"universit|college|school|institute", title, re.I)
            and not re.search(r"universit|college|school|institute", org, re.I)
        ):
            item["organisation"], item["title"] = title, org


_DEGREE = re.compile(
    r"^(?:B\.?\s?(?:Eng|Sc|S|A|Tech|E)\.?|M\.?\s?(?:Eng|Sc|S|A|Phil|Tech|Res)\.?|Ph\.?\s?D\.?|D\.?Phil\.?|MBA|"
    r"BSc|MSc|BEng|MEng|BA|MA|MS|BS|Bachelor|Master|Doctor|Diploma|Associate|Licence|Laurea|Dipl\.?)(?=[\s,.(;]|$)",
    re.IGNORECASE,
)
_INSTITUTION = re.compile(
    r"universit|college|institut|school|école|ecole|academy|polytechn|hochschule|ETH\b|MIT\b", re.IGNORECASE
)
_GPA = re.compile(r"\bGPA\s*:?\s*(?P<gpa>\d+(?:\.\d+)?)\s*(?:/\s*|out of\s+)(?P<scale>\d+(?:\.\d+)?)", re.IGNORECASE)
_GPA_ALONE = re.compile(r"\bGPA\s*:?\s*(?P<gpa>\d+(?:\.\d+)?)", re.IGNORECASE)
_RANK = re.compile(
    r"\brank(?:ed|ing)?\s*:?\s*(?:#\s*)?(?P<rank>\d+)(?:st|nd|rd|th)?\s*(?:/|out of|of|among)\s*(?P<of>\d+)",
    re.IGNORECASE,
)
_ADVISOR = re.compile(
    r"\b(?:advisors?|supervisors?|advised by|supervised by|under)\s*:?\s+(?P<who>[^;.(|]+)", re.IGNORECASE
)
_THESIS = re.compile(r"\b(?:thesis|dissertation)\s*:\s*(?P<title>[^;|]+)", re.IGNORECASE)


def _education_parts(text: str) -> list[str]:
    """Split at ``;``, and at the comma between an institution and a degree (either order)."""
    out = []
    for part in re.split(r"\s*;\s*", text):
        segs = [x.strip() for x in part.split(", ")]
        # a bare "MA"/"MS" after a comma is a US state more often than a degree
        deg = next(
            (i for i, seg in enumerate(segs) if _DEGREE.match(seg) and (" " in seg or "." in seg or not i)), None
        )
        inst = next((i for i, seg in enumerate(segs) if i and _INSTITUTION.search(seg)), None)
        if deg:
            out += [", ".join(segs[:deg]), ", ".join(segs[deg:])]
        elif deg == 0 and inst:
            out += [", ".join(segs[:inst]), ", ".join(segs[inst:])]
        else:
            out.append(part)
    return out


def _parse_education(section: Section, draft: CvDraft) -> None:
    for entry in _entries(section.lines):
        pieces, dates, location, urls = _pieces(entry)
        texts = pieces + [plain(t) for _, t in entry.bullets]
        item = empty_education()
        whole = " ; ".join(texts)
        m = _GPA.search(whole) or _GPA_ALONE.search(whole)
        if m:
            item["gpa"] = m.group("gpa")
            item["gpa_scale"] = m.groupdict().get("scale") or ""
        m = _RANK.search(whole)
        if m:
            item["rank"], item["rank_of"] = int(m.group("rank")), int(m.group("of"))
        m = _ADVISOR.search(whole)
        if m:
            item["advisor"] = m.group("who").strip(" ,")[:200]
        m = _THESIS.search(whole)
        if m:
            item["thesis_title"] = m.group("title").strip(" ,.")[:300]
        notes = []
        for text in texts:
            cleaned = _GPA.sub("", text) if _GPA.search(text) else _GPA_ALONE.sub("", text)
            cleaned = _RANK.sub("", cleaned)
            cleaned = _strip_unbalanced(re.sub(r"\(\s*\)", "", cleaned).strip(" ;,·|"))
            if not cleaned:
                continue
            for part in _education_parts(cleaned):
                part = part.strip(" ,")
                if not part:
                    continue
                if not item["degree"] and _DEGREE.match(part):
                    m = re.match(r"^(?P<deg>.+?)(?:\s+in\s+|,\s*|\s+[–—-]\s+|\s+of\s+)(?P<prog>.+)$", part)
                    if m and _DEGREE.match(m.group("deg")):
                        item["degree"], item["programme"] = m.group("deg").strip()[:120], m.group("prog").strip()[:200]
                    else:
                        item["degree"] = part[:120]
                    continue
                if not item["institution"] and (_INSTITUTION.search(part) or text is texts[0]):
                    inst = part
                    m = re.match(r"^(?P<inst>.+?),\s*(?P<loc>[A-Z][\w .'’-]+(?:,\s*[A-Z][\w .'’-]+)?)$", part)
                    if m and _INSTITUTION.search(m.group("inst")) and not location:
                        inst, item["location"] = m.group("inst"), m.group("loc")[:120]
                    item["institution"] = inst[:200]
                    continue
                if (item["advisor"] and _ADVISOR.search(part)) or (item.get("thesis_title") and _THESIS.search(part)):
                    continue
                notes.append(part)
        if not item["institution"]:
            for text in texts:
                draft.leftover(section.title, text)
            continue
        if location and not item["location"]:
            item["location"] = location[:120]
        _apply_dates(item, dates)
        if item["start"] and not item["end"] and not item["is_current"] and dates and "–" not in dates.text:
            item["start"], item["end"] = "", item["start"]  # one date on a degree is when it was awarded
        item["note"] = "; ".join(notes)
        if urls:
            item.setdefault("advisor_url", "")
        draft.document["education"].append(item)


def _strip_unbalanced(text: str) -> str:
    text = text.strip()
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip(" ;,")
    while text.startswith("(") and text.count("(") > text.count(")"):
        text = text[1:].lstrip(" ;,")
    return text


def _parse_open_source(section: Section, draft: CvDraft) -> None:
    for entry in _entries(section.lines):
        pieces, dates, _location, urls = _pieces(entry)
        if not pieces:
            for _, text in entry.bullets:
                draft.leftover(section.title, text)
            continue
        item = {
            "project": pieces[0][:200],
            "url": urls[0] if urls else "",
            "role": "",
            "start": "",
            "end": "",
            "is_current": False,
            "summary": "",
            "highlights": _highlights(entry.bullets),
        }
        if len(pieces) > 1:
            item["role"] = pieces[1][:250]
            item["summary"] = " ".join(pieces[2:])
        else:
            m = re.match(r"^(?P<p>.+?)\s*(?:,|\s[–—-])\s+(?P<r>.+)$", pieces[0])
            if m:
                item["project"], item["role"] = m.group("p")[:200], m.group("r")[:250]
        _apply_dates(item, dates)
        for group in _groups_to_projects(entry):
            item["highlights"].append(highlight(group["summary"] or "", group["title"][:80]))
        draft.document["open_source"].append(item)


def _parse_projects(section: Section, draft: CvDraft) -> None:
    for entry in _entries(section.lines):
        pieces, dates, _location, urls = _pieces(entry)
        if not pieces:
            if entry.bullets:  # one project per bullet: "Title: summary"
                for _, raw in entry.bullets:
                    draft.document["projects"].append(_project_from_line(raw))
            continue
        project = empty_project()
        title = pieces[0]
        m = re.match(r"^(?P<t>[^:]{2,120}):\s+(?P<s>.+)$", title)
        if m:
            title, pieces = m.group("t"), [title, m.group("s"), *pieces[1:]]
        project["title"] = title[:250]
        summary = " ".join(pieces[1:])
        project["summary"] = summary[:300]
        if len(summary) > 300:
            project["narrative"] = summary
        project["url"] = urls[0] if urls else ""
        _apply_dates(project, dates)
        project["highlights"] = _highlights(entry.bullets)
        draft.document["projects"].append(project)


def _project_from_line(raw: str) -> dict:
    project = empty_project()
    p = plain(raw)
    m = _LABEL.match(raw)
    if m:
        project["title"], rest = plain(m.group("label")), plain(m.group("text"))
    else:
        head, sep, rest = p.partition(": ")
        project["title"], rest = (head, rest) if sep and len(head) <= 120 else (p, "")
    project["title"] = project["title"][:250]
    project["summary"] = rest[:300]
    urls = [u for _, u in links_in(raw)]
    project["url"] = urls[0] if urls else ""
    return project


# --------------------------------------------------------------------------- one item per line / bullet


def _items(lines: list[Line]) -> list[str]:
    """Bullets (with their continuation lines) or, without bullets, non-blank lines."""
    items: list[str] = []
    has_bullets = any(ln.kind == "bullet" for ln in lines)
    previous = None
    for line in lines:
        if line.kind == "blank":
            previous = line
            continue
        if line.kind == "bullet" and line.level > 0 and items and has_bullets:
            items[-1] += "\n" + line.text
        elif line.kind in {"bullet", "entry"} or not has_bullets:
            items.append(line.text)
        elif previous is not None and previous.kind in {"bullet", "text"} and items:
            items[-1] += "\n" + line.text
        else:
            items.append(line.text)
        previous = line
    return items


def _publication_items(lines: list[Line]) -> list[list[str]]:
    """One list of lines per publication: bullets/numbers, else paragraphs, else lines."""
    nonblank = _nonblank(lines)
    if any(ln.kind in {"bullet", "entry"} for ln in nonblank):
        out: list[list[str]] = []
        for line in nonblank:
            if line.kind in {"bullet", "entry"} and not (line.kind == "bullet" and line.level > 0 and out):
                out.append([line.text])
            elif out:
                out[-1].append(line.text)
            else:
                out.append([line.text])
        return out
    paras, cur = [], []
    for line in lines:
        if line.kind == "blank":
            if cur:
                paras.append(cur)
            cur = []
        else:
            cur.append(line.text)
    if cur:
        paras.append(cur)
    if len(paras) > 1 and all(len(p) <= 4 for p in paras):
        return paras
    # No bullets and no blank lines: a new item starts where a title line follows a venue line.
    out = []
    for line in nonblank:
        starts = not out or (
            re.search(r"\b(19|20)\d\d\b|['’]\d\d\b", out[-1][-1])
            and not looks_like_author_list(line.text)
            and not re.match(r"^\(?(19|20)\d\d\)?\.?$", line.text.strip())
        )
        if starts:
            out.append([line.text])
        else:
            out[-1].append(line.text)
    return out


def _parse_publications(section: Section, draft: CvDraft) -> None:
    for lines in _publication_items(section.lines):
        joined = " ".join(lines)
        if (
            len(lines) == 1
            and not re.search(r"\b(19|20)\d\d\b|['’]\d\d\b", joined)
            and len(plain(joined)) < 80
            and (not looks_like_author_list(joined))
        ):
            draft.leftover(section.title, joined)  # "Full list on Google Scholar."
            continue
        record, leftovers = parse_publication(lines)
        for text in leftovers:
            draft.leftover(section.title, text)
        if record is not None:
            draft.document["publications"].append(record)


_DELIVERY = re.compile(r"^(?P<event>.+?)\s*\((?P<inside>[^()]*)\)\s*$")


def _delivery(text: str) -> dict | None:
    s = plain(text).strip(" .;,")
    if not s:
        return None
    d = {"event": "", "location": "", "is_virtual": False, "date": "", "url": ""}
    dr = find_date_range(s)
    m = _DELIVERY.match(s)
    if m and find_date_range(m.group("inside")):
        event, inside = m.group("event"), m.group("inside")
        dr = find_date_range(inside)
        where = (inside[: dr.span[0]] + inside[dr.span[1] :]).strip(" ,;")
        parts = [p.strip() for p in event.split(",")]
        if not where and len(parts) > 1:
            event, where = ", ".join(parts[:-1]), parts[-1]
    elif dr is not None:
        rest = (s[: dr.span[0]] + s[dr.span[1] :]).strip(" ,;()")
        parts = [p.strip() for p in rest.split(",") if p.strip()]
        event = parts[0] if parts else ""
        where = ", ".join(parts[1:])
    else:
        parts = [p.strip() for p in s.split(",") if p.strip()]
        event, where = (parts[0], ", ".join(parts[1:])) if parts else ("", "")
    if dr is not None:
        d["date"] = dr.start
    if re.fullmatch(r"(?i)virtual|online|remote|zoom", where.strip()):
        d["is_virtual"], where = True, ""
    elif re.search(r"(?i)\b(virtual|online)\b", where):
        d["is_virtual"] = True
    d["event"], d["location"] = event.strip()[:250], where.strip()[:120]
    urls = [u for _, u in links_in(text)]
    d["url"] = urls[0] if urls else ""
    return d if d["event"] else None


_TITLE_EMPH = re.compile(r"\*\*(?P<b>[^*]+)\*\*|(?<![*\w])\*(?P<i>[^*]+)\*(?![*\w])|“(?P<q>[^”]+)”|\"(?P<d>[^\"]+)\"")


def _parse_talks(section: Section, draft: CvDraft) -> None:
    talks = draft.document["talks"]
    for item in _items(section.lines):
        parts = item.split("\n")
        first = parts[0]
        m = _TITLE_EMPH.search(first)
        if m:
            title = next(g for g in m.groups() if g)
            after = (first[: m.start()] + " " + first[m.end() :]).strip(" ,.;:")
            delivery_text = " ".join(filter(None, [after, *parts[1:]]))
        elif len(parts) > 1:
            title, delivery_text = first, " ".join(parts[1:])
        elif talks and find_date_range(plain(first)) and not talks[-1]["deliveries"]:
            # plain text: this line holds the deliveries of the title line above
            talks[-1]["deliveries"] = [d for d in map(_delivery, re.split(r"\s*;\s*", first)) if d]
            continue
        elif find_date_range(plain(first)):
            segs = [s.strip() for s in plain(first).split(",")]
            title, delivery_text = segs[0], ", ".join(segs[1:])
        else:
            title, delivery_text = first, ""
        title = plain(title).strip(" .,")
        if not title:
            draft.leftover(section.title, item)
            continue
        deliveries = [d for d in map(_delivery, re.split(r"\s*;\s*", delivery_text)) if d] if delivery_text else []
        talks.append({"title": title[:300], "abstract": "", "deliveries": deliveries})


_PRIZE = re.compile(
    r"prize|medal|place|award|winner|finalist|mention|scholarship|fellow|grant|runner|officer|member|best", re.I
)


def _parse_awards(section: Section, draft: CvDraft) -> None:
    for item in _items(section.lines):
        raw = " ".join(item.split("\n"))
        award = empty_award()
        text = raw
        # year: "(2017)", ", 2019", "2022H2"
        m = re.search(r"\b((?:19|20)\d\d)(H[12]|Q[1-4]|[-–/]\d{2,4})?\b", plain(text))
        plain_text = plain(text)
        if m:
            award["year"] = int(m.group(1))
            if m.group(2):
                award["period"] = m.group(0)[:20]
            plain_text = plain_text[: m.start()] + plain_text[m.end() :]
        # notes: parentheticals starting with a lower-case word
        notes = re.findall(r"\(([a-z][^()]*)\)", plain_text)
        plain_text = re.sub(r"\(([a-z][^()]*)\)", "", plain_text)
        plain_text = re.sub(r"\(\s*\)", "", plain_text)
        plain_text = re.sub(r"\s{2,}", " ", plain_text).strip(" ,.;:–—-")
        bold = [plain(b) for b in re.findall(r"\*\*(.+?)\*\*", text)]
        parts = [p.strip(" ,.;") for p in re.split(r"\s+[–—-]\s+|\s*—\s*", plain_text) if p.strip(" ,.;")]
        main = parts[0] if parts else ""
        if len(parts) > 1:
            award["role"] = ", ".join(parts[1:])[:200]
        head, sep, tail = main.partition(", ")
        if sep and _PRIZE.search(head) and len(head.split()) <= 5 and (not bold or bold[0] != main):
            award["title"], award["awarding_body"] = head, tail
        else:
            award["title"] = main
        award["title"] = award["title"].strip(" ,.;")[:300]
        award["awarding_body"] = award["awarding_body"].strip(" ,.;")[:250]
        award["note"] = "; ".join(notes)[:300]
        if not award["title"]:
            draft.leftover(section.title, raw)
            continue
        draft.document["awards"].append(award)


_SERVICE_ROLES = (
    (re.compile(r"review|referee", re.I), "reviewer"),
    (re.compile(r"program(?:me)? committee|\bPC\b|\bTPC\b|committee member", re.I), "pc_member"),
    (re.compile(r"artifact|artefact", re.I), "artifact"),
    (re.compile(r"chair", re.I), "chair"),
    (re.compile(r"organi[sz]", re.I), "organiser"),
    (re.compile(r"editor", re.I), "editor"),
)


def _service_role(label: str) -> tuple[str, str]:
    for pattern, role in _SERVICE_ROLES:
        if pattern.search(label):
            return role, (
                ""
                if plain(label).strip(" :").lower() in {"reviewer", "reviewers", "reviewing"}
                else plain(label).strip(" :")[:120]
            )
    return "other", plain(label).strip(" :")[:120]


def _parse_service(section: Section, draft: CvDraft) -> None:
    label_role = None
    for line in _nonblank(section.lines):
        raw = line.text
        p = plain(raw).strip()
        m = _LABEL.match(raw) or re.match(r"^(?P<label>[A-Z][\w &/-]{2,60}):\s+(?P<text>.+)$", p)
        if m:
            role = _service_role(m.group("label"))
            venues = plain(m.group("text"))
        elif line.kind != "bullet" and not find_date_range(p) and len(p.split()) <= 5:
            label_role = _service_role(p)  # "Reviewer" heading a list
            continue
        else:
            role = label_role
            venues = p
            if role is None:
                role = _service_role(p) if any(pt.search(p) for pt, _ in _SERVICE_ROLES) else ("other", "")
                venues = re.sub(
                    r"^(?:reviewer|referee|program committee member|pc member)\s*(?:for|,|:)?\s*", "", p, flags=re.I
                )
        for venue in re.split(r"\s*;\s*|,\s+(?=[A-Z][A-Za-z]+\s+(?:19|20)\d\d)", venues.strip(" .")):
            venue = venue.strip(" .,")
            if not venue:
                continue
            year = None
            ym = re.search(r"\b((?:19|20)\d\d)\b", venue)
            if ym:
                year = int(ym.group(1))
                venue = re.sub(r"\s{2,}", " ", venue[: ym.start()] + venue[ym.end() :]).strip(" ,")
            else:
                year = two_digit_year(venue)
            draft.document["service"].append(
                {"role": role[0], "role_detail": role[1], "venue": venue[:250], "year": year, "note": ""}
            )


def _parse_skills(section: Section, draft: CvDraft) -> None:
    for item in _items(section.lines):
        for line in item.split("\n"):
            raw = line
            m = _LABEL.match(raw) or re.match(r"^(?P<label>[^:]{1,60}):\s+(?P<text>.+)$", plain(raw))
            if m:
                skill = empty_skill(
                    "language" if re.search(r"\b(spoken|natural) languages?\b", m.group("label"), re.I) else "skill"
                )
                skill["name"] = plain(m.group("label"))[:120]
                skill["keywords"] = [
                    k.strip(" .") for k in re.split(r"\s*[,;]\s*", plain(m.group("text"))) if k.strip(" .")
                ]
                draft.document["skills"].append(skill)
                continue
            for name in re.split(r"\s*[,;]\s*", plain(raw)):
                name = name.strip(" .")
                if name:
                    skill = empty_skill()
                    skill["name"] = name[:120]
                    draft.document["skills"].append(skill)


def _parse_news(section: Section, draft: CvDraft) -> None:
    for item in _items(section.lines):
        raw = " ".join(item.split("\n"))
        p = plain(raw)
        date = ""
        m = re.match(r"^\[?(?P<d>[^\]:]{4,30}?)\]?\s*[:–—-]\s+(?P<body>.+)$", p)
        if m and find_date_range(m.group("d")):
            date, p = parse_cv_date(m.group("d")), m.group("body")
        if p.strip():
            draft.document["news"].append({"date": date, "body": p.strip()})


def _parse_press(section: Section, draft: CvDraft) -> None:
    for item in _items(section.lines):
        raw = " ".join(item.split("\n"))
        links = links_in(raw)
        m = _LABEL.match(raw)
        md_label = re.search(r"\[([^\]]+)\]\(", raw)
        if m:
            outlet = plain(m.group("label"))
            title = plain(md_label.group(1)) if md_label else plain(m.group("text"))
        else:
            head, sep, tail = plain(raw).partition(": ")
            if not sep:
                draft.leftover(section.title, raw)
                continue
            outlet, title = head, tail
        title = title.strip(' “”"')
        if not outlet or not title:
            draft.leftover(section.title, raw)
            continue
        draft.document["press"].append(
            {"outlet": outlet[:200], "title": title[:300], "url": links[0][1] if links else "", "date": ""}
        )


_PARSERS = {
    "about": _parse_about,
    "research_interests": _parse_interests,
    "contact": _parse_contact,
    "education": _parse_education,
    "experience": _parse_experience,
    "teaching": _parse_teaching,
    "open_source": _parse_open_source,
    "projects": _parse_projects,
    "publications": _parse_publications,
    "talks": _parse_talks,
    "awards": _parse_awards,
    "service": _parse_service,
    "skills": _parse_skills,
    "news": _parse_news,
    "press": _parse_press,
}
