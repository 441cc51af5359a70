"""What import_site, import_cv and import_profiles share: arguments, progress and the report.

A progress bar is drawn on stderr when stderr is a terminal (and only then: piped or
redirected output stays the plain report on stdout, as scripts expect). The report is
printed line by line, warnings and errors styled; any error exits with status 1 after
saying that nothing was written.
"""

import shutil
import time

from django.core.management.base import BaseCommand, CommandError

from profiles.imports.progress import ProgressReport
from profiles.models import Profile


class ImportCommand(BaseCommand):
    """Base of the import commands: --profile, --dry-run, --strict, a progress bar, the report."""

    profile_required = False
    profile_help = "Import into this member's profile."
    # No system checks before an import: they load every URLconf and view module (about
    # 0.4 s, a tenth of a 10,000-entry import) and check nothing an import depends on; the
    # deployment runs `manage.py check --deploy` itself.
    requires_system_checks = []

    def add_arguments(self, parser):
        self.add_source_arguments(parser)
        self.add_profile_argument(parser)
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--strict", action="store_true", help="Treat every skipped entry and warning as an error: all or nothing."
        )
        self.add_extra_arguments(parser)
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="No progress bar, even on a terminal (it is never drawn when stderr is piped).",
        )

    def add_source_arguments(self, parser):
        raise NotImplementedError

    def add_extra_arguments(self, parser):
        """Options of one command only (import_cv and import_site: --no-draft)."""

    def add_profile_argument(self, parser):
        parser.add_argument("--profile", metavar="SLUG", required=self.profile_required, help=self.profile_help)

    # --- helpers for handle() ---

    def get_profile(self, slug):
        if not slug:
            return None
        profile = Profile.objects.filter(slug=slug).first()
        if profile is None:
            raise CommandError(f"No profile with the slug {slug!r}.")
        return profile

    def make_report(self, options):
        """A ProgressReport whose progress is drawn on stderr when it is a terminal."""
        show = not options.get("no_progress") and self.stderr.isatty()
        self._bar_drawn = False
        self._started = time.monotonic()
        return ProgressReport(
            dry_run=options["dry_run"], on_progress=self.draw_progress if show else None, interval=0.1
        )

    def draw_progress(self, state):
        width = max(min(shutil.get_terminal_size((80, 20)).columns - 50, 40), 10)
        filled = int(state.fraction * width)
        done = f"{state.done}/{state.total}" if state.total else f"{state.done}"
        line = (
            f"\r[{'#' * filled}{'.' * (width - filled)}] {state.fraction:4.0%} {done} "
            f"read {state.read} created {state.created} skipped {state.skipped} "
            f"{time.monotonic() - self._started:4.0f}s"
        )
        self.stderr.write(line, ending="")
        self.stderr.flush()
        self._bar_drawn = True

    def end_progress(self, report):
        if getattr(self, "_bar_drawn", False):
            report.state.done = report.state.total or report.state.done  # the bar ends full
            report.state.finished = True
            self.draw_progress(report.state)
            self.stderr.write("")  # end the bar's line

    def print_reading(self, lines):
        for line in lines:
            self.stdout.write(self.style.WARNING(line) if line.startswith("warning") else line)

    def print_report(self, report):
        self.end_progress(report)
        for line in report.lines():
            style = (
                self.style.ERROR
                if line.startswith("error")
                else (self.style.WARNING if line.startswith("warning") else str)
            )
            self.stdout.write(style(line))
        if report.errors:
            raise CommandError(f"{len(report.errors)} problem(s); nothing was written.", returncode=1)
