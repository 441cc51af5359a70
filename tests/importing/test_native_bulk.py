"""Native documents for new profiles are written in bulk: the same rows as row by row, with history."""

import json

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from profiles import models as pm
from profiles import sections as registry
from profiles.imports import sync as native
from profiles.imports.files import import_paths
from profiles.imports.report import ImportReport
from profiles.imports.sync import export_profile_document, import_profile_document, write_documents
from profiles.selectors.search import search_profiles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SKIPPED = {"id", "created_at", "updated_at"}


def _admin():
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def _section_rows(profile):
    """Every section row of `profile` as its values (rendered Markdown included; ids and timestamps not)."""
    out = {}
    for section in registry.SECTIONS:
        model = section.model
        q = Q(pk__in=[])
        for path in registry.profile_paths(model):
            q |= Q(**{path: profile})
        names = [f.name for f in model._meta.concrete_fields if f.name not in SKIPPED and not f.is_relation]
        out[model.__name__] = sorted(
            repr(row) for row in model.objects.filter(q).distinct().order_by().values_list(*names)
        )
    return out


def _reimport(doc):
    pm.Profile.objects.filter(slug=doc["slug"]).delete()
    report = import_profile_document(json.loads(json.dumps(doc)), actor=None)
    assert report.ok, report.errors
    profile = pm.Profile.objects.get(slug=doc["slug"])
    return report, profile


def test_bulk_writes_what_row_by_row_writes(demo_lab, monkeypatch):
    admin = _admin()
    chijun = pm.Profile.objects.get(slug="chijun-sima")
    original = export_profile_document(chijun, user=admin)
    # Nested lists (sub-bullets in projects of positions), m2m paper refs, a press item naming a project.
    assert any(h.get("children") for e in original["experience"] for p in e["projects"] for h in p["highlights"])
    assert any(p["publications"] for p in original["projects"])
    assert any(p["project"] for p in original["press"])

    bulk_report, bulk = _reimport(original)
    bulk_doc, bulk_rows = export_profile_document(bulk, user=admin), _section_rows(bulk)
    monkeypatch.setattr(native, "BULK", False)
    row_report, one_by_one = _reimport(original)

    assert bulk_doc == export_profile_document(one_by_one, user=admin) == original
    assert bulk_rows == _section_rows(one_by_one)  # the rendered *_html columns too
    assert bulk_report.counts == row_report.counts
    assert bulk_report.counts["highlight"]["created"] > 10


def test_bulk_created_rows_have_history_and_rendered_markdown(demo_lab, client):
    doc = export_profile_document(pm.Profile.objects.get(slug="chijun-sima"), user=_admin())
    _report, profile = _reimport(doc)
    checked = 0
    for section in registry.SECTIONS:
        model = section.model
        q = Q(pk__in=[])
        for path in registry.profile_paths(model):
            q |= Q(**{path: profile})
        ids = set(model.objects.filter(q).values_list("pk", flat=True))
        created = set(model.history.filter(id__in=ids, history_type="+").values_list("id", flat=True))
        assert created == ids, model
        checked += bool(ids)
    assert checked >= 12  # every section the seed researcher fills
    bullet = pm.Highlight.objects.filter(project__profile=profile, text__contains="**").first()
    assert "<strong>" in bullet.text_html
    theme = profile.focus_themes.first()
    assert theme.body_html
    page = client.get(profile.get_absolute_url()).content.decode()
    assert bullet.text_html in page
    assert theme.body_html.strip()[:40] in page


def _document(slug, n):
    """A new member's document with `n` items in each list (nested three deep)."""
    bullets = [
        {"label": "Problem", "text": f"**{i}** things", "children": [{"text": "a sub-bullet"}]} for i in range(n)
    ]
    projects = [{"title": f"{slug} project {i}", "summary": "s", "highlights": bullets} for i in range(n)]
    return {
        "format": "academic-profile", "version": 1, "slug": slug, "full_name": f"Person {slug.title()}",
        "short_bio": "Works on **compilers**.", "interest_tags": "Zymurgy, Compilers",
        "experience": [
            {"organisation": f"Org {i}", "title": "Engineer", "start": "2020-01", "highlights": bullets,
             "projects": projects}
            for i in range(n)
        ],
        "projects": projects,
        "news": [{"date": "2024", "body": f"News {i}"} for i in range(n)],
        "talks": [{"title": f"Talk {i}", "deliveries": [{"event": "Conf", "date": "2024"}] * n} for i in range(n)],
        "press": [{"outlet": "Paper", "title": f"Story {i}", "project": f"{slug} project 0"} for i in range(n)],
        "statements": [{"slug": f"s{i}", "title": f"Statement {i}", "body": "b", "kind": "research"}
                       for i in range(n)],
    }  # fmt: skip


def _queries(doc):
    with CaptureQueriesContext(connection) as ctx:
        report = import_profile_document(doc, actor=None)
    assert report.ok, report.errors
    return len(ctx.captured_queries), report


def test_queries_for_a_new_document_do_not_grow_with_its_items(db, django_assert_max_num_queries):
    small, small_report = _queries(_document("small", 1))
    big, big_report = _queries(_document("big", 3))  # (SQLite splits an INSERT past 999 parameters)
    assert big_report.created > 8 * small_report.created
    assert big == small
    # Profile: find (ORCID, email, slug), slug check, SELECT, unique + constraint checks, INSERT + history;
    # then per model and level one INSERT and one history INSERT; a press item's project by title.
    with django_assert_max_num_queries(60):
        import_profile_document(_document("other", 6), actor=None)
    press = pm.PressItem.objects.filter(profile__slug="big")
    assert press.count() == 3
    assert {p.project.title for p in press} == {"big project 0"}
    assert press.first().project.profile.slug == "big"


def _write(folder, docs):
    folder.mkdir(exist_ok=True)
    for doc in docs:
        (folder / f"{doc['slug']}.json").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def test_reimporting_a_folder_writes_nothing_and_people_search_finds_the_members(db, tmp_path):
    folder = _write(tmp_path / "docs", [_document(f"m{i}", 2) for i in range(5)])
    first = import_paths(paths=[folder])
    assert first.ok, first.errors
    assert first.counts["profile"]["created"] == 5
    assert (
        first.counts["highlight"]["created"] == 5 * 32
    )  # 2 + 2×2 projects and 2 positions, 2 bullets + 2 sub-bullets each

    again = import_paths(paths=[folder])
    assert again.ok, again.errors
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert again.unchanged == first.created

    found = search_profiles(pm.Profile.objects.all(), "zymurgy")
    assert set(found.values_list("slug", flat=True)) == {f"m{i}" for i in range(5)}


def _bad(slug):
    doc = _document(slug, 1)
    doc["education"] = [{"institution": "U", "degree": "PhD", "start": "2020", "end": "2018"}]  # ends before it starts
    return doc


def test_a_bad_document_is_reported_by_name_and_rolled_back_alone(db, tmp_path):
    docs = [_document("good1", 2), _bad("bad1"), _document("good2", 2), _bad("bad2")]
    report = ImportReport()
    with transaction.atomic():
        write_documents(
            [(f"{d['slug']}.json", d) for d in docs], actor=None, profile=None, is_admin=True, report=report
        )
    assert any(e.startswith("bad1.json: ") and "end" in e for e in report.errors), report.errors
    assert any(e.startswith("bad2.json: ") for e in report.errors), report.errors
    assert set(pm.Profile.objects.values_list("slug", flat=True)) == {"good1", "good2"}
    assert pm.Highlight.objects.filter(project__profile__slug="good2").count() == 2 * 4 + 2 * 2 * 4
    assert report.counts["profile"]["created"] == 2  # the batch's first attempt is not counted
    assert report.counts["highlight"]["created"] == 2 * 32

    # The command line: every bad file is named, and the run writes nothing (all or nothing).
    pm.Profile.objects.all().delete()
    folder = _write(tmp_path / "run", docs)
    run = import_paths(paths=[folder])
    assert not run.ok
    assert any("bad1.json" in e for e in run.errors)
    assert any("bad2.json" in e for e in run.errors)
    assert not pm.Profile.objects.exists()


def test_a_folder_of_documents_is_read_again_as_it_is_written_not_held_whole(tmp_path, monkeypatch):
    """import_profiles checks every file first, then reads each again when it writes it:
    a folder of thousands of documents is never held in memory at once."""
    from profiles.imports import files as importing

    for i in range(3):
        doc = {"format": "academic-profile", "version": 1, "slug": f"member-{i}", "full_name": f"Member {i}"}
        (tmp_path / f"member-{i}.json").write_text(json.dumps(doc))
    events = []
    parse = importing.PARSERS["native"]

    def parse_native(text):
        events.append(("read", json.loads(text)["slug"]))
        return parse(text)

    apply_native = native._apply_native

    def spy(document, **kwargs):
        events.append(("write", document["slug"]))
        return apply_native(document, **kwargs)

    monkeypatch.setitem(importing.PARSERS, "native", parse_native)
    monkeypatch.setattr(native, "_apply_native", spy)
    monkeypatch.setattr(native, "BULK", False)  # one document a batch, to see the order
    report = import_paths(paths=[tmp_path])
    assert report.ok, report.errors
    assert pm.Profile.objects.filter(slug__startswith="member-").count() == 3
    checked, written = events[:3], events[3:]
    assert sorted(checked) == [("read", f"member-{i}") for i in range(3)]
    # Each document is read again just before it is written, not all of them first.
    assert written == [item for name in sorted(s for _, s in checked) for item in (("read", name), ("write", name))]


@pytest.mark.parametrize("items", [2, 12])
def test_importing_an_unchanged_document_again_reads_each_list_once(items, django_assert_max_num_queries):
    """The update path reads a list's rows in one query (not one per item) and prunes without
    another when nothing is stale: the cost of an unchanged document does not grow with its items."""
    doc = {
        "format": "academic-profile", "version": 1, "slug": "steady", "full_name": "Steady State",
        "news": [{"date": f"2024-01-{i + 1:02d}", "body": f"News {i}"} for i in range(items)],
        "links": [{"label": f"Site {i}", "url": f"https://example.org/{i}"} for i in range(items)],
    }  # fmt: skip
    assert import_profile_document(json.loads(json.dumps(doc)), actor=None).ok
    with django_assert_max_num_queries(20):  # 21 with 2 items and 41 with 12, read one by one
        report = import_profile_document(json.loads(json.dumps(doc)), actor=None)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.deleted) == (0, 0, 0)
    doc["news"] = doc["news"][1:]  # the first item dropped: the others move up one position
    report = import_profile_document(json.loads(json.dumps(doc)), actor=None)
    assert report.counts["newsitem"]["deleted"] == 1
    profile = pm.Profile.objects.get(slug="steady")
    assert list(pm.NewsItem.objects.filter(profile=profile).values_list("body", flat=True)) == [
        f"News {i}" for i in range(1, items)
    ]
