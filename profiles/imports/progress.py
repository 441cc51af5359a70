"""Progress of an import, as the import services report it, for a job page or a terminal.

`ProgressReport` is an ImportReport that also tells a listener how far the run is: the
services already count every row they create, update or leave unchanged
(`report.count`), so progress needs no hook in them. The listener (`on_progress`) gets a
`Progress` snapshot at most every `interval` seconds, plus once at the end.
"""

import time
from dataclasses import dataclass, field

from profiles.imports.report import ImportReport


@dataclass
class Progress:
    read: int = 0  # entries read from the files
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    done: int = 0  # rows written or checked so far
    total: int = 0  # rows expected (0: unknown)
    finished: bool = False

    @property
    def fraction(self):
        """0..1: reading counts for the first 10 %, writing for the rest (capped below 1 until the end)."""
        if self.finished:
            return 1.0
        if not self.total:
            return 0.1 if self.read else 0.0
        return min(0.1 + 0.9 * self.done / self.total, 0.99)

    def as_dict(self):
        return {
            "read": self.read, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "skipped": self.skipped, "done": self.done, "total": self.total, "progress": round(self.fraction, 3),
        }  # fmt: skip


def skipped_count(report):
    """Entries the import left out: the services report them as warnings (errors when strict) saying 'skipped'."""
    messages = {m.removeprefix("strict: ") for m in (*report.warnings, *report.errors)}  # strict copies warnings
    return sum("skipped" in message for message in messages)


@dataclass
class ProgressReport(ImportReport):
    on_progress: object = None  # callable(Progress)
    interval: float = 0.5
    state: Progress = field(default_factory=Progress)
    _last: float = 0.0

    def set_total(self, read, total=None):
        """Entries read from the files; `total` rows expected to be written (default: as many)."""
        self.state.read = read
        self.state.total = total if total is not None else read
        self._emit(force=True)

    def count(self, label, action, n=1):
        super().count(label, action, n)
        # Authorship rows come with their papers: progress counts the entries themselves.
        if n and action in ("created", "updated", "unchanged") and label != "authorship":
            setattr(self.state, action, getattr(self.state, action) + n)
            self.state.done += n
            self._emit()

    def warn(self, message):
        super().warn(message)
        if "skipped" in message:
            self.state.skipped += 1
            self._emit()

    def error(self, message):
        super().error(message)
        if "skipped" in message:
            self.state.skipped += 1

    def _emit(self, force=False):
        if self.on_progress is None:
            return
        now = time.monotonic()
        if force or now - self._last >= self.interval:
            self._last = now
            self.on_progress(self.state)

    def finish(self):
        self.state.finished = True
        if self.on_progress is not None:
            self.on_progress(self.state)


def count_sources(sources, fmt="auto"):
    """Entries in (name, bytes) files, counted without parsing them (for a progress total)."""
    from profiles.imports.files import count_entries, decode, sniff

    total = 0
    for name, data in sources:
        text, _note = decode(data)
        if text is None:
            continue
        detected = sniff(name, text) if fmt == "auto" else fmt
        if detected and detected != "json":
            total += count_entries(detected, text)
    return total
