"""Import uploads are what they claim to be (magic bytes), within size limits; site zips are safe to unpack."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from profiles.models import ImportJob
from profiles.uploads import UploadRefused, check_site_zip, upload_kind

pytestmark = pytest.mark.django_db


def zip_of(files, *, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, content in files.items():
            if isinstance(name, zipfile.ZipInfo):
                zf.writestr(name, content)
            else:
                zf.writestr(name, content)
    return buffer.getvalue()


DOCX = zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("site.zip", zip_of({"content/authors/a/_index.md": "---\ntitle: A\n---\n"}), "site"),
        ("cv.pdf", b"%PDF-1.7\n...", "cv"),
        ("cv.docx", DOCX, "cv"),
        ("cv.tex", b"\\documentclass{moderncv}", "cv"),
        ("cv.md", b"# Me", "cv"),
        ("papers.bib", b"@article{x, title={T}}", "files"),
        ("resume.json", b'{"basics": {}}', "files"),
        ("members.csv", b"name,email\n", "files"),
    ],
)
def test_each_kind_is_recognised(name, data, kind):
    assert upload_kind(name, data) == kind


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("cv.pdf", b"<html>not a pdf</html>", "not a PDF"),
        ("cv.docx", b"%PDF-1.4", "not a Word .docx"),
        ("cv.docx", zip_of({"hello.txt": "hi"}), "not a Word .docx"),
        ("site.zip", b"%PDF-1.4", "not a zip"),
        ("site.zip", DOCX, "a Word document, not a site archive"),
        ("papers.bib", b"%PDF-1.4 binary", "a binary file"),
        ("papers.bib", b"PK\x03\x04zip inside", "a binary file"),
        ("papers.bib", b"\x00\x01\x02\x03", "a binary file"),
        ("photo.exe", b"MZ", "unknown kind of file"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(name, data, says):
    with pytest.raises(UploadRefused, match=says):
        upload_kind(name, data)


@pytest.mark.parametrize("path", ["../escape.md", "/etc/passwd", "a/../../b.md", "C:/Windows/x.md", "a\\..\\b.md"])
def test_a_zip_with_a_path_outside_its_folder_is_refused(path):
    with pytest.raises(UploadRefused, match="unsafe path"):
        check_site_zip(zip_of({"ok.md": "x", path: "x"}))


def test_a_zip_with_a_symlink_is_refused():
    link = zipfile.ZipInfo("content/link")
    link.external_attr = (0o120777) << 16
    with pytest.raises(UploadRefused, match="unsafe path"):
        check_site_zip(zip_of({link: "/etc/passwd"}))


def test_a_zip_bomb_is_refused_before_unpacking(settings):
    settings.IMPORT_ZIP_MAX_RATIO = 100
    bomb = zip_of({"big.md": b"0" * (20 * 1024 * 1024)})  # 20 MB of zeros packs into ~20 KB
    assert len(bomb) < 100_000
    with pytest.raises(UploadRefused, match="zip bomb"):
        check_site_zip(bomb)


def test_limits_on_members_unpacked_size_and_archive_size(settings):
    settings.IMPORT_ZIP_MAX_FILES = 3
    with pytest.raises(UploadRefused, match="4 files in the archive; the limit is 3"):
        check_site_zip(zip_of({f"{i}.md": "x" for i in range(4)}))
    settings.IMPORT_ZIP_MAX_FILES = 100
    settings.IMPORT_ZIP_MAX_UNPACKED = 1000
    with pytest.raises(UploadRefused, match="unpacks to"):
        check_site_zip(zip_of({"a.md": "x" * 2000}, compression=zipfile.ZIP_STORED))
    settings.IMPORT_ZIP_MAX_BYTES = 100
    with pytest.raises(UploadRefused, match="the archive is"):
        check_site_zip(zip_of({"a.md": "x" * 200}, compression=zipfile.ZIP_STORED))


def test_the_member_page_refuses_a_fake_pdf_with_a_400_and_keeps_nothing(client, alice, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    client.force_login(alice)
    url = reverse("profile_import:member_import")
    response = client.post(url, {"action": "preview", "files": [SimpleUploadedFile("cv.pdf", b"<script>")]})
    assert response.status_code == 400
    assert "not a PDF" in response.content.decode()
    assert not any(tmp_path.iterdir())
    assert not ImportJob.objects.exists()


def test_the_admin_page_refuses_a_traversing_zip(client, admin):
    client.force_login(admin)
    bad = SimpleUploadedFile("site.zip", zip_of({"../../evil.md": "x"}))
    response = client.post(reverse("admin_import_profiles"), {"action": "preview", "files": [bad]})
    assert response.status_code == 400
    assert "unsafe path" in response.content.decode()


def test_a_site_and_a_cv_go_one_at_a_time(client, alice):
    client.force_login(alice)
    files = [SimpleUploadedFile("cv.md", b"# Me"), SimpleUploadedFile("site.zip", zip_of({"a.md": "x"}))]
    response = client.post(reverse("profile_import:member_import"), {"action": "preview", "files": files})
    assert response.status_code == 400
    assert "on its own" in response.content.decode()


def test_an_oversized_upload_is_refused(client, alice, settings):
    settings.IMPORT_MAX_BYTES = 10
    client.force_login(alice)
    big = SimpleUploadedFile("cv.md", b"# Me\n" * 10)
    response = client.post(reverse("profile_import:member_import"), {"action": "preview", "files": [big]})
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()


def test_the_admin_must_name_the_profile_a_cv_goes_into(client, admin):
    client.force_login(admin)
    cv = SimpleUploadedFile("cv.md", b"# Someone\n\n## Education\n\nSomewhere University\n2010 - 2014\n")
    response = client.post(reverse("admin_import_profiles"), {"action": "preview", "files": [cv]})
    assert response.status_code == 400
    assert "A CV goes into one profile" in response.content.decode()
    assert not ImportJob.objects.exists()  # nothing to confirm


def test_an_archive_declaring_too_many_entries_is_refused_from_its_end_record(settings):
    """A lying end record (60,000 entries) is refused before zipfile reads a directory that size."""
    settings.IMPORT_ZIP_MAX_FILES = 20_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("config.toml", "title = 'x'\n")
    data = bytearray(buffer.getvalue())
    at = data.rfind(b"PK\x05\x06")
    data[at + 10 : at + 12] = (60_000).to_bytes(2, "little")
    with pytest.raises(UploadRefused, match="60000 files in the archive; the limit is 20000"):
        check_site_zip(bytes(data), name="site.zip")
