"""python manage.py import_cv FILE --profile SLUG [--dry-run]

Reads a CV (Markdown, plain text, LaTeX, DOCX, PDF) with the pure parser in
profiles.formats.cvdoc, prints what it found and the text it could not place, then
merges it into the profile with the existing import services in one transaction.
Thin glue on purpose: the draft/review flow will re-wire the write.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from profiles.formats.cvdoc import CvReadError, parse_cv_file
from profiles.importing import merge_profile_document, too_big
from profiles.matching import member_index_from_db
from profiles.models import Profile
from profiles.native import ImportReport
from publications.importing import PublicationIndex, import_publication_records


class Command(BaseCommand):
    help = (
        "Read a CV (.md, .txt, .tex, .docx, .pdf) into a member's profile: sections are recognised by "
        "their headings, publications are matched to the lab's papers, and the text that could not be "
        "placed is listed. --dry-run reports what would change and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The CV document.")
        parser.add_argument("--profile", metavar="SLUG", required=True, help="The member whose CV it is.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        problem = too_big(path.stat().st_size)
        if problem:
            raise CommandError(f"{path}: refused: {problem}")
        profile = Profile.objects.filter(slug=options["profile"]).first()
        if profile is None:
            raise CommandError(f"No profile with the slug {options['profile']!r}.")
        try:
            draft = parse_cv_file(path.name, path.read_bytes())
        except CvReadError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(f"read {path.name}: " + (", ".join(f"{n} {k}" for k, n in draft.counts().items())
                                                   or "nothing recognised"))
        for warning in draft.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        for left in draft.leftovers:
            where = f"[{left['section']}] " if left["section"] else ""
            self.stdout.write(f"not placed: {where}{left['text'][:200]}")
        report = write_document(draft.document, profile=profile, source=path.name, dry_run=options["dry_run"])
        print_report(self, report)


def write_document(document, *, profile, source, dry_run, publications=None):
    """Merge one profile document (and its publication records) in one transaction; returns the ImportReport."""
    report = ImportReport(dry_run=dry_run)
    records = publications if publications is not None else document.get("publications") or []
    with transaction.atomic():
        target = merge_profile_document(document, actor=None, profile=profile, report=report, source=source)
        if target is not None and records:
            import_publication_records(
                actor=None, records=records, report=report, source=source, profile=target, link_others=True,
                index=PublicationIndex.load(), member_index=member_index_from_db(),
            )  # fmt: skip
        if dry_run or report.errors:
            transaction.set_rollback(True)
    return report


def print_report(command, report):
    for line in report.lines():
        style = command.style.ERROR if line.startswith("error") else (
            command.style.WARNING if line.startswith("warning") else str
        )
        command.stdout.write(style(line))
    if report.errors:
        raise CommandError(f"{len(report.errors)} problem(s); nothing was written.", returncode=1)
