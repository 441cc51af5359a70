"""Reading jobs: which a user may see, how far each is, and marking failed those whose worker died."""

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from profiles import permissions
from profiles.exports.lab import export_expired
from profiles.jobs import storage
from profiles.models import ImportJob


def fail_stale_jobs(queryset=None):
    """Mark failed the running jobs whose worker stopped beating; returns how many.

    A job counts as alive while its row's heartbeat or the cache's (refreshed during the
    import's transaction) is younger than IMPORT_JOB_STALE_SECONDS.
    """
    queryset = ImportJob.objects.all() if queryset is None else queryset
    failed = _fail_never_started(queryset)
    limit = storage.stale_seconds()
    before = timezone.now() - timedelta(seconds=limit)
    candidates = list(
        queryset.filter(status=ImportJob.Status.RUNNING, heartbeat__lt=before).values_list("pk", flat=True)
    )
    if not candidates:
        return failed
    beats = cache.get_many([storage.beat_key(pk) for pk in candidates])
    now = time.time()
    dead = [pk for pk in candidates if now - (beats.get(storage.beat_key(pk)) or 0) > limit]
    if not dead:
        return failed
    return failed + ImportJob.fail_stale(
        dead,
        error=(
            f"the worker stopped while running this job (no sign of life for {limit} s: killed or restarted); "
            "its transaction was rolled back, so nothing was written. Start the import again."
        ),
    )


def _fail_never_started(queryset):
    """Jobs still queued after IMPORT_UPLOAD_MAX_AGE_HOURS: no worker ran them; fail them and drop their files."""
    hours = getattr(settings, "IMPORT_UPLOAD_MAX_AGE_HOURS", 24)
    old = list(
        queryset.filter(status=ImportJob.Status.QUEUED, created_at__lt=timezone.now() - timedelta(hours=hours))
        .values_list("pk", flat=True)
    )  # fmt: skip
    if not old:
        return 0
    for pk in old:
        storage.discard_files(pk)
    return ImportJob.fail_stale(
        old, statuses=[ImportJob.Status.QUEUED],
        error=f"no worker picked this job up within {hours} h (is `manage.py db_worker` running?); "
        "its files were deleted and nothing was written. Upload them again.",
    )  # fmt: skip


def visible_jobs(user):
    """The jobs `user` may see (their own; every job for a lab admin), stale ones marked failed first."""
    if not getattr(user, "is_authenticated", False):
        jobs = ImportJob.objects.none()
    else:
        jobs = ImportJob.objects.all() if permissions.can_manage_lab(user) else ImportJob.objects.filter(owner=user)
    fail_stale_jobs(jobs)
    return jobs.select_related("owner", "profile")


def job_state(job):
    """What a progress page shows: the row, with the live counters from the cache while it runs."""
    state = {
        "id": job.pk, "kind": job.kind, "status": job.status, "finished": job.finished,
        "read": job.read, "created": job.created, "updated": job.updated, "skipped": job.skipped,
        "progress": 1.0 if job.status == ImportJob.Status.SUCCEEDED else job.progress, "error": job.error,
        "source": job.source, "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }  # fmt: skip
    if job.kind == ImportJob.Kind.EXPORT:  # profiles written / total, straight from the row
        state["total"] = (job.options or {}).get("total", 0)
        state["download"] = job.status == ImportJob.Status.SUCCEEDED and not export_expired(job)
    elif job.status == ImportJob.Status.RUNNING:
        live = cache.get(storage.progress_key(job.pk))
        if live:
            state.update({k: live[k] for k in ("read", "created", "updated", "skipped", "progress")})
    if job.finished:
        state["report"] = job.report.get("lines", [])
        state["reading"] = job.report.get("reading", [])
    return state
