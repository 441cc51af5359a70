"""Import review on /me/: the drafts waiting for their member and the imports still open."""

from django.db.models import Count, TextField, Value

from profiles import sections as registry


def import_review(profile):
    """(draft items per section, imports still open) of `profile`, for its editing dashboard.

    Two queries: the drafts of every section counted in one UNION ALL, and the profile's
    imports. An import is open while it has leftovers not dismissed or papers / profile
    fields waiting for "Confirm all". Owner and lab admins only: the caller checked.
    """
    from profiles.models import ImportDraft

    branches = [
        section.model.objects.filter(profile=profile, draft=True)
        .order_by()
        .values("profile")
        .annotate(k=Value(section.key, output_field=TextField()), n=Count("pk"))
        .values_list("k", "n")
        for section in registry.SECTIONS
        if section.has_draft and section.has_profile
    ]
    counts = dict(branches[0].union(*branches[1:], all=True))
    drafts = [(s, counts[s.key]) for s in registry.SECTIONS if counts.get(s.key)]
    records = [
        r
        for r in ImportDraft.objects.filter(profile=profile).order_by("-created_at", "-id")
        if r.has_open_notes or r.pending
    ]
    return drafts, records
