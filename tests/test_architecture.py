"""Content is written only by services (docs/architecture.md).

Outside the `services/` packages (and `publications/services.py`), the import pipelines
(`imports/`), the demo loader (`demo/`), model methods and migrations, no module of the apps
saves, deletes, creates or updates rows, records an activity entry or starts a job. The few
writes that are not profile content (files, API tokens, a job's own row, a form's unsaved
objects handed to a service) are listed here one by one, so a new one is a
decision someone has to make.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ["profiles", "publications", "portfolio_site"]
WRITER_FILES = {"services.py", "models.py"}
WRITER_PACKAGES = {"services", "imports", "demo", "migrations"}
ROW_WRITE = re.compile(
    r"\.(save|delete|create|bulk_create|bulk_update|update_or_create|get_or_create)\("
    # the model methods that write a row: the activity log, and a job's own row
    r"|ActivityEntry\.record\(|ImportJob\.new\(|\.(mark_running|mark_finished|save_progress|fail_stale|_write)\("
)
QUERYSET_UPDATE = re.compile(r"(objects|\)|all\(\))\.update\(")  # Model.objects….update(), qs.filter(…).update()

ALLOWED = {
    ("profiles/uploads.py", "image.save(buffer"),  # Pillow writes a JPEG into memory
    ("profiles/uploads.py", "storage.save(name"),  # avatar files
    ("profiles/uploads.py", "storage.delete("),
    ("profiles/uploads.py", "private_storage().save("),  # a preview's or a job's uploaded files (private storage)
    ("profiles/exports/lab.py", "private_storage().save("),  # the lab export's .zip (private storage)
    ("profiles/management/commands/expire_import_uploads.py", "storage.delete("),  # a stray file of a preview
    ("profiles/admin.py", "formset.save(commit=False)"),  # unsaved objects, then services.item_save
    ("profiles/admin.py", ".update(revoked_at="),  # revoking API tokens (account data, not content)
    ("profiles/api/authentication.py", ".update(last_used_at="),  # when a token was last used
    ("portfolio_site/settings.py", '.setdefault("OPTIONS", {}).update('),
    ("profiles/markdown.py", "super().save(*args, **kwargs)"),  # RendersMarkdown: a model mixin's save()
    # A job's own row (its status, counters and report), by the job package and the export it runs.
    ("profiles/jobs/queue.py", "ImportJob.new("),
    ("profiles/jobs/queue.py", "job.mark_finished("),
    ("profiles/jobs/queue.py", "job._write("),
    ("profiles/jobs/queue.py", "preview._write("),  # a preview's options: confirmed, cancelled, expired
    ("profiles/jobs/runner.py", "job.mark_running("),
    ("profiles/jobs/runner.py", "job.mark_finished("),
    ("profiles/jobs/status.py", "ImportJob.fail_stale("),
    ("profiles/exports/lab.py", "job._write("),
    ("profiles/exports/lab.py", "job.save_progress("),
    ("profiles/exports/lab.py", "job.mark_finished("),
}


def _app_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if WRITER_PACKAGES.intersection(path.relative_to(ROOT).parts[1:-1]) or path.name in WRITER_FILES:
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
        "ActivityEntry.record(actor=user, kind=kind)",
        "ImportJob.new(owner=user, kind='cv')",
        "job.mark_finished(ok=True)",
    ]
    for sample in samples:
        assert writes_in("profiles/views.py", sample), sample
    assert writes_in("profiles/views.py", "context.update(extra)") == []


def _import_cycles(graph):
    """Groups of modules that import each other in a circle (Tarjan's strongly connected components)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in graph.modules:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_in_a_circle():
    """Not only between sibling packages (the import-linter contract): between any two modules,
    deferred imports inside functions included (a circle there is a circle hidden, not gone)."""
    import sys

    import grimp

    sys.path.insert(0, str(ROOT))
    try:
        graph = grimp.build_graph(*APPS)
    finally:
        sys.path.remove(str(ROOT))
    assert _import_cycles(graph) == []


def test_the_cycle_finder_sees_a_circle():
    class Graph:
        modules = {"a", "b", "c", "d"}
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, module):
            return self.edges.get(module, set())

    assert _import_cycles(Graph()) == [["a", "b", "c"]]
