"""Finding 9: import-preview uploads wait in private storage and never outlive their preview."""

import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from profiles.models import Profile
from publications.models import Publication

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
    url = reverse("profile_import:member_import")
    return client.post(url, {"action": "preview", "files": [SimpleUploadedFile(name, data)]})


def test_a_preview_upload_is_private_and_confirming_deletes_it(client, alice, private_root, settings):
    client.force_login(alice)
    response = preview(client)
    token = response.context["token"]
    stored = files_under(private_root)
    assert len(stored) == 1
    assert stored[0].read_bytes() == BIB
    assert files_under(settings.MEDIA_ROOT) == []  # nothing under the served media folder
    # Not reachable over HTTP by any URL.
    relative = stored[0].relative_to(private_root).as_posix()
    assert client.get(f"/media/{relative}").status_code == 404
    done = client.post(reverse("profile_import:member_import"), {"action": "confirm", "token": token})
    assert done.context["report"].ok, done.context["report"].lines
    assert Publication.objects.count() == 1
    assert files_under(private_root) == []


def test_cancelling_deletes_the_upload(client, alice, private_root):
    client.force_login(alice)
    token = preview(client).context["token"]
    assert files_under(private_root)
    response = client.post(reverse("profile_import:member_import"), {"action": "cancel", "token": token})
    assert response.status_code == 302
    assert files_under(private_root) == []
    # The token is spent: confirming now imports nothing.
    client.post(reverse("profile_import:member_import"), {"action": "confirm", "token": token})
    assert Publication.objects.count() == 0


def test_a_failed_preview_keeps_nothing(client, alice, private_root):
    client.force_login(alice)
    response = preview(client, BROKEN, "broken.bib")
    assert response.status_code == 200
    assert not response.context["report"].ok
    assert response.context["token"] == ""
    assert files_under(private_root) == []


def test_another_users_cancel_does_not_touch_my_upload(client, alice, bob, private_root):
    client.force_login(alice)
    token = preview(client).context["token"]
    client.force_login(bob)
    client.post(reverse("profile_import:member_import"), {"action": "cancel", "token": token})
    assert len(files_under(private_root)) == 1


def test_expire_command_deletes_day_old_previews_only(client, alice, bob, private_root):
    client.force_login(alice)
    preview(client)
    client.force_login(bob)
    Profile.objects.filter(user=bob).update(full_name="Bob Builder")
    preview(client, b"@article{b, title={Bob's}, author={Bob Builder}, year={2024}}\n", "b.bib")
    old, new = sorted(files_under(private_root), key=lambda p: p.parts)
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    call_command("expire_import_uploads")
    assert files_under(private_root) == [new]
    assert not old.parent.exists()  # its folder went too
    call_command("expire_import_uploads", hours=0)
    assert files_under(private_root) == []
