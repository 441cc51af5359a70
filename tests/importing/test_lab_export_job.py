"""The whole-lab export as a background job: who may start and download it, what the .zip holds, progress, expiry.

The jobs run on django-tasks' immediate backend (inside the request, through the same
`run_import_job` task a worker runs).
"""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from profiles.exports import lab
from profiles.jobs import queue, runner
from profiles.models import ActivityEntry, ImportJob, Profile
from profiles.permissions import LAB_ADMIN_GROUP
from tests.factories import AuthorshipFactory, ProfileFactory, PublicationFactory, StatementFactory, UserFactory

pytestmark = pytest.mark.django_db

START = reverse("profile_import:lab_export")


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "export"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return tmp_path


@pytest.fixture
def lab_data(alice, bob):
    """Alice, Bob and an unpublished profile with a private statement; five papers, one with no member."""
    hidden = ProfileFactory(slug="hidden-member", full_name="Hidden Member", published=False)
    StatementFactory(profile=hidden, title="My private research plan")
    papers = []
    for index, profile in enumerate(Profile.objects.order_by("pk")):
        paper = PublicationFactory(citation_key=f"lab{index}", title=f"Paper number {index}")
        AuthorshipFactory(publication=paper, profile=profile, name=profile.full_name, position=1)
        papers.append(paper)
    papers.append(PublicationFactory(citation_key="outside", title="Nobody from the lab"))
    AuthorshipFactory(publication=papers[-1], name="Someone Else", position=1)
    return papers


def group_admin(username="carol"):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=LAB_ADMIN_GROUP)[0])
    return user


def download(client, job):
    return client.get(reverse("profile_import:job_download", args=[job.pk]))


def read_zip(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_a_lab_admin_exports_the_whole_lab_and_downloads_the_zip(client, admin, lab_data):
    client.force_login(admin)
    response = client.post(START)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert (job.kind, job.status, job.owner, job.error) == ("export", "succeeded", admin, "")
    assert (job.read, job.options["total"], job.progress) == (3, 3, 1.0)
    assert ActivityEntry.objects.filter(kind=ActivityEntry.Kind.EXPORTED, actor=admin).count() == 1

    page = client.get(job.get_absolute_url()).content.decode()
    assert "Export of the whole lab" in page
    assert 'Profiles written: <span data-field="read">3</span> of <span data-field="total">3</span>' in page
    assert reverse("profile_import:job_download", args=[job.pk]) in page

    archive = read_zip(download(client, job))
    names = set(archive.namelist())
    assert {n for n in names if n.startswith("profiles/")} == {
        "profiles/alice.json", "profiles/bob.json", "profiles/hidden-member.json",
    }  # fmt: skip
    hidden = json.loads(archive.read("profiles/hidden-member.json"))
    assert hidden["format"]
    assert hidden["published"] is False
    assert "My private research plan" in json.dumps(hidden)  # a lab admin's export keeps private items
    alice = json.loads(archive.read("profiles/alice.json"))
    assert [p["citation_key"] for p in alice["publications"]] == ["lab0"]

    bib = archive.read("publications.bib").decode()
    for paper in lab_data:
        assert f"{{{paper.citation_key}," in bib
        assert paper.title in bib
    csl = json.loads(archive.read("publications.csl.json"))
    assert sorted(item["id"] for item in csl) == sorted(p.citation_key for p in lab_data)
    assert job.report["publications"] == len(lab_data) == 4


def test_the_export_reads_the_papers_in_chunks_and_still_writes_every_one(client, admin, monkeypatch):
    monkeypatch.setattr(lab, "EXPORT_CHUNK", 1)  # 10 papers a chunk
    for index in range(25):
        AuthorshipFactory(publication=PublicationFactory(citation_key=f"k{index}"), name="A. Person", position=1)
    client.force_login(admin)
    client.post(START)
    job = ImportJob.objects.get()
    assert job.status == "succeeded"
    archive = read_zip(download(client, job))
    bib = archive.read("publications.bib").decode()
    assert sorted(line.split("{")[1].rstrip(",") for line in bib.splitlines() if line.startswith("@")) == sorted(
        f"k{index}" for index in range(25)
    )
    assert len(json.loads(archive.read("publications.csl.json"))) == 25


def test_progress_counts_profiles_written_out_of_the_total(client, admin, monkeypatch):
    for index in range(4):
        ProfileFactory(slug=f"p{index}")
    monkeypatch.setattr(lab, "EXPORT_PROGRESS_EVERY", 0)  # write the counters after every profile
    seen = []
    real = lab.export_profile_document

    def spy(profile, *, user):
        job = ImportJob.objects.get()
        seen.append((job.status, job.read, job.options.get("total"), job.progress))
        return real(profile, user=user)

    monkeypatch.setattr(lab, "export_profile_document", spy)
    client.force_login(admin)
    client.post(START)
    assert seen == [("running", n, 4, round(0.9 * n / 4, 3)) for n in range(4)]
    state = client.get(reverse("profile_import:job_status", args=[ImportJob.objects.get().pk])).json()
    assert (state["read"], state["total"], state["progress"], state["finished"]) == (4, 4, 1.0, True)


def test_a_member_cannot_start_an_export(client, alice, lab_data):
    client.force_login(alice)
    assert client.post(START).status_code == 403
    assert not ImportJob.objects.exists()
    assert "Export the whole lab" not in client.get(reverse("profile_import:jobs")).content.decode()


def test_a_visitor_is_sent_to_log_in_and_a_get_starts_nothing(client, admin):
    response = client.post(START)
    assert response.status_code == 302
    assert "login" in response["Location"]
    client.force_login(admin)
    assert client.get(START).status_code == 405  # only a POST (with its CSRF token) starts one
    assert not ImportJob.objects.exists()


def test_the_start_needs_the_csrf_token(admin):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    assert client.post(START).status_code == 403
    assert not ImportJob.objects.exists()


def test_only_the_admin_who_started_it_may_download_and_only_while_an_admin(client, alice, lab_data):
    carol = group_admin()
    client.force_login(carol)
    client.post(START)
    job = ImportJob.objects.get()
    assert download(client, job).status_code == 200

    client.force_login(alice)  # a member: not found, neither the file nor the job page
    assert download(client, job).status_code == 404
    assert client.get(job.get_absolute_url()).status_code == 404
    client.force_login(group_admin("dave"))  # another lab admin sees the job but may not take the file
    assert download(client, job).status_code == 404
    assert "Only carol, who started it" in client.get(job.get_absolute_url()).content.decode()
    client.logout()
    assert download(client, job).status_code == 302  # to the login page

    carol.groups.clear()  # no longer a lab admin: the file stays out of reach
    client.force_login(carol)
    assert download(client, job).status_code == 404


def test_a_job_whose_owner_lost_the_role_before_it_ran_fails_and_writes_no_file(admin):
    member = UserFactory(username="mallory")
    job = ImportJob.new(owner=member, kind=ImportJob.Kind.EXPORT, source="the whole lab")
    assert runner.run_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.error.startswith("not allowed")
    assert lab.expire_exports(hours=0) == (0, 0)  # no lab-exports/ folder at all
    assert lab.export_file(job) is None


def test_the_file_is_deleted_after_the_upload_expiry(client, admin, lab_data, private_storage):
    client.force_login(admin)
    client.post(START)
    job = ImportJob.objects.get()
    call_command("expire_import_uploads", stdout=io.StringIO())
    assert download(client, job).status_code == 200  # young: kept

    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(hours=25))
    assert download(client, job).status_code == 404  # past the expiry: not served even before the sweep
    assert "has expired" in client.get(job.get_absolute_url()).content.decode()
    out = io.StringIO()
    call_command("expire_import_uploads", stdout=out)
    assert "Deleted 1 expired lab export(s); 0 kept." in out.getvalue()
    assert not (private_storage / "lab-exports" / str(job.pk)).exists()


@pytest.mark.parametrize("count", [1, 6])
def test_the_job_list_shows_exports_with_bounded_queries(client, admin, count, django_assert_max_num_queries):
    for _ in range(count):
        queue.export_start(actor=admin)
    client.force_login(admin)
    # session + user, stale-job sweep (2), the jobs with owner and profile, the editing menu (2); the admin
    # check is the superuser flag.
    with django_assert_max_num_queries(9):
        page = client.get(reverse("profile_import:jobs")).content.decode()
    assert page.count("Whole-lab export (.zip)") == count
    assert page.count(">download</a>") == count
    assert "Export the whole lab" in page
    job = ImportJob.objects.first()
    with django_assert_max_num_queries(9):
        client.get(job.get_absolute_url())


def test_the_lab_members_page_offers_the_export(client, admin):
    client.force_login(admin)
    page = client.get(reverse("me:lab")).content.decode()
    assert f'action="{START}"' in page


@pytest.mark.django_db(transaction=True)  # the worker checks its connection as a real process would
def test_on_the_database_backend_the_export_waits_for_the_worker(client, admin, lab_data, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = queue.export_start(actor=admin)
    assert job.status == "queued"
    assert lab.export_file(job) is None  # nothing to take yet
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    client.force_login(admin)
    assert len([n for n in read_zip(download(client, job)).namelist() if n.startswith("profiles/")]) == 3
