"""Import pages: upload, preview (a dry run with its full report), confirm.

`/me/import/` imports into one's own profile (profiles.imports.files.import_for_profile);
`/admin/import-profiles/` is the lab admins' bulk import (import_uploads), the same as
`manage.py import_profiles`. Between preview and confirm the uploaded files wait in a
private storage that is never served (STORAGES["imports"], outside MEDIA_ROOT) under a
random token scoped to the user; confirming re-runs the import for real. The files are
deleted when the preview is confirmed (whatever the outcome), cancelled, or fails; what
is left (previews nobody confirmed) is deleted after IMPORT_UPLOAD_MAX_AGE_HOURS by
`manage.py expire_import_uploads`.
"""

import re
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from profiles import permissions
from profiles.exports.lab import export_file
from profiles.imports.documents import cv_import, site_import
from profiles.imports.files import FORMATS, import_for_profile, import_uploads, max_bytes, too_big
from profiles.imports.report import ImportReport
from profiles.jobs.queue import export_start, job_start
from profiles.jobs.status import job_state, visible_jobs
from profiles.models import ImportJob, Profile
from profiles.uploads import UploadRefused, check_site_zip, discard_folder, keep_files, kept_files, upload_kind

STASH = "import-uploads"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _folder(user, token):
    return f"{STASH}/{user.pk}/{token}"


def _stash(request, uploads, *, kind="files"):
    """Keep the uploaded files until the user confirms; returns (token, sources, problems)."""
    token = secrets.token_urlsafe(24)
    sources, problems = [], []
    for upload in uploads:
        problem = "" if kind == "site" else too_big(upload.size)  # a site's limit was checked by _kind_of
        if problem:  # refused before reading it
            problems.append(f"{upload.name}: refused: {problem}")
            continue
        sources.append((upload.name, upload.read()))
    keep_files(_folder(request.user, token), sources)
    return token, sources, problems


def _unstash(request, token):
    if not token or not TOKEN.match(token):
        return None
    return kept_files(_folder(request.user, token)) or None


def _discard(request, token):
    if token and TOKEN.match(token):
        discard_folder(_folder(request.user, token))


KINDS = {
    "auto": "decide from the file",
    "files": "publications or a profile document (.bib, .json, .csv)",
    "site": "a whole site (.zip of a Hugo Academic, al-folio or academicpages repository)",
    "cv": "a CV document (.pdf, .docx, .tex, .md, .txt)",
}


def _kind_of(request, uploads):
    """(kind, problem): what the upload is, from its bytes (profiles.uploads), checked against the choice."""
    chosen = request.POST.get("kind", "auto")
    chosen = chosen if chosen in KINDS else "auto"
    kinds = set()
    for upload in uploads:
        limit = settings.IMPORT_ZIP_MAX_BYTES if upload.name.lower().endswith(".zip") else max_bytes()
        if upload.size > limit:
            return (
                None,
                f"{upload.name}: refused: the file is {upload.size / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB",
            )
        head = upload.read()
        upload.seek(0)
        try:
            kind = upload_kind(upload.name, head)
            if kind == "site":
                check_site_zip(head, name=upload.name)
        except UploadRefused as exc:
            return None, str(exc)
        if chosen == "cv" and kind == "files":
            kind = "cv"  # a plain-text CV (.txt) when the member says it is one
        elif chosen == "files" and kind == "cv" and upload.name.lower().endswith((".md", ".txt")):
            kind = "files"
        elif chosen not in ("auto", kind):
            return None, f"{upload.name}: this is not {KINDS[chosen]}"
        kinds.add(kind)
    if len(kinds) > 1 or (kinds & {"site", "cv"} and len(uploads) > 1):
        return None, "Upload a site .zip or a CV document on its own (publication files may go together)."
    return kinds.pop(), ""


def _strict(request):
    return request.POST.get("strict") in ("on", "1", "true")


def _as_job(kind, sources):
    """Sites and CVs always run as background jobs; publication files when they are large."""
    return kind in ("site", "cv") or sum(len(data) for _name, data in sources) > settings.IMPORT_JOB_THRESHOLD_BYTES


def _run(request, target, template, context):
    """The shared preview/confirm flow. `target` knows how to import (`run`) and to start a job (`start`)."""
    action = request.POST.get("action") if request.method == "POST" else None
    context = {**context, "kinds": KINDS, "strict": _strict(request)}
    if action == "cancel":
        _discard(request, request.POST.get("token", ""))
        messages.info(request, "Import cancelled; the uploaded files were deleted.")
        return redirect(request.get_full_path())
    if action == "confirm":
        token = request.POST.get("token", "")
        kind = request.POST.get("kind", "files")
        kind = kind if kind in ("files", "site", "cv") else "files"
        sources = _unstash(request, token)
        if sources is None:
            messages.error(request, "That preview has expired; upload the files again.")
            return redirect(request.path)
        try:
            if _as_job(kind, sources):
                job = target.start(kind, sources, _strict(request))
                return redirect(job.get_absolute_url())
            report, reading = target.run(kind, sources, False, _strict(request))
        finally:
            _discard(request, token)  # confirmed: whatever the outcome, the upload is not kept
        if report.ok:
            messages.success(request, f"Imported: {report.summary()}.")
        return render(request, template, {**context, "report": report, "reading": reading, "done": report.ok})
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        if not uploads:
            return render(request, template, {**context, "problem": "Choose at least one file."}, status=400)
        kind, problem = _kind_of(request, uploads)
        if problem:
            return render(request, template, {**context, "problem": problem}, status=400)
        token, sources, problems = _stash(request, uploads, kind=kind)
        try:
            report, reading = target.run(kind, sources, True, _strict(request))
        except BaseException:
            _discard(request, token)
            raise
        for problem in problems:
            report.error(problem)
        if not report.ok:
            _discard(request, token)  # a failed preview cannot be confirmed: keep nothing
            token = ""
        return render(request, template, {
            **context, "report": report, "reading": reading, "token": token, "kind": kind,
            "as_job": _as_job(kind, sources),
        })  # fmt: skip
    return render(request, template, context)


class _Target:
    """Where an import goes and who makes it: runs a preview or an import, or starts a job."""

    def __init__(self, request, *, profile, fmt="auto", admin_page=False):
        self.actor, self.profile, self.fmt, self.admin_page = request.user, profile, fmt, admin_page

    def run(self, kind, sources, dry_run, strict):
        if kind == "site":
            name, data = sources[0]
            with tempfile.TemporaryDirectory(prefix="import-preview-") as tmp:
                path = Path(tmp) / "site.zip"
                path.write_bytes(data)
                result = site_import(
                    actor=self.actor, path=path, profile=self.profile, lab=self.profile is None,
                    dry_run=dry_run, strict=strict,
                )  # fmt: skip
            return result.report, [line.replace(str(path), name) for line in result.reading]
        if kind == "cv":
            if self.profile is None:
                report = ImportReport(dry_run=dry_run)
                report.error("A CV goes into one profile: give the profile's slug.")
                return report, []
            name, data = sources[0]
            result = cv_import(
                actor=self.actor, name=name, data=data, profile=self.profile, dry_run=dry_run, strict=strict
            )
            return result.report, result.reading
        if self.admin_page:
            report = import_uploads(
                actor=self.actor, sources=sources, fmt=self.fmt, profile=self.profile, dry_run=dry_run, strict=strict
            )
        else:
            report = import_for_profile(
                actor=self.actor, profile=self.profile, files=sources, dry_run=dry_run, strict=strict
            )
        return report, []

    def start(self, kind, sources, strict):
        return job_start(
            actor=self.actor,
            kind=kind,
            files=sources,
            profile=self.profile,
            options={"format": self.fmt, "strict": strict},
        )


@login_required
def member_import(request):
    """/me/import/: a member's .bib, CSL-JSON, resume.json, ORCID record or native document."""
    slug = request.POST.get("profile") or request.GET.get("profile")
    if slug:
        # Lab admins may name any profile; anyone else only their own (others are not found).
        profile = get_object_or_404(permissions.editable_profiles(request.user), slug=slug)
    else:
        pid = permissions.own_profile_id(request.user)
        if pid is None:
            raise Http404("You have no profile to import into.")
        profile = Profile.objects.get(pk=pid)

    return _run(
        request,
        _Target(request, profile=profile),
        "me/import.html",
        {"profile": profile, "formats": ["bibtex", "csl", "jsonresume", "orcid", "native"]},
    )


def _admin_import(request):
    if not permissions.can_manage_lab(request.user):
        raise PermissionDenied
    fmt = request.POST.get("format", "auto")
    if fmt not in FORMATS:
        fmt = "auto"
    slug = request.POST.get("profile", "").strip()
    profile = None
    if slug:
        profile = Profile.objects.filter(slug=slug).first()
        if profile is None:
            context = {**admin.site.each_context(request), "formats": FORMATS, "title": "Bulk import"}
            return render(
                request,
                "admin/import_profiles.html",
                {**context, "problem": f"No profile with the slug {slug!r}."},
                status=400,
            )

    context = {
        **admin.site.each_context(request), "formats": FORMATS, "title": "Bulk import",
        "format": fmt, "profile_slug": slug, "opts": Profile._meta,
    }  # fmt: skip
    target = _Target(request, profile=profile, fmt=fmt, admin_page=True)
    return _run(request, target, "admin/import_profiles.html", context)


admin_import = admin.site.admin_view(_admin_import)


# --- Background jobs: the list, one job's page, its status as JSON ------------------------------


@login_required
def job_list(request):
    """/me/import/jobs/: the imports this person started (a lab admin: everyone's), newest first."""
    jobs = list(visible_jobs(request.user)[:100])
    return render(request, "me/import_jobs.html", {"jobs": jobs, "lab_admin": permissions.can_manage_lab(request.user)})


def _job_for(request, pk):
    # Another member's job is not found (404), not forbidden: its existence is not told either.
    return get_object_or_404(visible_jobs(request.user), pk=pk)


@login_required
def job_detail(request, pk):
    """One job: its progress (refreshing by itself) while it runs, its report when it ends."""
    job = _job_for(request, pk)
    context = {"job": job, "state": job_state(job), "Status": ImportJob.Status}
    return render(request, "me/import_job.html", {**context, "keep_hours": settings.IMPORT_UPLOAD_MAX_AGE_HOURS})


@login_required
def job_status(request, pk):
    """The job's state as JSON, polled by static/js/import_job.js to move the progress bar."""
    return JsonResponse(job_state(_job_for(request, pk)))


@login_required
@require_POST
def lab_export_start(request):
    """Start "Export the whole lab" (a lab admin's POST from /me/lab/ or the jobs page); shows the job's page."""
    if not permissions.can_manage_lab(request.user):
        raise PermissionDenied
    return redirect(export_start(actor=request.user).get_absolute_url())


@login_required
def job_download(request, pk):
    """The export's .zip, streamed: only to the lab admin who started it, while it is kept (else 404)."""
    job = get_object_or_404(ImportJob, pk=pk, kind=ImportJob.Kind.EXPORT, owner=request.user)
    if not permissions.can_manage_lab(request.user):
        raise Http404
    handle = export_file(job)
    if handle is None:
        raise Http404("This export is not ready, failed, or has expired; start a new one.")
    return FileResponse(handle, as_attachment=True, filename=f"lab-export-{job.pk}.zip", content_type="application/zip")
