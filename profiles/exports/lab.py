"""The whole-lab export, run as a job: one .zip of a native document per profile and every paper.

The worker writes it (profiles.jobs.runner calls `run_export`) into the private storage under
`lab-exports/<pk>/`, profile by profile, so memory stays bounded whatever the lab's size. Only the
lab admin who started it may download it (`export_file`); `manage.py expire_import_uploads`
deletes it after IMPORT_UPLOAD_MAX_AGE_HOURS (`expire_exports`).
"""

import json
import logging
import tempfile
import time
import zipfile
from datetime import timedelta
from itertools import islice

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from profiles import permissions
from profiles.imports.sync import export_profile_document
from profiles.models import ImportJob, Profile
from profiles.services.activity import export_record
from profiles.uploads import discard_folder, private_storage
from publications.exports.bibtex import publication_record, publications_bibtex
from publications.formats.csl import write_csl_json
from publications.models import Publication

log = logging.getLogger(__name__)

EXPORT_FOLDER = "lab-exports"


EXPORT_CHUNK = 50  # profiles (and 10x as many publications) read from the database at a time


EXPORT_PROGRESS_EVERY = 0.5  # seconds between two writes of the counters to the job row


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_export(job):
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
            name = private_storage().save(
                f"{EXPORT_FOLDER}/{job.pk}/lab-export-{stamp}.zip", File(tmp, name="lab-export.zip")
            )
        export_record(actor=actor, target="the whole lab (.zip)")
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
    discard_folder(f"{EXPORT_FOLDER}/{pk}")


def export_expired(job, hours=None):
    hours = getattr(settings, "IMPORT_UPLOAD_MAX_AGE_HOURS", 24) if hours is None else hours
    return (job.finished_at or job.created_at) < timezone.now() - timedelta(hours=hours)


def export_file(job):
    """The export's .zip opened for reading, or None (not an export, failed, expired or already deleted)."""
    name = (job.report or {}).get("file", "")
    if job.kind != ImportJob.Kind.EXPORT or job.status != ImportJob.Status.SUCCEEDED or not name:
        return None
    if export_expired(job) or not name.startswith(f"{EXPORT_FOLDER}/{job.pk}/"):
        return None
    try:
        return private_storage().open(name, "rb")
    except FileNotFoundError:
        return None


def expire_exports(*, hours=None, dry_run=False):
    """Delete the .zip files of exports older than IMPORT_UPLOAD_MAX_AGE_HOURS (or whose job is gone); returns
    (deleted, kept)."""
    try:
        folders, _ = private_storage().listdir(EXPORT_FOLDER)
    except FileNotFoundError:
        return 0, 0
    found = {str(job.pk): job for job in ImportJob.objects.filter(kind=ImportJob.Kind.EXPORT)
             .filter(pk__in=[f for f in folders if f.isdigit()]).only("pk", "created_at", "finished_at")}  # fmt: skip
    deleted = kept = 0
    for folder in folders:
        job = found.get(folder)
        if job is not None and not export_expired(job, hours):
            kept += 1
            continue
        deleted += 1
        if not dry_run:
            _discard_export(folder)
    return deleted, kept
