"""JSON Resume v1.0.0 <-> profile document."""

import json
import re
from pathlib import Path

import pytest

from profiles.formats import empty_document, empty_experience, highlight
from profiles.formats.jsonresume import parse_json_resume, write_json_resume

DATA = Path(__file__).resolve().parents[2] / "data" / "jsonresume"

# The "iso8601" definition of the JSON Resume v1.0.0 schema.
ISO8601 = re.compile(r"^([1-2][0-9]{3}-[0-1][0-9]-[0-3][0-9]|[1-2][0-9]{3}-[0-1][0-9]|[1-2][0-9]{3})$")


def load(name: str) -> dict:
    result = parse_json_resume((DATA / name).read_text(encoding="utf-8"))
    assert result.errors == []
    (doc,) = result.records
    return doc


def test_basics_and_links():
    doc = load("full.json")
    assert set(empty_document()) <= set(doc)
    assert doc["full_name"] == "Luo Mai"
    assert doc["headline"] == "Associate Professor, University of Edinburgh"
    assert doc["email"] == "luo.mai@ed.ac.uk"
    assert doc["short_bio"] == "I build systems for large-scale machine learning."
    assert doc["orcid"] == "0000-0002-1825-0097"  # from the ORCID profile
    assert [(lk["kind"], lk["url"]) for lk in doc["links"]] == [
        ("homepage", "https://luomai.github.io"),
        ("github", "https://github.com/luomai"),
        ("scholar", "https://scholar.google.com/citations?user=abcdEFGHijk"),
        ("linkedin", "https://www.linkedin.com/in/luo-mai"),  # built from the username
        ("orcid", "https://orcid.org/0000-0002-1825-0097"),
        ("social", "https://x.com/luo_mai"),
        ("social", "https://sigmoid.social/@luomai"),
        ("dblp", "https://dblp.org/pid/00/0000.html"),
        ("semanticscholar", "https://www.semanticscholar.org/author/123"),
        ("other", "https://www.researchgate.net/profile/Luo-Mai"),
    ]  # the "Blog" profile without URL or username is dropped
    assert doc["links"][6]["label"] == "Mastodon"


def test_work_and_volunteer():
    doc = load("full.json")
    edinburgh, microsoft, imperial, usenix = doc["experience"]
    assert edinburgh["organisation"] == "University of Edinburgh"
    assert edinburgh["title"] == "Associate Professor"
    assert edinburgh["location"] == "Edinburgh, UK"
    assert (edinburgh["start"], edinburgh["end"], edinburgh["is_current"]) == ("2020-07", "", True)
    assert edinburgh["highlights"] == [
        {"label": "", "text": "Founded the MLSys group", "children": []},
        {"label": "", "text": "Taught Machine Learning Systems", "children": []},
    ]
    assert edinburgh["kind"] == "academic"
    assert microsoft["organisation"] == "Microsoft Research"  # legacy "company" key
    assert (microsoft["start"], microsoft["end"], microsoft["is_current"]) == (
        "2016-06-01",
        "2016-09-30",
        False,
    )
    assert microsoft["kind"] == "internship"
    assert (imperial["start"], imperial["end"]) == ("2018", "2020-06")
    assert usenix["kind"] == "volunteer"
    assert usenix["organisation"] == "USENIX"
    assert usenix["title"] == "Artifact Evaluation Co-chair"
    assert usenix["highlights"][0]["text"] == "80 artifacts evaluated"


def test_education_awards_publications_projects():
    doc = load("full.json")
    phd, beng, online = doc["education"]
    assert (phd["institution"], phd["degree"], phd["programme"]) == (
        "Imperial College London",
        "PhD",
        "Computing",
    )
    assert (phd["gpa"], phd["gpa_scale"]) == ("", "")
    assert (beng["gpa"], beng["gpa_scale"]) == ("3.85", "4.00")
    assert (beng["start"], beng["end"]) == ("2008", "2012")
    assert online["is_current"] is True  # no endDate
    assert online["gpa"] == ""
    assert online["note"] == "First Class Honours"  # not a number: kept as a note

    assert [(a["title"], a["awarding_body"], a["year"]) for a in doc["awards"]] == [
        ("Best Paper Award", "SOSP", 2019),
        ("Google PhD Fellowship", "Google", 2016),
    ]
    assert doc["awards"][0]["note"] == "For Chi."

    (pub,) = doc["publications"]
    assert pub["title"].startswith("Ekko: A Large-Scale Deep Learning")
    assert (pub["venue"], pub["year"], pub["month"]) == ("OSDI", 2022, 7)
    assert pub["kind"] == "other"
    assert pub["authors"] == []

    (project,) = doc["projects"]
    assert project["title"] == "ServerlessLLM"
    assert project["summary"] == "Fast serverless inference for LLMs."
    assert project["url"] == "https://github.com/ServerlessLLM/ServerlessLLM"
    assert (project["start"], project["end"]) == ("2023-03", "")
    assert project["highlights"][0]["text"] == "10x faster cold starts"


def test_skills_languages_interests():
    doc = load("full.json")
    assert doc["skills"] == [
        {
            "category": "skill",
            "name": "Distributed systems",
            "level": "Expert",
            "keywords": ["RDMA", "Consensus"],
        },
        {"category": "skill", "name": "Python", "level": "", "keywords": []},
        {"category": "language", "name": "English", "level": "Fluent", "keywords": []},
        {"category": "language", "name": "Mandarin", "level": "Native speaker", "keywords": []},
    ]
    assert doc["interest_tags"] == "Machine learning systems, Hiking"
    assert doc["research_interests"] == "distributed training, LLM serving"


def test_minimal_and_messy_resume():
    doc = load("minimal.json")
    assert doc["full_name"] == "Ada Lovelace"
    (exp,) = doc["experience"]  # the string entry is skipped
    assert exp["organisation"] == "Analytical Engine Co."
    assert (exp["title"], exp["start"], exp["end"], exp["is_current"]) == ("", "", "", False)
    assert doc["education"] == []
    assert doc["links"] == []


@pytest.mark.parametrize(
    "text",
    ["{oops", "[1, 2]", '{"name": "no known section"}', '"resume"'],
)
def test_invalid_input_gives_one_error(text):
    result = parse_json_resume(text)
    assert result.records == []
    assert len(result.errors) == 1


def test_invalid_json_error_line():
    result = parse_json_resume('{\n  "basics": {\n    "name": "x",\n  }\n}')
    assert result.errors[0].line == 4


def test_empty_and_bom():
    assert parse_json_resume("").records == []
    assert parse_json_resume("").errors == []
    result = parse_json_resume('\ufeff{"basics": {"name": "Bom"}}')
    assert result.records[0]["full_name"] == "Bom"


def test_round_trip_of_full_resume():
    doc = load("full.json")
    written = write_json_resume(doc)
    again = parse_json_resume(written)
    assert again.errors == []
    assert again.records[0] == doc


def test_written_resume_matches_schema_conventions():
    data = json.loads(write_json_resume(load("full.json")))
    assert data["basics"]["name"] == "Luo Mai"
    assert data["basics"]["url"] == "https://luomai.github.io"
    assert {"network": "GitHub", "url": "https://github.com/luomai"} in data["basics"]["profiles"]
    assert "endDate" not in data["work"][0]  # current position
    assert data["education"][1]["score"] == "3.85/4.00"
    assert data["volunteer"][0]["organization"] == "USENIX"
    assert data["languages"] == [
        {"language": "English", "fluency": "Fluent"},
        {"language": "Mandarin", "fluency": "Native speaker"},
    ]
    assert data["interests"][-1] == {
        "name": "Research interests",
        "keywords": ["distributed training", "LLM serving"],
    }
    dates = []
    for section in ("work", "volunteer", "education", "projects"):
        for item in data.get(section, []):
            dates += [item[k] for k in ("startDate", "endDate") if k in item]
    dates += [a["date"] for a in data["awards"]]
    dates += [p["releaseDate"] for p in data["publications"]]
    assert dates
    assert all(ISO8601.match(d) for d in dates), dates


def test_write_native_document_drops_what_json_resume_cannot_carry():
    doc = empty_document()
    exp = empty_experience()
    exp.update(
        {
            "organisation": "Acme",
            "title": "Engineer",
            "start": "2019-01",
            "end": "2020",
            "highlights": [
                highlight("Built the thing", label="Impact")
                | {"children": [{"label": "", "text": "fast"}, {"label": "", "text": "cheap"}]}
            ],
        }
    )
    doc.update(
        {
            "full_name": "Grace Hopper",
            "long_bio": "A long biography.",
            "orcid": "0000-0001-2345-6789",
            "experience": [exp],
            "talks": [{"title": "COBOL", "abstract": "", "deliveries": []}],
        }
    )
    data = json.loads(write_json_resume(doc))
    assert data["basics"]["summary"] == "A long biography."  # no short bio: use the long one
    assert data["basics"]["profiles"] == [{"network": "ORCID", "url": "https://orcid.org/0000-0001-2345-6789"}]
    assert data["work"] == [
        {
            "name": "Acme",
            "position": "Engineer",
            "highlights": ["Impact: Built the thing (fast; cheap)"],
            "startDate": "2019-01",
            "endDate": "2020",
        }
    ]
    assert "talks" not in data
    back = parse_json_resume(json.dumps(data)).records[0]
    assert back["orcid"] == "0000-0001-2345-6789"
    assert back["experience"][0]["end"] == "2020"


def test_present_end_date_and_gpa_variants():
    text = json.dumps(
        {
            "work": [{"name": "A", "position": "Lecturer", "startDate": "2020", "endDate": "Present"}],
            "education": [{"institution": "U", "score": "GPA: 3.9 out of 4"}],
        }
    )
    doc = parse_json_resume(text).records[0]
    exp = doc["experience"][0]
    assert (exp["end"], exp["is_current"], exp["kind"]) == ("", True, "teaching")
    edu = doc["education"][0]
    assert (edu["gpa"], edu["gpa_scale"], edu["is_current"]) == ("3.9", "4", False)
