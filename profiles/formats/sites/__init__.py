"""Static academic sites (Hugo Academic/Blox/Wowchemy, al-folio, academicpages) -> profiles and papers.

``read_site(path)`` takes a folder or a ``.zip`` of the repository, recognises the
generator from the layout (``detect_generator``) and returns a ``SiteImport``: profile
documents, publication records and a by-file list of what was not imported. Pure: no
Django; files are only read. The layouts are documented in docs/cv-and-sites.md.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath

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


def _safe_extract(archive: Path, target: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_FILES:
                raise SiteReadError(f"the zip holds {len(infos)} files (at most {MAX_ZIP_FILES})")
            if sum(i.file_size for i in infos) > MAX_ZIP_BYTES:
                raise SiteReadError(f"the zip unpacks to more than {MAX_ZIP_BYTES // (1024 * 1024)} MB")
            for info in infos:
                name = PurePosixPath(info.filename)
                if name.is_absolute() or ".." in name.parts:
                    raise SiteReadError(f"the zip has an unsafe path: {info.filename}")
                if info.is_dir() or (info.external_attr >> 16) & 0o170000 == 0o120000:  # dirs and symlinks
                    continue
                if name.parts[0] == "__MACOSX":  # Finder's resource forks
                    continue
                dest = target.joinpath(*name.parts)
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(dest, "wb") as out:
                    out.write(src.read())
    except zipfile.BadZipFile as exc:
        raise SiteReadError(f"not a readable zip file ({exc})") from exc


def read_site(path, *, generator: str | None = None) -> SiteImport:
    """Read a site folder or ``.zip``; raises ``SiteReadError`` when it is neither a known site nor readable."""
    path = Path(path)
    if not path.exists():
        raise SiteReadError(f"{path}: no such file or folder")
    if path.is_file():
        if path.suffix.lower() != ".zip":
            raise SiteReadError(f"{path}: a site is a folder or a .zip of one")
        with tempfile.TemporaryDirectory(prefix="site-import-") as tmp:
            _safe_extract(path, Path(tmp))
            site = read_site(Path(tmp), generator=generator)
            site.root = str(path)
            return site
    root = find_site_root(path)
    found = generator or detect_generator(root)
    if found not in GENERATORS:
        raise SiteReadError(
            f"{path}: could not tell the site generator (expected Hugo Academic/Blox content/authors/, "
            "al-folio _bibliography/ or _data/cv.yml, or academicpages _publications/)"
        )
    site = SiteImport(generator=found, root=str(root))
    GENERATORS[found].read(root, site)
    for doc in site.documents:
        if not doc.get("full_name"):
            site.warn("", f"profile {doc.get('slug') or '(site owner)'} has no name")
    return site
