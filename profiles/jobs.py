"""Imports as background jobs: start one, run it in a worker, read how far it is.

A job is an `ImportJob` row plus its uploaded files in the private "imports" storage
(`import-jobs/<pk>/`, never served, deleted when the job ends). `job_start` writes both
and enqueues `profiles.tasks.run_import_job` on the configured tasks backend (the
database by default, RQ on Redis with TASKS_BACKEND=rq; settings.py). The worker runs
`run_job`: the whole import is one transaction (profiles.importing / profiles.move_in),
so a failed job leaves nothing half-written and its row says why.

While the import's transaction is open its counters cannot be written to the job row
(nobody would see them before the commit, and on SQLite the row is behind the writer's
lock), so live progress and the heartbeat go to the cache: `ProgressReport` publishes a
snapshot at most twice a second, and a daemon thread of the worker refreshes the
heartbeat every few seconds. A worker that is killed stops both; whoever next lists or
reads the job (`fail_stale_jobs`) marks a running job with no heartbeat for
IMPORT_JOB_STALE_SECONDS failed. Its transaction died with it: nothing was written.

The whole-lab export (`export_start`, kind "export") is a job too: the worker writes
one .zip (a native document per profile, every publication as BibTeX and CSL-JSON) into
the same private storage under `lab-exports/<pk>/`, profile by profile, so memory stays
bounded whatever the lab's size. It writes no content rows, so its counters go straight
to the job row. Only the lab admin who started it may download it
(`export_file`), and `manage.py expire_import_uploads` deletes it after
IMPORT_UPLOAD_MAX_AGE_HOURS (`expire_exports`).
"""

import contextlib
import json
import logging
import tempfile
import threading
import time
import zipfile
from datetime import timedelta
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.text import get_valid_filename

from publications.bibtex_export import publication_record, publications_bibtex
from publications.formats.csl import write_csl_json
from publications.models import Publication

from . import permissions
from .importing import import_for_profile, import_uploads
from .models import ActivityEntry, ImportJob, Profile
from .move_in import cv_import, site_import
from .native import export_profile_document
from .progress import ProgressReport, count_sources, skipped_count

log = logging.getLogger(__name__)

FOLDER = "import-jobs"
EXPORT_FOLDER = "lab-exports"
EXPORT_CHUNK = 50  # profiles (and 10x as many publications) read from the database at a time
EXPORT_PROGRESS_EVERY = 0.5  # seconds between two writes of the counters to the job row


def _storage():
    return storages["imports"]


def _beat_key(pk):
    return f"import-job:{pk}:beat"


def _progress_key(pk):
    return f"import-job:{pk}:progress"


def stale_seconds():
    return getattr(settings, "IMPORT_JOB_STALE_SECONDS", 120)


# --- Starting ----------------------------------------------------------------------------------


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
    for index, (name, data) in enumerate(files):
        _storage().save(f"{FOLDER}/{job.pk}/{index:03d}-{_safe_name(name)}", ContentFile(data))
    return _enqueue(job)


def export_start(*, actor):
    """Start the whole-lab export (a .zip for `actor` to download); lab admins only. Returns the ImportJob."""
    if not permissions.can_manage_lab(actor):
        raise PermissionDenied("Exporting the whole lab is for lab admins.")
    job = ImportJob.new(owner=actor, kind=ImportJob.Kind.EXPORT, source="the whole lab")
    return _enqueue(job)


def _enqueue(job):
    from .tasks import run_import_job

    try:
        result = run_import_job.enqueue(job.pk)
    except Exception as exc:  # the queue is down (Redis unreachable …): say so on the job
        log.exception("could not enqueue import job %s", job.pk)
        _discard_files(job.pk)
        job.mark_finished(ok=False, error=f"the job could not be queued ({type(exc).__name__}: {exc})")
        return job
    job.refresh_from_db()  # the immediate backend has run it already; a fast worker may have started it
    if not job.task_id:
        job._write(task_id=str(result.id)[:64])  # this column only: the worker's writes are untouched
    return job


def _safe_name(name):
    try:
        return get_valid_filename(name) or "upload"
    except SuspiciousFileOperation:  # "..", "." and the like
        return "upload"


def _job_files(pk):
    folder = f"{FOLDER}/{pk}"
    try:
        _, names = _storage().listdir(folder)
    except FileNotFoundError:
        return []
    files = []
    for name in sorted(names):
        with _storage().open(f"{folder}/{name}") as handle:
            files.append((name.split("-", 1)[1], handle.read()))
    return files


def _discard_files(pk):
    _discard_folder(f"{FOLDER}/{pk}")


def _discard_folder(folder):
    """Delete the files of one job's folder in the private storage, then the folder."""
    storage = _storage()
    try:
        _, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        storage.delete(f"{folder}/{name}")
    with contextlib.suppress(NotImplementedError, OSError):
        Path(storage.path(folder)).rmdir()


# --- Running (in the worker) -------------------------------------------------------------------


class Heartbeat(threading.Thread):
    """Refresh the job's heartbeat in the cache every few seconds until stopped (or the process dies)."""

    def __init__(self, pk):
        super().__init__(daemon=True, name=f"import-job-{pk}-heartbeat")
        self.pk = pk
        self.every = max(min(stale_seconds() / 4, 5.0), 0.05)
        self._stop_event = threading.Event()

    def beat(self):
        cache.set(_beat_key(self.pk), time.time(), timeout=max(stale_seconds() * 4, 60))

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
            return _run_export(job)
        finally:
            heartbeat.stop()
            cache.delete_many([_beat_key(job.pk)])

    def publish(state):
        cache.set(_progress_key(job.pk), {**state.as_dict(), "at": time.time()}, timeout=24 * 3600)
        cache.set(_beat_key(job.pk), time.time(), timeout=max(stale_seconds() * 4, 60))

    report = ProgressReport(on_progress=publish)
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
        _discard_files(job.pk)
    if not error and report.errors:
        error = "; ".join(report.errors[:5]) + (
            f" (and {len(report.errors) - 5} more)" if len(report.errors) > 5 else ""
        )
    state = report.state
    job.mark_finished(
        ok=not error,
        report={"summary": report.summary(), "reading": reading, "lines": report.lines(), "ok": not error},
        error=error, read=state.read, skipped=skipped_count(report),
        created=0 if error else state.created, updated=0 if error else state.updated,  # a failed job wrote nothing
    )  # fmt: skip
    cache.delete_many([_progress_key(job.pk), _beat_key(job.pk)])
    return job.status


def _execute(job, report):
    """Run the import the job describes, writing into `report`; returns the reading lines."""
    options = job.options or {}
    strict = bool(options.get("strict"))
    actor = job.owner
    files = _job_files(job.pk)
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
            )  # fmt: skip
        return [line.replace(str(path), name) for line in result.reading]
    if job.kind == ImportJob.Kind.CV:
        name, data = files[0]
        return cv_import(actor=actor, name=name, data=data, profile=job.profile, strict=strict, report=report).reading
    fmt = options.get("format", "auto")
    report.set_total(count_sources(files, fmt))
    if job.profile is not None and actor is not None and not permissions.can_manage_lab(actor):
        import_for_profile(actor=actor, profile=job.profile, files=files, strict=strict, report=report)
    else:
        import_uploads(actor=actor, sources=files, fmt=fmt, profile=job.profile, strict=strict, report=report)
    return []


# --- The whole-lab export ---------------------------------------------------------------------


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _run_export(job):
    """Write the lab's .zip profile by profile into a temporary file, then keep it in the private storage."""
    actor, written, papers, name = job.owner, 0, 0, ""
    try:
        # Checked again here: the admin may have lost the role while the job waited in the queue.
        if actor is None or not permissions.can_manage_lab(actor):
            raise PermissionDenied("exporting the whole lab is for lab admins")
        profiles = Profile.objects.order_by("pk")
        total = profiles.count()
        job._write(options={**job.options, "total": total})
        last = time.monotonic()
        with tempfile.TemporaryFile(prefix="lab-export-") as tmp:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
                # iterator(): one chunk of profiles in memory at a time; each document is written and dropped.
                for profile in profiles.iterator(chunk_size=EXPORT_CHUNK):
                    document = export_profile_document(profile, user=actor)  # a lab admin: private items too
                    text = json.dumps(document, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
                    zf.writestr(f"profiles/{profile.slug}.json", text)
                    written += 1
                    if time.monotonic() - last >= EXPORT_PROGRESS_EVERY or written == total:
                        last = time.monotonic()
                        job.save_progress(read=written, progress=round(0.9 * written / max(total, 1), 3))
                papers = _write_publications(zf)
            tmp.seek(0)
            stamp = timezone.now().strftime("%Y%m%d-%H%M")
            name = _storage().save(f"{EXPORT_FOLDER}/{job.pk}/lab-export-{stamp}.zip", File(tmp, name="lab-export.zip"))
        ActivityEntry.record(actor=actor, kind=ActivityEntry.Kind.EXPORTED, target="the whole lab (.zip)")
    except PermissionDenied as exc:
        error = f"not allowed: {exc}"
    except Exception as exc:
        log.exception("lab export job %s failed", job.pk)
        error = f"the export stopped on an unexpected error ({type(exc).__name__}: {exc})"
    else:
        summary = f"{written} profiles and {papers} publications exported"
        job.mark_finished(
            ok=True, read=written, created=written,
            report={"summary": summary, "lines": [summary], "ok": True, "file": name, "publications": papers},
        )  # fmt: skip
        return job.status
    _discard_export(job.pk)
    job.mark_finished(ok=False, error=error, read=written)
    return job.status


def _write_publications(zf):
    """Every publication as publications.bib and publications.csl.json, a chunk at a time; returns how many."""
    papers = Publication.objects.with_authors().order_by("pk")
    count = 0
    with zf.open("publications.bib", "w") as out:
        for chunk in _chunks(papers.iterator(chunk_size=EXPORT_CHUNK * 10), EXPORT_CHUNK * 10):
            out.write(publications_bibtex(chunk).encode() + b"\n")
            count += len(chunk)
    with zf.open("publications.csl.json", "w") as out:
        out.write(b"[")
        first = True
        for chunk in _chunks(papers.iterator(chunk_size=EXPORT_CHUNK * 10), EXPORT_CHUNK * 10):
            # write_csl_json makes a whole list; its items are written one by one into the single list.
            for item in json.loads(write_csl_json([publication_record(p) for p in chunk])):
                out.write((b"\n" if first else b",\n") + json.dumps(item, ensure_ascii=False, indent=2).encode())
                first = False
        out.write(b"\n]\n")
    return count


def _discard_export(pk):
    _discard_folder(f"{EXPORT_FOLDER}/{pk}")


def _export_expired(job, hours=None):
    hours = getattr(settings, "IMPORT_UPLOAD_MAX_AGE_HOURS", 24) if hours is None else hours
    return (job.finished_at or job.created_at) < timezone.now() - timedelta(hours=hours)


def export_file(job):
    """The export's .zip opened for reading, or None (not an export, failed, expired or already deleted)."""
    name = (job.report or {}).get("file", "")
    if job.kind != ImportJob.Kind.EXPORT or job.status != ImportJob.Status.SUCCEEDED or not name:
        return None
    if _export_expired(job) or not name.startswith(f"{EXPORT_FOLDER}/{job.pk}/"):
        return None
    try:
        return _storage().open(name, "rb")
    except FileNotFoundError:
        return None


def expire_exports(*, hours=None, dry_run=False):
    """Delete the .zip files of exports older than IMPORT_UPLOAD_MAX_AGE_HOURS (or whose job is gone); returns
    (deleted, kept)."""
    try:
        folders, _ = _storage().listdir(EXPORT_FOLDER)
    except FileNotFoundError:
        return 0, 0
    found = {str(job.pk): job for job in ImportJob.objects.filter(kind=ImportJob.Kind.EXPORT)
             .filter(pk__in=[f for f in folders if f.isdigit()]).only("pk", "created_at", "finished_at")}  # fmt: skip
    deleted = kept = 0
    for folder in folders:
        job = found.get(folder)
        if job is not None and not _export_expired(job, hours):
            kept += 1
            continue
        deleted += 1
        if not dry_run:
            _discard_export(folder)
    return deleted, kept


# --- Reading ----------------------------------------------------------------------------------


def fail_stale_jobs(queryset=None):
    """Mark failed the running jobs whose worker stopped beating; returns how many.

    A job counts as alive while its row's heartbeat or the cache's (refreshed during the
    import's transaction) is younger than IMPORT_JOB_STALE_SECONDS.
    """
    queryset = ImportJob.objects.all() if queryset is None else queryset
    failed = _fail_never_started(queryset)
    limit = stale_seconds()
    before = timezone.now() - timedelta(seconds=limit)
    candidates = list(
        queryset.filter(status=ImportJob.Status.RUNNING, heartbeat__lt=before).values_list("pk", flat=True)
    )
    if not candidates:
        return failed
    beats = cache.get_many([_beat_key(pk) for pk in candidates])
    now = time.time()
    dead = [pk for pk in candidates if now - (beats.get(_beat_key(pk)) or 0) > limit]
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
        _discard_files(pk)
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
        state["download"] = job.status == ImportJob.Status.SUCCEEDED and not _export_expired(job)
    elif job.status == ImportJob.Status.RUNNING:
        live = cache.get(_progress_key(job.pk))
        if live:
            state.update({k: live[k] for k in ("read", "created", "updated", "skipped", "progress")})
    if job.finished:
        state["report"] = job.report.get("lines", [])
        state["reading"] = job.report.get("reading", [])
    return state
