"""Issue 11 fidelity classes and issue 12 bounded parsers, on small files written here."""

import resource
import time

import pytest

from publications.formats import JSONTooDeep, is_corporate, load_json, normalise_doi
from publications.formats.bibtex import latex_to_text, parse_bibtex, write_bibtex
from publications.formats.csl import parse_csl_json, write_csl_json


def one(text):
    result = parse_bibtex(text)
    assert not result.errors, result.errors
    assert len(result.records) == 1, (result.records, result.skipped)
    return result.records[0]


# --------------------------------------------------------------------------- LaTeX keeps its meaning


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Radix-2\({}^{\mbox{k}}\) Arithmetic", "Radix-2ᵏ Arithmetic"),
        (r"\mbox{$0$--$1$} Integer Programs", "0–1 Integer Programs"),
        (r"The {\TeX}book", "The TeXbook"),
        (r"\LaTeX\ for Authors", "LaTeX for Authors"),
        (r"The \texttt{grep} and \textup{sed} Tools", "The grep and sed Tools"),
        (r"Paths like C:{\textbackslash}tmp", "Paths like C:\\tmp"),
        (r"Rafa\l", "Rafał"),
        (r"\'{A}lvaro", "Álvaro"),
        (r"Fran\c{c}ois M\"{u}ller and Erd\H{o}s", "François Müller and Erdős"),
        (r"\v{S}ime\v{c}ek, {\O}stergaard, \ss, \'\i", "Šimeček, Østergaard, ß, í"),
        (r"Sorting in $O(n \log n)$ with $10^{-3}$ error", "Sorting in O(n log n) with 10⁻³ error"),
        (r"$\alpha$-$\beta$ Pruning on {GPUs}", "α-β Pruning on GPUs"),
        (r"50\% of {A}\&{B} --- ``quoted''", "50% of A&B — “quoted”"),
    ],
)
def test_latex_becomes_readable_unicode(latex, text):
    assert latex_to_text(latex) == text


def test_math_without_a_unicode_form_keeps_its_source():
    assert latex_to_text(r"Bounds in $\mathcal{O}(n)$ time") == r"Bounds in $\mathcal{O}(n)$ time"


def test_no_markup_left_over_in_titles_and_names():
    record = one(
        "@article{k, title = {{\\TeX} and \\emph{Radix-2\\({}^{\\mbox{k}}\\)} on $x_{i}$},\n"
        "  author = {Rafa\\l{} Kowalski and \\'{A}lvaro Garc\\'{\\i}a}, year = 2020}"
    )
    assert record["title"] == "TeX and Radix-2ᵏ on xᵢ"
    assert [a["name"] for a in record["authors"]] == ["Rafał Kowalski", "Álvaro García"]
    for value in [record["title"], *(a["name"] for a in record["authors"])]:
        assert not set("{}\\$") & set(value)


# --------------------------------------------------------------------------- skip, never refuse the file


def test_entries_that_cannot_be_papers_are_skipped_with_line_key_and_reason():
    text = """@article{good, title={Good}, year=2020}
@article{notitle, year=2020}
@set{both, entryset={good,other}}
@article{broken, title={Bad {brace}, year=2021}
@article{last, title={Last}, year=2022}
"""
    result = parse_bibtex(text)
    assert not result.errors
    assert [r["citation_key"] for r in result.records] == ["good", "last"]
    skipped = {s.key: (s.line, s.message) for s in result.skipped}
    assert skipped["notitle"] == (2, "entry has no title")
    assert skipped["both"][0] == 3
    assert "@set" in skipped["both"][1]
    assert skipped["broken"][0] == 4
    assert "syntax error" in skipped["broken"][1]


def test_a_file_that_is_not_bibtex_is_refused():
    assert parse_bibtex("just some words, no entries").errors
    result = parse_bibtex("@article{a, title={cut\n@article{b, title={cut")
    assert result.errors
    assert "no entry could be read" in result.errors[0].message


def test_long_values_are_kept_whole():
    number = ", ".join(f"CS-TR-{i}" for i in range(200))
    record = one(f"@techreport{{r, title={{T}}, number={{{number}}}, note={{{'n' * 5000}}}, year=1991}}")
    assert record["number"] == number
    assert len(record["note"]) == 5000


# --------------------------------------------------------------------------- crossref / xdata


def test_crossref_child_inherits_and_the_parent_is_not_a_paper():
    text = """@inproceedings{child, title={Child Paper}, author={Ann Author}, crossref={conf22}, pages={1--10}}
@inproceedings{child2, title={Second Child}, author={Bo Author}, crossref={conf22}}
@proceedings{conf22, title={Proceedings of the Conference}, year={2022}, editor={Ed Itor},
  publisher={ACM}, doi={10.1145/parent}}
"""
    result = parse_bibtex(text)
    records = {r["citation_key"]: r for r in result.records}
    assert set(records) == {"child", "child2"}
    child = records["child"]
    assert child["venue"] == "Proceedings of the Conference"
    assert child["year"] == 2022
    assert child["publisher"] == "ACM"
    assert child["doi"] == ""  # the parent's own DOI is not the child's
    assert child["kind"] == "conference"
    assert [(s.key, s.line) for s in result.skipped] == [("conf22", 3)]
    assert "crossref parent of 2 entries" in result.skipped[0].message


def test_xdata_fields_are_inherited():
    text = """@xdata{acm, publisher={ACM}, booktitle={Systems Conference}, year={2019}}
@inproceedings{p, title={Paper}, author={A B}, xdata={acm}}
"""
    result = parse_bibtex(text)
    assert [r["citation_key"] for r in result.records] == ["p"]
    record = result.records[0]
    assert (record["venue"], record["year"], record["publisher"]) == ("Systems Conference", 2019, "ACM")


def test_crossref_cycles_do_not_hang():
    text = "@inproceedings{a, title={A}, crossref={b}}\n@inproceedings{b, title={B}, crossref={a}}\n"
    assert len(parse_bibtex(text).records) == 2


# --------------------------------------------------------------------------- and others, DOIs, keys, al-folio


def test_and_others_is_kept_and_written_back():
    record = one("@article{k, title={T}, author={Ann Author and others}, year=2020}")
    assert record["authors_truncated"] is True
    assert [a["name"] for a in record["authors"]] == ["Ann Author"]
    assert "and others" in write_bibtex([record])


@pytest.mark.parametrize(
    "value",
    [
        "https://doi.org/10.1145/3477132.3483574",
        "http://dx.doi.org/10.1145/3477132.3483574",
        "http://doi.acm.org/10.1145/3477132.3483574",
        "doi:10.1145/3477132.3483574",
        "info:doi/10.1145/3477132.3483574",
    ],
)
def test_every_common_doi_form(value):
    assert normalise_doi(value) == "10.1145/3477132.3483574"
    assert one(f"@article{{k, title={{T}}, doi={{{value}}}}}")["doi"] == "10.1145/3477132.3483574"


def test_short_doi_and_doi_in_url():
    assert normalise_doi("https://doi.org/10/fqd6hj") == "10/fqd6hj"
    assert one("@article{k, title={T}, url={http://doi.acm.org/10.1145/123.456}}")["doi"] == "10.1145/123.456"


def test_citation_keys_are_kept_verbatim():
    record = one("@article{DBLP:journals/algorithmica/ChauguleL24, title={T}, year=2024}")
    assert record["citation_key"] == "DBLP:journals/algorithmica/ChauguleL24"
    assert write_bibtex([record]).startswith("@article{DBLP:journals/algorithmica/ChauguleL24,")


def test_al_folio_fields():
    record = one(
        "@inproceedings{k, title={T}, booktitle={Very Long Conference Name}, abbr={VLCN}, selected={true},"
        " pdf={paper.pdf}, code={https://github.com/x/y}, website={https://x.org}, html={https://x.org/p},"
        " bibtex_show={true}, preview={p.png}, poster={poster.pdf}, year=2021}"
    )
    assert record["venue_short"] == "VLCN"
    assert record["selected"] is True
    assert record["url_pdf"] == ""
    assert record["url_code"] == "https://github.com/x/y"
    assert record["url_project"] == "https://x.org"
    assert record["url"] == "https://x.org/p"
    warnings = " ".join(record["warnings"])
    assert "paper.pdf" in warnings
    assert "local file" in warnings
    assert "poster" in warnings


# --------------------------------------------------------------------------- CSL


def test_csl_detection_refuses_a_list_that_is_not_csl():
    result = parse_csl_json('[{"name": "Acme", "position": "Engineer"}, {"name": "Beta", "startDate": "2020"}]')
    assert result.errors
    assert "not CSL-JSON" in result.errors[0].message
    assert not result.records


def test_csl_corporate_author_round_trips_through_bibtex():
    csl = (
        '[{"id": "nas", "type": "book", "title": "A Report", "issued": {"date-parts": [[2019]]},'
        ' "author": [{"literal": "National Academies of Sciences, Engineering, and Medicine"}]}]'
    )
    record = parse_csl_json(csl).records[0]
    bib = write_bibtex([record])
    assert "{National Academies of Sciences, Engineering, and Medicine}" in bib
    back = one(bib)
    assert [a["name"] for a in back["authors"]] == ["National Academies of Sciences, Engineering, and Medicine"]
    assert is_corporate("National Academies of Sciences, Engineering, and Medicine")
    assert not is_corporate("Mai, Luo")


def test_csl_export_keeps_a_long_short_venue():
    record = parse_csl_json('[{"type": "article-journal", "title": "T", "container-title-short": "' + "S" * 50 + '"}]')
    assert record.records[0]["venue_short"] == "S" * 50
    assert '"container-title-short": "' + "S" * 50 in write_csl_json(record.records)


# --------------------------------------------------------------------------- bounded parsers (issue 12)


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_string_macro_bomb_is_bounded():
    lines = ["@string{s0 = {xxxxxxxxxxxxxxxx}}"]
    lines += [f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(1, 40)]
    lines.append("@article{k, title = s39 # {!}, year = 2020}")
    text = "\n".join(lines)
    assert len(text) < 1400
    before = _peak_mb()
    started = time.perf_counter()
    result = parse_bibtex(text)
    assert time.perf_counter() - started < 1.0
    assert _peak_mb() - before < 50
    assert not result.records  # the entry using the bomb is skipped, named
    assert [s.key for s in result.skipped] == ["k"]
    assert any("@string" in w.message for w in result.warnings)


def test_deeply_nested_json_is_refused_with_a_clear_error():
    text = "[" * 100000 + "]" * 100000
    with pytest.raises(JSONTooDeep) as excinfo:
        load_json(text)
    assert isinstance(excinfo.value, ValueError)
    assert "nested too deeply" in str(excinfo.value)
    result = parse_csl_json(text)
    assert "nested too deeply" in result.errors[0].message


def test_deeply_nested_braces_in_bibtex_do_not_crash():
    value = "{" * 5000 + "x" + "}" * 5000
    result = parse_bibtex(f"@article{{k, title = {{{value}}}, year=2020}}")
    assert not result.errors
