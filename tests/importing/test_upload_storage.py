"""Finding 9: import-preview uploads wait in private storage and never outlive their preview."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from profiles.models import ImportJob, Profile
from publications.models import Publication
from tests.importing.flow import cancel, confirm, post_preview, preview_job

pytestmark = pytest.mark.django_db

BIB = b"@article{mine, title={My Paper}, author={Alice Andersson}, year={2024}}\n"
BROKEN = b"@article{broken, title={Unclosed"


@pytest.fixture
def private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


def files_under(root):
    return sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else []


def preview(client, data=BIB, name="mine.bib"):
    return post_preview(client, [SimpleUploadedFile(name, data)])


def test_a_preview_upload_is_private_and_confirming_deletes_it(client, alice, private_root, settings):
    client.force_login(alice)
    job = preview_job(preview(client))
    stored = files_under(private_root)
    assert len(stored) == 1
    assert stored[0].read_bytes() == BIB
    assert files_under(settings.MEDIA_ROOT) == []  # nothing under the served media folder
    # Not reachable over HTTP by any URL.
    relative = stored[0].relative_to(private_root).as_posix()
    assert client.get(f"/media/{relative}").status_code == 404
    done = confirm(client, job)
    assert done.context["job"].status == "succeeded", done.context["job"].report
    assert Publication.objects.count() == 1
    assert files_under(private_root) == []


def test_cancelling_deletes_the_upload(client, alice, private_root):
    client.force_login(alice)
    job = preview_job(preview(client))
    assert files_under(private_root)
    response = cancel(client, job)
    assert response.status_code == 302
    assert files_under(private_root) == []
    # The preview is spent: confirming now is refused and imports nothing.
    response = confirm(client, job)
    assert response.status_code == 400
    assert "cancelled" in response.content.decode()
    assert Publication.objects.count() == 0


def test_a_failed_preview_keeps_nothing(client, alice, private_root):
    client.force_login(alice)
    response = preview(client, BROKEN, "broken.bib")
    assert response.status_code == 200
    job = preview_job(response)
    assert job.status == "failed"
    assert "Confirm import" not in response.content.decode()
    assert files_under(private_root) == []
    assert confirm(client, job).status_code == 400


def test_another_users_cancel_does_not_touch_my_upload(client, alice, bob, private_root):
    client.force_login(alice)
    job = preview_job(preview(client))
    client.force_login(bob)
    assert cancel(client, job).status_code == 404
    assert len(files_under(private_root)) == 1


def test_expire_command_deletes_day_old_previews_only(client, alice, bob, private_root):
    client.force_login(alice)
    old_job = preview_job(preview(client))
    client.force_login(bob)
    Profile.objects.filter(user=bob).update(full_name="Bob Builder")
    preview(client, b"@article{b, title={Bob's}, author={Bob Builder}, year={2024}}\n", "b.bib")
    # Identify the two uploads by their names: job folders are numbered, and "10" sorts before "9".
    (old,) = [p for p in files_under(private_root) if p.name.endswith("mine.bib")]
    (new,) = [p for p in files_under(private_root) if p.name.endswith("b.bib") and p != old]
    ImportJob.objects.filter(pk=old_job.pk).update(created_at=timezone.now() - timedelta(hours=25))
    call_command("expire_import_uploads")
    assert files_under(private_root) == [new]
    assert not old.parent.exists()  # its folder went too
    client.force_login(alice)
    assert confirm(client, old_job).status_code == 400  # expired: it cannot be confirmed any more
    call_command("expire_import_uploads", hours=0)
    assert files_under(private_root) == []
