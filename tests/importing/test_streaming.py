"""Imports stream: records are parsed, matched and written in batches (issue 13, item 6).

The batch size is made tiny here so that every behaviour a user sees (duplicates inside
one file merged, counts, a second import creating nothing, problems named with their
line) is checked across batch boundaries, not only inside one batch.
"""

from pathlib import Path

import pytest

from profiles.imports.files import import_uploads
from publications.formats import ParseResult
from publications.formats.bibtex import iter_bibtex, parse_bibtex
from publications.imports import pipeline as importing
from publications.models import Authorship, Publication

pytestmark = pytest.mark.django_db


def entry(key, title, authors, year=2024, extra=""):
    return f"@article{{{key},\n  title={{{title}}},\n  author={{{authors}}},\n  year={{{year}}},\n{extra}}}\n"


def library():
    parts = [entry(f"p{i}", f"Paper number {i}", "Aiko Nakamura and Jonas Becker", 2020 + i % 5) for i in range(9)]
    # The same paper again, far below its first copy: a DOI this time, and one more member.
    parts.append(entry("again0", "Paper Number 0", "Nakamura, A. and Becker, J.", 2020, "  doi={10.5555/zero},\n"))
    parts.append("@article{broken,\n  title = {Unclosed,\n")
    parts.append(entry("p9", "Paper number 9", "Chijun Sima", 2024))
    return "".join(parts)


@pytest.fixture(params=[2, 1000], ids=["tiny-batches", "one-batch"])
def batch_size(request, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_SIZE", request.param)
    return request.param


def test_duplicates_merge_and_counts_hold_across_batches(lab, batch_size):
    report = import_uploads(actor=None, sources=[("lab.bib", library().encode())])
    assert report.ok, report.errors
    assert report.counts["publication"]["created"] == 10
    assert Publication.objects.count() == 10
    paper = Publication.objects.get(citation_key="p0")
    assert paper.doi == "10.5555/zero"  # the later copy filled the blank
    assert list(paper.authorships.values_list("profile__slug", flat=True)) == ["aiko-nakamura", "jonas-becker"]
    assert any("again0" in note and "same paper" in note for note in report.notes)
    assert any("line" in w and "broken" in w and "syntax error" in w for w in report.warnings)
    assert Authorship.objects.count() == 19

    again = import_uploads(actor=None, sources=[("lab.bib", library().encode())])
    assert again.created == 0
    assert Publication.objects.count() == 10


def test_an_error_found_late_in_a_streamed_file_writes_nothing(lab, batch_size):
    text = library().replace("@article{broken", "@article{broken, year = {1}, title = {x}}\n@article{b2")
    report = import_uploads(actor=None, sources=[("lab.bib", text.encode())], strict=True)
    assert not report.ok
    assert Publication.objects.count() == 0
    assert report.created == 0
    assert any("nothing was written" in note for note in report.notes)


def test_the_bibtex_parser_yields_records_one_at_a_time():
    result = ParseResult()
    records = iter_bibtex(library(), result)
    first = next(records)
    assert first["citation_key"] == "p0"
    assert result.skipped == []  # the broken entry further down is not read yet
    rest = list(records)
    assert [r["citation_key"] for r in [first, *rest]] == [*(f"p{i}" for i in range(9)), "again0", "p9"]
    assert [p.key for p in result.skipped] == ["broken"]
    assert parse_bibtex(library()).records == [first, *rest]


def test_crossref_files_are_read_whole_so_parents_below_children_still_count():
    text = (
        "@inproceedings{child, title={Child}, author={A. B}, crossref={conf}}\n"
        "@proceedings{conf, title={Proceedings of Conf}, year={2021}, publisher={ACM}}\n"
    )
    (record,) = list(iter_bibtex(text, ParseResult()))
    assert (record["venue"], record["year"]) == ("Proceedings of Conf", 2021)


def test_a_macro_defined_below_its_use_still_applies():
    text = "@article{a, title={T}, author={A. B}, journal=jml, year={2020}}\n@string{jml = {J. Machine Learning}}\n"
    (record,) = list(iter_bibtex(text, ParseResult()))
    assert record["venue"] == "J. Machine Learning"


@pytest.fixture
def read_in_pieces(monkeypatch):
    """Every .bib file on disk is read a few bytes at a time."""
    from profiles.imports import files as profiles_importing

    monkeypatch.setattr(profiles_importing, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(profiles_importing, "CHUNK_BYTES", 7)
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)


def test_a_file_read_in_pieces_imports_like_the_whole_text(lab, tmp_path, read_in_pieces):
    from profiles.imports.files import import_paths

    path = tmp_path / "lab.bib"
    path.write_bytes(library().replace("\n", "\r\n").encode())  # \r\n cut between two reads too
    report = import_paths(paths=[path])
    assert report.ok, report.errors
    assert report.counts["publication"]["created"] == 10
    assert Publication.objects.get(citation_key="p0").doi == "10.5555/zero"
    (warning,) = [w for w in report.warnings if "broken" in w]
    assert "line 52 (key broken)" in warning  # the line in the file, not in the piece
    assert import_paths(paths=[path]).created == 0


def test_files_read_in_pieces_fall_back_to_whole_reading_when_needed(lab, tmp_path, read_in_pieces):
    from profiles.imports.files import import_paths

    crossref = tmp_path / "crossref.bib"
    crossref.write_text(
        "@inproceedings{child, title={Child}, author={Jonas Becker}, crossref={conf}}\n"
        "@proceedings{conf, title={Proceedings of Conf}, year={2021}}\n"
    )
    latin1 = tmp_path / "latin1.bib"
    latin1.write_bytes("@article{x, title={Caf\u00e9}, author={Jonas Becker}, year={2020}}\n".encode("cp1252"))
    report = import_paths(paths=[crossref, latin1])
    assert report.ok, report.errors
    assert Publication.objects.get(citation_key="child").venue == "Proceedings of Conf"
    assert Publication.objects.get(citation_key="x").title == "Café"
    assert any("cp1252" in note or "Windows-1252" in note for note in report.notes)


def lab_csv(rows=5, bad=False):
    from publications.formats.csv import format_authors

    lines = ["title,authors,year,venue,citation_key,doi"]
    for i in range(rows):
        authors = format_authors([{"name": "Aiko Nakamura"}, {"name": "Jonas Becker"}])
        lines.append(f'"Paper, number {i}","{authors}",{2020 + i % 3},"Venue\nwith a line break",c{i},')
    if bad:
        lines.append('"Bad year",Someone,twenty,,bad,')
    return "\r\n".join(lines) + "\r\n"


def test_a_big_publications_csv_on_disk_is_read_row_by_row(lab, tmp_path, read_in_pieces, monkeypatch):
    """A publications CSV past STREAM_MIN_BYTES is never read whole: the same records, the same report."""
    from profiles.imports import files as profiles_importing
    from profiles.imports.files import import_paths

    path = tmp_path / "papers.csv"
    path.write_bytes(("\ufeff" + lab_csv()).encode())
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read whole"))
    read = []
    lines = profiles_importing._csv_lines
    monkeypatch.setattr(profiles_importing, "_csv_lines", lambda p: (read.append(p), lines(p))[1])
    report = import_paths(paths=[path])
    assert read, "the file did not go through the row-by-row reader"
    assert report.counts["publication"]["created"] == 5, report.lines()
    paper = Publication.objects.get(citation_key="c3")
    assert (paper.title, paper.year, paper.venue) == ("Paper, number 3", 2020, "Venue with a line break")
    assert list(paper.authorships.values_list("profile__slug", flat=True)) == ["aiko-nakamura", "jonas-becker"]
    monkeypatch.undo()
    assert import_paths(paths=[path]).created == 0


def test_a_big_csv_names_a_bad_row_as_the_whole_reading_does(lab, tmp_path, read_in_pieces, monkeypatch):
    from profiles.imports import files as profiles_importing
    from profiles.imports.files import import_paths, import_uploads

    path = tmp_path / "papers.csv"
    path.write_text(lab_csv(bad=True))
    streamed = import_paths(paths=[path])
    monkeypatch.setattr(profiles_importing, "STREAM_MIN_BYTES", 10**9)
    whole = import_paths(paths=[path])
    assert streamed.errors == whole.errors
    assert any("'twenty' is not a number" in e for e in streamed.errors)
    assert Publication.objects.count() == 0  # an error refuses the whole run, streamed or not
    assert import_uploads(actor=None, sources=[("papers.csv", lab_csv().encode())]).created


def test_a_big_csv_past_the_row_limit_is_refused_whole(lab, tmp_path, read_in_pieces, settings):
    from profiles.imports.files import import_paths

    settings.IMPORT_MAX_ROWS = 3
    path = tmp_path / "papers.csv"
    path.write_text(lab_csv())
    report = import_paths(paths=[path])
    assert any("refused" in e and "5 entries" in e for e in report.errors), report.errors
    assert Publication.objects.count() == 0


def test_a_big_csv_that_is_not_utf8_falls_back_to_whole_reading(lab, tmp_path, read_in_pieces):
    from profiles.imports.files import import_paths

    path = tmp_path / "papers.csv"
    path.write_bytes(lab_csv(1).replace("Paper", "Caf\u00e9").encode("cp1252"))
    report = import_paths(paths=[path])
    assert Publication.objects.get(citation_key="c0").title == "Café, number 0"
    assert any("Windows-1252" in note for note in report.notes)
