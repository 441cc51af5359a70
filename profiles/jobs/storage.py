"""Where a job keeps its uploaded files while it waits and runs, and where its live state goes.

The files are in the private storage (`import-jobs/<pk>/`, never served, deleted when the
job ends, profiles.uploads). While the import's transaction is open, its progress and the
worker's heartbeat go to the cache under the keys below (profiles.jobs.runner).
"""

from django.conf import settings

from profiles.uploads import discard_folder, kept_files

FOLDER = "import-jobs"


def folder(pk):
    return f"{FOLDER}/{pk}"


def beat_key(pk):
    return f"import-job:{pk}:beat"


def progress_key(pk):
    return f"import-job:{pk}:progress"


def stale_seconds():
    return getattr(settings, "IMPORT_JOB_STALE_SECONDS", 120)


def job_files(pk):
    """The job's uploaded files as (name, bytes) pairs, in the order they were given."""
    return kept_files(folder(pk))


def discard_files(pk):
    discard_folder(folder(pk))
