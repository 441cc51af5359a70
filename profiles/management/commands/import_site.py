"""python manage.py import_site PATH [--profile SLUG | --lab] [--dry-run]

Reads a Hugo Academic/Blox/Wowchemy, al-folio or academicpages site (a folder or a
.zip of the repository) with the pure readers in profiles.formats.sites, prints what
it found and what it could not import (by file), then writes it with the existing
import services in one transaction: --profile into one member's profile, --lab as
every author folder's profile (matched to existing members, else created).
Thin glue on purpose: the background-job/draft flow will re-wire the write.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from profiles.formats.sites import SiteReadError, read_site
from profiles.importing import merge_profile_document
from profiles.matching import member_index_from_db
from profiles.models import Profile
from profiles.native import ImportReport
from publications.importing import PublicationIndex, import_publication_records

from .import_cv import print_report


class Command(BaseCommand):
    help = (
        "Import a static academic site (Hugo Academic/Blox/Wowchemy, al-folio, academicpages): a folder "
        "or a .zip of it. Whatever the site holds that this platform cannot is listed by file. "
        "--dry-run reports what would change and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The site folder or a .zip of it.")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--profile", metavar="SLUG", help="Import into this member's profile.")
        target.add_argument("--lab", action="store_true",
                            help="A lab site: one profile per author folder, papers linked to their members.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

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
        report = ImportReport(dry_run=options["dry_run"])
        with transaction.atomic():
            index, members = PublicationIndex.load(), None
            if profile is not None:
                document = _owner_document(site, profile)
                others = [d.get("full_name") or d.get("site_author") for d in site.documents if d is not document]
                if others:
                    report.warn(f"{site.root}: the site has other authors, not imported with --profile "
                                f"(use --lab): {', '.join(others)}")
                if document is not None:
                    merge_profile_document(document, actor=None, profile=profile, report=report, source=site.root)
                targets = {None: profile}
            else:
                targets = {}
                for document in site.documents:
                    targets[document.get("slug", "")] = merge_profile_document(
                        document, actor=None, profile=None, report=report, source=site.root
                    )
            members = member_index_from_db()
            if site.publications:
                import_publication_records(
                    actor=None, records=site.publications, report=report, source=site.root,
                    profile=targets.get(None), link_others=True, index=index, member_index=members,
                )  # fmt: skip
            if options["dry_run"] or report.errors:
                transaction.set_rollback(True)
        print_report(self, report)


def _owner_document(site, profile):
    """The document for --profile: the author folder of that slug, else of that name, else the site owner's."""
    for key, value in (("slug", profile.slug), ("full_name", profile.full_name)):
        for document in site.documents:
            if value and (document.get(key) or "").casefold() == value.casefold():
                return document
    owner = [d for d in site.documents if d.get("site_author", "") == site.owner]
    return (owner or site.documents or [None])[0]
