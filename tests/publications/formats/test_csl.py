"""CSL-JSON import/export: Zotero, Crossref (doi.org content negotiation and REST API)."""

import json
from pathlib import Path

import pytest

from publications.formats.csl import parse_csl_json, write_csl_json

DATA = Path(__file__).resolve().parents[2] / "data" / "csl"


def load(name: str):
    return parse_csl_json((DATA / name).read_text(encoding="utf-8"))


def by_title(result):
    return {r["title"]: r for r in result.records}


def test_empty_input():
    assert parse_csl_json("").records == []
    assert parse_csl_json("").errors == []
    result = parse_csl_json("[]")
    assert (result.records, result.errors) == ([], [])


def test_zotero_export():
    result = load("zotero_export.json")
    assert result.errors == []
    recs = by_title(result)
    ekko = recs["Ekko: A Large-Scale Deep Learning Recommender System with Low-Latency Model Update"]
    assert ekko["kind"] == "conference"
    assert ekko["venue"] == "16th USENIX Symposium on Operating Systems Design and Implementation (OSDI 22)"
    assert ekko["year"] == 2022  # date-parts given as a string
    assert ekko["month"] is None  # "accessed" is not the publication date
    assert ekko["pages"] == "821\u2013839"
    assert [a["name"] for a in ekko["authors"]] == ["Chijun Sima", "Yao Fu", "Man-Kit Sit", "Luo Mai"]
    assert ekko["citation_key"] == ""  # Zotero item URI is not a usable key

    attention = recs["Attention Is All You Need"]
    assert attention["kind"] == "preprint"  # type "article" + arXiv number
    assert attention["arxiv_id"] == "1706.03762"
    assert attention["number"] == ""  # the arXiv number is not an issue number
    assert (attention["year"], attention["month"]) == (2017, 12)
    assert attention["authors"][1]["name"] == "Łukasz Kaiser"

    thesis = recs["Towards Efficient Distributed Data Analytics"]
    assert thesis["kind"] == "thesis"
    assert thesis["venue"] == "Imperial College London"
    assert (thesis["year"], thesis["month"]) == (2018, 7)  # from "raw"

    music = recs["Symphony No. 9 as a Distributed System"]
    assert music["kind"] == "journal"
    assert music["venue_short"] == "J. Music. Syst."
    assert (music["volume"], music["number"]) == ("9", "3")
    assert music["year"] == 2019  # range: first date
    assert music["citation_key"] == "beethoven1824"
    assert [(a["given"], a["family"], a["name"]) for a in music["authors"]] == [
        ("Ludwig", "van Beethoven", "Ludwig van Beethoven"),
        ("Jan", "van der Berg", "Jan van der Berg"),
        ("Martin Luther", "King Jr.", "Martin Luther King Jr."),
        ("", "The LLVM Project", "The LLVM Project"),
    ]


def test_crossref_single_object():
    result = load("crossref_doi.json")
    assert result.errors == []
    (rec,) = result.records
    assert rec["kind"] == "conference"
    assert rec["title"] == "PipeDream: generalized pipeline parallelism for DNN training"
    assert rec["doi"] == "10.1145/3341301.3359630"
    assert (rec["year"], rec["month"]) == (2019, 10)
    assert rec["venue_short"] == "SOSP '19"
    assert rec["url_pdf"] == "https://dl.acm.org/doi/pdf/10.1145/3341301.3359630"
    assert rec["abstract"] == (
        "DNN training is extremely time-consuming, necessitating efficient multi-accelerator "
        "parallelization.\n\nWe propose PipeDream & show it works."
    )
    assert rec["authors"][0]["orcid"] == "0000-0002-1825-0097"
    assert [a["family"] for a in rec["authors"]] == ["Narayanan", "Harlap", "Zaharia"]


def test_crossref_rest_api_list():
    result = load("crossref_api_list.json")
    assert result.errors == []
    journal, preprint = result.records
    assert journal["title"] == "Scaling Out Distributed Training"  # list-valued title
    assert journal["venue"] == "IEEE Transactions on Parallel and Distributed Systems"
    assert journal["venue_short"] == ""  # longer than a badge
    assert (journal["year"], journal["month"]) == (2021, 7)  # published-print first
    assert journal["kind"] == "journal"
    assert preprint["kind"] == "preprint"
    assert preprint["venue"] == "bioRxiv"
    assert (preprint["year"], preprint["month"]) == (2022, 5)  # falls back to created


def test_edge_cases_dates_types_and_errors():
    result = load("edge_cases.json")
    assert [(e.key, e.message) for e in result.skipped] == [
        ("7", "item 7 is not an object"),
        ("no-title", "item has no title"),
    ]
    recs = {r["citation_key"]: r for r in result.records}
    assert (recs["edtf-season"]["year"], recs["edtf-season"]["month"]) == (2022, None)
    assert recs["edtf-season"]["kind"] == "book"
    assert recs["edtf-uncertain"]["year"] == 2022
    assert recs["edtf-uncertain"]["kind"] == "chapter"
    assert recs["edtf-range"]["year"] == 2019
    assert recs["edtf-range"]["kind"] == "other"  # report
    assert (recs["spring"]["year"], recs["spring"]["month"]) == (2021, None)
    assert recs["spring"]["kind"] == "patent"
    assert recs["spring"]["number"] == "US 11,000,000 B2"
    assert (recs["string-parts"]["year"], recs["string-parts"]["month"]) == (2023, 6)
    assert recs["string-parts"]["kind"] == "workshop"
    assert (recs["full-iso"]["year"], recs["full-iso"]["month"]) == (2022, 7)
    assert recs["full-iso"]["kind"] == "preprint"  # CoRR
    assert recs["crossref-fallback"]["year"] == 2020
    assert recs["crossref-fallback"]["kind"] == "other"
    numeric = recs["42"]
    assert numeric["authors_truncated"] is True
    assert [a["name"] for a in numeric["authors"]] == ["Han Solo"]


def test_invalid_json_reports_line():
    result = parse_csl_json('[\n  {"title": "ok"},\n  {"title": oops}\n]')
    assert result.records == []
    assert len(result.errors) == 1
    assert result.errors[0].line == 3
    assert result.errors[0].message.startswith("invalid JSON")


def test_bom_and_single_object():
    result = parse_csl_json('\ufeff{"type": "book", "title": "A Book", "issued": "2020"}')
    assert result.errors == []
    assert result.records[0]["kind"] == "book"
    assert result.records[0]["year"] == 2020


@pytest.mark.parametrize(
    ("item", "kind"),
    [
        ({"type": "article", "title": "t", "publisher": "arXiv"}, "preprint"),
        ({"type": "article", "title": "t"}, "other"),
        ({"type": "article-journal", "title": "t", "container-title": "arXiv"}, "preprint"),
        ({"type": "paper-conference", "title": "t", "container-title": "Proc. of SOSP"}, "conference"),
        ({"type": "dataset", "title": "t"}, "other"),
    ],
)
def test_kinds(item, kind):
    assert parse_csl_json(json.dumps(item)).records[0]["kind"] == kind


def _without_line(records):
    return [{k: v for k, v in r.items() if k != "line"} for r in records]


@pytest.mark.parametrize("name", ["zotero_export.json", "crossref_doi.json", "edge_cases.json"])
def test_round_trip(name):
    records = load(name).records
    again = parse_csl_json(write_csl_json(records))
    assert again.errors == []
    expected = _without_line(records)
    for r in expected:  # records without a key get a generated id
        r["citation_key"] = r["citation_key"] or None
    got = _without_line(again.records)
    for exp, rec in zip(expected, got, strict=True):
        if exp["citation_key"] is None:
            assert rec["citation_key"].startswith("item")
            rec["citation_key"] = None
    assert got == expected


def test_round_trip_keeps_equal_contribution_and_kinds_from_bibtex():
    from publications.formats.bibtex import parse_bibtex

    bib = (DATA.parent / "bibtex" / "better_bibtex.bib").read_text(encoding="utf-8")
    records = parse_bibtex(bib).records
    again = parse_csl_json(write_csl_json(records)).records
    assert [r["kind"] for r in again] == [r["kind"] for r in records]
    assert [[a["equal_contribution"] for a in r["authors"]] for r in again] == [
        [a["equal_contribution"] for a in r["authors"]] for r in records
    ]
    assert [r["arxiv_id"] for r in again] == [r["arxiv_id"] for r in records]


def test_written_json_is_valid_csl_shape():
    records = load("zotero_export.json").records
    items = json.loads(write_csl_json(records))
    assert isinstance(items, list)
    first = items[0]
    assert first["type"] == "paper-conference"
    assert first["issued"] == {"date-parts": [[2022]]}
    assert first["author"][0] == {"family": "Sima", "given": "Chijun"}
    music = items[3]
    assert music["author"][1] == {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"}
    assert music["author"][2]["suffix"] == "Jr."
    assert music["author"][3] == {"literal": "The LLVM Project"}


LINKS = {
    "url": "https://example.org/paper",
    "url_pdf": "https://example.org/paper.pdf",
    "url_code": "https://github.com/example/ekko",
    "url_slides": "https://example.org/slides.pdf",
    "url_video": "https://www.youtube.com/watch?v=abc",
    "url_project": "https://example.org/ekko/",
}


def test_csl_export_keeps_every_link_and_a_long_short_venue():
    """Issue 11, class 10: code, slides, video and project links survive a CSL-JSON round trip."""
    long_short = "Proc. 16th USENIX OSDI (Carlsbad, CA, July 2022)"  # longer than the 30 guessed from `event`
    record = {
        "title": "Ekko", "kind": "conference", "year": 2022, "venue": "OSDI", "venue_short": long_short,
        "authors": [{"name": "Chijun Sima", "given": "Chijun", "family": "Sima"}], **LINKS,
    }  # fmt: skip
    text = write_csl_json([record])
    (item,) = json.loads(text)
    assert item["custom"]["code"] == LINKS["url_code"]
    (back,) = parse_csl_json(text).records
    assert {name: back[name] for name in LINKS} == LINKS
    assert back["venue_short"] == long_short


def test_csl_custom_links_must_be_web_addresses():
    item = {"type": "paper-conference", "title": "T", "custom": {"code": "javascript:alert(1)", "video": 3}}
    (record,) = parse_csl_json(json.dumps([item])).records
    assert record["url_code"] == ""
    assert record["url_video"] == ""
