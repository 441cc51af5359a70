"""Issue 11, class 8: dates and older shapes degrade with a warning, never refuse or vanish."""

import json

from profiles.formats.jsonresume import parse_json_resume
from profiles.formats.orcid import parse_orcid_record


def orcid(works=None, employments=None):
    return json.dumps(
        {
            "orcid-identifier": {"path": "0000-0002-1825-0097"},
            "person": {"name": {"given-names": {"value": "Ann"}, "family-name": {"value": "Author"}}},
            "activities-summary": {"works": {"group": works or []}, "employments": employments or {}},
        }
    )


def work(title, date, kind="journal-article"):
    return {"work-summary": [{"title": {"title": {"value": title}}, "type": kind, "publication-date": date}]}


def test_impossible_orcid_date_becomes_year_and_month_with_a_warning():
    date = {"year": {"value": "1930"}, "month": {"value": "02"}, "day": {"value": "29"}}
    result = parse_orcid_record(orcid([work("Old Paper", date)]))
    assert not result.errors
    record = result.records[0]["publications"][0]
    assert (record["year"], record["month"]) == (1930, 2)
    assert any("1930-02-29" in w.message for w in result.warnings)


def test_old_upper_case_work_types_are_understood():
    date = {"year": {"value": "2001"}}
    result = parse_orcid_record(orcid([work("Typed", date, "JOURNAL_ARTICLE")]))
    assert result.records[0]["publications"][0]["kind"] == "journal"


def test_flat_employment_summary_list_is_read():
    employments = {"employment-summary": [{"organization": {"name": "Old University"}, "role-title": "Lecturer"}]}
    result = parse_orcid_record(orcid(employments=employments))
    assert [e["organisation"] for e in result.records[0]["experience"]] == ["Old University"]


def test_orcid_work_without_contributors_has_no_invented_authors():
    result = parse_orcid_record(orcid([work("Solo?", {"year": {"value": "2020"}})]))
    assert result.records[0]["publications"][0]["authors"] == []


def test_json_resume_work_without_name_and_bad_email_are_warnings():
    resume = {"basics": {"name": "Ann Author", "email": "not-an-email"}, "work": [{"position": "Engineer"}]}
    result = parse_json_resume(json.dumps(resume))
    assert not result.errors
    assert [w.message for w in result.warnings] == [
        "work[0] (Engineer) has no name (organisation); left out",
        "basics.email 'not-an-email' is not an email address; left out",
    ]
    assert result.records[0]["email"] == ""


def test_deep_json_is_refused_by_every_profile_reader():
    deep = "[" * 50000 + "]" * 50000
    for parse in (parse_json_resume, parse_orcid_record):
        result = parse(deep)
        assert "nested too deeply" in result.errors[0].message
