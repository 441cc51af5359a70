"""Entries of the lab's audit log that are not a side effect of another write."""

from profiles.models import ActivityEntry


def export_record(*, actor, target, profile=None):
    """Note that `actor` exported `target` (a profile's document, a table, the whole lab): exports hold
    private items, so the lab's audit log keeps who took them."""
    return ActivityEntry.record(actor=actor, kind=ActivityEntry.Kind.EXPORTED, profile=profile, target=target)
