"""ORCID v3.0 /record JSON -> profile document."""

import json
from pathlib import Path

import pytest

from profiles.formats import empty_document
from profiles.formats.orcid import parse_orcid_record

DATA = Path(__file__).resolve().parents[2] / "data" / "orcid"


def load(name: str):
    return parse_orcid_record((DATA / name).read_text(encoding="utf-8"))


def test_minimal_record_has_every_document_key():
    result = load("minimal_record.json")
    assert result.errors == []
    (doc,) = result.records
    assert set(empty_document()) <= set(doc)
    assert doc["orcid"] == "0000-0002-1825-0097"
    assert doc["full_name"] == "Josiah Carberry"
    assert doc["short_bio"] == ""  # biography: null
    assert doc["email"] == ""
    assert doc["experience"] == []
    assert doc["publications"] == []
    assert doc["external_ids"] == []
    assert doc["links"] == [{"kind": "orcid", "label": "ORCID", "url": "https://orcid.org/0000-0002-1825-0097"}]


def test_full_record_person():
    (doc,) = load("full_record.json").records
    assert doc["orcid"] == "0000-0003-1234-567X"
    assert doc["full_name"] == "Luo Mai"  # credit-name wins
    assert doc["other_names"] == ["麦络", "L. Mai"]
    assert doc["short_bio"].startswith("Associate Professor at the University of Edinburgh")
    assert doc["email"] == "luo.mai@ed.ac.uk"  # the primary, verified one
    assert [(lk["kind"], lk["url"]) for lk in doc["links"]] == [
        ("homepage", "https://luomai.github.io"),
        ("github", "https://github.com/luomai"),
        ("scholar", "https://scholar.google.co.uk/citations?user=abcdEFGHijk"),
        ("dblp", "https://dblp.org/pid/00/0000.html"),
        ("orcid", "https://orcid.org/0000-0003-1234-567X"),
    ]
    assert doc["external_ids"] == [
        {
            "type": "Scopus Author ID",
            "value": "55555555500",
            "url": "http://www.scopus.com/inward/authorDetails.url?authorID=55555555500&partnerID=MN8TOARS",
        }
    ]
    assert doc["organisation"] == "University of Edinburgh"


def test_full_record_affiliations():
    (doc,) = load("full_record.json").records
    current, intern = doc["experience"]  # null summaries are skipped
    assert current["organisation"] == "University of Edinburgh"
    assert current["unit"] == "School of Informatics"
    assert current["title"] == "Associate Professor"
    assert current["location"] == "Edinburgh, Scotland, GB"
    assert (current["start"], current["end"], current["is_current"]) == ("2020-07", "", True)
    assert current["kind"] == "academic"
    assert (intern["start"], intern["end"], intern["is_current"]) == ("2016", "2016", False)
    assert intern["kind"] == "internship"
    assert intern["location"] == ""  # address: null

    (phd,) = doc["education"]
    assert phd["institution"] == "Imperial College London"
    assert phd["degree"] == "PhD"
    assert phd["programme"] == "Department of Computing"
    assert (phd["start"], phd["end"]) == ("2014-10", "2018-07-15")
    assert phd["is_current"] is False

    (award,) = doc["awards"]
    assert (award["title"], award["awarding_body"], award["year"]) == (
        "Best Paper Award",
        "ACM SIGOPS",
        2019,
    )


def test_full_record_works():
    (doc,) = load("full_record.json").records
    pubs = {p["title"]: p for p in doc["publications"]}
    assert list(pubs) == [
        "Chi: A Scalable and Programmable Control Plane",
        "ServerlessLLM: Low-Latency Serverless Inference for Large Language Models",
        "Towards Efficient Distributed Data Analytics",
        "Scaling Out Distributed Training",
        "A Dataset",
    ]  # one record per group (first summary); untitled works dropped
    chi = pubs["Chi: A Scalable and Programmable Control Plane"]
    assert chi["kind"] == "conference"
    assert chi["doi"] == "10.1145/3341301.3359630"
    assert (chi["year"], chi["month"]) == (2019, 10)
    assert chi["venue"] == "Proceedings of the 27th ACM Symposium on Operating Systems Principles"
    assert chi["url"] == "https://dl.acm.org/doi/10.1145/3341301.3359630"
    assert chi["authors"] == []  # summaries carry no contributors

    sllm = pubs["ServerlessLLM: Low-Latency Serverless Inference for Large Language Models"]
    assert sllm["kind"] == "preprint"
    assert sllm["arxiv_id"] == "2401.14351"
    assert sllm["url"] == "https://arxiv.org/abs/2401.14351"
    assert [a["name"] for a in sllm["authors"]] == ["Yao Fu", "Leyang Xue", "Luo Mai"]
    assert sllm["authors"][2]["orcid"] == "0000-0003-1234-567X"
    assert sllm["authors"][0]["family"] == "Fu"

    assert pubs["Towards Efficient Distributed Data Analytics"]["kind"] == "thesis"
    journal = pubs["Scaling Out Distributed Training"]
    assert (journal["kind"], journal["year"], journal["month"]) == ("journal", 2021, None)
    assert pubs["A Dataset"]["kind"] == "other"


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"basics": {"name": "x"}}',
        '"just a string"',
        "",
    ],
)
def test_invalid_input_gives_one_error(text):
    result = parse_orcid_record(text)
    assert result.records == []
    assert len(result.errors) == 1


def test_invalid_json_error_has_line():
    result = parse_orcid_record('{\n "orcid-identifier": {\n  "path": oops\n }\n}')
    assert result.errors[0].line == 3


def test_nulls_everywhere_do_not_crash():
    record = {
        "orcid-identifier": None,
        "person": {"name": None, "other-names": None, "emails": {"email": None}},
        "activities-summary": {
            "employments": {"affiliation-group": [None, {"summaries": [None]}]},
            "works": {"group": [None, {"work-summary": [None]}, {"work-summary": [{"title": None}]}]},
        },
    }
    result = parse_orcid_record(json.dumps(record))
    assert result.errors == []
    (doc,) = result.records
    assert doc["full_name"] == ""
    assert doc["publications"] == []
