"""python manage.py import_cv FILE --profile SLUG [--dry-run] [--strict]

Reads a CV (Markdown, plain text, LaTeX, DOCX, PDF) with the pure parser in
profiles.formats.cvdoc, prints what it found and the text it could not place, then
merges it into the profile in one transaction (profiles.imports.documents.cv_import, the same
service the import pages and background jobs use).
"""

from pathlib import Path

from django.core.management.base import CommandError

from profiles.imports.documents import cv_import
from profiles.imports.files import too_big
from profiles.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Read a CV (.md, .txt, .tex, .docx, .pdf) into a member's profile: sections are recognised by "
        "their headings, publications are matched to the lab's papers, and the text that could not be "
        "placed is listed. The imported items are drafts the member confirms on /me/ (hidden from the public pages "
        "until then); --no-draft publishes them at once. --dry-run reports what would change and writes nothing."
    )
    profile_required = True
    profile_help = "The member whose CV it is."

    def add_extra_arguments(self, parser):
        parser.add_argument(
            "--no-draft", action="store_true", help="Publish at once: no review on /me/ (papers imported now too)."
        )

    def add_source_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The CV document.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        problem = too_big(path.stat().st_size)
        if problem:
            raise CommandError(f"{path}: refused: {problem}")
        profile = self.get_profile(options["profile"])
        report = self.make_report(options)
        result = cv_import(
            actor=None, name=path.name, data=path.read_bytes(), profile=profile, dry_run=options["dry_run"],
            strict=options["strict"], report=report, as_draft=not options["no_draft"],
        )  # fmt: skip
        if not result.reading and report.errors:
            raise CommandError(f"{path}: {report.errors[0].removeprefix(path.name + ': ')}")
        self.print_reading(result.reading)
        self.print_report(report)
