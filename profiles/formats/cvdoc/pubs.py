"""One publication as a CV prints it -> a publication record (``publications.formats.empty_record``).

Understood layouts (markup optional):

* ``**Title.**`` / ``*Title*`` / ``“Title”`` on its own, authors and venue on the other lines;
* ``Authors. Title. Venue, Year.`` on one line (APA/ACM/IEEE-like, quotes optional);
* marks after author names: ``*`` and ``†`` = equal contribution (co-first), ``✉`` or
  ``(corresponding)`` = corresponding author; legends such as ``(*co-first)`` are removed;
* years as ``2019``, ``(2019)`` or ``OSDI '22``; links (paper/PDF/code/slides/video) and DOIs/arXiv ids.
"""

from __future__ import annotations

import re

from profiles.formats.cvdoc.dates import two_digit_year
from profiles.formats.cvdoc.lines import links_in, plain
from publications.formats import (
    arxiv_from_text,
    doi_from_text,
    empty_record,
    make_author,
    split_name,
)

__all__ = ["guess_kind", "looks_like_author_list", "parse_authors", "parse_publication"]

_EQUAL_MARKS = "*†"
_CORRESPONDING_MARKS = "✉"
_LEGEND = re.compile(
    r"\(\s*[*†‡✉]+\s*(?:co-?first(?: authors?)?|equal(?:ly)? contribut\w*|corresponding(?: authors?)?)[^)]*\)"
    r"|(?:^|\s)[*†‡]\s*(?:co-?first author\w*|equal contribution)\.?",
    re.IGNORECASE,
)
_W = r"[A-ZÀ-ÖØ-Þ\u4e00-\u9fff][\w'’\-À-ÿ]*"
_I = r"[A-Z]\.(?:\s?-?[A-Z]\.)*"
_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|la|le|ten|ter|bin|al|el)"
_NAME = re.compile(
    rf"^(?:{_I}\s*|(?:{_W}|{_PARTICLE})\s+)*{_W}$"
    rf"|^(?:{_PARTICLE}\s+)*{_W}(?:\s+{_W})*,\s*(?:{_I}|{_W})(?:\s*(?:{_I}|{_W}))*$"
)


def _clean_name(raw: str) -> tuple[str, bool, bool]:
    """``"Chijun Sima*"`` -> ``("Chijun Sima", equal, corresponding)``."""
    s = plain(raw).strip()
    s = re.sub(r"\$\^?\{?([*†‡])\}?\$", r"\1", s)  # Sima$^*$
    equal = corresponding = False
    if re.search(r"\(corresponding(?: author)?\)", s, re.IGNORECASE):
        corresponding = True
        s = re.sub(r"\(corresponding(?: author)?\)", "", s, flags=re.IGNORECASE)
    marks = re.findall(r"[*†‡✉¹²³#]", s)
    if any(m in _EQUAL_MARKS for m in marks):
        equal = True
    if any(m in _CORRESPONDING_MARKS for m in marks):
        corresponding = True
    s = re.sub(r"[*†‡✉¹²³#]", "", s)
    s = s.strip(" ,;")
    if s.endswith(".") and not re.search(r"(?:^|[\s.-])[A-Z]\.$", s):
        s = s[:-1].rstrip(" ,;")
    return s, equal, corresponding


def _split_author_list(text: str) -> list[str]:
    by_and = [p.strip() for p in re.split(r"\s+and\s+|\s*&\s*", text.strip()) if p.strip()]
    if len(by_and) >= 2 and all(p.count(",") == 1 for p in by_and):
        return by_and  # "Last, First and Last, First" (BibTeX style)
    s = re.sub(r",?\s+(?:and|&)\s+", ", ", text.strip().rstrip("."))
    if ";" in s and s.count(";") >= s.count(",") / 2:
        return [p for p in (x.strip() for x in s.split(";")) if p]
    parts = [p.strip() for p in s.split(",") if p.strip()]
    # "Sima, C., Fu, Y." (family, initials): pair them back up.
    if len(parts) >= 2 and all(re.fullmatch(r"(?:[A-Z]\.?\s*-?)+", p.strip(" *†")) for p in parts[1::2]):
        parts = [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts) - 1, 2)] + (
            [parts[-1]] if len(parts) % 2 else []
        )
    return parts


def looks_like_author_list(text: str) -> bool:
    """True when ``text`` reads as a list of personal names (``A B*, C D, and E F``)."""
    s = plain(_LEGEND.sub("", text or "")).strip().rstrip(".")
    if not s or len(s) > 1500:
        return False
    parts = _split_author_list(s)
    if not parts:
        return False
    good = 0
    for part in parts:
        name, _, _ = _clean_name(part)
        if name.lower() in {"et al", "others"}:
            good += 1
            continue
        words = name.replace(",", " ").split()
        if 1 <= len(words) <= 5 and _NAME.match(name) and not re.search(r"\d", name):
            good += 1
    return good == len(parts) and (len(parts) >= 2 or len(s.split()) <= 4)


def parse_authors(text: str) -> tuple[list[dict], bool]:
    """Authors in order with their marks, and whether the list was cut (``et al.``)."""
    s = _LEGEND.sub("", text or "")
    authors, truncated = [], False
    for part in _split_author_list(plain(s) if "[" in s else s):
        name, equal, corresponding = _clean_name(part)
        if not name:
            continue
        if name.lower().rstrip(".") in {"et al", "others", "and others"}:
            truncated = True
            continue
        m = re.fullmatch(r"(?P<family>[^\s,]{2,}(?:\s[^\s,]{2,})?)\s(?P<initials>[A-Z]{1,3})", name)
        if m and not m.group("family").isupper():  # "Doe J" / "Smith AB" (Vancouver, Springer)
            given, family = ". ".join(m.group("initials")) + ".", m.group("family")
        else:
            given, family = split_name(name)
        authors.append(make_author(given, family, equal_contribution=equal, corresponding=corresponding))
    return authors, truncated


_WORKSHOP = re.compile(r"\bworkshop\b", re.IGNORECASE)
_PREPRINT = re.compile(r"arxiv|biorxiv|medrxiv|preprint|\bcorr\b|ssrn|under review|submitted", re.IGNORECASE)
_JOURNAL = re.compile(
    r"journal|transactions|\btrans\.|letters|magazine|review|\baccess\b|\bj\.|nature|science\b", re.IGNORECASE
)
_THESIS = re.compile(r"thesis|dissertation", re.IGNORECASE)
_PATENT = re.compile(r"\bpatent\b", re.IGNORECASE)


# The first that matches names the kind; then the conference test.
_VENUE_KINDS = (
    (_PATENT, "patent"),
    (_THESIS, "thesis"),
    (_PREPRINT, "preprint"),
    (_WORKSHOP, "workshop"),
    (_JOURNAL, "journal"),
)
_CONFERENCE = re.compile(r"conference|proceedings|\bproc\.|symposium|\bconf\.", re.IGNORECASE)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]*[A-Z]{2,}")  # OSDI, SIGCOMM, NeurIPS


def guess_kind(venue: str) -> str:
    """A publication kind from the words of its venue ("other" when nothing says)."""
    if not venue:
        return "other"
    found = next((kind for pattern, kind in _VENUE_KINDS if pattern.search(venue)), None)
    if found:
        return found
    if _CONFERENCE.search(venue) or _ACRONYM.match(venue.strip()):
        return "conference"
    return "other"


_EMPH = re.compile(r"\*\*(?P<b>.+?)\*\*|(?<![*\w])\*(?P<i>[^*]+?)\*(?![*\w])|“(?P<q>[^”]+)”|\"(?P<d>[^\"]{8,})\"")
_LINK_FIELDS = (
    (re.compile(r"\bpdf\b|paper", re.I), "url_pdf"),
    (re.compile(r"code|github|software", re.I), "url_code"),
    (re.compile(r"slides?", re.I), "url_slides"),
    (re.compile(r"video|talk|recording|youtube", re.I), "url_video"),
    (re.compile(r"project|website|page", re.I), "url_project"),
)
_SUPERVISION = re.compile(r"\b(?:supervised|advised|mentored) by\b[^.;]*[.;]?", re.IGNORECASE)


def _strip_year(venue: str) -> tuple[str, int | None]:
    year = None
    m = re.search(r"\(?\b((?:19|20)\d\d)[a-z]?\b\)?", venue)
    if m:
        year = int(m.group(1))
        venue = venue[: m.start()] + venue[m.end() :]
    else:
        y = two_digit_year(venue)
        if y:
            year = y
            venue = re.sub(r"\s*['’‘]\d\d\b", "", venue)
    venue = re.sub(r"\(\s*\)", "", re.sub(r"\s{2,}", " ", venue)).strip(" ,.;:-–—")
    while venue.endswith(")") and venue.count(")") > venue.count("("):
        venue = venue[:-1].rstrip(" ,.;:")
    while venue.endswith("(") or (venue.count("(") > venue.count(")") and "(" in venue):
        venue = venue[: venue.rindex("(")].rstrip(" ,.;:")
    return venue.strip(" ,.;:-–—"), year


def parse_publication(entry_lines: list[str]) -> tuple[dict | None, list[str]]:
    """Lines of one entry (markup kept) -> ``(record, leftover_texts)``; ``None`` when no title is found."""
    joined = "\n".join(entry_lines)
    record = empty_record()
    leftovers: list[str] = []
    _place_links(joined, record)
    text, notes, status = _strip_clutter(joined, record)
    title, author_text, rest = _title_authors_rest(text)
    title = plain(title).strip(" .,")
    if not title:
        return None, [plain(joined)]
    record["title"] = title
    if author_text:
        record["authors"], record["authors_truncated"] = parse_authors(author_text)
    _place_venue(record, rest, joined)
    _place_kind(record, status, notes)
    if notes:
        record["note"] = "; ".join(n for n in notes if n)[:300]
    return record, leftovers


def _place_links(joined: str, record: dict) -> None:
    """Links by their labels (the first unlabelled one is ``url``); DOI and arXiv ids from anywhere."""
    for label, url in links_in(joined):
        placed = False
        for pattern, name in _LINK_FIELDS:
            if pattern.search(label or "") and not record[name]:
                record[name], placed = url, True
                break
        if not placed and not record["url"]:
            record["url"] = url
    record["doi"] = doi_from_text(joined)
    record["arxiv_id"] = arxiv_from_text(joined)


def _strip_clutter(joined: str, record: dict) -> tuple[str, list[str], re.Match | None]:
    """The entry without link clutter ("[PDF] [Code]"), ids, pages and a status ("to appear").

    Returns the text left, the supervision notes found ("supervised by …", kept as a note)
    and the status match; the pages go into ``record``.
    """
    notes = [plain(m.group(0)).strip(" .;") for m in _SUPERVISION.finditer(joined)]
    text = _SUPERVISION.sub(" ", joined)
    text = re.sub(
        r"\[\[?(?:pdf|code|slides?|video|bib(?:tex)?|project|website|paper|arxiv|doi|poster|html|abs)\]?\]"
        r"\([^)]*\)",
        " ",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"\b(?:doi:\s*|https?://(?:dx\.)?doi\.org/)10\.\S+|arXiv:\s*\d{4}\.\d{4,5}(?:v\d+)?[,;]?",
        " ",
        text,
        flags=re.IGNORECASE,
    )
    pages = re.search(r"\bpp?\.\s*(\d+)\s*(?:[–—-]{1,2}\s*(\d+))?", text)
    if pages:
        record["pages"] = pages.group(1) + (f"–{pages.group(2)}" if pages.group(2) else "")
        text = text[: pages.start()] + text[pages.end() :]
    status = re.search(r"\(?\b(to appear|accepted|in press|forthcoming|under review|submitted)\b\)?", text, re.I)
    if status:
        text = text[: status.start()] + text[status.end() :]
    text = re.sub(r"[ \t]+([,;])", r"\1", text)  # "SOSP , 2023" after a removed link
    return text, notes, status


def _title_authors_rest(text: str) -> tuple[str, str, list[str]]:
    """``(title, author_text, venue_lines)``: an emphasised or quoted title first, else by lines."""
    title, lines = _emphasised_title(text)
    if not title:
        return _unmarked_title([ln.strip() for ln in text.split("\n") if ln.strip()])
    author_text = ""
    rest: list[str] = []
    for ln in lines:
        if not author_text:
            head, _sep, tail = _split_at_author_end(ln)
            if head:
                author_text = head
                if tail:
                    rest.append(tail)
                continue
        rest.append(ln)
    return title, author_text, rest


def _emphasised_title(text: str) -> tuple[str, list[str]]:
    """The first bold, italic or quoted run that is not an author list, and the lines without it."""
    for m in _EMPH.finditer(text):
        candidate = next(g for g in m.groups() if g).strip(" ,.;:")
        quoted = bool(m.group("q") or m.group("d"))
        before, after = text[: m.start()].rstrip(), text[m.end() :].lstrip()
        in_author_list = (
            not quoted
            and looks_like_author_list(candidate)
            and ("," in candidate or after.startswith(",") or before.endswith((",", " and", "&")))
        )
        if in_author_list or len(plain(candidate).split()) < 2:
            continue
        text_wo = text[: m.start()] + "\n" + text[m.end() :]
        return candidate, [ln.strip(" .,") for ln in text_wo.split("\n") if ln.strip(" .,")]
    return "", []


def _unmarked_title(lines: list[str]) -> tuple[str, str, list[str]]:
    """Lines "Title" / "Authors" / "Venue", or one line "Authors. Title. Venue, Year."."""
    if len(lines) >= 2 and any(looks_like_author_list(_LEGEND.sub("", ln)) for ln in lines):
        idx = next(i for i, ln in enumerate(lines) if looks_like_author_list(_LEGEND.sub("", ln)))
        others = lines[:idx] + lines[idx + 1 :]
        title, rest = (others[0], others[1:]) if others else ("", [])
        return title, lines[idx], rest
    flat = " ".join(lines)
    head, _, tail = _split_at_author_end(flat)
    parts = _sentences(tail if head else flat)
    title, rest = (parts[0], parts[1:]) if parts else ("", [])
    return title, head, rest


def _place_venue(record: dict, rest: list[str], joined: str) -> None:
    """Venue, its short form ("OSDI (Operating Systems Design and Implementation)") and the year."""
    title = record["title"]
    venue_bits = []
    for bit in rest:
        p = plain(_LEGEND.sub("", bit)).strip(" .,;")
        if p:
            venue_bits.append(p)
    venue, year = _strip_year(", ".join(venue_bits))
    venue = re.sub(r"^in:?\s+(?=[A-Z])", "", venue, flags=re.IGNORECASE)
    if year is None:
        _, year = _strip_year(title)
        year = year if year and re.search(r"\b(19|20)\d\d\b", joined.replace(title, "")) else None
    record["year"] = year
    m = re.match(r"^(?P<short>[A-Z][A-Za-z&\-]{1,15})(?:\s*\((?P<long>[^)]+)\))?$", venue)
    if m and m.group("long"):
        record["venue"], record["venue_short"] = m.group("long"), m.group("short")
    elif m and re.fullmatch(r"[A-Z][A-Za-z\-]*[A-Z][A-Za-z\-]*", venue):
        record["venue"], record["venue_short"] = venue, venue
    else:
        record["venue"] = venue


def _place_kind(record: dict, status: re.Match | None, notes: list[str]) -> None:
    """Kind from the venue; "under review"/"submitted" and a bare arXiv id make a preprint."""
    record["kind"] = guess_kind(record["venue"])
    if status:
        notes.append(status.group(1).lower())
        if status.group(1).lower() in {"under review", "submitted"}:
            record["kind"] = "preprint"
    if record["arxiv_id"] and record["kind"] == "other":
        record["kind"] = "preprint"
        record["venue"] = record["venue"] or "arXiv"


def _split_at_author_end(line: str) -> tuple[str, str, str]:
    """``"A, B, C. Venue, 2019."`` -> ``("A, B, C", ".", "Venue, 2019.")`` when the head is an author list.

    The longest head that reads as an author list wins, so initials (``Doe, J., Smith, A.``) stay in it.
    """
    s = line.strip()
    if looks_like_author_list(_LEGEND.sub("", s)):
        return s, "", ""
    m = re.match(r"^(?P<head>.+?)\s*\((?P<year>(?:19|20)\d\d)[a-z]?\)[.:]?\s+(?P<tail>.+)$", s)
    if m and looks_like_author_list(_LEGEND.sub("", m.group("head"))):  # APA/Springer: "Doe J, Smith A (2020) Title."
        return m.group("head"), "", f"{m.group('tail')} ({m.group('year')})"
    best = None
    for m in re.finditer(r"[.:](?:\s+|$)|\)\.?\s+", s):
        end = m.start() + (1 if s[m.start()] in ").:" and re.search(r"(?:^|[\s,])[A-Z]$|\)$", s[: m.start()]) else 0)
        head = s[:end] if s[m.start()] != ")" else s[: m.start() + 1]
        if looks_like_author_list(_LEGEND.sub("", head)):
            best = (head, m.group(0), s[m.end() :])
    return best or ("", "", s)


_ABBREV = {"proc", "conf", "int", "vol", "pp", "no", "trans", "intl", "al", "eds", "ed", "dept", "univ", "st", "jr"}


def _sentences(text: str) -> list[str]:
    """Split at ``. `` that ends a sentence (not an initial like ``J.`` or ``Proc.``)."""
    s = text.strip()
    parts, start = [], 0
    for m in re.finditer(r"\.\s+(?=[A-Z0-9“\"*(])|[?!]\s+", s):
        word = re.search(r"(\w+)$", s[start : m.start()])
        w = word.group(1) if word else ""
        if m.group(0).startswith(".") and ((len(w) == 1 and w.isupper()) or w.lower() in _ABBREV):
            continue
        parts.append(s[start : m.start() + (1 if m.group(0)[0] in "?!" else 0)])
        start = m.end()
    parts.append(s[start:])
    return [p.strip(" .") for p in parts if p.strip(" .")]
