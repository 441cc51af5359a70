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
import io
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from publications.formats import JSONTooDeep, load_json
from publications.formats.bibtex import StreamCheck, iter_bibtex, iter_bibtex_chunks, parse_bibtex
from publications.formats.csl import parse_csl_json
from publications.importing import (
    PublicationIndex,
    import_publication_records,
    iter_publications_csv,
    looks_like_publications_csv,
    skip_entry,
    warn_entry,
)

from . import permissions, sections
from .formats import ParseError, ParseResult
from .formats.jsonresume import parse_json_resume
from .formats.native import is_native, parse_native
from .formats.orcid import parse_orcid_record
from .matching import member_index_from_db, normalise_orcid
from .models import (
    Profile,
    ProfileLink,
)
from .native import (
    ImportReport,
    _apply_native,
    _messages,
    find_profile,
    new_slug,
    row_values,
    sync_items,
    upsert,
    without_blank_choices,
)

FORMATS = ["auto", "bibtex", "csl", "jsonresume", "orcid", "native", "csv"]
MEMBER_FORMATS = {"bibtex", "csl", "jsonresume", "orcid", "native"}
EXTENSIONS = {".bib": "bibtex", ".bibtex": "bibtex", ".csv": "csv", ".json": "json", ".txt": None}
ORDER = {"members-csv": 0, "native": 1, "jsonresume": 1, "orcid": 1, "bibtex": 2, "csl": 2, "publications-csv": 2}


def _is_admin(actor):
    # actor None: the command line (whoever runs manage.py owns the database).
    return actor is None or permissions.can_manage_lab(actor)


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


def load_source(name, data, fmt, report, *, allowed=None):
    """Decode, detect, count and parse one file; problems go to `report`. -> (kind, records).

    `data`: the file's bytes, or a Path (a big BibTeX file is then read a piece at a time).
    """
    if isinstance(data, Path):
        streamed = None
        if data.stat().st_size >= STREAM_MIN_BYTES and (allowed is None or "bibtex" in allowed):
            streamed = _stream_bibtex(name, data, fmt, report)
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
        report.error(
            f"{name}: could not tell the format (use --format: bibtex, csl, jsonresume, orcid, native or csv)"
        )
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
    return kind, result.records


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

MEMBER_COLUMNS = {
    "full_name": ["name", "full name", "full_name"],
    "native_name": ["native name", "native_name", "native-script name"],
    "slug": ["slug"],
    "email": ["email", "e-mail"],
    "role": ["role"],
    "status": ["status"],
    "orcid": ["orcid", "orcid id"],
    "headline": ["headline", "position", "title"],
    "organisation": ["organisation", "organization"],
    "team": ["team", "group"],
    "location": ["location"],
    "pronouns": ["pronouns"],
    "joined_on": ["joined", "joined_on", "joined on"],
    "left_on": ["left", "left_on", "left on"],
    "alumni_destination": ["alumni_destination", "destination", "now at"],
    "interest_tags": ["interests", "interest_tags", "topics"],
    "short_bio": ["bio", "short_bio", "short bio"],
    "homepage": ["homepage", "website", "url"],
    "github": ["github"],
    "scholar": ["scholar", "google scholar"],
    "linkedin": ["linkedin"],
    "published": ["published"],
}
LINK_COLUMNS = ["homepage", "github", "scholar", "linkedin"]
ROLE_LABELS = {label.lower(): value for value, label in Profile.Role.choices}
STATUS_LABELS = {label.lower(): value for value, label in Profile.Status.choices}


def _member_map(headers):
    from publications.importing import _header_map

    return _header_map(headers, MEMBER_COLUMNS)


def looks_like_members_csv(headers):
    mapping = _member_map(headers)
    return "full_name" in mapping and bool({"email", "role", "status", "orcid", "slug", "homepage"} & set(mapping))


def parse_members_csv(text):
    """Members CSV -> ParseResult of {field: value} rows (only the cells that are filled)."""
    result = ParseResult()
    rows = csv.reader(io.StringIO(text))
    headers = next(rows, [])
    mapping = _member_map(headers)
    if "full_name" not in mapping:
        result.errors.append(ParseError("missing column: name", line=1))
        return result
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {"line": line}
        for name, index in mapping.items():
            cell = row[index].strip() if index < len(row) else ""
            if cell:
                values[name] = cell
        if not values.get("full_name"):
            result.errors.append(ParseError("no name", line=line))
            continue
        if "role" in values:
            role = values["role"].lower()
            values["role"] = ROLE_LABELS.get(role, role)
            if values["role"] not in Profile.Role.values:
                result.errors.append(ParseError(f"unknown role {row[mapping['role']]!r}", line=line))
        if "status" in values:
            status = values["status"].lower()
            values["status"] = STATUS_LABELS.get(status, status)
            if values["status"] not in Profile.Status.values:
                result.errors.append(ParseError(f"unknown status {row[mapping['status']]!r}", line=line))
        if "orcid" in values:
            orcid = normalise_orcid(values["orcid"])
            if not orcid:
                result.errors.append(ParseError(f"not an ORCID iD: {values['orcid']!r}", line=line))
            values["orcid"] = orcid
        if "published" in values:
            values["published"] = values["published"].lower() in {"1", "yes", "true", "y"}
        result.records.append(values)
    return result


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

FILL_FIELDS = [
    "native_name", "headline", "email", "orcid", "short_bio", "long_bio", "research_interests", "interest_tags",
    "organisation", "team",
]  # fmt: skip


def _natural(values, keys):
    return tuple(str(values.get(k) or "").strip().casefold() for k in keys)


def _merge_values(section, row):
    return without_blank_choices(section.model, row_values(section.model, row, drop=section.parent_fields))


def merge_profile_document(document, *, actor, profile, report, source):
    """A JSON Resume / ORCID document into `profile` (or a new one): fills blanks, adds what is missing.

    Curated content is never overwritten or removed, so importing the same file
    again changes nothing. An item is "already there" when its section's natural key
    (profiles/sections.py) matches; a new item is added at the end of its list with
    everything nested in it (the native sync's walk). An item that cannot be saved is
    reported and skipped, the rest goes on.
    """
    is_admin = _is_admin(actor)
    if profile is None:
        profile = find_profile(document)
    if profile is None:
        if not is_admin:
            raise PermissionDenied("Only lab admins may create profiles by import.")
        if not (document.get("full_name") or "").strip():
            report.error(f"{source}: the document has no name; cannot create a profile")
            return None
        profile = upsert(report, Profile, {"slug": new_slug(document["full_name"])},
                         row_values(Profile, {"full_name": document["full_name"]}))
    changes = {}
    for name in FILL_FIELDS:
        value = (document.get(name) or "").strip() if isinstance(document.get(name), str) else ""
        if value and not getattr(profile, name):
            if name == "orcid" and Profile.objects.filter(orcid=value).exclude(pk=profile.pk).exists():
                report.warn(f"{source}: ORCID {value} belongs to another member; not set")
                continue
            changes[name] = value
    profile = upsert(report, Profile, {"pk": profile.pk}, changes, actor=actor if is_admin else None)

    for section in sections.top_level():
        rows = document.get(section.doc_key) or []
        if not rows or not section.natural_key or section.sync_key != "position":
            continue
        model, natural = section.model, section.natural_key
        existing = {_natural(v, natural) for v in model.objects.filter(profile=profile).values(*natural)}
        position = (model.objects.filter(profile=profile).aggregate(m=Max("position"))["m"] or 0) + 1
        for index, row in enumerate(rows):
            values = _merge_values(section, row)
            if _natural(values, natural) in existing:
                report.count(model._meta.model_name, "unchanged")
                continue
            lookup = {"profile": profile, **{p.field: None for p in section.parents}}
            try:
                with transaction.atomic():
                    sync_items(report, section, [row], {}, profile=profile, lookup=lookup, start=position, prune=False)
            except ValidationError as exc:
                for message in _messages(exc):
                    report.error(f"{source}: {section.doc_key}[{index}]: {message}")
                continue
            existing.add(_natural(values, natural))
            position += 1
    return profile


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


def import_paths(*, actor=None, paths, fmt="auto", profile=None, dry_run=False, strict=False):
    """Import files and directories from disk (the `import_profiles` command)."""
    report = ImportReport(dry_run=dry_run)
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
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 50_000), old[1], old[2])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def import_uploads(
    *, actor, sources, fmt="auto", profile=None, dry_run=False, report=None, member=False, strict=None,
):
    """Import (name, bytes) pairs in one transaction; returns the ImportReport.

    Files that cannot be read refuse the run; entries that cannot be papers are skipped
    and reported (with `strict`, they are errors and the run is all or nothing).
    """
    with fewer_collections():
        return _import_uploads(
            actor=actor, sources=sources, fmt=fmt, profile=profile, dry_run=dry_run, report=report, member=member,
            strict=strict,
        )  # fmt: skip


def _import_uploads(*, actor, sources, fmt, profile, dry_run, report, member, strict):
    report = report if report is not None else ImportReport(dry_run=dry_run)
    if strict is not None:
        report.strict = strict
    if fmt not in FORMATS:
        report.error(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
        return report
    if not member and not _is_admin(actor):
        raise PermissionDenied("Bulk import is for lab admins.")
    if not sources and not report.errors:
        report.error("no files to import")
    loaded = []
    for name, data in sources:
        item = load_source(name, data, fmt, report, allowed=MEMBER_FORMATS if member else None)
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
        with transaction.atomic():
            for name, kind, records in loaded:
                _apply(kind, records, actor=actor, profile=profile, member=member, report=report, source=name)
            if dry_run or report.errors:
                transaction.set_rollback(True)
            else:
                # Bulk inserts bypass post_save: invalidate the cached public pages once.
                from .cache import bump_generation
                from .models import ActivityEntry

                transaction.on_commit(bump_generation)
                ActivityEntry.record(
                    actor=actor, kind=ActivityEntry.Kind.IMPORTED, profile=profile,
                    target=", ".join(name for name, _kind, _records in loaded), detail=report.summary()[:500],
                )  # the audit log (issue 12)
    except (ValidationError, IntegrityError) as exc:
        for message in _messages(exc):
            report.error(message)
    if report.errors and not dry_run:
        would = report.summary()
        report.counts.clear()  # never print "N created" above "nothing was written"
        report.note(f"nothing was written (the whole run is rolled back on any error); it would have done: {would}")
    return report


def _apply(kind, records, *, actor, profile, member, report, source):
    if kind == "members-csv":
        import_member_rows(records, report, source)
        return
    if kind == "native":
        for document in records:
            _apply_native(document, actor=actor, profile=profile, is_admin=not member and _is_admin(actor),
                          report=report, prefix=f"{source}: ")
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


def import_for_profile(*, actor, profile, files, dry_run=False):
    """A member's own import (/me/import/): into `profile` only, which they must be able to edit.

    `files`: (name, bytes) pairs or uploaded files. Members get their own profile's
    sections and the papers they are an author of (their own author row linked);
    membership fields (role, status, published …) and other people's rows are not touched.
    """
    if not permissions.can_edit_profile(actor, profile):
        raise PermissionDenied("You may not import into this profile.")
    sources = []
    report = ImportReport(dry_run=dry_run)
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
        member=not permissions.can_manage_lab(actor),
    )  # fmt: skip
