"""Imports as background jobs: progress, report, failures that write nothing, stale workers, who sees what.

Most tests use django-tasks' immediate backend (the job runs inside the request, through
the same `run_import_job` task); `test_database_backend_*` enqueue on the database
backend and run its real worker (`manage.py db_worker --batch`) in-process;
tests/importing/test_jobs_rq.py does the same on RQ with Redis.
"""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from profiles.jobs import queue, runner, storage
from profiles.models import Education, ImportJob, Profile, Talk
from profiles.uploads import private_storage
from publications.models import Publication
from tests.factories import ProfileFactory
from tests.importing.flow import confirm, post_preview, preview_job
from tests.profiles.formats.test_cvdoc_command import CV
from tests.profiles.formats.test_sites import HUGO

pytestmark = pytest.mark.django_db

BIB = b"""@article{good, title={A Good Paper}, author={Alice Andersson and Carol Clark}, year={2024}}
@article{untitled, author={Alice Andersson}, year={2024}}
"""

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jobs"}}
    return tmp_path


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


def upload(name, data):
    return SimpleUploadedFile(name, data if isinstance(data, bytes) else data.encode())


def site_zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(f"lab-site-main/{name}", content)
    return buffer.getvalue()


def preview_and_confirm(client, url, files, **fields):
    """Upload, check the preview succeeded, confirm it; the followed response of the import's page."""
    response = post_preview(client, files, url, **fields)
    assert response.status_code == 200, response.content.decode()[:2000]
    preview = preview_job(response)
    assert preview.status == "succeeded", (preview.error, preview.report)
    assert preview.options["pending"]
    response = confirm(client, preview)
    assert response.redirect_chain[-1][0] == response.context["job"].get_absolute_url()
    return response


def imported_job():
    """The import a confirmed preview started (not the preview)."""
    return ImportJob.objects.get(options__preview_of__isnull=False)


# --- A member's CV and site as jobs ------------------------------------------------------------


def test_member_cv_upload_runs_as_a_job_and_shows_its_report(client, alice, immediate):
    me = Profile.objects.get(user=alice)
    client.force_login(alice)
    response = post_preview(client, [upload("cv.md", CV)])
    body = response.content.decode()
    assert "read cv.md: 1 education, 1 experience, 1 talks, 1 publications" in body
    assert "not placed: [Hobbies] Bouldering." in body
    assert not Education.objects.exists()  # a preview writes nothing

    response = confirm(client, preview_job(response))
    job = imported_job()
    assert response.redirect_chain == [(job.get_absolute_url(), 302)]
    assert (job.kind, job.status, job.owner, job.profile) == ("cv", "succeeded", alice, me)
    assert job.read == 4
    assert job.created > 0
    assert job.finished_at is not None
    education = Education.objects.get(profile=me)
    assert education.institution == "South China University of Technology"
    assert education.draft  # an uploaded CV waits for the member's review like import_cv's
    client.logout()
    assert "South China University of Technology" not in client.get(me.get_absolute_url()).content.decode()
    client.force_login(alice)

    page = client.get(job.get_absolute_url()).content.decode()
    assert 'Status: <span data-field="status">succeeded</span>' in page
    assert "not placed: [Hobbies] Bouldering." in page  # the report is kept on the job
    assert 'http-equiv="refresh"' not in page  # a finished job stops refreshing
    state = client.get(reverse("profile_import:job_status", args=[job.pk])).json()
    assert state["finished"]
    assert state["progress"] == 1.0
    assert state["created"] == job.created
    assert not list(private_storage().listdir("import-jobs")[0])  # the upload is deleted when the job ends


def test_member_site_zip_runs_as_a_job_into_their_own_profile(client, immediate):
    from tests.factories import UserFactory

    user = UserFactory(username="rosalind")
    me = ProfileFactory(user=user, slug="rosalind-franklin", full_name="Rosalind Franklin")
    client.force_login(user)
    response = preview_and_confirm(
        client, reverse("profile_import:member_import"), [upload("site.zip", site_zip(HUGO))]
    )
    job = imported_job()
    assert response.status_code == 200
    assert job.status == "succeeded", job.error
    assert Talk.objects.get(profile=me).title == "Viruses in Three Dimensions"
    assert not Profile.objects.filter(full_name="Aaron Klug").exists()  # a member imports only themselves


def test_admin_lab_site_runs_as_a_job(client, admin, immediate):
    client.force_login(admin)
    response = preview_and_confirm(client, reverse("admin_import_profiles"), [upload("lab.zip", site_zip(HUGO))])
    job = imported_job()
    assert response.status_code == 200
    assert (job.profile, job.status, job.error) == (None, "succeeded", "")
    assert Profile.objects.filter(full_name__in=["Rosalind Franklin", "Aaron Klug"]).count() == 2
    assert client.get(job.get_absolute_url()).status_code == 200


def test_a_publication_file_runs_as_a_job(client, alice, immediate):
    client.force_login(alice)
    response = preview_and_confirm(client, reverse("profile_import:member_import"), [upload("mine.bib", BIB)])
    job = imported_job()
    assert "Done: " in response.content.decode()
    assert (job.kind, job.status, job.error) == ("files", "succeeded", "")
    assert (job.read, job.skipped) == (2, 1)  # the untitled entry is skipped
    assert job.created >= 1
    assert Publication.objects.get().title == "A Good Paper"


# --- Failures ---------------------------------------------------------------------------------


def test_a_failing_job_writes_nothing_and_says_why(alice, immediate, monkeypatch):
    me = Profile.objects.get(user=alice)

    def boom(*args, **kwargs):  # fails after the CV's sections were written in the same transaction
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("profiles.imports.documents._finish", boom)
    job = queue.job_start(actor=alice, kind="cv", files=[("cv.md", CV.encode())], profile=me)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "RuntimeError: disk on fire" in job.error
    assert "nothing was written" in job.error
    assert not Education.objects.exists()
    assert not Talk.objects.exists()


def test_an_unreadable_cv_fails_the_job_with_the_reason(alice, immediate):
    me = Profile.objects.get(user=alice)
    job = queue.job_start(actor=alice, kind="cv", files=[("cv.pdf", b"%PDF-1.4 nothing else")], profile=me)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "cv.pdf" in job.error
    assert not Education.objects.exists()


def test_a_worker_killed_mid_job_leaves_it_failed_not_running(client, alice, settings):
    settings.IMPORT_JOB_STALE_SECONDS = 60
    old = timezone.now() - timedelta(minutes=10)
    dead = ImportJob.new(owner=alice, kind="cv", status="running", started_at=old, heartbeat=old)
    # The worker of this one still beats in the cache (its transaction is open): not stale.
    alive = ImportJob.new(owner=alice, kind="cv", status="running", started_at=old, heartbeat=old)
    cache.set(storage.beat_key(alive.pk), timezone.now().timestamp())
    client.force_login(alice)
    assert client.get(reverse("profile_import:jobs")).status_code == 200
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == "failed"
    assert "the worker stopped" in dead.error
    assert "nothing was written" in dead.error
    assert alive.status == "running"
    # Reading the job itself runs the same check.
    cache.delete(storage.beat_key(alive.pk))
    state = client.get(reverse("profile_import:job_status", args=[alive.pk])).json()
    assert state["status"] == "failed"
    assert state["finished"]


def test_the_heartbeat_thread_keeps_a_long_job_alive(settings):
    settings.IMPORT_JOB_STALE_SECONDS = 0.4  # beats every 0.1 s
    beat = runner.Heartbeat(12345)
    beat.start()
    try:
        import time

        time.sleep(0.35)
        assert time.time() - cache.get(storage.beat_key(12345)) < 0.3
    finally:
        beat.stop()


def test_a_job_whose_queue_is_down_is_failed_with_the_reason(alice, settings, monkeypatch):
    settings.TASKS = IMMEDIATE
    from profiles.jobs import tasks

    def down(*args, **kwargs):
        raise ConnectionError("Redis refused the connection")

    monkeypatch.setattr(tasks, "run_import_job", type("T", (), {"enqueue": staticmethod(down)})())
    job = queue.job_start(
        actor=alice, kind="cv", files=[("cv.md", CV.encode())], profile=Profile.objects.get(user=alice)
    )
    assert job.status == "failed"
    assert "could not be queued" in job.error


# --- Strict: all or nothing -------------------------------------------------------------------


def test_strict_preview_refuses_a_file_with_a_skipped_entry(client, alice):
    client.force_login(alice)
    lenient = preview_job(post_preview(client, [upload("mine.bib", BIB)]))
    assert (lenient.status, lenient.options["pending"]) == ("succeeded", True)
    strict = post_preview(client, [upload("mine.bib", BIB)], strict="on")
    job = preview_job(strict)
    assert (job.status, job.options["pending"]) == ("failed", False)
    assert "entry has no title" in job.error  # skipped when lenient, an error when strict
    assert "Confirm import" not in strict.content.decode()


def test_strict_cv_job_refuses_on_a_warning(alice, immediate):
    """The CV's "Hobbies" section is not one the site holds: a warning, so a strict import refuses it all."""
    me = Profile.objects.get(user=alice)
    job = queue.job_start(actor=alice, kind="cv", files=[("cv.md", CV.encode())], profile=me, options={"strict": True})
    job.refresh_from_db()
    assert job.status == "failed"
    assert "strict" in job.error
    assert "Hobbies" in job.error
    assert not Education.objects.exists()
    assert not Publication.objects.exists()


def test_strict_admin_site_import_refuses_what_the_site_cannot_hold(client, admin):
    client.force_login(admin)
    url = reverse("admin_import_profiles")
    files = [upload("lab.zip", site_zip(HUGO))]
    response = post_preview(client, files, url, strict="on")
    assert response.status_code == 200
    job = preview_job(response)
    assert job.status == "failed"
    assert any(line.startswith("error: strict: ") for line in job.report["lines"])
    assert "Confirm import" not in response.content.decode()


# --- Who sees which job -----------------------------------------------------------------------


def test_a_member_cannot_read_another_members_job(client, alice, bob):
    theirs = ImportJob.new(owner=bob, kind="cv", source="bob-cv.pdf")
    client.force_login(alice)
    assert client.get(reverse("profile_import:job", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("profile_import:job_status", args=[theirs.pk])).status_code == 404
    listing = client.get(reverse("profile_import:jobs")).content.decode()
    assert "bob-cv.pdf" not in listing


def test_a_lab_admin_sees_every_job(client, admin, bob):
    theirs = ImportJob.new(owner=bob, kind="cv", source="bob-cv.pdf")
    client.force_login(admin)
    assert client.get(reverse("profile_import:job", args=[theirs.pk])).status_code == 200
    assert "bob-cv.pdf" in client.get(reverse("profile_import:jobs")).content.decode()


def test_anonymous_is_sent_to_login(client, alice):
    job = ImportJob.new(owner=alice, kind="cv")
    for name, args in (("jobs", []), ("job", [job.pk]), ("job_status", [job.pk])):
        response = client.get(reverse(f"profile_import:{name}", args=args))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_member_cannot_start_a_job_into_someone_elses_profile(alice, bob):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        queue.job_start(actor=alice, kind="cv", files=[("cv.md", b"# x")], profile=Profile.objects.get(user=bob))
    with pytest.raises(PermissionDenied):  # a lab site (no profile) is for lab admins
        queue.job_start(actor=alice, kind="site", files=[("s.zip", b"PK")], profile=None)
    assert not ImportJob.objects.exists()


# --- The running page ---------------------------------------------------------------------------


def test_a_running_job_page_refreshes_without_js_and_polls_with_it(client, alice):
    job = ImportJob.new(owner=alice, kind="cv", status="running", heartbeat=timezone.now())
    cache.set(storage.progress_key(job.pk), {"read": 40, "created": 12, "updated": 1, "skipped": 2, "progress": 0.4})
    client.force_login(alice)
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "js/import_job.js" in page
    assert '<progress max="1" value="0.400"' in page
    assert '<dd data-field="read">40</dd>' in page
    assert '<dd data-field="skipped">2</dd>' in page
    state = json.loads(client.get(reverse("profile_import:job_status", args=[job.pk])).content)
    assert (state["status"], state["read"], state["created"], state["progress"]) == ("running", 40, 12, 0.4)


# --- The database backend, with its real worker ------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker runs its own transactions, as in production
def test_database_backend_queues_the_job_and_its_worker_runs_it(alice, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE
    me = Profile.objects.get(user=alice)
    job = queue.job_start(actor=alice, kind="cv", files=[("cv.md", CV.encode())], profile=me)
    assert job.status == "queued"
    assert DBTaskResult.objects.filter(id=job.task_id).exists()
    assert not Education.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert Education.objects.filter(profile=me).count() == 1
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def test_the_admin_lists_jobs_for_lab_admins_only(client, admin, alice, settings):
    settings.IMPORT_JOB_STALE_SECONDS = 60
    old = timezone.now() - timedelta(minutes=10)
    job = ImportJob.new(owner=alice, kind="site", source="lab.zip", status="running", heartbeat=old)
    url = reverse("admin:profiles_importjob_changelist")
    client.force_login(admin)
    assert "lab.zip" in client.get(url).content.decode()
    job.refresh_from_db()
    assert job.status == "failed"  # the admin's list runs the stale check too
    client.force_login(alice)
    assert client.get(url).status_code in (302, 403)


@pytest.mark.parametrize("count", [1, 20])
def test_the_job_list_and_page_take_a_bounded_number_of_queries(client, alice, count, django_assert_max_num_queries):
    made = [ImportJob.new(owner=alice, kind="cv", source=f"cv{i}.pdf", status="succeeded") for i in range(count)]
    client.force_login(alice)
    # session + user, the lab (base template), the editing menu's profile (2), the stale check, the jobs
    with django_assert_max_num_queries(9):
        response = client.get(reverse("profile_import:jobs"))
    assert response.content.decode().count("cv") >= count
    with django_assert_max_num_queries(9):
        assert client.get(made[0].get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("env", "backend"),
    [({}, "django_tasks_db.DatabaseBackend"), ({"TASKS_BACKEND": "rq"}, "django_tasks_rq.RQBackend")],
)
def test_tasks_backend_is_chosen_by_the_environment(env, backend):
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from django.conf import settings; "
        "print(settings.TASKS['default']['BACKEND'], 'django_rq' in settings.INSTALLED_APPS)"
    )
    full_env = {k: v for k, v in os.environ.items() if k != "TASKS_BACKEND"} | env
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code], cwd=Path(__file__).resolve().parents[2],
        env=full_env, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert out == [backend, str(bool(env))]


def test_a_job_no_worker_picked_up_is_failed_after_a_day_and_its_files_deleted(client, alice, settings):
    settings.TASKS = DATABASE  # queued, and no worker runs
    me = Profile.objects.get(user=alice)
    job = queue.job_start(actor=alice, kind="cv", files=[("cv.md", CV.encode())], profile=me)
    assert storage.job_files(job.pk)
    client.force_login(alice)
    client.get(reverse("profile_import:jobs"))
    job.refresh_from_db()
    assert job.status == "queued"  # a fresh job waits
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=25))
    client.get(reverse("profile_import:jobs"))
    job.refresh_from_db()
    assert job.status == "failed"
    assert "no worker picked this job up" in job.error
    assert storage.job_files(job.pk) == []
