"""Content is written only by services (docs/architecture.md).

Outside `services.py`, `writing.py`, the bulk import services (`importing.py`), the demo
loader, model methods and migrations, no module of the apps saves, deletes, creates or
updates rows. The few writes that are not profile content (files, API tokens, a form's
unsaved objects handed to a service) are listed here one by one, so a new one is a
decision someone has to make.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ["profiles", "publications", "portfolio_site"]
WRITERS = {"services.py", "writing.py", "importing.py", "demo.py", "models.py"}
ROW_WRITE = re.compile(r"\.(save|delete|create|bulk_create|bulk_update|update_or_create|get_or_create)\(")
QUERYSET_UPDATE = re.compile(r"(objects|\)|all\(\))\.update\(")  # Model.objects….update(), qs.filter(…).update()

ALLOWED = {
    ("profiles/uploads.py", "image.save(buffer"),  # Pillow writes a JPEG into memory
    ("profiles/uploads.py", "storage.save(name"),  # avatar files
    ("profiles/uploads.py", "storage.delete("),
    ("profiles/import_views.py", "storage.delete("),  # a preview's file, once confirmed or cancelled
    ("profiles/management/commands/expire_import_uploads.py", "storage.delete("),
    ("profiles/import_views.py", "stash_storage().save("),  # a preview's uploaded file (private storage)
    ("profiles/jobs.py", "_storage().save("),  # a job's uploaded files (private storage)
    ("profiles/jobs.py", "storage.delete("),  # deleted when the job ends
    ("profiles/admin.py", "formset.save(commit=False)"),  # unsaved objects, then services.item_save
    ("profiles/admin.py", ".update(revoked_at="),  # revoking API tokens (account data, not content)
    ("profiles/authentication.py", "token.save("),
    ("profiles/authentication.py", ".update(revoked_at="),
    ("profiles/authentication.py", ".update(last_used_at="),
    ("portfolio_site/settings.py", '.setdefault("OPTIONS", {}).update('),
    ("profiles/markdown.py", "super().save(*args, **kwargs)"),  # RendersMarkdown: a model mixin's save()
}


def _app_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or path.name in WRITERS:
                continue
            yield path


def writes_in(rel, text):
    """Lines of `text` (the file `rel`) that write rows, less the allowed ones."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        if not (ROW_WRITE.search(code) or QUERYSET_UPDATE.search(code)):
            continue
        if any(rel == allowed and snippet in code for allowed, snippet in ALLOWED):
            continue
        found.append(f"{rel}:{number}: {line.strip()}")
    return found


def test_no_content_is_written_outside_services():
    found = []
    for path in _app_files():
        rel = path.relative_to(ROOT).as_posix()
        found += writes_in(rel, path.read_text())
    assert found == []


def test_the_scan_sees_a_write_when_there_is_one():
    """The check above is not vacuous: it flags each kind of write it is meant to catch."""
    samples = [
        "item.save()",
        "Highlight.objects.create(text='x')",
        "Profile.objects.filter(pk=1).update(published=False)",
        "row.delete()",
        "Authorship.objects.bulk_create(rows)",
    ]
    for sample in samples:
        assert writes_in("profiles/views.py", sample), sample
    assert writes_in("profiles/views.py", "context.update(extra)") == []
