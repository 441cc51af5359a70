"""The import pages' two steps, as a browser walks them: upload (a preview job), then confirm it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from profiles.models import ImportJob


def upload(name, data):
    return SimpleUploadedFile(name, data)


def post_preview(client, files, url=None, **fields):
    """POST the upload form and follow to the preview's page; the response (its context has `job`)."""
    url = url or reverse("profile_import:member_import")
    return client.post(url, {"action": "preview", "files": files, **fields}, follow=True)


def preview_job(response):
    job = response.context.get("job") if response.context else None
    assert isinstance(job, ImportJob), f"no preview job on this page ({response.status_code})"
    return job


def confirm(client, job, **extra):
    """Confirm the preview `job`; follows to the import's page."""
    return client.post(reverse("profile_import:job_confirm", args=[job.pk]), extra, follow=True)


def cancel(client, job):
    return client.post(reverse("profile_import:job_cancel", args=[job.pk]))
