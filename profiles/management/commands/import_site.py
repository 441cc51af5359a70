"""python manage.py import_site PATH [--profile SLUG | --lab] [--dry-run] [--strict]

Reads a Hugo Academic/Blox/Wowchemy, al-folio or academicpages site (a folder or a
.zip of the repository) with the pure readers in profiles.formats.sites, prints what
it found and what it could not import (by file), then writes it in one transaction
(profiles.imports.documents.site_import, the same service the import pages and background jobs
use): --profile into one member's profile, --lab as every author folder's profile
(matched to existing members, else created).
"""

from django.core.management.base import CommandError

from profiles.imports.documents import site_import
from profiles.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Import a static academic site (Hugo Academic/Blox/Wowchemy, al-folio, academicpages): a folder "
        "or a .zip of it. Whatever the site holds that this platform cannot is listed by file. "
        "The imported items are drafts the member confirms on /me/ (hidden from the public pages "
        "until then); --no-draft publishes them at once. --dry-run reports what would change and writes nothing."
    )

    def add_extra_arguments(self, parser):
        parser.add_argument(
            "--no-draft", action="store_true", help="Publish at once: no review on /me/ (papers imported now too)."
        )

    def add_source_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The site folder or a .zip of it.")

    def add_profile_argument(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--profile", metavar="SLUG", help="Import into this member's profile.")
        target.add_argument(
            "--lab",
            action="store_true",
            help="A lab site: one profile per author folder, papers linked to their members.",
        )

    def handle(self, *args, **options):
        profile = self.get_profile(options["profile"])
        report = self.make_report(options)
        result = site_import(
            actor=None, path=options["path"], profile=profile, lab=options["lab"], dry_run=options["dry_run"],
            strict=options["strict"], report=report, as_draft=not options["no_draft"],
        )  # fmt: skip
        if not result.reading and report.errors:  # the site could not be read at all
            raise CommandError(report.errors[0])
        self.print_reading(result.reading)
        self.print_report(report)
