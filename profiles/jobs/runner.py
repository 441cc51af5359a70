"""Running a background job in the worker: an import, or the whole-lab export.

A job is an `ImportJob` row plus its uploaded files in the private "imports" storage
(`import-jobs/<pk>/`, never served, deleted when the job ends). `profiles.jobs.queue.job_start`
writes both and enqueues `profiles.jobs.tasks.run_import_job` on the configured tasks backend
(the database by default, RQ on Redis with TASKS_BACKEND=rq; settings.py). The worker runs
`run_job`: the whole import is one transaction (profiles.imports.files / profiles.imports.documents),
so a failed job leaves nothing half-written and its row says why.

While the import's transaction is open its counters cannot be written to the job row
(nobody would see them before the commit, and on SQLite the row is behind the writer's
lock), so live progress and the heartbeat go to the cache: `ProgressReport` publishes a
snapshot at most twice a second, and a daemon thread of the worker refreshes the
heartbeat every few seconds. A worker that is killed stops both; whoever next lists or
reads the job (`fail_stale_jobs`) marks a running job with no heartbeat for
IMPORT_JOB_STALE_SECONDS failed. Its transaction died with it: nothing was written.

The whole-lab export (`export_start`, kind "export") is a job too (profiles.exports.lab): it
writes no content rows, so its counters go straight to the job row.
"""

import contextlib
import logging
import tempfile
import threading
import time
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from profiles import permissions
from profiles.exports.lab import run_export
from profiles.imports.documents import cv_import, site_import
from profiles.imports.files import import_for_profile, import_uploads
from profiles.imports.progress import ProgressReport, count_sources, skipped_count
from profiles.jobs import storage
from profiles.models import ImportJob

log = logging.getLogger(__name__)


# --- Running (in the worker) -------------------------------------------------------------------


class Heartbeat(threading.Thread):
    """Refresh the job's heartbeat in the cache every few seconds until stopped (or the process dies)."""

    def __init__(self, pk):
        super().__init__(daemon=True, name=f"import-job-{pk}-heartbeat")
        self.pk = pk
        self.every = max(min(storage.stale_seconds() / 4, 5.0), 0.05)
        self._stop_event = threading.Event()

    def beat(self):
        cache.set(storage.beat_key(self.pk), time.time(), timeout=max(storage.stale_seconds() * 4, 60))

    def run(self):
        while not self._stop_event.wait(self.every):
            with contextlib.suppress(Exception):  # a cache hiccup must not kill the job
                self.beat()

    def stop(self):
        self._stop_event.set()


def run_job(job_id):
    """Run one queued job to its end; returns the job's final status (the task's return value)."""
    job = ImportJob.objects.filter(pk=job_id).select_related("owner", "profile").first()
    if job is None or job.status != ImportJob.Status.QUEUED:
        return job.status if job else "missing"  # run already, or marked failed meanwhile
    job.mark_running()
    heartbeat = Heartbeat(job.pk)
    heartbeat.beat()
    heartbeat.start()
    if job.kind == ImportJob.Kind.EXPORT:
        try:
            return run_export(job)
        finally:
            heartbeat.stop()
            cache.delete_many([storage.beat_key(job.pk)])

    def publish(state):
        cache.set(storage.progress_key(job.pk), {**state.as_dict(), "at": time.time()}, timeout=24 * 3600)
        cache.set(storage.beat_key(job.pk), time.time(), timeout=max(storage.stale_seconds() * 4, 60))

    preview = bool((job.options or {}).get("preview"))
    report = ProgressReport(on_progress=publish, dry_run=preview)
    reading, error = [], ""
    try:
        reading = _execute(job, report)
    except PermissionDenied as exc:
        error = f"not allowed: {exc}"
    except Exception as exc:  # a bug or a lost database: the transaction is rolled back
        log.exception("import job %s failed", job.pk)
        error = f"the import stopped on an unexpected error ({type(exc).__name__}: {exc}); nothing was written"
    finally:
        heartbeat.stop()
    if not error and report.errors:
        error = "; ".join(report.errors[:5]) + (
            f" (and {len(report.errors) - 5} more)" if len(report.errors) > 5 else ""
        )
    if error or not preview:  # a successful preview's files wait for the confirm (jobs.queue.confirm_preview)
        storage.discard_files(job.pk)
        if preview:
            job.options = {**job.options, "pending": False}  # a failed preview cannot be confirmed
    state = report.state
    job.mark_finished(
        ok=not error,
        report={"summary": report.summary(), "reading": reading, "lines": report.lines(), "ok": not error},
        options=job.options,
        error=error, read=state.read, skipped=skipped_count(report),
        created=0 if error else state.created, updated=0 if error else state.updated,  # a failed job wrote nothing
    )  # fmt: skip
    cache.delete_many([storage.progress_key(job.pk), storage.beat_key(job.pk)])
    return job.status


def _execute(job, report):
    """Run the import the job describes, writing into `report`; returns the reading lines."""
    options = job.options or {}
    strict, dry_run = bool(options.get("strict")), bool(options.get("preview"))
    actor = job.owner
    files = storage.job_files(job.pk)
    if not files:
        report.error("the uploaded files are gone (expired or already imported); upload them again")
        return []
    if job.kind == ImportJob.Kind.SITE:
        name, data = files[0]
        with tempfile.TemporaryDirectory(prefix="import-job-") as tmp:
            path = Path(tmp) / (Path(name).stem + ".zip")
            path.write_bytes(data)
            result = site_import(
                actor=actor, path=path, profile=job.profile, lab=job.profile is None, strict=strict, report=report,
                dry_run=dry_run, name=name,
            )  # fmt: skip
        return [line.replace(str(path), name) for line in result.reading]
    if job.kind == ImportJob.Kind.CV:
        name, data = files[0]
        return cv_import(
            actor=actor, name=name, data=data, profile=job.profile, strict=strict, report=report, dry_run=dry_run
        ).reading
    fmt = options.get("format", "auto")
    report.set_total(count_sources(files, fmt))
    if job.profile is not None and actor is not None and not permissions.can_manage_lab(actor):
        import_for_profile(actor=actor, profile=job.profile, files=files, strict=strict, report=report, dry_run=dry_run)
    else:
        import_uploads(
            actor=actor, sources=files, fmt=fmt, profile=job.profile, strict=strict, report=report, dry_run=dry_run
        )
    return []
