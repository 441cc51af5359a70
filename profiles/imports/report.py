"""What an import did (or, in a dry run, would do): counts per section and every message.

Every importer (native documents, CVs, sites, member lists, the demo lab) fills one
`ImportReport`; the command prints its `lines()`, the views and the API render them.
"""

import copy
from dataclasses import dataclass, field


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), and every problem it met."""

    counts: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    dry_run: bool = False
    log: list = field(default_factory=list)

    def count(self, label, action, n=1):
        if n:
            per = self.counts.setdefault(label, {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0})
            per[action] += n

    def _total(self, action):
        return sum(per[action] for per in self.counts.values())

    created = property(lambda self: self._total("created"))
    updated = property(lambda self: self._total("updated"))
    unchanged = property(lambda self: self._total("unchanged"))
    deleted = property(lambda self: self._total("deleted"))

    @property
    def ok(self):
        return not self.errors

    def error(self, message):
        self.errors.append(message)

    def mark(self):
        """What the report holds now, to go back to (`restore`) when a batch is written again."""
        return copy.deepcopy(self.counts), len(self.errors), len(self.warnings), len(self.notes), len(self.log)

    def restore(self, mark, *, keep_messages=False):
        counts, errors, warnings, notes, log = mark
        self.counts = counts
        if not keep_messages:
            del self.errors[errors:], self.warnings[warnings:], self.notes[notes:], self.log[log:]

    def warn(self, message):
        self.warnings.append(message)

    def note(self, message):
        self.notes.append(message)

    def summary(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, {self.deleted} deleted"

    __str__ = summary

    def lines(self):
        """The whole report as text lines (the command prints these; the views render them)."""
        out = [f"{'Dry run: nothing was written. ' if self.dry_run else ''}{self.summary()}"]
        for label, per in sorted(self.counts.items()):
            out.append(
                f"  {label}: {per['created']} created, {per['updated']} updated, "
                f"{per['unchanged']} unchanged, {per['deleted']} deleted"
            )
        out += [f"note: {n}" for n in self.notes]
        out += [f"warning: {w}" for w in self.warnings]
        out += [f"error: {e}" for e in self.errors]
        return out


# Demo code and older callers call it a tally.
Tally = ImportReport
