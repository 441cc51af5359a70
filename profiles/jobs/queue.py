"""Starting a background job: an ImportJob row, its files kept privately, the task enqueued.

The worker runs it (profiles.jobs.tasks -> profiles.jobs.runner); the page shows it (profiles.jobs.status).
"""

import logging

from django.core.exceptions import PermissionDenied

from profiles import permissions
from profiles.jobs import storage, tasks
from profiles.models import ImportJob
from profiles.uploads import keep_files

log = logging.getLogger(__name__)


def job_start(*, actor, kind, files, profile=None, options=None):
    """Create a job for `files` ((name, bytes) pairs), keep the files, enqueue it; returns the ImportJob.

    The permission rules are those of the import itself, checked now (so the member gets
    a 403 at once) and again by the services when the worker runs.
    """
    options = dict(options or {})
    if kind not in ImportJob.Kind.values:
        raise ValueError(f"unknown job kind {kind!r}")
    if kind == ImportJob.Kind.CV and profile is None:
        raise ValueError("a CV is imported into one profile")
    if actor is not None:
        if profile is not None and not permissions.can_edit_profile(actor, profile):
            raise PermissionDenied("You may not import into this profile.")
        if profile is None and not permissions.can_manage_lab(actor):
            raise PermissionDenied("Importing into the lab is for lab admins.")
    job = ImportJob.new(
        owner=actor if getattr(actor, "is_authenticated", False) else None, profile=profile, kind=kind,
        source=", ".join(name for name, _data in files)[:300], options=options,
    )  # fmt: skip
    keep_files(storage.folder(job.pk), files)
    return _enqueue(job)


def export_start(*, actor):
    """Start the whole-lab export (a .zip for `actor` to download); lab admins only. Returns the ImportJob."""
    if not permissions.can_manage_lab(actor):
        raise PermissionDenied("Exporting the whole lab is for lab admins.")
    job = ImportJob.new(owner=actor, kind=ImportJob.Kind.EXPORT, source="the whole lab")
    return _enqueue(job)


def _enqueue(job):
    try:
        result = tasks.run_import_job.enqueue(job.pk)
    except Exception as exc:  # the queue is down (Redis unreachable …): say so on the job
        log.exception("could not enqueue import job %s", job.pk)
        storage.discard_files(job.pk)
        job.mark_finished(ok=False, error=f"the job could not be queued ({type(exc).__name__}: {exc})")
        return job
    job.refresh_from_db()  # the immediate backend has run it already; a fast worker may have started it
    if not job.task_id:
        job._write(task_id=str(result.id)[:64])  # this column only: the worker's writes are untouched
    return job
