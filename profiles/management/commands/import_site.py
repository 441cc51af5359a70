"""python manage.py import_site PATH [--profile SLUG | --lab] [--dry-run]

Reads a Hugo Academic/Blox/Wowchemy, al-folio or academicpages site (a folder or a
.zip of the repository) with the pure readers in profiles.formats.sites, prints what
it found and what it could not import (by file), then writes it with the existing
import services in one transaction: --profile into one member's profile, --lab as
every author folder's profile (matched to existing members, else created).
The write is profiles.importing.import_site (drafts each member reviews on /me/).
"""

from django.core.management.base import BaseCommand, CommandError

from profiles.formats.sites import SiteReadError, read_site
from profiles.importing import import_site, site_files
from profiles.models import Profile

from .import_cv import print_report


class Command(BaseCommand):
    help = (
        "Import a static academic site (Hugo Academic/Blox/Wowchemy, al-folio, academicpages): a folder "
        "or a .zip of it. Whatever the site holds that this platform cannot is listed by file. The items "
        "are drafts each member confirms on /me/ (--no-draft: confirmed at once). "
        "--dry-run reports what would change and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The site folder or a .zip of it.")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--profile", metavar="SLUG", help="Import into this member's profile.")
        target.add_argument("--lab", action="store_true",
                            help="A lab site: one profile per author folder, papers linked to their members.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--no-draft", action="store_true", help="Publish at once: no review on /me/.")

    def handle(self, *args, **options):
        profile = None
        if options["profile"]:
            profile = Profile.objects.filter(slug=options["profile"]).first()
            if profile is None:
                raise CommandError(f"No profile with the slug {options['profile']!r}.")
        try:
            site = read_site(options["path"])
        except SiteReadError as exc:
            raise CommandError(str(exc)) from exc
        for line in site.report_lines():
            self.stdout.write(self.style.WARNING(line) if line.startswith("warning") else line)
        if not site.documents and not site.publications:
            raise CommandError("the site holds nothing to import")
        report = import_site(
            site, profile=profile, as_draft=not options["no_draft"], dry_run=options["dry_run"],
            files=site_files(options["path"]),
        )
        print_report(self, report)
