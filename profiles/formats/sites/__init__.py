"""Static academic sites (Hugo Academic/Blox/Wowchemy, al-folio, academicpages) -> profiles and papers.

``read_site(path)`` takes a folder or a ``.zip`` of the repository, recognises the
generator from the layout (``detect_generator``) and returns a ``SiteImport``: profile
documents, publication records and a by-file list of what was not imported. Pure: no
Django; files are only read. The layouts are documented in docs/cv-and-sites.md.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from profiles.formats import without_nul
from profiles.formats.sites import academicpages, alfolio, hugo
from profiles.formats.sites.common import SiteImport

__all__ = ["GENERATORS", "SiteImport", "SiteReadError", "detect_generator", "find_site_root", "read_site"]

GENERATORS = {"hugo-academic": hugo, "al-folio": alfolio, "academicpages": academicpages}
_DETECTION_ORDER = ("hugo-academic", "academicpages", "al-folio")  # an al-folio test also matches academicpages
MAX_ZIP_FILES = 20000
MAX_ZIP_BYTES = 500 * 1024 * 1024


class SiteReadError(ValueError):
    """The path is not a site this reader understands (or not a usable folder/zip)."""


def detect_generator(root: Path) -> str | None:
    """``"hugo-academic"``, ``"al-folio"``, ``"academicpages"`` or ``None``."""
    root = Path(root)
    return next((name for name in _DETECTION_ORDER if GENERATORS[name].detect(root)), None)


def find_site_root(path: Path) -> Path:
    """The folder itself, or its single sub-folder (GitHub's ``repo-main/`` in a zip) when that is the site."""
    path = Path(path)
    if detect_generator(path):
        return path
    subs = [p for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "__MACOSX"))]
    if len(subs) == 1 and detect_generator(subs[0]):
        return subs[0]
    return path


def _safe_extract(archive: Path, target: Path) -> list[str]:
    """Unpack ``archive`` into ``target``; returns what was left out (members whose path clashes
    with another's: a file ``images`` and a folder ``images/``, one path twice, a name the disk refuses)."""
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_FILES:
                raise SiteReadError(f"the zip holds {len(infos)} files (at most {MAX_ZIP_FILES})")
            if sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
                raise SiteReadError(f"the zip unpacks to more than {MAX_ZIP_BYTES // (1024 * 1024)} MB")
            files: set[str] = set()
            folders: set[str] = set()
            left_out = []
            for info in infos:
                name = PurePosixPath(info.filename)
                if name.is_absolute() or ".." in name.parts:
                    raise SiteReadError(f"the zip has an unsafe path: {info.filename}")
                if info.is_dir() or (info.external_attr >> 16) & 0o170000 == 0o120000:  # dirs and symlinks
                    continue
                if name.parts[0] == "__MACOSX":  # Finder's resource forks
                    continue
                problem = _clash(name.parts, files, folders) or _unpack(zf, info, target.joinpath(*name.parts))
                if problem:
                    left_out.append(f"{info.filename}: not unpacked: {problem}")
            return left_out
    except zipfile.BadZipFile as exc:
        raise SiteReadError(f"not a readable zip file ({exc})") from exc


def _clash(parts: tuple, files: set, folders: set) -> str:
    """Why a member at ``parts`` cannot be unpacked beside the ones before it (``""``: it can); records it."""
    path = "/".join(parts)
    parents = ["/".join(parts[:n]) for n in range(1, len(parts))]
    clash = next((p for p in parents if p in files), None)
    if clash:
        return f"the zip also holds a file {clash}, so it cannot be a folder"
    if path in folders:
        return "the zip also holds a folder of this name"
    if path in files:
        return "the zip holds this path twice"
    files.add(path)
    folders.update(parents)
    return ""


def _unpack(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path) -> str:
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(info) as src, open(dest, "wb") as out:
            shutil.copyfileobj(src, out)
    except OSError as exc:  # a name too long for the disk, …
        return exc.strerror or exc.__class__.__name__
    return ""


def read_site(path, *, generator: str | None = None) -> SiteImport:
    """Read a site folder or ``.zip``; raises ``SiteReadError`` when it is neither a known site nor readable.

    Messages name files by their path inside the site (or the upload's own name), never by the
    server's (a temporary folder); no NUL character of a file reaches the result."""
    path = Path(path)
    if not path.exists():
        raise SiteReadError(f"{path.name}: no such file or folder")
    if path.is_file():
        if path.suffix.lower() != ".zip":
            raise SiteReadError(f"{path.name}: a site is a folder or a .zip of one")
        with tempfile.TemporaryDirectory(prefix="site-import-") as tmp:
            left_out = _safe_extract(path, Path(tmp))
            site = _read_folder(Path(tmp), path.name, generator)
            site.warnings[:0] = left_out
            site.root = str(path)
            return _without_nul(site)
    return _without_nul(_read_folder(path, path.name, generator))


def _without_nul(site: SiteImport) -> SiteImport:
    for part in (site.documents, site.publications, site.not_imported, site.warnings):
        without_nul(part)
    return site


def _read_folder(path: Path, name: str, generator: str | None) -> SiteImport:
    root = find_site_root(path)
    found = generator or detect_generator(root)
    if found not in GENERATORS:
        raise SiteReadError(
            f"{name}: could not tell the site generator (expected Hugo Academic/Blox content/authors/, "
            "al-folio _bibliography/ or _data/cv.yml, or academicpages _publications/)"
        )
    site = SiteImport(generator=found, root=str(root))
    GENERATORS[found].read(root, site)
    for doc in site.documents:
        if not doc.get("full_name"):
            site.warn("", f"profile {doc.get('slug') or '(site owner)'} has no name")
    return site
