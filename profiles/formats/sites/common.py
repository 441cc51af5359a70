"""Shared pieces of the site readers: front matter, file walking, the result and its report."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import yaml

from profiles.formats import empty_document, empty_link, link_kind_for_url, text
from publications.formats import normalise_partial_date

__all__ = ["DocumentRefused", "SiteImport", "partial", "read_front_matter", "read_text", "read_yaml", "site_file"]

# Author folders that name no one (Hugo's default superuser folders): never used as a profile slug.
GENERIC_AUTHORS = {"admin", "me", "author", "default", "user", "owner"}


@dataclass
class SiteImport:
    """What a site folder holds, read into the project's shapes.

    ``documents``: profile documents (``profiles.formats.empty_document`` shape, plus
    ``site_author`` (the author folder, ``""`` on one-person sites), ``slug`` (the folder
    name unless it is generic like ``admin``), ``role``/``status`` when the site says, and
    ``avatar_path`` (an image file in the site)), ``publications``: publication records
    (``publications.formats.empty_record`` shape; authors matched to a site author carry
    ``"site_author": folder``; extra keys ``selected``, ``featured``, ``attachments`` (local
    PDF paths found in the site) and ``source`` (the file)),
    ``not_imported``: ``{relative file: [what was left out, …]}``, ``warnings``: problems.
    """

    generator: str = ""
    root: str = ""
    documents: list = field(default_factory=list)
    publications: list = field(default_factory=list)
    not_imported: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    files_read: int = 0
    owner: str = ""  # site_author of the site's owner (Hugo's superuser; "" on one-person sites)

    def skip(self, path, what: str) -> None:
        self.not_imported.setdefault(str(path), []).append(what)

    def warn(self, path, message: str) -> None:
        self.warnings.append(f"{path}: {message}" if path else message)

    def document(self, author: str = "") -> dict:
        """The document of a site author (folder name; ``""`` for a one-person site), created on first use."""
        for doc in self.documents:
            if doc.get("site_author", "") == author:
                return doc
        doc = empty_document()
        doc["site_author"] = author
        if author and author.lower() not in GENERIC_AUTHORS:
            doc["slug"] = re.sub(r"[^-a-zA-Z0-9_]", "-", author).strip("-")[:80]
        self.documents.append(doc)
        return doc

    def report_lines(self) -> list[str]:
        lines = [f"site: {self.generator or 'unknown'} ({self.files_read} files read)"]
        for doc in self.documents:
            counts = ", ".join(f"{len(v)} {k}" for k, v in doc.items() if isinstance(v, list) and v)
            lines.append(f"profile {doc.get('full_name') or doc.get('slug') or '(no name)'}: {counts or 'no sections'}")
        lines.append(f"publications: {len(self.publications)}")
        for message in self.warnings:
            lines.append(f"warning: {message}")
        for path in sorted(self.not_imported):
            for what in self.not_imported[path]:
                lines.append(f"not imported: {path}: {what}")
        return lines


_YAML_FM = re.compile(r"\A\ufeff?---\s*\n(.*?)\n(?:---|\.\.\.)\s*(?:\n|\Z)", re.DOTALL)
_TOML_FM = re.compile(r"\A\ufeff?\+\+\+\s*\n(.*?)\n\+\+\+\s*(?:\n|\Z)", re.DOTALL)


class DocumentRefused(ValueError):
    """A file of the site that is refused as it stands (crafted or not text); the message says why."""


MAX_DEPTH = 50  # nesting of front matter and YAML/TOML files (Python's recursion stops near 1000)
MAX_YAML_VALUES = 100_000  # values of a YAML file once its aliases are expanded (alias bombs)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as ISO strings (Hugo/Jekyll front matter) and refuses crafted
    YAML: nesting deeper than ``MAX_DEPTH``, aliases that expand to more than ``MAX_YAML_VALUES``
    values (``&name "Ada"`` … ``*name``, as academicpages' ``_config.yml`` has, is fine) and
    aliases inside the list or mapping they name (a structure that holds itself)."""

    def __init__(self, stream):
        super().__init__(stream)
        self._open, self._sizes, self._values = [], {}, 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open:
                raise DocumentRefused(f"the YAML alias *{event.anchor} is inside what it names; refused")
            self._count(self._sizes.get(event.anchor, 1))
            return super().compose_node(parent, index)
        if len(self._open) >= MAX_DEPTH:
            raise DocumentRefused(_too_deep())
        self._open.append(getattr(event, "anchor", None))
        before = self._count(1)
        try:
            return super().compose_node(parent, index)
        finally:
            anchor = self._open.pop()
            if anchor is not None:
                self._sizes[anchor] = self._values - before + 1

    def _count(self, values: int) -> int:
        self._values += values
        if self._values > MAX_YAML_VALUES:
            raise DocumentRefused(
                f"YAML aliases (&anchor/*alias) expand to more than {MAX_YAML_VALUES} values; refused"
            )
        return self._values


def _timestamp_as_text(loader, node):
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def _too_deep() -> str:
    return f"the data is nested more than {MAX_DEPTH} levels deep; refused"


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__


def read_yaml(source: str, what: str = "YAML"):
    """YAML text -> data; raises ``DocumentRefused`` with the reason (invalid, aliases, too deep)."""
    try:
        data = yaml.load(source, Loader=_Loader)  # a SafeLoader subclass: dates stay strings
    except yaml.YAMLError as exc:
        raise DocumentRefused(f"invalid {what}: {_first_line(exc)}") from exc
    except RecursionError as exc:
        raise DocumentRefused(_too_deep()) from exc
    return _checked(data)


def read_toml(source: str, what: str = "TOML") -> dict:
    """TOML text -> data; raises ``DocumentRefused`` with the reason (invalid, too deep)."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise DocumentRefused(f"invalid {what}: {_first_line(exc)}") from exc
    except RecursionError as exc:
        raise DocumentRefused(_too_deep()) from exc
    return _checked(data)


def _checked(data):
    """``data`` as JSON-like values (dates as ISO text, no NUL characters) when it is not nested too deeply."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            raise DocumentRefused(_too_deep())
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return _jsonable(data)


def read_text(path: Path, errors: str = "strict") -> str:
    """A text file of the site (UTF-8; ``errors`` as in ``bytes.decode``); raises ``DocumentRefused``
    when it cannot be read or is not text (NUL bytes)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentRefused(f"could not read the file ({exc.__class__.__name__})") from exc
    if b"\x00" in raw:
        raise DocumentRefused("this is not a text file: it contains NUL bytes")
    try:
        return raw.decode("utf-8-sig", errors)
    except UnicodeDecodeError as exc:
        raise DocumentRefused(f"could not read the file ({exc.__class__.__name__}: not UTF-8)") from exc


def read_yaml_file(root: Path, name: str, site: SiteImport):
    """The YAML file ``name`` of the site (``None`` when absent or refused, with a warning naming it)."""
    path = root / name
    if not path.is_file():
        return None
    site.files_read += 1
    try:
        return read_yaml(read_text(path))
    except DocumentRefused as exc:
        site.warn(name, str(exc))
        return None


def read_front_matter(path: Path) -> tuple[dict, str, str | None]:
    """``(front matter, body, error)`` of a Markdown file with YAML (``---``) or TOML (``+++``) front matter."""
    try:
        raw = read_text(path)
    except DocumentRefused as exc:
        return {}, "", str(exc)
    for pattern, reader, kind in ((_YAML_FM, read_yaml, "YAML"), (_TOML_FM, read_toml, "TOML")):
        m = pattern.match(raw)
        if not m:
            continue
        body = raw[m.end() :]
        try:
            data = reader(m.group(1), f"{kind} front matter")
        except DocumentRefused as exc:
            return {}, body, str(exc)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            return {}, body, "the front matter is not a mapping"
        return data, body.strip(), None
    return {}, raw.strip(), None


def site_file(root: Path, *parts: str) -> str | None:
    """The path inside the upload of the file a document of the site names (``parts`` joined under
    ``root``; a leading ``/`` is the site's root, as on the web), or ``None`` when it is not a file of
    the upload. ``..`` and symlinks that leave the site are never looked up on the server, so the
    answer is the same whether or not such a file exists there."""
    try:
        base = root.resolve()
        candidate = base.joinpath(*(part.lstrip("/\\") for part in parts)).resolve()
        if not candidate.is_relative_to(base) or not candidate.is_file():
            return None
        return candidate.relative_to(base).as_posix()
    except (OSError, RuntimeError, ValueError):  # a loop of symlinks, a name too long, a NUL in the name
        return None


class Page(NamedTuple):
    """A page of a site, read: its file, its path in the site, its front matter and its body."""

    file: Path
    path: str
    data: dict
    body: str


def read_page(root: Path, file: Path, site: SiteImport) -> Page | None:
    """The page in ``file``, counted as read; ``None`` (and a warning) when the file or its front
    matter cannot be read."""
    path = rel(root, file)
    data, body, error = read_front_matter(file)
    site.files_read += 1
    if error:
        site.warn(path, error)
        return None
    return Page(file, path, data, body)


def read_pages(root: Path, files, site: SiteImport):
    """Each of ``files`` that can be read, as a ``Page`` (see ``read_page``), one after the other."""
    for file in files:
        page = read_page(root, file, site)
        if page is not None:
            yield page


def publication_title(page: Page, site: SiteImport) -> str:
    """The title of a publication page; a page without one is named in a warning (the caller skips it)."""
    title = text(page.data.get("title"))
    if not title:
        site.warn(page.path, "publication without a title; skipped")
    return title


def put_year_month(record: dict, value) -> None:
    """A front-matter date's year and month into a publication record (unchanged when there is no date)."""
    date = partial(value)
    if date:
        record["year"] = int(date[:4])
        record["month"] = int(date[5:7]) if len(date) >= 7 else None


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("\x00", "")  # a "\0" or "\u0000" escape: PostgreSQL refuses NUL in text
    return value


def partial(value) -> str:
    """Any front-matter date -> ISO partial date (``""`` when absent)."""
    s = text(value)
    if not s:
        return ""
    return normalise_partial_date(s[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", s) else s)


def as_list(value) -> list:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def add_link(doc: dict, url: str, label: str = "", kind: str | None = None) -> None:
    url = text(url)
    if not url:
        return
    if url.lower().startswith("mailto:"):
        doc["email"] = doc["email"] or url[7:]
        return
    if re.fullmatch(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", url):
        doc["email"] = doc["email"] or url
        return
    if not url.lower().startswith(("http://", "https://")):
        return
    if any(link["url"] == url for link in doc["links"]):
        return
    doc["links"].append(empty_link(kind or link_kind_for_url(url), url, label[:100]))


def strip_html(value) -> str:
    s = re.sub(r"<br\s*/?>", "\n", text(value), flags=re.I)
    s = re.sub(r"<a\s[^>]*href=[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", r"\2", s, flags=re.I | re.S)
    s = re.sub(r"<[^>]+>", "", s)
    return re.sub(r"[ \t]+", " ", s).strip()


def markdown_plain(body: str) -> str:
    """Markdown body as readable text (shortcodes, HTML and images removed, paragraphs kept)."""
    s = re.sub(r"\{\{[<%].*?[%>]\}\}", "", body or "", flags=re.S)  # Hugo shortcodes
    s = re.sub(r"\{%.*?%\}", "", s, flags=re.S)  # Liquid tags
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", s)
    s = strip_html(s)
    s = re.sub(r"\n{3,}", "\n\n", s)
    return s.strip()


def rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name  # never the server's path (a temporary folder) in a report


def report_unused(site: SiteImport, path: str, data: dict, used: set, ignored: set = frozenset()) -> None:
    """List the front-matter keys that were neither imported nor known to be presentation-only."""
    left = sorted(k for k, v in data.items() if k not in used and k not in ignored and v not in (None, "", [], {}))
    if left:
        site.skip(path, "fields " + ", ".join(left))


def visible(paths, *, files_only: bool = True) -> list[Path]:
    """Sorted, without hidden files (``.DS_Store``, macOS ``._x.md`` forks, editor swap files)."""
    return sorted(p for p in paths if not p.name.startswith((".", "~")) and (p.is_file() or not files_only))
