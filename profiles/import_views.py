"""Import pages: upload, preview (a dry run with its full report), confirm.

`/me/import/` imports into one's own profile (profiles.importing.import_for_profile);
`/admin/import-profiles/` is the lab admins' bulk import (import_uploads), the same as
`manage.py import_profiles`. Between preview and confirm the uploaded files wait in a
private storage that is never served (STORAGES["imports"], outside MEDIA_ROOT) under a
random token scoped to the user; confirming re-runs the import for real. The files are
deleted when the preview is confirmed (whatever the outcome), cancelled, or fails; what
is left (previews nobody confirmed) is deleted after IMPORT_UPLOAD_MAX_AGE_HOURS by
`manage.py expire_import_uploads`.
"""

import contextlib
import os
import re
import secrets

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_valid_filename

from . import permissions
from .importing import FORMATS, import_for_profile, import_uploads, too_big
from .models import Profile

STASH = "import-uploads"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def stash_storage():
    """Where previews' uploads wait: private, never served (see settings.STORAGES)."""
    return storages["imports"]


def _folder(user, token):
    return f"{STASH}/{user.pk}/{token}"


def _stash(request, uploads):
    """Keep the uploaded files until the user confirms; returns (token, sources, problems)."""
    token = secrets.token_urlsafe(24)
    sources, problems = [], []
    for index, upload in enumerate(uploads):
        problem = too_big(upload.size)
        if problem:  # refused before reading it
            problems.append(f"{upload.name}: refused: {problem}")
            continue
        data = upload.read()
        name = get_valid_filename(upload.name) or "upload"
        stash_storage().save(f"{_folder(request.user, token)}/{index:03d}-{name}", ContentFile(data))
        sources.append((upload.name, data))
    return token, sources, problems


def _unstash(request, token):
    if not token or not TOKEN.match(token):
        return None
    folder = _folder(request.user, token)
    try:
        _, names = stash_storage().listdir(folder)
    except FileNotFoundError:
        return None
    sources = []
    for name in sorted(names):
        with stash_storage().open(f"{folder}/{name}") as handle:
            sources.append((name.split("-", 1)[1], handle.read()))
    return sources or None


def _discard(request, token):
    if not token or not TOKEN.match(token):
        return
    storage = stash_storage()
    folder = _folder(request.user, token)
    try:
        _, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        storage.delete(f"{folder}/{name}")
    _remove_empty_folder(storage, folder)


def _remove_empty_folder(storage, folder):
    # FileSystemStorage leaves the folder behind; remove it (and tolerate other backends).
    try:
        path = storage.path(folder)
    except NotImplementedError:
        return
    with contextlib.suppress(OSError):
        os.rmdir(path)


def _run(request, run, template, context):
    """The shared preview/confirm flow; `run(sources, dry_run)` returns an ImportReport."""
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "cancel":
        _discard(request, request.POST.get("token", ""))
        messages.info(request, "Import cancelled; the uploaded files were deleted.")
        return redirect(request.get_full_path())
    if action == "confirm":
        token = request.POST.get("token", "")
        sources = _unstash(request, token)
        if sources is None:
            messages.error(request, "That preview has expired; upload the files again.")
            return redirect(request.path)
        try:
            report = run(sources, False)
        finally:
            _discard(request, token)  # confirmed: whatever the outcome, the upload is not kept
        if report.ok:
            messages.success(request, f"Imported: {report.summary()}.")
        return render(request, template, {**context, "report": report, "done": report.ok})
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        if not uploads:
            return render(request, template, {**context, "problem": "Choose at least one file."}, status=400)
        token, sources, problems = _stash(request, uploads)
        try:
            report = run(sources, True)
        except BaseException:
            _discard(request, token)
            raise
        for problem in problems:
            report.error(problem)
        if not report.ok:
            _discard(request, token)  # a failed preview cannot be confirmed: keep nothing
            token = ""
        return render(request, template, {**context, "report": report, "token": token})
    return render(request, template, context)


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

    def run(sources, dry_run):
        return import_for_profile(actor=request.user, profile=profile, files=sources, dry_run=dry_run)

    return _run(request, run, "me/import.html", {"profile": profile, "formats": ["bibtex", "csl", "jsonresume",
                                                                                "orcid", "native"]})


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
            return render(request, "admin/import_profiles.html",
                          {**context, "problem": f"No profile with the slug {slug!r}."}, status=400)

    def run(sources, dry_run):
        return import_uploads(actor=request.user, sources=sources, fmt=fmt, profile=profile, dry_run=dry_run)

    context = {
        **admin.site.each_context(request), "formats": FORMATS, "title": "Bulk import",
        "format": fmt, "profile_slug": slug, "opts": Profile._meta,
    }  # fmt: skip
    return _run(request, run, "admin/import_profiles.html", context)


admin_import = admin.site.admin_view(_admin_import)
