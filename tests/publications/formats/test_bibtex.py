"""BibTeX import/export: real-world exports from Zotero, Better BibTeX, JabRef, Mendeley."""

import re
from pathlib import Path

import pytest

from publications.formats import (
    ParseError,
    normalise_arxiv,
    normalise_doi,
    normalise_title,
    split_name,
)
from publications.formats.bibtex import parse_bibtex, write_bibtex

DATA = Path(__file__).resolve().parents[2] / "data" / "bibtex"


def load(name: str):
    return parse_bibtex((DATA / name).read_text(encoding="utf-8"))


def by_key(result):
    return {r["citation_key"]: r for r in result.records}


def names(record):
    return [a["name"] for a in record["authors"]]


# --------------------------------------------------------------------------- helpers


def test_parse_error_str_names_line_and_key():
    assert str(ParseError("bad value", 12, "sima2022ekko")) == ("line 12 (key sima2022ekko): bad value")
    assert str(ParseError("bad value")) == "bad value"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://doi.org/10.1145/3503222.3507777", "10.1145/3503222.3507777"),
        ("http://dx.doi.org/10.1000/ABC", "10.1000/abc"),
        ("doi:10.1000/ABC", "10.1000/abc"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_doi(raw, expected):
    assert normalise_doi(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("arXiv:2201.12345v2", "2201.12345"),
        ("https://arxiv.org/abs/2201.12345", "2201.12345"),
        ("https://arxiv.org/pdf/2201.12345v3.pdf", "2201.12345"),
        ("hep-th/9901001v1", "hep-th/9901001"),
    ],
)
def test_normalise_arxiv(raw, expected):
    assert normalise_arxiv(raw) == expected


def test_normalise_title_ignores_case_accents_punctuation_and_braces():
    assert normalise_title(r"{LLVM}: A Compiler -- for {\"U}ber-Fast Code!") == (
        normalise_title("llvm  a compiler for uber fast code")
    )
    assert normalise_title("Über") == "uber"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sima, Chijun", ("Chijun", "Sima")),
        ("Chijun Sima", ("Chijun", "Sima")),
        ("Jan van der Berg", ("Jan", "van der Berg")),
        ("van der Berg, Jan", ("Jan", "van der Berg")),
        ("Maria de la Cruz", ("Maria", "de la Cruz")),
        ("Martin Luther King Jr.", ("Martin Luther", "King Jr.")),
        ("King, Jr., Martin Luther", ("Martin Luther", "King Jr.")),
        ("Plato", ("", "Plato")),
    ],
)
def test_split_name(name, expected):
    assert split_name(name) == expected


# --------------------------------------------------------------------------- parsing


def test_empty_file_gives_nothing():
    result = parse_bibtex("")
    assert result.records == []
    assert result.errors == []
    assert parse_bibtex("   \n\n").errors == []


def test_zotero_export():
    result = load("zotero_export.bib")
    assert result.errors == []
    recs = by_key(result)
    ekko = recs["sima_ekko_2022"]
    assert ekko["kind"] == "conference"
    assert ekko["title"] == ("Ekko: A Large-Scale Deep Learning Recommender System with Low-Latency Model Update")
    assert ekko["venue"] == ("16th USENIX Symposium on Operating Systems Design and Implementation (OSDI 22)")
    assert ekko["year"] == 2022
    assert ekko["month"] == 7
    assert ekko["pages"] == "821\u2013839"
    assert ekko["publisher"] == "USENIX Association"
    assert ekko["keywords"] == "machine learning, recommender systems"
    assert ekko["url_pdf"] == ""  # local Zotero storage path is dropped
    assert names(ekko)[:3] == ["Chijun Sima", "Yao Fu", "Man-Kit Sit"]
    assert names(ekko)[-1] == "Luo Mai"
    assert len(ekko["authors"]) == 11
    assert ekko["line"] == 2

    attention = recs["vaswani_attention_2017"]
    assert attention["kind"] == "preprint"  # @article in "arXiv preprint ..."
    assert attention["arxiv_id"] == "1706.03762"
    assert attention["doi"] == "10.48550/arxiv.1706.03762"
    assert attention["url_pdf"] == "https://arxiv.org/pdf/1706.03762v5.pdf"
    assert attention["authors"][6] == {
        "name": "Łukasz Kaiser",
        "given": "Łukasz",
        "family": "Kaiser",
        "orcid": "",
        "equal_contribution": False,
        "corresponding": False,
    }
    assert attention["abstract"].startswith("The dominant sequence transduction models")

    tf = recs["abadi_tensorflow_2016"]
    assert names(tf) == ["Martín Abadi", "Paul Barham", "Jianmin Chen"]
    assert tf["authors_truncated"] is True
    assert tf["title"] == "TensorFlow: A system for large-scale machine learning"

    thesis = recs["mai_thesis_2018"]
    assert thesis["kind"] == "thesis"
    assert thesis["venue"] == "Imperial College London"


def test_better_bibtex_biblatex_export():
    result = load("better_bibtex.bib")
    assert result.errors == []
    recs = by_key(result)
    ekko = recs["simaEkkoLargeScaleDeep2022"]
    assert ekko["title"].startswith("Ekko: A Large-Scale Deep Learning Recommender System")
    assert ekko["venue_short"] == "OSDI 22"  # biblatex eventtitle
    assert (ekko["year"], ekko["month"]) == (2022, 7)  # from date = {2022-07}
    assert ekko["publisher"] == "USENIX Association"  # double braces removed
    assert [a["equal_contribution"] for a in ekko["authors"]] == [True, True, False, False]
    assert names(ekko) == ["Chijun Sima", "Yao Fu", "Man-Kit Sit", "Luo Mai"]

    sllm = recs["xieServerlessLLM2024"]
    assert sllm["kind"] == "preprint"
    assert sllm["arxiv_id"] == "2401.14351"  # eprinttype = {arxiv}
    assert sllm["title"] == ("ServerlessLLM: Low-Latency Serverless Inference for Large Language Models")
    assert sllm["url_code"] == "https://github.com/ServerlessLLM/ServerlessLLM"
    assert [a["equal_contribution"] for a in sllm["authors"]][:3] == [True, True, False]

    kungfu = recs["maiKungFuMakingTraining2020"]
    assert kungfu["kind"] == "preprint"  # @misc with archiveprefix/eprint
    assert kungfu["arxiv_id"] == "2010.00001"  # version suffix dropped
    assert kungfu["url_slides"] == "https://example.org/kungfu-slides.pdf"
    assert kungfu["url_video"] == "https://www.youtube.com/watch?v=abc123"
    assert "Marcel Wagenländer" in names(kungfu)

    workshop = recs["fu2023workshop"]
    assert workshop["kind"] == "workshop"
    assert workshop["venue_short"] == "EuroMLSys '23"  # ACM-style series
    assert workshop["doi"] == "10.1145/3578356.3592588"  # doi given as a URL


def test_jabref_strings_months_and_concatenation():
    result = load("jabref_strings.bib")
    assert result.errors == []
    recs = by_key(result)
    assert list(recs) == ["Sima2022", "Mai2019", "Wagner2021", "InPress"]

    ekko = recs["Sima2022"]
    assert ekko["venue"] == ("USENIX Symposium on Operating Systems Design and Implementation (OSDI)")
    assert ekko["month"] == 7
    assert ekko["line"] == 9
    assert ekko["url_pdf"] == "https://www.usenix.org/system/files/osdi22-sima.pdf"
    assert names(ekko) == ["Chijun Sima", "Yao Fu", "Man-Kit Sit", "Luo Mai"]

    chi = recs["Mai2019"]
    assert chi["venue"] == ("Proceedings of the ACM Symposium on Operating Systems Principles (SOSP '19)")
    assert chi["publisher"] == "ACM"
    assert chi["year"] == 2019  # bare number
    assert chi["month"] == 9  # "Sept."
    assert chi["note"] == "Best paper award & invited talk"

    particles = recs["Wagner2021"]
    assert particles["year"] == 2021  # "2021a"
    assert particles["month"] == 11
    assert [(a["given"], a["family"]) for a in particles["authors"]] == [
        ("Anna", "Wagner"),
        ("Ludwig", "van Beethoven"),
        ("Jan", "van der Berg"),
        ("Maria", "de la Cruz"),
        ("Martin Luther", "King Jr."),
    ]

    in_press = recs["InPress"]
    assert in_press["year"] is None
    assert in_press["month"] is None


def test_latex_accents_are_decoded():
    result = load("latex_accents.bib")
    assert result.errors == []
    (rec,) = result.records
    assert names(rec) == [
        "Erwin Schrödinger",
        "Jürgen Müller",
        "André François",
        "José Cañete",
        "Søren Østergård",
        "Antonín Dvořák",
    ]
    assert rec["title"] == "Über die Fourier-Analyse von LLVM & GCC: 50% schneller \u2013 oder nicht?"
    assert rec["venue"] == "Zeitschrift für Informatik"
    assert rec["year"] == 2020  # "{{2020}}"
    assert rec["pages"] == "1\u201310"
    assert rec["abstract"] == (
        "We show that O(n log n) is achievable.\n\nSecond paragraph with a highlighted word and a tie here."
    )


def test_mendeley_export_and_file_fields():
    result = load("mendeley_file_field.bib")
    assert result.errors == []
    recs = by_key(result)
    smith = recs["Smith2020"]
    assert smith["kind"] == "journal"  # published in a journal despite the eprint
    assert smith["arxiv_id"] == "2001.01234"
    assert smith["doi"] == "10.1000/xyz.123"
    assert smith["url_pdf"] == ""  # C:\ path is not a URL
    assert smith["keywords"] == "deep learning, scheduling, GPU"
    assert smith["title"] == "A Scheduler for Deep Learning"
    assert names(smith) == ["John Smith", "Hans Müller"]
    assert smith["line"] == 6

    jones = recs["Jones2019"]
    assert jones["url_pdf"] == "https://dl.acm.org/doi/pdf/10.1145/3299869.3300070"
    assert jones["kind"] == "conference"


def test_bom_is_tolerated():
    raw = (DATA / "bom.bib").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    result = parse_bibtex(raw.decode("utf-8"))
    assert result.errors == []
    (rec,) = result.records
    assert rec["citation_key"] == "bom2021"
    assert rec["kind"] == "other"
    assert rec["line"] == 1


def test_broken_braces_reports_line_and_key_and_keeps_good_entries():
    result = load("broken_braces.bib")
    assert [r["citation_key"] for r in result.records] == ["good2020", "alsogood2022"]
    assert not result.errors
    assert [(e.line, e.key) for e in result.skipped] == [(8, "broken2021"), (22, "notitle2023")]
    assert "unbalanced" in result.skipped[0].message
    assert str(result.skipped[0]).startswith("line 8 (key broken2021): ")
    assert result.skipped[1].message == "entry has no title"


def test_garbage_is_an_error():
    result = parse_bibtex("this is not bibtex at all\njust some words\n")
    assert result.records == []
    assert len(result.errors) == 1
    assert result.errors[0].line == 1


def test_unbalanced_last_entry_reports_error():
    text = "@article{ok, title={Fine}, year=2020}\n\n@article{cut,\n  title = {Never closed\n"
    result = parse_bibtex(text)
    assert [r["citation_key"] for r in result.records] == ["ok"]
    assert [(e.line, e.key) for e in result.skipped] == [(3, "cut")]


def test_equal_contribution_markers():
    recs = by_key(load("equal_contribution.bib"))
    for key in ("star_suffix", "star_first_last", "positions_field", "names_field"):
        rec = recs[key]
        assert names(rec) == ["Chijun Sima", "Yao Fu", "Luo Mai"], key
        assert [a["equal_contribution"] for a in rec["authors"]] == [True, True, False], key
    assert [a["corresponding"] for a in recs["positions_field"]["authors"]] == [
        False,
        False,
        True,
    ]


def test_kinds_from_entry_types():
    text = """
@inproceedings{a, title={A}, booktitle={Proc. of the Workshop on Hot Topics}}
@conference{b, title={B}, booktitle={Proc. of SOSP}}
@article{c, title={C}, journal={CoRR}, volume={abs/2101.00001}}
@article{d, title={D}, journal={Communications of the ACM}}
@unpublished{e, title={E}, eprint={2101.00002}, archiveprefix={arXiv}}
@misc{f, title={F}}
@mastersthesis{g, title={G}, school={MIT}}
@incollection{h, title={H}, booktitle={Handbook}}
@inbook{i, title={I}}
@book{j, title={J}, publisher={Springer}}
@patent{k, title={K}}
@techreport{l, title={L}, institution={University of Edinburgh}}
@manual{m, title={M}}
"""
    result = parse_bibtex(text)
    assert result.errors == []
    kinds = {r["citation_key"]: r["kind"] for r in result.records}
    assert kinds == {
        "a": "workshop",
        "b": "conference",
        "c": "preprint",
        "d": "journal",
        "e": "preprint",
        "f": "other",
        "g": "thesis",
        "h": "chapter",
        "i": "chapter",
        "j": "book",
        "k": "patent",
        "l": "other",
        "m": "other",
    }
    assert by_key(result)["l"]["venue"] == "University of Edinburgh"
    assert by_key(result)["c"]["arxiv_id"] == "2101.00001"


def test_record_has_every_key_with_safe_defaults():
    (rec,) = parse_bibtex("@misc{x, title = {Only a title}}").records
    for key in (
        "venue", "venue_short", "volume", "number", "pages", "publisher", "doi", "arxiv_id",
        "abstract", "note", "keywords", "url", "url_pdf", "url_code", "url_slides",
        "url_video", "url_project",
    ):  # fmt: skip
        assert rec[key] == "", key
    assert rec["year"] is None
    assert rec["month"] is None
    assert rec["authors"] == []


def test_doi_pulled_from_url_and_braces_protecting_case_removed():
    (rec,) = parse_bibtex(
        "@article{x, title = {{LLVM}: {A} {C}ompilation {F}ramework},"
        " url = {https://doi.org/10.1109/CGO.2004.1281665}, journal = {CGO}}"
    ).records
    assert rec["doi"] == "10.1109/cgo.2004.1281665"
    assert rec["url"] == "https://doi.org/10.1109/CGO.2004.1281665"
    assert rec["title"] == "LLVM: A Compilation Framework"


# --------------------------------------------------------------------------- writing


def _strip_lines(records):
    out = []
    for r in records:
        r = dict(r)
        r.pop("line")
        out.append(r)
    return out


@pytest.mark.parametrize(
    "name",
    [
        "zotero_export.bib",
        "better_bibtex.bib",
        "jabref_strings.bib",
        "latex_accents.bib",
        "mendeley_file_field.bib",
        "equal_contribution.bib",
        "bom.bib",
    ],
)
def test_round_trip_of_parsed_files(name):
    records = load(name).records
    written = write_bibtex(records)
    again = parse_bibtex(written)
    assert again.errors == []
    assert _strip_lines(again.records) == _strip_lines(records)


def test_write_escapes_specials_and_keeps_unicode():
    record = parse_bibtex("@misc{x, title={t}}").records[0]
    record.update(
        {
            "kind": "journal",
            "title": "R&D at 100% for C# and snake_case in $ with {braces} -- Über GPU",
            "venue": "Journal of Tests & Trials",
            "pages": "1\u201310",
            "month": 7,
            "year": 2023,
            "url": "https://example.org/a_b?c=1&d=2#frag",
            "authors": [
                {"name": "Jürgen Müller", "given": "Jürgen", "family": "Müller", "orcid": "",
                 "equal_contribution": True, "corresponding": False},
                {"name": "Jan van der Berg", "given": "Jan", "family": "van der Berg",
                 "orcid": "", "equal_contribution": True, "corresponding": False},
                {"name": "Per Brinch Hansen", "given": "Per", "family": "Brinch Hansen",
                 "orcid": "", "equal_contribution": False, "corresponding": True},
                {"name": "Martin Luther King Jr.", "given": "Martin Luther",
                 "family": "King Jr.", "orcid": "", "equal_contribution": False,
                 "corresponding": False},
            ],
        }
    )  # fmt: skip
    text = write_bibtex([record])
    flat = re.sub(r" +", " ", text)
    assert text.startswith("@article{x,\n")
    assert (r"{R\&D} at 100\% for {C\#} and snake\_case in \$ with \{braces\} -{}- {Über} {GPU}") in text
    assert "journal = {Journal of Tests \\& Trials}," in flat
    assert "pages = {1--10}," in flat
    assert "month = jul," in flat
    assert "url = {https://example.org/a_b?c=1&d=2#frag}," in flat
    assert (
        "author = {Müller, Jürgen and van der Berg, Jan and {Brinch Hansen}, Per and King, Jr., Martin Luther},"
    ) in flat
    assert "equal-contribution = {1, 2}," in flat
    assert "corresponding = {3}," in flat

    (back,) = parse_bibtex(text).records
    expected = dict(record)
    expected.pop("line")
    back.pop("line")
    assert back == expected


def test_write_truncated_authors_and_generated_keys():
    record = parse_bibtex(
        "@inproceedings{x, title={Deep Things}, author={Mai, Luo and others}, year=2021,"
        " booktitle={Proc. of the Workshop on Things}}"
    ).records[0]
    record["citation_key"] = ""
    text = write_bibtex([record, dict(record)])
    assert "@inproceedings{mai2021deep," in text
    assert "@inproceedings{mai2021deepa," in text
    assert "author = {Mai, Luo and others}," in re.sub(r" +", " ", text)
    back = parse_bibtex(text).records
    assert back[0]["authors_truncated"] is True
    assert back[0]["kind"] == "workshop"


def test_write_preprint_without_arxiv_keeps_kind():
    record = parse_bibtex("@misc{x, title={T}}").records[0]
    record.update({"kind": "preprint", "venue": "bioRxiv"})
    (back,) = parse_bibtex(write_bibtex([record])).records
    assert back["kind"] == "preprint"
    assert back["venue"] == "bioRxiv"


def test_write_empty_list():
    assert write_bibtex([]) == ""


def test_parenthesised_entry_uppercase_fields_and_crlf():
    text = '@ARTICLE(x,\r\n  TITLE = "Paren (style)",\r\n  YEAR = 2020,\r\n  Journal = {J}\r\n)\r\n'
    result = parse_bibtex(text)
    assert result.errors == []
    (rec,) = result.records
    assert (rec["title"], rec["year"], rec["venue"], rec["kind"]) == ("Paren (style)", 2020, "J", "journal")
