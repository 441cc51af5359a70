"""Sites imported as drafts: what the readers parse beyond the sections (avatar, featured papers, role
and status) is written where the model can hold it, the rest is reported by file and kept with the draft."""

import io
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from PIL import Image

from profiles.formats.sites import read_site
from profiles.imports.files import import_drafts_confirm, import_site, site_files
from profiles.models import Experience, ImportDraft, Profile, Talk
from publications.models import Authorship
from tests.factories import ProfileFactory
from tests.profiles.formats.test_sites import HUGO, write

pytestmark = pytest.mark.django_db


def jpeg(size=(64, 64)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return settings.MEDIA_ROOT


@pytest.fixture
def hugo(tmp_path):
    return write(tmp_path / "hugo", {**HUGO, "content/authors/admin/avatar.jpg": jpeg()})


def run(*args):
    out = StringIO()
    call_command("import_site", *map(str, args), stdout=out)
    return out.getvalue()


def test_a_lab_site_makes_draft_members_with_their_role_status_and_avatar(hugo, media):
    out = run(hugo, "--lab")
    franklin = Profile.objects.get(full_name="Rosalind Franklin")
    klug = Profile.objects.get(full_name="Aaron Klug")
    assert franklin.role == Profile.Role.PI  # user_groups: Principal Investigators
    assert klug.role == Profile.Role.PHD
    assert franklin.avatar.name.startswith(f"avatars/{franklin.pk}/")  # through the avatar checks: re-encoded
    assert franklin.avatar_url(96).endswith("-96.jpg")
    assert Talk.objects.get(profile=franklin).draft
    assert Experience.objects.get(profile=klug).draft
    record = ImportDraft.objects.get(profile=franklin)
    assert record.source == str(hugo)
    assert "not imported: content/post/essay/index.md" in out
    # Papers of a lab site are the lab's: imported at once, each author linked.
    assert Authorship.objects.filter(profile=franklin).exists()
    again = run(hugo, "--lab")
    assert "already imported" in again
    assert Profile.objects.filter(full_name="Rosalind Franklin").count() == 1


def test_an_avatar_that_is_not_an_image_is_reported_not_stored(tmp_path, media):
    site = write(tmp_path / "hugo", HUGO)  # avatar.jpg holds b"\xff\xd8\xff fake jpeg"
    out = run(site, "--lab")
    assert "content/authors/admin/avatar.jpg: avatar not imported: Upload a JPEG, PNG or WebP image." in out
    assert not Profile.objects.get(full_name="Rosalind Franklin").avatar


def test_an_existing_avatar_is_kept(hugo, media):
    member = ProfileFactory(slug="rosalind-franklin", full_name="Rosalind Franklin", avatar="avatars/mine.jpg")
    out = run(hugo, "--profile", member.slug)
    assert "not used; the profile already has an avatar" in out
    member.refresh_from_db()
    assert member.avatar.name == "avatars/mine.jpg"


def test_a_zipped_site_gives_its_avatar_too(hugo, tmp_path, media):
    archive = tmp_path / "site.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in hugo.rglob("*"):
            if path.is_file():
                zf.write(path, f"lab-site-main/{path.relative_to(hugo)}")
    assert site_files(archive)("content/authors/admin/avatar.jpg") == jpeg()
    assert site_files(archive)("../etc/passwd") is None
    run(archive, "--lab")
    assert Profile.objects.get(full_name="Rosalind Franklin").avatar


def test_a_members_site_import_waits_for_confirm_and_featured_papers_become_selected(hugo, media, admin):
    member = ProfileFactory(
        slug="rosalind-franklin", full_name="Rosalind Franklin", role=Profile.Role.POSTDOC, short_bio="", headline=""
    )
    report = import_site(read_site(hugo), profile=member, files=site_files(hugo))
    assert report.ok, report.lines()
    assert not Authorship.objects.filter(profile=member).exists()
    # Role and status are a lab admin's to set: a member's import reports them, never writes them.
    assert any("not changed" in n and "role 'pi'" in n for n in report.notes)
    member.refresh_from_db()
    assert member.role == Profile.Role.POSTDOC
    record = ImportDraft.objects.get(profile=member)
    assert any(line.startswith("content/post/essay/index.md: ") for line in record.not_imported)
    assert any(line.startswith("content/publication/tmv/paper.pdf: the PDF file of") for line in record.not_imported)
    assert record.profile_fields["headline"] == "Group Leader"  # proposed, not written
    assert not member.headline
    assert not member.short_bio
    import_drafts_confirm(actor=admin, profile=member)
    member.refresh_from_db()
    assert member.headline == "Group Leader"  # the proposals filled the blanks
    assert member.short_bio
    own = Authorship.objects.get(profile=member)
    assert own.selected  # featured: true
    assert not Talk.objects.filter(profile=member, draft=True).exists()
