"""Import pages: upload, preview (a dry run with its full report), confirm.

`/me/import/` imports into one's own profile; `/admin/import-profiles/` is the lab admins'
bulk import, the same as `manage.py import_profiles`. The web request never parses a
file: an upload is checked for what it is and how big (profiles.uploads), kept in the
private storage (STORAGES["imports"], never served) and previewed by a background job
(a dry run, in the worker, the readers in a child process with limits:
profiles.imports.sandbox). The preview's page shows what would change with Confirm and
Cancel; the confirm form carries only the preview's id, and the import runs exactly the
files, kind and options the preview checked (profiles.jobs.queue.confirm_preview; a
tampered or repeated confirm is a 400). A preview nobody confirmed is deleted after
IMPORT_UPLOAD_MAX_AGE_HOURS by `manage.py expire_import_uploads`.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from profiles import permissions
from profiles.editing.views import Editing
from profiles.exports.lab import export_file
from profiles.imports.files import FORMATS, max_bytes
from profiles.jobs.queue import (
    FairUse,
    PreviewRefused,
    cancel_preview,
    confirm_preview,
    export_start,
    preview_start,
)
from profiles.jobs.status import job_state, visible_jobs
from profiles.models import ImportJob, Profile
from profiles.uploads import UploadRefused, check_site_zip, upload_kind

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


def _editing(request, profile=None):
    """The editing pages' context (their layout and menu) for `profile`, or one's own when it is not editable."""
    own = permissions.own_profile_id(request.user)
    if profile is None or not permissions.can_edit_profile(request.user, profile):
        profile = Profile.objects.filter(pk=own).first() if own else None
    slug = None if profile is None or profile.pk == own else profile.slug
    return Editing(request, profile, slug).context()


def _strict(request):
    return request.POST.get("strict") in ("on", "1", "true")


def _upload(request, template, context, *, profile, options):
    """GET: the form. POST: check the upload, start its preview job and show the job's page."""
    context = {**context, "kinds": KINDS}
    if request.method != "POST":
        return render(request, template, context)
    uploads = request.FILES.getlist("files")
    if not uploads:
        return render(request, template, {**context, "problem": "Choose at least one file."}, status=400)
    kind, problem = _kind_of(request, uploads)
    if problem:
        return render(request, template, {**context, "problem": problem}, status=400)
    if kind == "cv" and profile is None:
        problem = "A CV goes into one profile: give the profile's slug."
        return render(request, template, {**context, "problem": problem}, status=400)
    files = [(upload.name, upload.read()) for upload in uploads]
    try:
        job = preview_start(
            actor=request.user, kind=kind, files=files, profile=profile, options={**options, "strict": _strict(request)}
        )
    except FairUse as exc:
        return render(request, template, {**context, "problem": str(exc)}, status=429)
    return redirect(job.get_absolute_url())


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

    context = {**_editing(request, profile), "formats": ["bibtex", "csl", "jsonresume", "orcid", "native"]}
    return _upload(request, "me/import.html", context, profile=profile, options={"format": "auto", "page": "me"})


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
    options = {"format": fmt, "page": "admin"}
    return _upload(request, "admin/import_profiles.html", context, profile=profile, options=options)


admin_import = admin.site.admin_view(_admin_import)


# --- Background jobs: the list, one job's page, its status as JSON ------------------------------


@login_required
def job_list(request):
    """/me/import/jobs/: the imports this person started (a lab admin: everyone's), newest first."""
    jobs = list(visible_jobs(request.user)[:100])
    context = {**_editing(request), "jobs": jobs, "lab_admin": permissions.can_manage_lab(request.user)}
    return render(request, "me/import_jobs.html", context)


def _job_for(request, pk):
    # Another member's job is not found (404), not forbidden: its existence is not told either.
    return get_object_or_404(visible_jobs(request.user), pk=pk)


@login_required
def job_detail(request, pk):
    """One job: its progress (refreshing by itself) while it runs, its report when it ends."""
    job = _job_for(request, pk)
    context = {**_editing(request, job.profile), "job": job, "state": job_state(job), "Status": ImportJob.Status}
    return render(request, "me/import_job.html", {**context, "keep_hours": settings.IMPORT_UPLOAD_MAX_AGE_HOURS})


def _preview_for(request, pk):
    """The preview `pk` of this user's; any other id, or a form carrying more than the id, is a 400."""
    extra = set(request.POST) - {"csrfmiddlewaretoken"}
    if extra:  # the kind, the files … are the preview's, never the form's
        raise PreviewRefused(f"This form carries {', '.join(sorted(extra))}; a confirm carries only the preview.")
    preview = ImportJob.objects.filter(pk=pk, owner=request.user).select_related("profile").first()
    if preview is None:
        raise PreviewRefused("This is not one of your previews.")
    return preview


def _refused(request, pk, exc):
    job = visible_jobs(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    context = {
        **_editing(request, job.profile), "job": job, "state": job_state(job), "Status": ImportJob.Status,
        "problem": str(exc), "keep_hours": settings.IMPORT_UPLOAD_MAX_AGE_HOURS,
    }  # fmt: skip
    return render(request, "me/import_job.html", context, status=400)


@login_required
@require_POST
def job_confirm(request, pk):
    """Confirm a preview: start the import it showed (its own files, kind and options) and show its page."""
    try:
        job = confirm_preview(actor=request.user, preview=_preview_for(request, pk))
    except (PreviewRefused, FairUse) as exc:
        return _refused(request, pk, exc)
    return redirect(job.get_absolute_url())


@login_required
@require_POST
def job_cancel(request, pk):
    """Cancel a preview: its files are deleted; back to the import page."""
    try:
        preview = _preview_for(request, pk)
        cancel_preview(actor=request.user, preview=preview)
    except PreviewRefused as exc:
        return _refused(request, pk, exc)
    messages.info(request, "Import cancelled; the uploaded files were deleted.")
    page = reverse(_import_page(preview))
    if preview.profile_id and (preview.options or {}).get("page") != "admin":
        page += "?" + urlencode({"profile": preview.profile.slug})
    return redirect(page)


def _import_page(job):
    """Where the upload came from: the admin's bulk import or the member's /me/import/."""
    return "admin_import_profiles" if (job.options or {}).get("page") == "admin" else "profile_import:member_import"


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
