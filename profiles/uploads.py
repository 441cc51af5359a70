"""Avatar uploads: decode with Pillow, refuse anything that is not a real, sane image,
re-encode without metadata, and store square thumbnails under deterministic names.

The checks run in this order so that nothing big is ever decoded: size in bytes, then
`Image.open` (reads only the header) to learn the format and the dimensions, then the
pixel budget, and only then `load()`. Pillow's own decompression-bomb guard is turned
into a form error too.
"""

import hashlib
import io
import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
# avatars/<profile pk>/<16 hex digits of the content hash>.jpg; thumbnails add -<size>.
AVATAR_NAME = re.compile(r"^(?P<stem>avatars/\d+/[0-9a-f]{16})\.jpg$")
MAX_STORED_SIDE = 1200
JPEG_QUALITY = 85


def avatar_sizes():
    return tuple(sorted(getattr(settings, "AVATAR_SIZES", (96, 192, 400))))


def thumbnail_name(avatar_name, size):
    """Storage name of the thumbnail for `size` px, or None when `avatar_name` has none."""
    match = AVATAR_NAME.match(avatar_name or "")
    if not match:
        return None
    sizes = avatar_sizes()
    chosen = next((s for s in sizes if s >= int(size)), sizes[-1])
    return f"{match['stem']}-{chosen}.jpg"


def _too_big_message(limit):
    return f"The image is too large (at most {limit // (1024 * 1024)} MB)."


def decode_avatar(upload):
    """Validate an uploaded file and return a loaded, EXIF-rotated RGB Pillow image.

    Raises ValidationError with a message a researcher can act on.
    """
    max_bytes = settings.AVATAR_MAX_BYTES
    max_pixels = settings.AVATAR_MAX_PIXELS
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(_too_big_message(max_bytes), code="too_large")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(_too_big_message(max_bytes), code="too_large")
    not_image = ValidationError("Upload a JPEG, PNG or WebP image.", code="invalid_image")
    try:
        with warnings.catch_warnings():
            # DecompressionBombWarning becomes an error rather than a log line.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise not_image
            width, height = image.size
            if width * height > max_pixels or width < 1 or height < 1:
                raise ValidationError(
                    f"The image is {width} x {height} pixels; at most {max_pixels // 1_000_000} megapixels.",
                    code="too_many_pixels",
                )
            image.load()
            image = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("The image declares too many pixels.", code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_image from None
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    return image


def _encode(image):
    buffer = io.BytesIO()
    # A fresh RGB image carries no EXIF, ICC or XMP unless we pass them: nothing leaks.
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def store_avatar(image, profile_pk, storage=None):
    """Re-encode `image` and its square thumbnails; return the main file's storage name."""
    storage = storage or default_storage
    main = image.copy()
    main.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
    main_bytes = _encode(main)
    digest = hashlib.sha256(main_bytes).hexdigest()[:16]
    name = f"avatars/{int(profile_pk)}/{digest}.jpg"
    _save(storage, name, main_bytes)
    for size in avatar_sizes():
        thumb = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
        _save(storage, thumbnail_name(name, size), _encode(thumb))
    return name


def delete_avatar_files(name, storage=None):
    storage = storage or default_storage
    names = [name] + [thumbnail_name(name, size) for size in avatar_sizes()]
    for each in filter(None, names):
        if storage.exists(each):
            storage.delete(each)


def _save(storage, name, content):
    # Deterministic names: the same content lands on the same name, so replace it.
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(content))
