"""Build the demo lab: the seed researcher in full plus a fictional lab around them.

Idempotent: every row is looked up by a natural key (a slug, a citation key, or a
profile and position) and written only when its content differs, so a second run
creates nothing, updates nothing, and leaves timestamps alone. The writing is the
native profile document's sync (profiles/imports/sync.py): the demo data are documents.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from profiles.demo.data import chijun, lab
from profiles.imports.report import Tally
from profiles.imports.sync import row_values, sync_profile, sync_publication, upsert
from profiles.models import Lab, Profile
from profiles.permissions import LAB_ADMIN_GROUP

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "Tally", "load_demo"]

DEMO_PASSWORD = "demo-password-2026"
DEMO_USERS = {
    # username: (profile slug or None, lab admin?)
    "chijun": ("chijun-sima", False),
    "labadmin": (None, True),
    "aiko": ("aiko-nakamura", False),
}


def _sync_users(tally, profiles):
    User = get_user_model()
    group, _ = Group.objects.get_or_create(name=LAB_ADMIN_GROUP)
    wanted = Permission.objects.filter(content_type__app_label__in=["profiles", "publications"])
    if group.permissions.count() != wanted.count():
        group.permissions.set(wanted)
    for username, (slug, is_admin) in DEMO_USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@example.org", is_staff=is_admin)
            user.set_password(DEMO_PASSWORD)
            user.save()
            tally.count("user", "created")
        if is_admin and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        if slug and profiles[slug].user_id != user.pk:
            Profile.objects.filter(pk=profiles[slug].pk).update(user=user)
            tally.count("profile", "updated")


@transaction.atomic
def load_demo():
    """Load (or bring up to date) the whole demo lab; returns a Tally."""
    tally = Tally()
    lab_row = Lab.objects.order_by("pk").first()
    if lab_row is None:
        upsert(tally, Lab, {"name": lab.LAB["name"]}, {k: v for k, v in lab.LAB.items() if k != "name"})
    else:
        upsert(tally, Lab, {"pk": lab_row.pk}, lab.LAB)

    people = [chijun.PROFILE, *lab.MEMBERS]
    # Profiles first without their sections (publications reference them), then papers,
    # then sections (projects and talks reference papers).
    profiles = {
        p["slug"]: upsert(
            tally, Profile, {"slug": p["slug"]}, row_values(Profile, {k: v for k, v in p.items() if k != "slug"})
        )
        for p in people
    }
    records = chijun.PUBLICATIONS + lab.lab_publications({m["slug"]: m for m in people})
    publications = {r["citation_key"]: sync_publication(tally, r, profiles) for r in records}
    for person in people:
        sync_profile(tally, person, publications)
    _sync_users(tally, profiles)
    return tally
