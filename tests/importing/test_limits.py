"""Too big or too many entries: refused before parsing, with a clear message; encodings."""

import pytest

from profiles.imports.files import decode, import_paths, import_uploads
from publications.models import Publication

pytestmark = pytest.mark.django_db


def test_a_file_over_the_size_limit_is_refused_before_reading(settings, data, monkeypatch):
    settings.IMPORT_MAX_BYTES = 100
    monkeypatch.setattr("profiles.imports.files.load_source", lambda *a, **k: pytest.fail("parsed"))
    report = import_paths(paths=[data / "lab.bib"])
    assert any("refused" in e and "IMPORT_MAX_BYTES" in e for e in report.errors)


def test_too_many_entries_are_refused_before_parsing(settings, lab, monkeypatch):
    settings.IMPORT_MAX_ROWS = 2
    monkeypatch.setattr("profiles.imports.files.PARSERS", {})  # parsing would fail loudly
    bib = b"".join(b"@article{k%d, title={T%d}, author={A B}, year={2020}}\n" % (i, i) for i in range(3))
    report = import_uploads(actor=None, sources=[("many.bib", bib)])
    assert report.errors == ["many.bib: refused: 3 entries; the limit is 2 (settings.IMPORT_MAX_ROWS)"]
    csv = b"title,authors,year\n" + b"".join(b"T%d,A B,2020\n" % i for i in range(3))
    report = import_uploads(actor=None, sources=[("many.csv", csv)])
    assert "limit is 2" in report.errors[0]


def test_utf8_with_bom_is_read_silently(lab):
    csv = "\ufefftitle,authors,year\nÉtude,Hugo Lefèvre,2022\n".encode()
    report = import_uploads(actor=None, sources=[("bom.csv", csv)])
    assert report.ok
    assert not report.notes
    assert Publication.objects.get().title == "Étude"


def test_cp1252_is_read_when_it_decodes_cleanly_and_the_report_says_so(lab, data):
    report = import_paths(paths=[data / "cp1252_publications.csv"])
    assert report.ok, report.errors
    assert any("Windows-1252" in n for n in report.notes)
    paper = Publication.objects.get()
    assert paper.title == "Réseaux et systèmes – une étude"
    assert paper.authorships.get(position=1).profile == lab["hugo-lefevre"]


def test_binary_and_undecodable_files_are_errors_not_tracebacks(data):
    assert decode(b"\x81\x8d\x8f caf\xe9")[0] is None  # bytes cp1252 does not define
    report = import_paths(paths=[data / "not_text.csv"])
    assert "not a text file" in report.errors[0]
