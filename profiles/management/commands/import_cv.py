"""python manage.py import_cv FILE --profile SLUG [--dry-run]

Reads a CV (Markdown, plain text, LaTeX, DOCX, PDF) with the pure parser in
profiles.formats.cvdoc, prints what it found and the text it could not place, then
writes it as a draft with profiles.importing.import_cv_document (one transaction): the
member reviews and confirms it on /me/ (--no-draft writes it as confirmed at once).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles.formats.cvdoc import CvReadError, parse_cv_file
from profiles.importing import import_cv_document, too_big
from profiles.models import Profile


class Command(BaseCommand):
    help = (
        "Read a CV (.md, .txt, .tex, .docx, .pdf) into a member's profile: sections are recognised by "
        "their headings, publications are matched to the lab's papers, and the text that could not be "
        "placed is listed and kept beside the draft. The imported items are drafts the member confirms on "
        "/me/ (hidden from the public pages until then); --no-draft writes them as confirmed. "
        "--dry-run reports what would change and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The CV document.")
        parser.add_argument("--profile", metavar="SLUG", required=True, help="The member whose CV it is.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--no-draft", action="store_true",
                            help="Publish at once: no review on /me/ (papers imported now too).")

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
        report = import_cv_document(
            profile, draft.document, source=path.name, leftovers=draft.leftovers, as_draft=not options["no_draft"],
            dry_run=options["dry_run"],
        )
        print_report(self, report)


def print_report(command, report):
    for line in report.lines():
        style = command.style.ERROR if line.startswith("error") else (
            command.style.WARNING if line.startswith("warning") else str
        )
        command.stdout.write(style(line))
    if report.errors:
        raise CommandError(f"{len(report.errors)} problem(s); nothing was written.", returncode=1)
