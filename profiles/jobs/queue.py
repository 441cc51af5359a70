"""Starting a background job: an ImportJob row, its files kept privately, the task enqueued.

The worker runs it (profiles.jobs.tasks -> profiles.jobs.runner); the page shows it (profiles.jobs.status).

Every upload runs twice, as two jobs: first a *preview* (a dry run: its report says what
would change; the web request never parses a file), then, when the member confirms it,
the import. What the upload checks decided (the kind of file), the preview's verdict and
a digest of the files are kept on the preview's row; the confirm names only the preview,
and `confirm_preview` refuses it (`PreviewRefused`, a 400) unless the preview succeeded,
is the member's, was not confirmed or cancelled before, and its files are byte for byte
those that were checked. Fair use (`FairUse`): a member has at most
IMPORT_PREVIEWS_PER_MEMBER previews waiting, holding at most IMPORT_PREVIEW_SPACE_MB, and
IMPORT_JOBS_PER_MEMBER jobs queued or running, so one member cannot fill the disk or the
queue in front of everyone else.
"""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from profiles import permissions
from profiles.jobs import storage, tasks
from profiles.models import ImportJob
from profiles.uploads import keep_files

log = logging.getLogger(__name__)


class FairUse(Exception):
    """A member is over their share of previews, preview space or running jobs; the message says which."""


class PreviewRefused(Exception):
    """A confirm that does not match a preview the member may confirm (a 400 with this reason)."""


def digest(files):
    """The SHA-256 of (name, bytes) pairs, names included: what a preview checked."""
    hasher = hashlib.sha256()
    for name, data in files:
        hasher.update(f"{len(name)}:{name}:{len(data)}:".encode())
        hasher.update(data)
    return hasher.hexdigest()


def waiting_previews(user):
    """The user's previews whose files are still kept for a confirm."""
    return ImportJob.objects.filter(owner=user, options__preview=True, options__pending=True)


def _check_busy(actor):
    if not getattr(actor, "is_authenticated", False):
        return  # the command line
    busy = ImportJob.objects.filter(owner=actor, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])
    most = settings.IMPORT_JOBS_PER_MEMBER
    if busy.count() >= most:
        raise FairUse(f"You have {most} imports waiting or running; start another when one of them has finished.")


def _check_fair_use(actor, size):
    if not getattr(actor, "is_authenticated", False):
        return  # the command line
    _check_busy(actor)
    waiting = list(waiting_previews(actor).values_list("options", flat=True))
    if len(waiting) >= settings.IMPORT_PREVIEWS_PER_MEMBER:
        raise FairUse(
            f"You have {len(waiting)} previews waiting for a confirm; confirm or cancel one of them "
            f"(on your imports page) first. Previews are deleted after {settings.IMPORT_UPLOAD_MAX_AGE_HOURS} h."
        )
    space = settings.IMPORT_PREVIEW_SPACE_MB * 1024 * 1024
    held = sum(options.get("bytes", 0) for options in waiting)
    if held + size > space:
        raise FairUse(
            f"Your waiting previews hold {held / 1e6:.1f} MB and this upload is {size / 1e6:.1f} MB; "
            f"the limit is {space / 1e6:.0f} MB. Confirm or cancel a preview first."
        )


def preview_start(*, actor, kind, files, profile=None, options=None):
    """Start the preview (a dry run) of an upload whose `kind` the upload checks decided; returns the job."""
    _check_fair_use(actor, sum(len(data) for _name, data in files))
    options = {
        **(options or {}), "preview": True, "pending": True, "digest": digest(files),
        "bytes": sum(len(data) for _name, data in files),
    }  # fmt: skip
    return job_start(actor=actor, kind=kind, files=files, profile=profile, options=options)


def _confirmable(actor, preview):
    options = preview.options or {}
    if preview.owner_id != getattr(actor, "pk", None) or not options.get("preview"):
        raise PreviewRefused("This is not one of your previews.")
    if options.get("confirmed"):
        raise PreviewRefused("This preview was confirmed already; see the import it started.")
    if not options.get("pending"):
        raise PreviewRefused("This preview was cancelled or has expired; upload the files again.")
    if preview.status != ImportJob.Status.SUCCEEDED or not (preview.report or {}).get("ok"):
        raise PreviewRefused("Only a preview that found no problems can be confirmed.")
    files = storage.job_files(preview.pk)
    if not files or digest(files) != options.get("digest"):
        raise PreviewRefused("The files of this preview changed since they were checked; upload them again.")
    return files


def confirm_preview(*, actor, preview):
    """Start the import a successful preview showed: the same files, kind and options; returns the new job."""
    with transaction.atomic():
        preview = ImportJob.objects.select_for_update().get(pk=preview.pk)
        files = _confirmable(actor, preview)
        _check_permission(actor, preview.kind, preview.profile)
        _check_busy(actor)
        options = {k: v for k, v in preview.options.items() if k not in ("preview", "pending", "digest", "bytes")}
        job = ImportJob.new(
            owner=preview.owner, profile=preview.profile, kind=preview.kind, source=preview.source,
            options={**options, "preview_of": preview.pk},
        )  # fmt: skip
        preview._write(options={**preview.options, "pending": False, "confirmed": job.pk})
    _keep(job, files)
    storage.discard_files(preview.pk)
    return _enqueue(job)


def cancel_preview(*, actor, preview):
    """Delete a waiting preview's files; it can no longer be confirmed."""
    if preview.owner_id != getattr(actor, "pk", None) or not (preview.options or {}).get("preview"):
        raise PreviewRefused("This is not one of your previews.")
    storage.discard_files(preview.pk)
    preview._write(options={**preview.options, "pending": False})


def _check_permission(actor, kind, profile):
    if actor is not None:
        if profile is not None and not permissions.can_edit_profile(actor, profile):
            raise PermissionDenied("You may not import into this profile.")
        if profile is None and not permissions.can_manage_lab(actor):
            raise PermissionDenied("Importing into the lab is for lab admins.")


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
    _check_permission(actor, kind, profile)
    job = ImportJob.new(
        owner=actor if getattr(actor, "is_authenticated", False) else None, profile=profile, kind=kind,
        source=", ".join(name for name, _data in files)[:300], options=options,
    )  # fmt: skip
    _keep(job, files)
    return _enqueue(job)


def _keep(job, files):
    storage.discard_files(job.pk)  # a folder left by a deleted job of the same id is not this job's
    keep_files(storage.folder(job.pk), files)


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


def expire_previews(*, hours, dry_run=False):
    """Delete the files of previews nobody confirmed within `hours`; (expired, still waiting)."""
    cutoff = timezone.now() - timedelta(hours=hours)
    waiting = ImportJob.objects.filter(options__preview=True, options__pending=True)
    old = list(waiting.filter(created_at__lt=cutoff))
    if not dry_run:
        for preview in old:
            storage.discard_files(preview.pk)
            preview._write(options={**preview.options, "pending": False, "expired": True})
    return len(old), waiting.count() - (len(old) if dry_run else 0)
