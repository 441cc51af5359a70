"""Hostile uploads against the import flow (issue 23): readers run in a child process with limits,
the web request parses nothing, a confirm runs exactly what its preview checked, and one member
cannot fill the disk or the queue.

Every crafted file is built here. Memory and time are read from the kernel's accounting of the
child processes (getrusage(RUSAGE_CHILDREN)), not from timers around the test.
"""

import resource
import time
import zlib

import pytest
from django.urls import reverse

from profiles.imports.sandbox import Limits, ReaderLimit, run_limited
from profiles.jobs import storage
from profiles.models import Education, ImportJob, Profile
from publications.models import Publication
from tests.importing.flow import confirm, post_preview, preview_job, upload

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
BIB = b"@article{mine, title={My Paper}, author={Alice Liddell}, year={2024}}\n"
CV = b"# Alice Liddell\n\n## Education\n\nUniversity of Somewhere, BSc Physics, 2010 - 2014\n"
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def inflating_pdf(megabytes):
    """A one-page PDF whose content stream is `megabytes` MB of spaces, deflated (about 1 KB per MB)."""
    packer = zlib.compressobj(9)
    block = b" " * MB
    stream = b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def rss_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


@pytest.fixture
def small_limits(settings):
    settings.IMPORT_READER_MEMORY_MB = 128
    settings.IMPORT_READER_CPU_SECONDS = 20
    settings.IMPORT_READER_WALL_SECONDS = 30
    return settings


# --- The limits, on real readers ----------------------------------------------------------------


def test_a_pdf_that_inflates_to_hundreds_of_megabytes_fails_in_its_child_with_the_reason(client, alice, small_limits):
    pdf = inflating_pdf(400)  # 400 MB of spaces in under half a megabyte
    assert len(pdf) < MB
    client.force_login(alice)
    own_peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children_cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime

    job = preview_job(post_preview(client, [upload("cv.pdf", pdf)]))

    assert job.status == "failed"
    assert "cv.pdf expands beyond 128 MB in memory, the limit" in job.error
    assert not Education.objects.exists()
    assert not list(storage.job_files(job.pk))  # a failed preview keeps no file
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert children.ru_maxrss * 1024 < rss_bytes() + 128 * MB + 64 * MB  # the child stayed under its ceiling
    assert children.ru_utime - children_cpu_before < 20  # and under its CPU limit
    # This process never inflated the stream (allowing for ordinary growth of a test process).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - own_peak_before < 96 * MB

    # The next upload is served as usual.
    following = preview_job(post_preview(client, [upload("mine.bib", BIB)]))
    assert following.status == "succeeded", following.error


def test_a_reader_that_spins_is_stopped_at_the_cpu_limit(client, alice, settings, monkeypatch):
    settings.IMPORT_READER_CPU_SECONDS = 1

    def spin(name, data):
        while True:
            pass

    monkeypatch.setattr("profiles.imports.documents.parse_cv_file", spin)
    client.force_login(alice)
    job = preview_job(post_preview(client, [upload("cv.md", CV)]))
    assert job.status == "failed"
    assert "reading cv.md used more than 1 s of processor time, the limit" in job.error


def test_a_reader_that_hangs_is_killed_at_the_wall_clock_limit(alice, settings, monkeypatch):
    settings.IMPORT_READER_WALL_SECONDS = 1
    monkeypatch.setattr("profiles.imports.documents.parse_cv_file", lambda name, data: time.sleep(60))
    from profiles.imports.documents import cv_import

    started = time.monotonic()
    result = cv_import(actor=alice, name="cv.md", data=CV, profile=Profile.objects.get(user=alice), dry_run=True)
    assert time.monotonic() - started < 10
    assert result.report.errors == ["cv.md: reading cv.md took longer than 1 s, the limit"]


def test_a_reader_that_returns_too_much_is_refused(alice, settings):
    settings.IMPORT_READER_RESULT_MB = 1
    entries = b"".join(
        b"@misc{k%d, title={%s}, author={Alice Liddell}, year=2024}\n" % (i, b"x" * 200) for i in range(8000)
    )
    from profiles.imports.files import import_for_profile

    report = import_for_profile(
        actor=alice, profile=Profile.objects.get(user=alice), files=[("big.bib", entries)], dry_run=True
    )
    assert not report.ok
    assert any("once read; the limit is 1 MB" in error for error in report.errors), report.errors
    assert not Publication.objects.exists()


def test_the_reader_raises_its_own_errors_again_and_deep_recursion_is_a_reason():
    with pytest.raises(ValueError, match="not a CV"):
        run_limited(lambda: (_ for _ in ()).throw(ValueError("not a CV")))

    def deep(n=0):
        return deep(n + 1)

    with pytest.raises(ReaderLimit, match="nested too deeply"):
        run_limited(deep, what="x.json", limits=Limits(memory_mb=256, cpu_seconds=10, wall_seconds=20))


# --- What is checked at upload is what runs at confirm --------------------------------------------


def test_a_confirm_carrying_a_kind_is_refused(client, alice):
    client.force_login(alice)
    job = preview_job(post_preview(client, [upload("cv.md", CV)]))
    assert job.kind == "cv"
    response = confirm(client, job, kind="site")
    assert response.status_code == 400
    assert "a confirm carries only the preview" in response.content.decode()
    assert ImportJob.objects.count() == 1  # no import started
    assert not Education.objects.exists()


def test_files_changed_after_the_preview_are_refused(client, alice):
    client.force_login(alice)
    job = preview_job(post_preview(client, [upload("mine.bib", BIB)]))
    folder = storage.folder(job.pk)
    from profiles.uploads import discard_folder, keep_files

    discard_folder(folder)
    keep_files(folder, [("mine.bib", BIB.replace(b"My Paper", b"Something Else"))])
    response = confirm(client, job)
    assert response.status_code == 400
    assert "changed since they were checked" in response.content.decode()
    assert not Publication.objects.exists()


def test_a_preview_is_confirmed_once(client, alice):
    client.force_login(alice)
    job = preview_job(post_preview(client, [upload("mine.bib", BIB)]))
    assert confirm(client, job).status_code == 200
    again = confirm(client, job)
    assert again.status_code == 400
    assert "confirmed already" in again.content.decode()
    assert Publication.objects.count() == 1


def test_a_failed_preview_cannot_be_confirmed_and_a_get_does_nothing(client, alice):
    client.force_login(alice)
    job = preview_job(post_preview(client, [upload("broken.bib", b"@article{broken, title={Unclosed")]))
    assert job.status == "failed"
    assert confirm(client, job).status_code == 400
    assert client.get(reverse("profile_import:job_confirm", args=[job.pk])).status_code == 405


def test_a_pdf_carrying_a_zip_is_imported_as_the_cv_it_was_checked_as(client, alice):
    """The kind comes from the checks at upload: a site .zip hidden in a PDF never runs as a site."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content/authors/admin/_index.md", "---\ntitle: Mallory\n---\n")
    pdf = inflating_pdf(1).replace(b"%%EOF\n", b"%%EOF\n" + buffer.getvalue())
    client.force_login(alice)
    job = preview_job(post_preview(client, [upload("cv.pdf", pdf)], kind="auto"))
    assert job.kind == "cv"
    assert confirm(client, job, kind="site").status_code == 400
    assert not Profile.objects.filter(full_name="Mallory").exists()


# --- Fair use -------------------------------------------------------------------------------------


def test_waiting_previews_are_limited_in_space(client, alice, settings):
    settings.IMPORT_PREVIEW_SPACE_MB = 1
    padding = b"% " + b"x" * (600 * 1024) + b"\n"
    client.force_login(alice)
    assert post_preview(client, [upload("one.bib", padding + BIB)]).status_code == 200
    response = post_preview(client, [upload("two.bib", padding + BIB)])
    assert response.status_code == 429
    assert "the limit is 1 MB" in response.content.decode()


@pytest.mark.parametrize(
    ("limits", "status", "refusal"),
    [
        ({"IMPORT_PREVIEWS_PER_MEMBER": 2}, "succeeded", "You have 2 previews waiting for a confirm"),
        # queued: no worker runs in this test
        ({"IMPORT_JOBS_PER_MEMBER": 2, "TASKS": DATABASE}, "queued", "You have 2 imports waiting or running"),
    ],
    ids=["previews waiting", "jobs running"],
)
def test_one_member_cannot_fill_the_previews_or_the_queue(client, alice, bob, settings, limits, status, refusal):
    for name, value in limits.items():
        setattr(settings, name, value)
    client.force_login(alice)
    for _ in range(2):
        assert preview_job(post_preview(client, [upload("mine.bib", BIB)])).status == status
    response = post_preview(client, [upload("mine.bib", BIB)])
    assert response.status_code == 429
    assert refusal in response.content.decode()
    client.force_login(bob)  # another member is not affected
    assert preview_job(post_preview(client, [upload("b.bib", BIB)])).status == status
