"""Bulk import: files in any supported format into the lab, all or nothing.

The flow follows pretix's order import. For every file: refuse it when it is too big
(settings.IMPORT_MAX_BYTES) or has too many entries (IMPORT_MAX_ROWS), before parsing;
decode it (UTF-8 with or without BOM; cp1252 only when that decodes cleanly, with a
note in the report); detect its format; parse it with the pure parsers, collecting
every problem with its line or entry key. Any problem in any file: nothing is written.
Then write the whole run in one transaction (a dry run writes and rolls back, so its
counts are exact); an error found while writing rolls everything back too.

Within a run, members CSVs go first (so papers can link to new members), then profile
documents (native, JSON Resume, ORCID), then publication lists (BibTeX, CSL-JSON, CSV).

Entry points: `import_paths` (the `import_profiles` command and the admin page),
`import_uploads` (any list of (name, bytes)), `import_for_profile` (a member's
/me/import/ page: their own profile and the papers they wrote, nothing else).
"""

import contextlib
import csv
import gc
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from profiles import fields as profile_fields
from profiles import permissions, sections, services
from profiles.cache import bulk_run
from profiles.formats import ParseError, ParseResult, members_csv
from profiles.formats.jsonresume import parse_json_resume
from profiles.formats.members_csv import LINK_COLUMNS, member_columns
from profiles.formats.native import is_native, parse_native
from profiles.formats.orcid import parse_orcid_record
from profiles.imports.matching import member_index_from_db
from profiles.imports.report import ImportReport
from profiles.imports.sandbox import ReaderLimit, run_limited
from profiles.imports.sync import (
    _messages,
    find_profile,
    new_slug,
    row_values,
    sync_items,
    upsert,
    without_blank_choices,
    write_documents,
)
from profiles.models import Profile, ProfileLink
from publications.formats import JSONTooDeep, load_json
from publications.formats.bibtex import StreamCheck, iter_bibtex, iter_bibtex_chunks, parse_bibtex
from publications.formats.csl import parse_csl_json
from publications.formats.csv import iter_publications_csv, looks_like_publications_csv
from publications.imports.pipeline import (
    PublicationIndex,
    import_publication_records,
    skip_entry,
    warn_entry,
)
from publications.search import index_deferred

FORMATS = ["auto", "bibtex", "csl", "jsonresume", "orcid", "native", "csv"]
MEMBER_FORMATS = {"bibtex", "csl", "jsonresume", "orcid", "native"}
EXTENSIONS = {".bib": "bibtex", ".bibtex": "bibtex", ".csv": "csv", ".json": "json", ".txt": None}
ORDER = {"members-csv": 0, "native": 1, "jsonresume": 1, "orcid": 1, "bibtex": 2, "csl": 2, "publications-csv": 2}


# --- Reading: limits, decoding, format detection ---------------------------------------------


def max_bytes():
    return getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def max_rows():
    return getattr(settings, "IMPORT_MAX_ROWS", 50_000)


def too_big(size):
    limit = max_bytes()
    if size > limit:
        return f"the file is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB (settings.IMPORT_MAX_BYTES)"
    return ""


def decode(data):
    """(text, note) from bytes; text None when it is not text we can read."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "decoded as UTF-16"
        except UnicodeDecodeError:
            return None, "not valid UTF-16 text"
    if b"\x00" in data:
        return None, "this is not a text file (it contains NUL bytes)"
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        utf8_error = f"not valid UTF-8 (byte {exc.start})"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None, f"{utf8_error}, nor cp1252/latin-1; save it as UTF-8"
    return text, f"{utf8_error}; read as Windows-1252 (latin-1): check accented names"


def sniff(name, text):
    """The format of a file from its extension and content (None when unknown)."""
    ext = Path(name).suffix.lower()
    by_ext = EXTENSIONS.get(ext)
    stripped = text.lstrip()
    if by_ext == "bibtex" or (by_ext is None and stripped.startswith("@")):
        return "bibtex"
    if by_ext == "json" or stripped[:1] in "[{":
        try:
            data = load_json(stripped)
        except JSONTooDeep:
            return "json"  # refused with its reason by load_source
        except ValueError:
            return "json" if by_ext == "json" else None
        if is_native(data):
            return "native"
        if isinstance(data, dict) and {"orcid-identifier", "activities-summary"} & set(data):
            return "orcid"
        if isinstance(data, dict) and {"basics", "work", "education"} & set(data) and "format" not in data:
            return "jsonresume"
        if isinstance(data, list) or (isinstance(data, dict) and ({"items", "message"} & set(data) or "type" in data)):
            return "csl"
        return "json"
    if by_ext == "csv" or "," in stripped.split("\n", 1)[0]:
        return "csv"
    if re.search(r"^\s*@\w+\s*[{(]", text, re.M):
        return "bibtex"
    return None


def count_entries(fmt, text):
    """Entries in a file, counted without parsing it."""
    if fmt == "bibtex":
        return len(re.findall(r"^\s*@(?!(?:comment|string|preamble)\b)\w+\s*[{(]", text, re.M | re.I))
    if fmt == "csv":
        return max(sum(1 for _ in csv.reader(io.StringIO(text))) - 1, 0)
    if fmt in {"csl", "native", "jsonresume", "orcid"}:
        return text.count('"title"') + (0 if fmt == "csl" else 1)
    return 0


PARSERS = {
    "bibtex": parse_bibtex,
    "csl": parse_csl_json,
    "jsonresume": parse_json_resume,
    "orcid": parse_orcid_record,
    "native": parse_native,
}


def _where(error):
    return str(error) if isinstance(error, ParseError) else error


STREAM_MIN_BYTES = 16 * 1024 * 1024  # a BibTeX file on disk this big is read a piece at a time
CHUNK_BYTES = 1024 * 1024


def _text_chunks(path):
    """A UTF-8 file's text, newlines made ``\\n``, a chunk at a time (UnicodeDecodeError if it is not UTF-8)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    carry = ""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            text = carry + decoder.decode(chunk)
            carry = "\r" if text.endswith("\r") else ""  # "\r\n" cut in two
            yield (text[:-1] if carry else text).replace("\r\n", "\n").replace("\r", "\n")
    rest = carry + decoder.decode(b"", final=True)
    if rest:
        yield rest.replace("\r\n", "\n").replace("\r", "\n")


def _stream_bibtex(name, path, fmt, report):
    """A big .bib file on disk, read once to check it and once, bit by bit, while it is imported.

    None when it must be read whole instead: not plain UTF-8 BibTeX (the whole-file path
    reports why, or reads cp1252), or entries that refer to each other (crossref/xdata) or to
    a macro defined below them.
    """
    if fmt not in ("auto", "bibtex") or Path(path).suffix.lower() not in (".bib", ".bibtex"):
        return None
    check, size = StreamCheck(), 0
    try:
        with open(path, "rb") as handle:
            if b"\x00" in handle.read(4096):
                return None
        for text in _text_chunks(path):
            size += len(text)
            check.feed(text)
    except UnicodeDecodeError:
        return None
    if not check.streamable:
        return None
    if check.entries > max_rows():
        report.error(f"{name}: refused: {check.entries} entries; the limit is {max_rows()} (settings.IMPORT_MAX_ROWS)")
        return "bibtex", iter(())
    result = ParseResult()
    return "bibtex", _reporting(iter_bibtex_chunks(_text_chunks(path), result, size), result, report, name)


def _csv_lines(path):
    """A UTF-8 CSV file's lines, read as they are needed (``newline=""``, as the csv module wants)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        yield from handle


def _stream_csv(name, path, fmt, report):
    """A big publications CSV on disk, read once to check it and once, row by row, while it is imported.

    None when it must be read whole instead: not a ``.csv`` file, not UTF-8 (the whole-file
    path reports why, or reads cp1252), or not a publications CSV (a members CSV is small).
    Without this, a 90 MB CSV of 200,000 papers was held three times over (bytes, text and
    the csv module's buffer): over 700 MB.
    """
    if fmt not in ("auto", "csv") or Path(path).suffix.lower() != ".csv":
        return None
    try:
        with open(path, "rb") as handle:
            if b"\x00" in handle.read(4096):
                return None
        rows = csv.reader(_csv_lines(path))
        headers = next(rows, [])
        if not looks_like_publications_csv(headers):
            return None
        entries = sum(1 for _ in rows)
    except (UnicodeDecodeError, csv.Error):
        return None
    if entries > max_rows():
        report.error(f"{name}: refused: {entries} entries; the limit is {max_rows()} (settings.IMPORT_MAX_ROWS)")
        return "publications-csv", iter(())
    result = ParseResult()
    return "publications-csv", _reporting(iter_publications_csv(_csv_lines(path), result), result, report, name)


def load_source(name, data, fmt, report, *, allowed=None):
    """Decode, detect, count and parse one file; problems go to `report`. -> (kind, records).

    `data`: the file's bytes, or a Path (a big BibTeX file is then read a piece at a time).
    """
    path = data if isinstance(data, Path) else None
    if isinstance(data, Path):
        streamed = None
        if data.stat().st_size >= STREAM_MIN_BYTES and (allowed is None or "bibtex" in allowed):
            streamed = _stream_bibtex(name, data, fmt, report)
        if data.stat().st_size >= STREAM_MIN_BYTES and allowed is None:
            streamed = streamed or _stream_csv(name, data, fmt, report)
        if streamed is not None:
            return streamed
        data = data.read_bytes()
    problem = too_big(len(data))
    if problem:
        report.error(f"{name}: refused: {problem}")
        return None
    text, note = decode(data)
    if text is None:
        report.error(f"{name}: {note}")
        return None
    if note:
        report.note(f"{name}: {note}")
    detected = sniff(name, text) if fmt == "auto" else fmt
    if detected == "json":
        try:
            load_json(text)
        except ValueError as exc:
            report.error(f"{name}: line {getattr(exc, 'lineno', '?')}: invalid JSON: {getattr(exc, 'msg', exc)}")
            return None
    if detected in (None, "json"):
        report.error(f"{name}: could not tell the format (use --format: bibtex, csl, jsonresume, orcid, native or csv)")
        return None
    if allowed is not None and detected not in allowed:
        report.error(f"{name}: {detected} files are imported by lab admins only")
        return None
    entries = count_entries(detected, text)
    if entries > max_rows():
        report.error(f"{name}: refused: {entries} entries; the limit is {max_rows()} (settings.IMPORT_MAX_ROWS)")
        return None
    if detected in STREAMED:
        # Publication lists are read as they are written, one batch at a time: problems
        # are reported as they are met (inside the run's transaction, which any error
        # rolls back), and only a batch of records is held in memory.
        result = ParseResult()
        records = STREAMED[detected](text, result)
        del text, data
        return detected, _reporting(records, result, report, name)
    if detected == "csv":
        headers = next(csv.reader(io.StringIO(text)), [])
        if looks_like_publications_csv(headers):
            result = ParseResult()
            return "publications-csv", _reporting(iter_publications_csv(text, result), result, report, name)
        elif looks_like_members_csv(headers):
            kind, result = "members-csv", parse_members_csv(text)
        else:
            report.error(
                f"{name}: line 1: unrecognised CSV header {', '.join(headers[:8])!r}: a members CSV needs "
                "a name column (and email, role, orcid …); a publications CSV needs title and authors"
            )
            return None
    else:
        kind, result = detected, PARSERS[detected](text)
    _drain(result, report, name)
    if kind in {"jsonresume", "orcid", "native"} and not result.errors and not result.records:
        report.error(f"{name}: no profile found in the file")
    if path is not None and kind in {"jsonresume", "orcid", "native"}:
        # Checked now; read again when written, so that a folder of thousands of profile
        # documents is never held in memory whole (5,000 documents parsed are 150 MB).
        return kind, _read_again(path, kind)
    return kind, result.records


class _Recorder:
    """The report a reader writes in its child process: its messages in order, replayed by the parent."""

    def __init__(self, strict):
        self.strict, self.calls = strict, []

    def __getattr__(self, method):  # error, warn, note
        if method not in ("error", "warn", "note"):
            raise AttributeError(method)
        return lambda message: self.calls.append((method, message))


def _load_in_child(name, data, fmt, strict, allowed):
    recorder = _Recorder(strict)
    item = load_source(name, data, fmt, recorder, allowed=allowed)
    if item is not None:
        item = (item[0], list(item[1]))  # a generator's problems are met as it is drained
    return item, recorder.calls


def load_limited(name, data, fmt, report, *, allowed=None):
    """load_source in a child process with limits (profiles.imports.sandbox) for uploaded bytes.

    Files on disk (a Path: the command line's, the operator's own files, not a member's
    upload) are read in this process, as they are written: a big BibTeX file a piece at a
    time and a folder of thousands of documents one at a time, without a process each.
    """
    if isinstance(data, Path):
        return load_source(name, data, fmt, report, allowed=allowed)
    label = Path(name).name
    try:
        item, calls = run_limited(
            _load_in_child, name, data, fmt, getattr(report, "strict", False), allowed, what=label
        )
    except ReaderLimit as exc:
        report.error(f"{label}: {exc}")
        return None
    for method, message in calls:
        getattr(report, method)(message)
    return item


def _read_again(path, kind):
    """The records of a profile document on disk that load_source checked (its problems are reported)."""
    text, _note = decode(path.read_bytes())
    yield from PARSERS[kind](text).records


STREAMED = {"bibtex": iter_bibtex}


def _drain(result, report, name):
    """Move a parser's problems into the report (and out of `result`)."""
    for error in result.errors:
        report.error(f"{name}: {_where(error)}")
    for problem in result.skipped:  # entries that cannot be papers: skipped, or errors with --strict
        skip_entry(report, f"{name}: {_where(problem)}")
    for problem in result.warnings:
        warn_entry(report, f"{name}: {_where(problem)}")
    result.errors.clear()
    result.skipped.clear()
    result.warnings.clear()


def _reporting(records, result, report, name):
    """`records` (a parser's generator), reporting its problems as they are met."""
    for record in records:
        _drain(result, report, name)
        yield record
    _drain(result, report, name)


# --- The lab's members CSV ----------------------------------------------------------------


def looks_like_members_csv(headers):
    mapping = member_columns(headers)
    return "full_name" in mapping and bool({"email", "role", "status", "orcid", "slug", "homepage"} & set(mapping))


def parse_members_csv(text):
    """Members CSV -> ParseResult of {field: value} rows, roles and statuses checked against the model's."""
    return members_csv.parse_members_csv(text, roles=Profile.Role.choices, statuses=Profile.Status.choices)


def import_member_rows(rows, report, source):
    """Create or update one profile per members-CSV row (matched by ORCID, email, slug)."""
    for row in rows:
        where = f"{source}: line {row['line']}"
        values = {k: v for k, v in row.items() if k not in LINK_COLUMNS and k != "line"}
        target = find_profile(values)
        try:
            with transaction.atomic():
                if target is None:
                    slug = values.pop("slug", "") or new_slug(values["full_name"])
                    target = upsert(report, Profile, {"slug": slug}, _profile_values(values))
                else:
                    values.pop("slug", None)
                    target = upsert(report, Profile, {"pk": target.pk}, _profile_values(values))
                for kind in LINK_COLUMNS:
                    if row.get(kind):
                        _add_link(report, target, kind, row[kind])
        except (ValidationError, IntegrityError) as exc:
            for message in _messages(exc):
                report.error(f"{where}: {message}")


def _profile_values(values):
    return row_values(Profile, values)


def _add_link(report, profile, kind, url):
    if profile.links.filter(url=url).exists():
        report.count("profilelink", "unchanged")
        return
    position = (profile.links.aggregate(m=Max("position"))["m"] or 0) + 1
    upsert(report, ProfileLink, {"profile": profile, "position": position}, {"kind": kind, "url": url})


# --- Foreign profile documents (JSON Resume, ORCID): merged, never overwritten ----------------

FILL_FIELDS = list(profile_fields.FOREIGN_FILL)


def _natural(values, keys):
    return tuple(str(values.get(k) or "").strip().casefold() for k in keys)


def _merge_values(section, row):
    return without_blank_choices(section.model, row_values(section.model, row, drop=section.parent_fields))


def merge_profile_document(document, *, actor, profile, report, source, draft=None):
    """A JSON Resume / ORCID / CV / site document into `profile` (or a new one): fills blanks, adds what is missing.

    Curated content is never overwritten or removed, so importing the same file
    again changes nothing. An item is "already there" when its section's natural key
    (profiles/sections.py) matches; a new item is added at the end of its list with
    everything nested in it (the native sync's walk). An item that cannot be saved is
    reported and skipped, the rest goes on. When an item already there differs from
    the document, the report says so (the member's version is kept).

    `draft` (a DraftState, for CVs and sites): new items are written as drafts, the
    blank profile fields it would fill are only proposed (`draft.fields`), and an item
    an earlier import of the same source created is recognised even after the member
    edited or deleted it (`draft.known`), so it is never added twice.
    """
    is_admin = permissions.acts_for_lab(actor)
    if profile is None:
        profile = find_profile(document)
    if profile is None:
        if not is_admin:
            raise PermissionDenied("Only lab admins may create profiles by import.")
        if not (document.get("full_name") or "").strip():
            report.error(f"{source}: the document has no name; cannot create a profile")
            return None
        profile = upsert(
            report,
            Profile,
            {"slug": new_slug(document["full_name"])},
            row_values(Profile, {"full_name": document["full_name"]}),
        )
        if draft is not None:
            draft.created_profile = True
    changes = {}
    for name in FILL_FIELDS + (list(draft.extra_fields) if draft is not None else []):
        value = (document.get(name) or "").strip() if isinstance(document.get(name), str) else ""
        if value and not getattr(profile, name):
            if name == "orcid" and Profile.objects.filter(orcid=value).exclude(pk=profile.pk).exists():
                report.warn(f"{source}: ORCID {value} belongs to another member; not set")
                continue
            changes[name] = value[: Profile._meta.get_field(name).max_length or None]
    if draft is not None and not draft.created_profile:
        draft.fields.update(changes)  # proposed: "Confirm all" fills them if they are still blank
        changes = {}
    profile = upsert(report, Profile, {"pk": profile.pk}, changes, actor=actor if is_admin else None)

    for section in sections.top_level():
        rows = document.get(section.doc_key) or []
        if not rows or not section.natural_key or section.sync_key != "position":
            continue
        model, natural = section.model, section.natural_key
        existing = {_natural(_item_values(obj, natural), natural): obj for obj in model.objects.filter(profile=profile)}
        position = (model.objects.filter(profile=profile).aggregate(m=Max("position"))["m"] or 0) + 1
        for index, row in enumerate(rows):
            values = _merge_values(section, row)
            key = _natural(values, natural)
            if key in existing:
                report.count(model._meta.model_name, "unchanged")
                _say_kept(report, source, section, existing[key], values)
                continue
            if draft is not None and draft.seen(section, key, report, source):
                continue
            lookup = {"profile": profile, **{p.field: None for p in section.parents}}
            marked = {**row, "draft": True, "imported_from": source[:300]} if draft is not None else row
            try:
                with transaction.atomic():
                    kept = sync_items(
                        report, section, [marked], {}, profile=profile, lookup=lookup, start=position, prune=False
                    )
            except ValidationError as exc:
                for message in _messages(exc):
                    report.error(f"{source}: {section.doc_key}[{index}]: {message}")
                continue
            if draft is not None:
                draft.items.append([section.key, list(key), kept[0]])
            existing[key] = None
            position += 1
    return profile


def _item_values(obj, names):
    return {name: getattr(obj, name) for name in names}


# Fields an import never compares with what the member has (bookkeeping, or set by the member alone).
NOT_COMPARED = {"draft", "imported_from", "visibility", "position"}


def _say_kept(report, source, section, obj, values):
    """One report line when an item already there differs from the imported one (the member's stays)."""
    if obj is None:
        return  # added by this same run
    differ = []
    for name, value in values.items():
        if name in NOT_COMPARED or value in ("", None):
            continue
        model_field = obj._meta.get_field(name)
        try:
            imported = model_field.to_python(value)
        except ValidationError:
            imported = value
        if imported != getattr(obj, name):
            differ.append(name)
    if differ:
        report.note(
            f"{source}: kept your version of {section.label.lower()} “{obj}”; "
            f"the import differs in {', '.join(differ)} (edit it on /me/ if the file is right)"
        )


# --- Drafts: CVs and sites reviewed before they are published (issue 14) ------------------------

# Profile fields a CV or a site may also propose (JSON Resume and ORCID do not carry them).
DRAFT_EXTRA_FIELDS = ("pronouns", "location")


@dataclass
class DraftState:
    """What one draft import collects while it merges (see merge_profile_document)."""

    source: str
    known: dict = field(default_factory=dict)  # (section key, natural key) -> item id, from earlier imports
    items: list = field(default_factory=list)  # [section key, natural key, item id] created now
    fields: dict = field(default_factory=dict)  # proposed values of blank profile fields
    extra_fields: tuple = DRAFT_EXTRA_FIELDS
    created_profile: bool = False

    @classmethod
    def for_record(cls, source, record):
        known = {(k, tuple(n)): pk for k, n, pk in (record.items if record is not None else [])}
        return cls(source=source, known=known, items=[list(i) for i in (record.items if record else [])])

    def seen(self, section, key, report, source):
        """True (with a report line) when an earlier import of this source made this item."""
        pk = self.known.get((section.key, tuple(key)))
        if pk is None:
            return False
        obj = section.model._default_manager.filter(pk=pk).first()
        label = section.label.lower()
        if obj is None:
            report.note(
                f"{source}: not added again: {label} “{' '.join(filter(None, key))}” "
                "(you deleted it after an earlier import of this file)"
            )
        else:
            report.note(
                f"{source}: kept your edited {label} “{obj}” (imported earlier as “{' '.join(filter(None, key))}”)"
            )
        report.count(section.model._meta.model_name, "unchanged")
        return True


def _digest(*parts):
    raw = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def _can_import_into(actor, profile):
    return actor is None or permissions.can_edit_profile(actor, profile)


def import_cv_document(
    profile,
    document,
    *,
    actor=None,
    source="cv",
    leftovers=(),
    not_imported=(),
    as_draft=True,
    dry_run=False,
    report=None,
):
    """A CV read by profiles.formats.cvdoc into `profile`, in one transaction; returns the ImportReport.

    `as_draft` (the default): the new items are drafts the member confirms on /me/
    (nothing reaches the public pages before), the blank profile fields it would fill
    and the papers it lists wait for "Confirm all", and `leftovers` (the text the reader
    could not place) are kept beside the draft until the member dismisses them.
    Importing the same document again changes nothing. `actor` None: the command line.
    """
    report = report if report is not None else ImportReport(dry_run=dry_run)
    if not _can_import_into(actor, profile):
        raise PermissionDenied("You may not import into this profile.")
    with transaction.atomic():
        _import_one(
            profile,
            document,
            actor=actor,
            source=source,
            leftovers=list(leftovers),
            not_imported=list(not_imported),
            as_draft=as_draft,
            report=report,
            link_others=actor is None or permissions.can_manage_lab(actor),
        )
        if dry_run or report.errors:
            transaction.set_rollback(True)
    return report


def _import_one(
    profile,
    document,
    *,
    actor,
    source,
    leftovers,
    not_imported,
    as_draft,
    report,
    link_others,
    publications=None,
    site_files=None,
):
    """Merge one document (and its papers) into one profile; the caller holds the transaction.

    `profile` None: the profile the document names (found, else created; lab admins).
    Returns the profile (None when none could be made).
    """
    from profiles.models import ActivityEntry, ImportDraft

    records = publications if publications is not None else document.get("publications") or []
    digest = _digest(document, records, leftovers, not_imported)
    record = None
    if profile is None:
        profile = find_profile(document)  # what merge_profile_document would find (None: it creates one)
    if as_draft and profile is not None:
        record = ImportDraft.objects.filter(profile=profile, source=source[:300]).first()
        if record is not None and record.digest == digest:
            report.count("importdraft", "unchanged")
            report.note(f"{source}: already imported on {record.updated_at:%Y-%m-%d %H:%M}; nothing changed")
            return profile
    state = DraftState.for_record(source, record) if as_draft else None
    target = merge_profile_document(document, actor=actor, profile=profile, report=report, source=source, draft=state)
    if target is None:
        return None
    if site_files is not None:
        _import_site_extras(
            target,
            document,
            actor=actor,
            report=report,
            source=source,
            files=site_files,
            created=state is not None and state.created_profile,
            link_others=link_others,
        )
    records = [_publication_record(r) for r in records]
    if records and not as_draft:
        import_publication_records(
            actor=actor, records=records, report=report, source=source, profile=target, link_others=link_others,
            index=PublicationIndex.load(), member_index=member_index_from_db(),
        )  # fmt: skip
    if as_draft:
        _save_draft(
            record, target, source, digest=digest, actor=actor, leftovers=leftovers, not_imported=not_imported,
            state=state, records=records, report=report,
        )  # fmt: skip
    ActivityEntry.record(
        actor=actor,
        kind=ActivityEntry.Kind.IMPORTED,
        profile=target,
        target=source,
        detail=("as a draft: " if as_draft else "") + report.summary(),
    )
    return target


def _save_draft(record, profile, source, *, digest, actor, leftovers, not_imported, state, records, report):
    """Store what a draft import proposes in `profile`'s ImportDraft for `source` (`record`: the one there, or None)."""
    from profiles.models import ImportDraft

    values = {
        "digest": digest,
        "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        "leftovers": leftovers,
        "not_imported": not_imported,
        "profile_fields": state.fields,
        "publications": records,
        "items": state.items,
        "confirmed_at": None,
    }
    if record is None:
        ImportDraft.objects.create(profile=profile, source=source[:300], **values)
        report.count("importdraft", "created")
    else:
        if record.leftovers != leftovers:
            values["leftovers_dismissed_at"] = None  # new leftovers are shown again
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
        report.count("importdraft", "updated")
    if records:
        report.note(f"{source}: {len(records)} publication(s) wait for the member's “Confirm all”")
    if state.fields:
        report.note(f"{source}: proposed for blank profile fields: {', '.join(sorted(state.fields))}")


def _publication_record(record):
    """A publication record as the lab's import takes it (a site's `featured` is the member's `selected`)."""
    record = dict(record)
    if record.get("featured") and not record.get("selected"):
        record["selected"] = True
    return record


def _import_site_extras(profile, document, *, actor, report, source, files, created, link_others):
    """What a site says that merge_profile_document does not write: the avatar, role and status."""
    path = document.get("avatar_path")
    if path:
        if profile.avatar:
            report.note(f"{source}: {path}: not used; the profile already has an avatar")
        else:
            data = files(path)
            if data is None:
                report.warn(f"{source}: {path}: the avatar file could not be read")
            else:
                from django.core.files.uploadedfile import SimpleUploadedFile

                try:
                    services.profile_import_avatar(
                        actor=actor, profile=profile, upload=SimpleUploadedFile(Path(path).name, data)
                    )
                    report.count("avatar", "created")
                except ValidationError as exc:
                    report.warn(f"{source}: {path}: avatar not imported: {' '.join(exc.messages)}")
    membership = {name: document[name] for name in ("role", "status") if document.get(name)}
    if not membership:
        return
    if created and link_others:  # a lab import made this profile: the site says what the member is
        upsert(report, Profile, {"pk": profile.pk}, membership)
        return
    differ = [f"{k} {v!r}" for k, v in membership.items() if getattr(profile, k) != v]
    if differ:
        report.note(f"{source}: not changed (set by a lab admin on the member's page): {', '.join(differ)}")


def site_files(path):
    """A reader of the files of a site folder or `.zip` by their path in the site (None when absent).

    The site readers name files (an author's avatar) relative to the site's root; a zip
    of a GitHub repository holds them under one more folder, so a zip member is found by
    its path's end. Reads at most settings.AVATAR_MAX_BYTES + 1 bytes (the avatar check refuses more).
    """
    import zipfile

    limit = settings.AVATAR_MAX_BYTES + 1
    path = Path(path)

    def read(relative):
        relative = relative.strip("/")
        if ".." in Path(relative).parts:
            return None
        if path.is_dir():
            from profiles.formats.sites import find_site_root

            target = find_site_root(path) / relative
            if not target.is_file():
                return None
            with open(target, "rb") as handle:
                return handle.read(limit)
        try:
            with zipfile.ZipFile(path) as archive:
                name = next((n for n in archive.namelist() if n == relative or n.endswith("/" + relative)), None)
                if name is None:
                    return None
                with archive.open(name) as handle:
                    return handle.read(limit)
        except (OSError, zipfile.BadZipFile):
            return None

    return read


def _owner_document(site, profile):
    """The document for one member: the author folder of their slug, else of their name, else the site owner's."""
    for key, value in (("slug", profile.slug), ("full_name", profile.full_name)):
        for document in site.documents:
            if value and (document.get(key) or "").casefold() == value.casefold():
                return document
    owner = [d for d in site.documents if d.get("site_author", "") == site.owner]
    return (owner or site.documents or [None])[0]


def _not_imported_lines(site, author=None):
    lines = []
    for path in sorted(site.not_imported):
        if author is not None and f"/{author}/" not in f"/{path}":
            continue
        lines += [f"{path}: {what}" for what in site.not_imported[path]]
    return lines


def _attachment_lines(records):
    """PDF files a site keeps next to its papers: a paper here holds links, not files (reported by file)."""
    return [
        f"{path}: the PDF file of “{record.get('title', '')[:80]}” (a paper holds links, not files: link it in url_pdf)"
        for record in records for path in record.get("attachments") or []
    ]  # fmt: skip


def import_site(site, *, profile=None, actor=None, as_draft=True, dry_run=False, files=None, report=None):
    """A site read by profiles.formats.sites into one member's profile, or (`profile` None) the lab's.

    One member: their author folder's document (the site owner's on a one-person
    site) and the papers naming them; with `as_draft`, as CV imports (drafts, papers
    waiting for "Confirm all"). The lab (lab admins): each author folder's profile,
    found or created, with draft items; the papers are the lab's and are imported at
    once, each author linked to their member. `files`: see site_files (the avatar).
    One transaction; returns the ImportReport.
    """
    report = report if report is not None else ImportReport(dry_run=dry_run)
    if profile is not None and not _can_import_into(actor, profile):
        raise PermissionDenied("You may not import into this profile.")
    if profile is None and not permissions.acts_for_lab(actor):
        raise PermissionDenied("A lab site is imported by lab admins.")
    files = files or (lambda _path: None)
    source = site.root
    attachments = _attachment_lines(site.publications)
    for line in attachments:
        report.note(f"{source}: not imported: {line}")
    with transaction.atomic():
        if profile is not None:
            document = _owner_document(site, profile)
            others = [d.get("full_name") or d.get("site_author") for d in site.documents if d is not document]
            if others:
                report.warn(
                    f"{source}: the site has other authors, not imported with --profile "
                    f"(use --lab): {', '.join(others)}"
                )
            _import_one(
                profile, document or {}, actor=actor, source=source, leftovers=[],
                not_imported=_not_imported_lines(site) + attachments, as_draft=as_draft, report=report,
                link_others=actor is None or permissions.can_manage_lab(actor), publications=site.publications,
                site_files=files,
            )  # fmt: skip
        else:
            for document in site.documents:
                _import_one(
                    None, {**document, "publications": []}, actor=actor, source=source, leftovers=[],
                    not_imported=_not_imported_lines(site, document.get("site_author") or None),
                    as_draft=as_draft, report=report, link_others=True, site_files=files,
                )  # fmt: skip
            if site.publications:
                import_publication_records(
                    actor=actor, records=[_publication_record(r) for r in site.publications], report=report,
                    source=source, profile=None, link_others=True, index=PublicationIndex.load(),
                    member_index=member_index_from_db(),
                )  # fmt: skip
        if dry_run or report.errors:
            transaction.set_rollback(True)
    return report


def import_drafts_confirm(*, actor, profile):
    """ "Confirm all": every draft item of `profile` becomes visible, its imports' proposed profile
    fields fill what is still blank and their papers are imported (matched to the lab's, the
    member's author row linked). One transaction; returns the ImportReport.
    """
    from django.utils import timezone

    if not permissions.can_edit_profile(actor, profile):
        raise PermissionDenied("You may not confirm this profile's imports.")
    report = ImportReport()
    with transaction.atomic():
        for section in sections.SECTIONS:
            if not (section.has_draft and section.has_profile):
                continue
            for item in section.model.objects.filter(profile=profile, draft=True):
                services.section_item_confirm(actor=actor, item=item)
                report.count(section.model._meta.model_name, "updated")
        for record in profile.import_drafts.filter(confirmed_at__isnull=True).order_by("created_at", "id"):
            profile.refresh_from_db()
            fields = {k: v for k, v in record.profile_fields.items() if hasattr(profile, k) and not getattr(profile, k)}
            if fields:
                services.profile_update(actor=actor, profile=profile, changes=fields)
                report.count("profile", "updated")
            if record.publications:
                import_publication_records(
                    actor=actor, records=record.publications, report=report, source=record.source, profile=profile,
                    link_others=permissions.can_manage_lab(actor), index=PublicationIndex.load(),
                    member_index=member_index_from_db(),
                )  # fmt: skip
            record.publications, record.profile_fields, record.confirmed_at = [], {}, timezone.now()
            record.save(update_fields=["publications", "profile_fields", "confirmed_at", "updated_at"])
        if report.errors:
            transaction.set_rollback(True)
    return report


# --- Running an import ------------------------------------------------------------------------


def expand_paths(paths, report):
    """Files named, and every file in a directory named (sorted, hidden files skipped)."""
    files = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            if not found:
                report.warn(f"{path}: the directory is empty")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            report.error(f"{path}: no such file or directory")
    return files


def import_paths(*, actor=None, paths, fmt="auto", profile=None, dry_run=False, strict=False, report=None):
    """Import files and directories from disk (the `import_profiles` command)."""
    report = report if report is not None else ImportReport(dry_run=dry_run)
    report.strict = strict  # skipped entries and warnings become errors
    sources = []
    for path in expand_paths(paths, report):
        size = path.stat().st_size
        problem = too_big(size)
        if problem:  # refused before reading it
            report.error(f"{path}: refused: {problem}")
            continue
        sources.append((str(path), path))  # read by load_source: a big .bib file a piece at a time
    return import_uploads(actor=actor, sources=sources, fmt=fmt, profile=profile, dry_run=dry_run, report=report)


@contextlib.contextmanager
def fewer_collections():
    """Run the cyclic garbage collector rarely while an import builds many small objects.

    Parsing and writing a file create hundreds of thousands of dicts, strings and tuples
    and almost no reference cycles; with the default thresholds the collector walks them
    over and over (about a fifth of the run). Reference counting still frees everything.
    Also a decorator (`@fewer_collections()`), for the length of each call.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 50_000), old[1], old[2])
    try:
        yield
    finally:
        gc.set_threshold(*old)


@fewer_collections()
def import_uploads(*, actor, sources, fmt="auto", profile=None, dry_run=False, report=None, member=False, strict=None):
    """Import (name, bytes) pairs in one transaction; returns the ImportReport.

    Files that cannot be read refuse the run; entries that cannot be papers are skipped
    and reported (with `strict`, they are errors and the run is all or nothing).
    """
    report = report if report is not None else ImportReport(dry_run=dry_run)
    if strict is not None:
        report.strict = strict
    if fmt not in FORMATS:
        report.error(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
        return report
    if not member and not permissions.acts_for_lab(actor):
        raise PermissionDenied("Bulk import is for lab admins.")
    if not sources and not report.errors:
        report.error("no files to import")
    loaded = []
    for name, data in sources:
        item = load_limited(name, data, fmt, report, allowed=MEMBER_FORMATS if member else None)
        if item is not None:
            loaded.append((name, *item))
    if report.errors:
        for _name, _kind, records in loaded:
            for _record in records:  # a streamed file's problems are met as it is read
                pass
        report.note("nothing was written: fix the problems below and import again")
        return report  # every problem of every file is listed
    loaded.sort(key=lambda item: ORDER[item[1]])
    try:
        # One site-wide cache invalidation and one search-index update at the end, not one per row.
        with transaction.atomic(), bulk_run(), index_deferred():
            native = []  # native documents in a row are written together, their new rows in batches
            for name, kind, records in loaded:
                if kind == "native":
                    native.append((name, records))  # read as they are written
                    continue
                _write_native(native, actor=actor, profile=profile, member=member, report=report)
                native = []
                _apply(kind, records, actor=actor, profile=profile, member=member, report=report, source=name)
            _write_native(native, actor=actor, profile=profile, member=member, report=report)
            if dry_run or report.errors:
                transaction.set_rollback(True)
            else:
                from profiles.models import ActivityEntry

                ActivityEntry.record(
                    actor=actor,
                    kind=ActivityEntry.Kind.IMPORTED,
                    profile=profile,
                    target=", ".join(name for name, _kind, _records in loaded),
                    detail=report.summary()[:500],
                )  # the audit log (issue 12)
    except (ValidationError, IntegrityError) as exc:
        for message in _messages(exc):
            report.error(message)
    if report.errors and not dry_run:
        would = report.summary()
        report.counts.clear()  # never print "N created" above "nothing was written"
        report.note(f"nothing was written (the whole run is rolled back on any error); it would have done: {would}")
    return report


def _write_native(files, *, actor, profile, member, report):
    """(file name, its documents) pairs, written together (profiles.imports.sync.write_documents)."""
    if files:
        is_admin = not member and permissions.acts_for_lab(actor)
        documents = ((name, document) for name, records in files for document in records)
        write_documents(documents, actor=actor, profile=profile, is_admin=is_admin, report=report)


def _apply(kind, records, *, actor, profile, member, report, source):
    if kind == "members-csv":
        import_member_rows(records, report, source)
        return
    if kind == "native":
        _write_native([(source, records)], actor=actor, profile=profile, member=member, report=report)
        return
    if kind in {"jsonresume", "orcid"}:
        for document in records:
            target = merge_profile_document(document, actor=actor, profile=profile, report=report, source=source)
            if target is not None and document.get("publications"):
                import_publication_records(
                    actor=actor, records=document["publications"], report=report, source=source,
                    profile=target, link_others=not member, index=PublicationIndex.load(),
                    member_index=member_index_from_db(),
                )  # fmt: skip
        return
    import_publication_records(
        actor=actor, records=records, report=report, source=source, profile=profile, link_others=not member,
        index=PublicationIndex.load(), member_index=member_index_from_db(),
    )  # fmt: skip


def import_for_profile(*, actor, profile, files, dry_run=False, strict=False, report=None):
    """A member's own import (/me/import/): into `profile` only, which they must be able to edit.

    `files`: (name, bytes) pairs or uploaded files. Members get their own profile's
    sections and the papers they are an author of (their own author row linked);
    membership fields (role, status, published …) and other people's rows are not touched.
    """
    if not permissions.can_edit_profile(actor, profile):
        raise PermissionDenied("You may not import into this profile.")
    sources = []
    report = report if report is not None else ImportReport(dry_run=dry_run)
    for item in files:
        if isinstance(item, tuple):
            sources.append(item)
            continue
        problem = too_big(item.size)
        if problem:
            report.error(f"{item.name}: refused: {problem}")
            continue
        sources.append((item.name, item.read()))
    return import_uploads(
        actor=actor, sources=sources, profile=profile, dry_run=dry_run, report=report,
        member=not permissions.can_manage_lab(actor), strict=strict,
    )  # fmt: skip
