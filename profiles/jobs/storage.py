"""Where a job keeps its uploaded files while it waits and runs, and where its live state goes.

The files are in the private storage (`import-jobs/<pk>/`, never served, deleted when the
job ends, profiles.uploads). While the import's transaction is open, its progress and the
worker's heartbeat go to the cache under the keys below (profiles.jobs.runner).
"""

import functools

from django.conf import settings

from profiles.cache import cache_key
from profiles.uploads import discard_folder, kept_files

FOLDER = "import-jobs"


def folder(pk):
    return f"{FOLDER}/{pk}"


def live_key(pk, what):
    """The cache key of a job's live state: its worker's heartbeat ("beat") or its "progress"."""
    return cache_key("import-job", pk, what)


beat_key = functools.partial(live_key, what="beat")
progress_key = functools.partial(live_key, what="progress")


def stale_seconds():
    return getattr(settings, "IMPORT_JOB_STALE_SECONDS", 120)


def job_files(pk):
    """The job's uploaded files as (name, bytes) pairs, in the order they were given."""
    return kept_files(folder(pk))


def discard_files(pk):
    discard_folder(folder(pk))
