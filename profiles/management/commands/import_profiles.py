"""python manage.py import_profiles PATH... [--format ...] [--profile SLUG] [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError

from profiles.importing import FORMATS, import_paths
from profiles.models import Profile


class Command(BaseCommand):
    help = (
        "Import profiles and publications (BibTeX, CSL-JSON, JSON Resume, ORCID, native documents, "
        "members/publications CSV). A directory imports every file in it. A file that cannot be read "
        "writes nothing and exits with status 1; an entry that cannot be a paper is skipped and reported "
        "(--strict: all or nothing). Importing again creates nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or directories.")
        parser.add_argument("--format", default="auto", choices=FORMATS,
                            help="Default: detect from the extension and the content.")
        parser.add_argument("--profile", metavar="SLUG",
                            help="Import into this member's profile (their papers, their sections).")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--strict", action="store_true",
                            help="Treat every skipped entry and warning as an error: all or nothing.")

    def handle(self, *args, **options):
        profile = None
        if options["profile"]:
            profile = Profile.objects.filter(slug=options["profile"]).first()
            if profile is None:
                raise CommandError(f"No profile with the slug {options['profile']!r}.")
        report = import_paths(
            paths=options["paths"], fmt=options["format"], profile=profile, dry_run=options["dry_run"],
            strict=options["strict"],
        )
        for line in report.lines():
            style = self.style.ERROR if line.startswith("error") else (
                self.style.WARNING if line.startswith("warning") else str
            )
            self.stdout.write(style(line))
        if report.errors:
            raise CommandError(f"{len(report.errors)} problem(s); nothing was written.", returncode=1)
