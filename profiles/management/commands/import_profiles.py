"""python manage.py import_profiles PATH... [--format ...] [--profile SLUG] [--dry-run] [--strict]"""

from pathlib import Path

from profiles.imports.files import FORMATS, import_paths
from profiles.imports.progress import count_sources
from profiles.management.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Import profiles and publications (BibTeX, CSL-JSON, JSON Resume, ORCID, native documents, "
        "members/publications CSV). A directory imports every file in it. A file that cannot be read "
        "writes nothing and exits with status 1; an entry that cannot be a paper is skipped and reported "
        "(--strict: all or nothing). Importing again creates nothing."
    )
    profile_help = "Import into this member's profile (their papers, their sections)."

    def add_source_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or directories.")
        parser.add_argument(
            "--format", default="auto", choices=FORMATS, help="Default: detect from the extension and the content."
        )

    def handle(self, *args, **options):
        profile = self.get_profile(options["profile"])
        report = self.make_report(options)
        if report.on_progress is not None:  # the bar needs a total: count the entries first (cheap)
            files = [p for raw in options["paths"] for p in _files(Path(raw))]
            total = count_sources(((str(p), p.read_bytes()) for p in files), options["format"])
            report.set_total(total)
        import_paths(
            paths=options["paths"], fmt=options["format"], profile=profile, dry_run=options["dry_run"],
            strict=options["strict"], report=report,
        )  # fmt: skip
        self.print_report(report)


def _files(path):
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [path] if path.is_file() else []
