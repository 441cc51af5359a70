"""The pure members-CSV reader (profiles.formats.members_csv): rows, lines and per-row errors."""

from profiles.formats.members_csv import member_columns, parse_members_csv

ROLES = [("pi", "Principal investigator"), ("phd", "PhD student")]
STATUSES = [("current", "Current member"), ("alumni", "Alumni")]


def read(text):
    return parse_members_csv(text, roles=ROLES, statuses=STATUSES)


def test_rows_keep_their_line_and_only_filled_cells():
    result = read(
        "\ufeffName,E-mail,Role,Status,ORCID,Published\nAda Lovelace,,PhD student,alumni,0000-0002-1825-0097,yes\n\n"
    )
    assert result.errors == []
    assert result.records == [
        {
            "line": 2,
            "full_name": "Ada Lovelace",
            "role": "phd",
            "status": "alumni",
            "orcid": "0000-0002-1825-0097",
            "published": True,
        }
    ]


def test_problems_are_reported_with_their_line():
    result = read("name,role,orcid\n,pi,\nBob, Wizard ,nope\n")
    assert [(e.message, e.line) for e in result.errors] == [
        ("no name", 2),
        ("unknown role ' Wizard '", 3),
        ("not an ORCID iD: 'nope'", 3),
    ]
    assert [r["full_name"] for r in result.records] == ["Bob"]


def test_a_csv_without_a_name_column_is_refused():
    result = read("email\nx@example.org\n")
    assert [(e.message, e.line) for e in result.errors] == [("missing column: name", 1)]
    assert result.records == []


def test_headers_match_in_any_case_and_spacing():
    assert member_columns(["Full  Name", "joined-on", "Google Scholar", "other"]) == {
        "full_name": 0,
        "joined_on": 1,
        "scholar": 2,
    }
