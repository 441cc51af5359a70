"""Moving in: a whole static site (.zip or folder) or a CV document, merged in one transaction.

The write paths of `import_site` and `import_cv`, shared by the commands, the import
pages and the background jobs (profiles/jobs.py). They read with the pure readers
(profiles.formats.sites, profiles.formats.cvdoc) and write with the existing import
services (`import_site`, `import_cv_document` in profiles.imports.files, which write drafts
unless told otherwise); nothing here decides how an item is merged. Each returns a
`MoveIn`: the lines saying what was read (printed before the report) and the
ImportReport. A dry run, an error, or (with `strict`) any warning or skipped entry rolls
the whole transaction back.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction

from profiles import permissions
from profiles.formats.cvdoc import CvReadError, parse_cv_file
from profiles.formats.sites import SiteReadError, read_site
from profiles.imports.files import import_cv_document, import_site, site_files, too_big
from profiles.imports.report import ImportReport
from profiles.imports.sandbox import ReaderLimit, run_limited


@dataclass
class MoveIn:
    report: ImportReport
    reading: list = field(default_factory=list)  # what the reader found, line by line
    read: int = 0  # entries read (profiles, sections' items, papers)


def _check(actor, profile, *, lab=False):
    if lab and not permissions.acts_for_lab(actor):
        raise PermissionDenied("Importing a lab site is for lab admins.")
    if actor is not None and profile is not None and not permissions.can_edit_profile(actor, profile):
        raise PermissionDenied("You may not import into this profile.")


def _finish(report, *, dry_run, strict):
    """In a strict run any warning refuses the whole import; then roll back unless it is a real, clean run."""
    if strict and report.warnings and not report.errors:
        report.errors += [f"strict: {w}" for w in report.warnings]
    if dry_run or report.errors:
        transaction.set_rollback(True)
    if report.errors and not dry_run:
        would = report.summary()
        report.counts.clear()  # never print "N created" above "nothing was written"
        report.note(f"nothing was written (the whole import is rolled back on any error); it would have done: {would}")


def site_import(
    *, actor, path, profile=None, lab=False, dry_run=False, strict=False, report=None, as_draft=True, name=None
):
    """Import a site folder or .zip into `profile`, or (lab) one profile per author folder.

    The writing is profiles.imports.files.import_site: with `as_draft` the items are drafts the
    member confirms on /me/ (see docs/cv-and-sites.md).
    """
    _check(actor, profile, lab=lab)
    report = report if report is not None else ImportReport(dry_run=dry_run)
    report.strict = strict
    result = MoveIn(report=report)
    name = name or Path(path).name
    try:  # read in a child process with limits (profiles.imports.sandbox): the site is untrusted
        site = run_limited(read_site, path, what=name)
    except (SiteReadError, ReaderLimit) as exc:
        report.error(str(exc).replace(str(path), name))
        return result
    result.reading = [line for line in site.report_lines() if not line.startswith("warning")]
    for message in site.warnings:
        report.warn(message)
    result.read = len(site.documents) + len(site.publications)
    if hasattr(report, "set_total"):  # a ProgressReport: rows to write are profiles, their items and papers
        report.set_total(result.read, sum(_rows(d) for d in site.documents) + len(site.publications))
    if not site.documents and not site.publications:
        report.error("the site holds nothing to import")
        return result
    with transaction.atomic():
        import_site(
            site, profile=None if lab else profile, actor=actor, as_draft=as_draft, files=site_files(path),
            report=report,
        )  # fmt: skip
        _finish(report, dry_run=dry_run, strict=strict)
    return result


def _rows(document):
    """Rows a profile document writes: the profile, then every item (nested ones too)."""

    def items(value):
        if isinstance(value, list):
            return sum(1 + sum(items(v) for v in item.values()) for item in value if isinstance(item, dict))
        return 0

    return 1 + sum(items(value) for key, value in document.items() if key != "publications")


def cv_import(*, actor, name, data, profile, dry_run=False, strict=False, report=None, as_draft=True):
    """Read a CV document (.md, .txt, .tex, .docx, .pdf) and merge it into `profile`.

    The writing is profiles.imports.files.import_cv_document: with `as_draft` the items are
    drafts, the papers wait for "Confirm all" and the leftovers are kept beside the draft.
    """
    _check(actor, profile)
    report = report if report is not None else ImportReport(dry_run=dry_run)
    report.strict = strict
    result = MoveIn(report=report)
    problem = too_big(len(data))
    if problem:
        report.error(f"{name}: refused: {problem}")
        return result
    try:  # read in a child process with limits (profiles.imports.sandbox): the document is untrusted
        draft = run_limited(parse_cv_file, name, data, what=name)
    except (CvReadError, ReaderLimit) as exc:
        report.error(f"{name}: {exc}")
        return result
    counts = draft.counts()
    result.read = sum(counts.values())
    if hasattr(report, "set_total"):
        report.set_total(result.read, _rows(draft.document) + len(draft.document.get("publications") or []))
    result.reading.append(f"read {name}: " + (", ".join(f"{n} {k}" for k, n in counts.items()) or "nothing recognised"))
    for left in draft.leftovers:
        where = f"[{left['section']}] " if left["section"] else ""
        result.reading.append(f"not placed: {where}{left['text'][:200]}")
    for warning in draft.warnings:
        report.warn(f"{name}: {warning}")
    with transaction.atomic():
        import_cv_document(
            profile, draft.document, actor=actor, source=name, leftovers=draft.leftovers, as_draft=as_draft,
            report=report,
        )  # fmt: skip
        _finish(report, dry_run=dry_run, strict=strict)
    return result
