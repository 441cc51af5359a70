"""Delete import-preview uploads nobody confirmed or cancelled (run it daily, e.g. from cron).

A preview's files wait in STORAGES["imports"] (private, never served) under
import-jobs/<preview job id>/; those of previews older than IMPORT_UPLOAD_MAX_AGE_HOURS
(24) are deleted and the preview can no longer be confirmed (profiles.jobs.queue.expire_previews).
Folders left under import-uploads/<user id>/<token>/ by earlier versions go after as long. The whole-lab exports'
.zip files (lab-exports/<job id>/) go after as long (profiles.exports.lab.expire_exports).
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from profiles.exports.lab import expire_exports
from profiles.jobs.queue import expire_previews
from profiles.uploads import discard_folder, private_storage, remove_empty_folder

STASH = "import-uploads"  # where earlier versions kept previews


class Command(BaseCommand):
    help = "Delete import-preview uploads older than IMPORT_UPLOAD_MAX_AGE_HOURS (default 24)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=None, help="Age limit in hours (default: the setting).")
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be deleted.")

    def handle(self, *args, hours=None, dry_run=False, **options):
        hours = settings.IMPORT_UPLOAD_MAX_AGE_HOURS if hours is None else hours
        cutoff = timezone.now() - timedelta(hours=hours)
        storage = private_storage()
        deleted = kept = 0
        try:
            users, _ = storage.listdir(STASH)
        except FileNotFoundError:
            users = []
        for user in users:
            user_folder = f"{STASH}/{user}"
            tokens, stray = storage.listdir(user_folder)
            for token in tokens:
                folder = f"{user_folder}/{token}"
                _, names = storage.listdir(folder)
                files = [f"{folder}/{name}" for name in names]
                newest = max((storage.get_modified_time(name) for name in files), default=None)
                if newest is not None and newest > cutoff:
                    kept += 1
                    continue
                deleted += 1
                if dry_run:
                    self.stdout.write(f"would delete {folder} ({len(files)} files)")
                    continue
                discard_folder(folder)
            for name in stray:  # nothing else belongs here
                if storage.get_modified_time(f"{user_folder}/{name}") <= cutoff and not dry_run:
                    storage.delete(f"{user_folder}/{name}")
            if not dry_run:
                remove_empty_folder(storage, user_folder)
        verb = "Would delete" if dry_run else "Deleted"
        gone, waiting = expire_previews(hours=hours, dry_run=dry_run)
        deleted, kept = deleted + gone, kept + waiting
        self.stdout.write(f"{verb} {deleted} expired import preview(s); {kept} younger than {hours:g} h kept.")
        gone, left = expire_exports(hours=hours, dry_run=dry_run)
        self.stdout.write(f"{verb} {gone} expired lab export(s); {left} kept.")
