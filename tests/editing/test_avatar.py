"""Avatar uploads: real JPEG/PNG/WebP only, bounded bytes and pixels, metadata stripped."""

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.editing.conftest import login

pytestmark = pytest.mark.django_db


def image_bytes(fmt="PNG", size=(640, 480), mode="RGB", **save):
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else None).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def upload(client, content, name="avatar.png", content_type="image/png"):
    return client.post("/me/avatar/", {"avatar": SimpleUploadedFile(name, content, content_type=content_type)})


def png_bomb(width=100_000, height=100_000):
    """A ~100-byte PNG that declares width x height pixels (10 gigapixels by default)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def errors(response):
    return response.context["form"].errors.get("avatar", [])


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "a.png"), ("JPEG", "a.jpg"), ("WEBP", "a.webp")])
def test_accepts_png_jpeg_webp_and_makes_thumbnails(alice, fmt, name):
    client = login(alice)
    response = upload(client, image_bytes(fmt), name=name)
    assert response.status_code == 302
    profile = alice.profile
    profile.refresh_from_db()
    assert profile.avatar.name.startswith(f"avatars/{profile.pk}/")
    for size in (96, 192, 400):
        url = profile.avatar_url(size)
        assert url.endswith(f"-{size}.jpg")
        stored = default_storage.open(url.removeprefix("/media/"))
        with Image.open(stored) as thumb:
            assert thumb.size == (size, size)
    assert profile.avatar_url(100).endswith("-192.jpg")  # the next size up


def test_exif_and_other_metadata_are_stripped(alice):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS
    content = image_bytes("JPEG", exif=exif.tobytes())
    assert b"SecretCam" in content
    response = upload(login(alice), content, name="a.jpg", content_type="image/jpeg")
    assert response.status_code == 302
    alice.profile.refresh_from_db()
    stored = default_storage.open(alice.profile.avatar.name).read()
    assert b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()


def test_a_text_file_named_png_is_refused(alice):
    response = upload(login(alice), b"this is not an image at all", name="photo.png")
    assert response.status_code == 200
    assert errors(response)
    alice.profile.refresh_from_db()
    assert not alice.profile.avatar


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused(alice, fmt):
    response = upload(login(alice), image_bytes(fmt, mode="RGB"), name="a.png")
    assert "Upload a JPEG, PNG or WebP image." in errors(response)


def test_svg_is_refused(alice):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>'
    response = upload(login(alice), svg, name="a.svg", content_type="image/svg+xml")
    assert "Upload a JPEG, PNG or WebP image." in errors(response)


def test_oversize_file_is_refused(alice, settings):
    settings.AVATAR_MAX_BYTES = 10_000
    content = image_bytes("PNG", size=(400, 400), mode="RGB")
    content += b"\0" * (settings.AVATAR_MAX_BYTES - len(content) + 1)
    response = upload(login(alice), content)
    assert any("too large" in e for e in errors(response))


def test_too_many_pixels_is_refused(alice, settings):
    settings.AVATAR_MAX_PIXELS = 100 * 100
    response = upload(login(alice), image_bytes("PNG", size=(101, 100)))
    assert any("megapixels" in e for e in errors(response))


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (30_000, 1_000), (6_000, 5_000)])
def test_a_pixel_bomb_is_a_form_error(alice, width, height):
    content = png_bomb(width, height)
    assert len(content) < 200
    response = upload(login(alice), content)
    assert response.status_code == 200
    assert errors(response)
    alice.profile.refresh_from_db()
    assert not alice.profile.avatar


def test_remove_the_avatar(alice):
    client = login(alice)
    upload(client, image_bytes("PNG"))
    client.post("/me/avatar/", {"remove": "1"})
    alice.profile.refresh_from_db()
    assert not alice.profile.avatar
    assert alice.profile.avatar_url(96) == ""
