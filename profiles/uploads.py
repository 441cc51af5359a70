"""Avatar uploads: decode with Pillow, refuse anything that is not a real, sane image,
re-encode without metadata, and store square thumbnails under deterministic names.

The checks run in this order so that nothing big is ever decoded: size in bytes, then
`Image.open` (reads only the header) to learn the format and the dimensions, then the
pixel budget, and only then `load()`. Pillow's own decompression-bomb guard is turned
into a form error too.
"""

import contextlib
import hashlib
import io
import os
import re
import warnings

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.utils.text import get_valid_filename
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


# --- Import uploads: what a file is, by its bytes, and safe site archives --------------------

CV_EXTENSIONS = {".pdf", ".docx", ".tex", ".md", ".markdown", ".txt"}
TEXT_EXTENSIONS = {".bib", ".bibtex", ".json", ".csv", ".txt", ".md", ".markdown", ".tex"}


class UploadRefused(ValueError):
    """An upload that is not what it claims to be, or is too large (the message says which)."""


def _mb(n):
    return f"{n / (1024 * 1024):.0f} MB"


def upload_kind(name, data):
    """What an import upload is, from its magic bytes checked against its extension.

    Returns "site" (a .zip), "cv" (.pdf, .docx, .tex, .md) or "files" (.bib, .json, .csv,
    .txt: the exchange formats); raises UploadRefused when the bytes contradict the name
    (a .pdf that is not a PDF, a .docx that is not a Word document, a binary .bib).
    """
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    is_zip = data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06"
    is_pdf = data[:5] == b"%PDF-"
    if suffix == ".zip":
        if not is_zip:
            raise UploadRefused(f"{name}: not a zip archive")
        if _is_docx(data):
            raise UploadRefused(f"{name}: a Word document, not a site archive: rename it .docx")
        return "site"
    if suffix == ".pdf":
        if not is_pdf:
            raise UploadRefused(f"{name}: not a PDF (the file does not start with %PDF-)")
        return "cv"
    if suffix == ".docx":
        if not (is_zip and _is_docx(data)):
            raise UploadRefused(f"{name}: not a Word .docx document")
        return "cv"
    if is_zip or is_pdf or (b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise UploadRefused(f"{name}: a binary file; expected text ({suffix or 'no extension'})")
    if suffix in {".tex", ".md", ".markdown"}:
        return "cv"
    if suffix in TEXT_EXTENSIONS or not suffix:
        return "files"
    raise UploadRefused(
        f"{name}: unknown kind of file (a site .zip; a CV .pdf, .docx, .tex, .md; or .bib, .json, .csv, .txt)"
    )


def _is_docx(data):
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _declared_entries(data):
    """The number of entries an archive's end record declares (0 when there is none to read).

    Read from the last 64 KB, so that an archive declaring a million entries is refused
    without building a million ZipInfo objects. 0xFFFF (a ZIP64 archive: more than 65,535
    entries or very large ones) counts as that many.
    """
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or at + 12 > len(data):
        return 0
    return int.from_bytes(data[at + 10 : at + 12], "little")


def check_site_zip(data, *, name="upload.zip"):
    """Refuse a site archive that is too big, too many files, a zip bomb or has unsafe paths.

    Looks only at the central directory (nothing is unpacked): the upload's size, the
    number of members, the declared unpacked size, the compression ratio of the whole
    archive, and each member's path (absolute, drive letters, `..`, backslashes, symlinks).
    The reader then unpacks with the same limits (zipfile stops a member at its declared
    size, so a lying header cannot unpack more).
    """
    import stat
    import zipfile
    from pathlib import PurePosixPath

    max_bytes = settings.IMPORT_ZIP_MAX_BYTES
    if len(data) > max_bytes:
        raise UploadRefused(f"{name}: the archive is {_mb(len(data))}; the limit is {_mb(max_bytes)}")
    declared = _declared_entries(data)
    if declared > settings.IMPORT_ZIP_MAX_FILES:  # before zipfile builds an object per entry
        raise UploadRefused(f"{name}: {declared} files in the archive; the limit is {settings.IMPORT_ZIP_MAX_FILES}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused(f"{name}: not a readable zip archive ({exc})") from None
    if len(infos) > settings.IMPORT_ZIP_MAX_FILES:
        raise UploadRefused(f"{name}: {len(infos)} files in the archive; the limit is {settings.IMPORT_ZIP_MAX_FILES}")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > settings.IMPORT_ZIP_MAX_UNPACKED:
        raise UploadRefused(f"{name}: unpacks to {_mb(unpacked)}; the limit is {_mb(settings.IMPORT_ZIP_MAX_UNPACKED)}")
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > 1024 * 1024 and unpacked / packed > settings.IMPORT_ZIP_MAX_RATIO:
        raise UploadRefused(
            f"{name}: compressed {unpacked // packed}:1 (a zip bomb?); the limit is {settings.IMPORT_ZIP_MAX_RATIO}:1"
        )
    for info in infos:
        raw = info.filename
        path = PurePosixPath(raw)
        if (
            "\\" in raw or path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", raw)
            or stat.S_ISLNK(info.external_attr >> 16)
        ):  # fmt: skip
            raise UploadRefused(f"{name}: unsafe path in the archive: {raw!r}")


# --- Files kept privately between two steps (import previews, job uploads, lab exports) ---------


def private_storage():
    """Where uploads wait for a preview or a job, and where exports are kept: never served (settings.STORAGES)."""
    return storages["imports"]


def safe_file_name(name):
    """`name` as a plain file name of the storage ("upload" for "..", "." and the like)."""
    try:
        return get_valid_filename(name) or "upload"
    except SuspiciousFileOperation:
        return "upload"


def keep_files(folder, files):
    """Store (name, bytes) pairs under `folder`, numbered so that `kept_files` returns them in order."""
    for index, (name, data) in enumerate(files):
        private_storage().save(f"{folder}/{index:03d}-{safe_file_name(name)}", ContentFile(data))


def kept_files(folder):
    """The (name, bytes) pairs `keep_files` stored under `folder`, in order; [] when there are none."""
    storage = private_storage()
    try:
        _, names = storage.listdir(folder)
    except FileNotFoundError:
        return []
    files = []
    for name in sorted(names):
        with storage.open(f"{folder}/{name}") as handle:
            files.append((name.split("-", 1)[1] if "-" in name else name, handle.read()))
    return files


def remove_empty_folder(storage, folder):
    """FileSystemStorage leaves an emptied folder behind: remove it (other backends have none)."""
    try:
        path = storage.path(folder)
    except NotImplementedError:
        return
    with contextlib.suppress(OSError):
        os.rmdir(path)


def discard_folder(folder):
    """Delete the files of one folder of the private storage, then the folder."""
    storage = private_storage()
    try:
        _, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        storage.delete(f"{folder}/{name}")
    remove_empty_folder(storage, folder)
