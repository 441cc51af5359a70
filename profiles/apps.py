from pathlib import Path

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def drop_old_file_cache(**kwargs):
    """Remove the file cache of earlier versions (VAR_DIR/cache), now that diskcache is the default.

    Only a folder that holds nothing but Django's ``*.djcache`` files is removed, and only
    when the default cache is no longer that folder: whatever else an operator keeps there
    stays. Runs after ``migrate``, which every upgrade runs.
    """
    from django.conf import settings

    folder = Path(settings.VAR_DIR) / "cache"
    if settings.CACHES["default"].get("LOCATION") == str(folder) or not folder.is_dir():
        return
    files = list(folder.iterdir())
    if any(not (f.is_file() and f.suffix == ".djcache") for f in files):
        return
    for f in files:
        f.unlink(missing_ok=True)
    folder.rmdir()


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Profiles"

    def ready(self):
        # Connect the page-cache invalidation signals in every process (web workers,
        # management commands, imports), not only where the URLconf happens to load.
        from profiles import cache  # noqa: F401

        post_migrate.connect(drop_old_file_cache, sender=self, dispatch_uid="profiles:drop-old-file-cache")
