"""CVs in Markdown and plain text -> draft profile documents (profiles.formats.cvdoc)."""

import pytest

from profiles.formats.cvdoc import parse_cv_text
from profiles.formats.cvdoc.dates import find_date_range, is_date_line
from profiles.formats.cvdoc.pubs import parse_publication
from profiles.formats.native import validate_document

MARKDOWN_CV = """\
# Grace Hopper

Associate Professor of Computer Science
grace@example.edu | [Homepage](https://grace.example.edu) | [GitHub](https://github.com/ghopper)
ORCID: 0000-0002-1825-0097

## About

I build compilers and teach people to use them. My group works on programming languages.

## Education

### Yale University
Ph.D. in Mathematics, 1930 – 1934
Advisor: Øystein Ore
Thesis: New Types of Irreducibility Criteria

### Vassar College
B.A. in Mathematics and Physics, 1924 – 1928

## Professional Experience

**Remington Rand** · Philadelphia, PA
Senior Mathematician | Jan 1949 – Dec 1960
- Led the **A-0** compiler work.
- Designed FLOW-MATIC.
  - First English-like data processing language.

**Harvard Computation Lab** · Cambridge, MA
Research Fellow | 1944 – 1949
- Programmed the Mark I.

## Selected Publications

1. Grace Hopper†, John Mauchly†, and Howard Aiken. "The Education of a Computer."
   In *Proceedings of the ACM National Meeting*, 1952. [PDF](https://example.org/edu.pdf) doi:10.1145/609784.609818
2. **Compiling Routines.** G. Hopper. *Computers and Automation*, 2(4), 1953.

## Invited Talks

- *Future Possibilities for Data Processing*, Navy Conference, Washington, DC, Mar 1958.

## Honors & Awards

- National Medal of Technology (1991)
- Computer Science Man of the Year, Data Processing Management Association, 1969

## Service

- Program Committee: ACM Symposium on Programming Languages 1965
- Reviewer for CACM 1960; JACM 1961

## Teaching

### Vassar College
Instructor in Mathematics, 1931 – 1941

## Skills

- **Languages:** COBOL, FLOW-MATIC, Assembly
- **Spoken languages:** English, German

## Projects

- **UNIVAC I**: the first commercial computer in the US.

## Open Source

### COBOL reference implementation
2010 – present
Maintainer
- Keeps the reference grammar up to date.

## News

- 2024-05: Our paper on compilers was accepted.
- Jan 2023 – Joined the Navy reserve board.

## Hobbies

Knitting and sailing.
"""


@pytest.fixture(scope="module")
def draft():
    return parse_cv_text(MARKDOWN_CV)


def test_identity_and_links(draft):
    doc = draft.document
    assert doc["full_name"] == "Grace Hopper"
    assert doc["headline"] == "Associate Professor of Computer Science"
    assert doc["email"] == "grace@example.edu"
    assert doc["orcid"] == "0000-0002-1825-0097"
    assert [(link["kind"], link["url"]) for link in doc["links"]] == [
        ("homepage", "https://grace.example.edu"),
        ("github", "https://github.com/ghopper"),
    ]
    assert doc["short_bio"].startswith("I build compilers")


def test_education_entries(draft):
    yale, vassar = draft.document["education"]
    assert (yale["institution"], yale["degree"], yale["programme"]) == ("Yale University", "Ph.D.", "Mathematics")
    assert (yale["start"], yale["end"]) == ("1930", "1934")
    assert yale["advisor"] == "Øystein Ore"
    assert yale["thesis_title"] == "New Types of Irreducibility Criteria"
    assert (vassar["institution"], vassar["degree"], vassar["programme"]) == (
        "Vassar College", "B.A.", "Mathematics and Physics",
    )  # fmt: skip


def test_experience_entries(draft):
    remington, harvard = draft.document["experience"][:2]
    assert (remington["organisation"], remington["title"], remington["location"]) == (
        "Remington Rand", "Senior Mathematician", "Philadelphia, PA",
    )  # fmt: skip
    assert (remington["start"], remington["end"], remington["is_current"]) == ("1949-01", "1960-12", False)
    assert [h["text"] for h in remington["highlights"]] == ["Led the A-0 compiler work.", "Designed FLOW-MATIC."]
    assert remington["highlights"][1]["children"][0]["text"] == "First English-like data processing language."
    assert (harvard["organisation"], harvard["title"], harvard["kind"]) == (
        "Harvard Computation Lab", "Research Fellow", "research",
    )  # fmt: skip


def test_teaching_is_experience_of_kind_teaching(draft):
    teaching = [e for e in draft.document["experience"] if e["kind"] == "teaching"]
    assert [(t["organisation"], t["title"], t["start"], t["end"]) for t in teaching] == [
        ("Vassar College", "Instructor in Mathematics", "1931", "1941"),
    ]


def test_publications(draft):
    first, second = draft.document["publications"]
    assert first["title"] == "The Education of a Computer"
    assert [(a["name"], a["equal_contribution"]) for a in first["authors"]] == [
        ("Grace Hopper", True), ("John Mauchly", True), ("Howard Aiken", False),
    ]  # fmt: skip
    assert first["venue"] == "Proceedings of the ACM National Meeting"
    assert first["year"] == 1952
    assert first["url_pdf"] == "https://example.org/edu.pdf"
    assert first["doi"] == "10.1145/609784.609818"
    assert second["title"] == "Compiling Routines"
    assert [a["name"] for a in second["authors"]] == ["G. Hopper"]
    assert second["year"] == 1953


def test_talks_awards_service_skills(draft):
    doc = draft.document
    [talk] = doc["talks"]
    assert talk["title"] == "Future Possibilities for Data Processing"
    assert talk["deliveries"] == [
        {"event": "Navy Conference", "location": "Washington, DC", "is_virtual": False, "date": "1958-03", "url": ""}
    ]
    assert [(a["title"], a["awarding_body"], a["year"]) for a in doc["awards"]] == [
        ("National Medal of Technology", "", 1991),
        ("Computer Science Man of the Year, Data Processing Management Association", "", 1969),
    ]
    assert [(s["role"], s["venue"], s["year"]) for s in doc["service"]] == [
        ("pc_member", "ACM Symposium on Programming Languages", 1965),
        ("reviewer", "CACM", 1960),
        ("reviewer", "JACM", 1961),
    ]
    assert [(s["category"], s["name"], s["keywords"]) for s in doc["skills"]] == [
        ("skill", "Languages", ["COBOL", "FLOW-MATIC", "Assembly"]),
        ("language", "Spoken languages", ["English", "German"]),
    ]


def test_projects_open_source_news(draft):
    doc = draft.document
    assert [(p["title"], p["summary"]) for p in doc["projects"]] == [
        ("UNIVAC I", "the first commercial computer in the US."),
    ]
    [cobol] = doc["open_source"]
    assert (cobol["project"], cobol["role"], cobol["start"], cobol["is_current"]) == (
        "COBOL reference implementation", "Maintainer", "2010", True,
    )  # fmt: skip
    assert [(n["date"], n["body"]) for n in doc["news"]] == [
        ("2024-05", "Our paper on compilers was accepted."),
        ("2023-01", "Joined the Navy reserve board."),
    ]


def test_unknown_section_is_a_leftover_with_a_warning(draft):
    assert {"section": "Hobbies", "text": "Knitting and sailing."} in draft.leftovers
    assert any("Hobbies" in w for w in draft.warnings)


def test_draft_is_a_valid_native_document_once_named(draft):
    document = {k: v for k, v in draft.document.items() if k != "publications"}
    problems = validate_document({"format": "academic-profile", "version": 1, **document})
    assert problems == []


PLAIN_CV = """\
JANE DOE
jane.doe@example.org   +1 555 0100

EDUCATION
Massachusetts Institute of Technology, Cambridge, MA        Sep 2018 - May 2023
PhD in Electrical Engineering and Computer Science; GPA 5.0/5.0

EXPERIENCE
Software Engineering Intern, Google        Jun 2021 - Aug 2021
Built a thing that worked.

PUBLICATIONS
Doe, J., Smith, A. Learning to Sort. NeurIPS, 2022.
"""


def test_plain_text_cv_with_capital_headings_and_columns():
    draft = parse_cv_text(PLAIN_CV)
    doc = draft.document
    assert doc["full_name"] == "JANE DOE"
    assert doc["email"] == "jane.doe@example.org"
    [mit] = doc["education"]
    assert (mit["institution"], mit["location"], mit["start"], mit["end"]) == (
        "Massachusetts Institute of Technology", "Cambridge, MA", "2018-09", "2023-05",
    )  # fmt: skip
    assert (mit["degree"], mit["gpa"], mit["gpa_scale"]) == ("PhD", "5.0", "5.0")
    [google] = doc["experience"]
    assert (google["organisation"], google["title"], google["kind"]) == (
        "Google", "Software Engineering Intern", "internship",
    )  # fmt: skip
    [paper] = doc["publications"]
    assert paper["title"] == "Learning to Sort"
    assert [a["family"] for a in paper["authors"]] == ["Doe", "Smith"]
    assert (paper["venue"], paper["year"]) == ("NeurIPS", 2022)


def test_empty_and_headingless_text_warn_instead_of_failing():
    assert parse_cv_text("").warnings == ["the document is empty"]
    draft = parse_cv_text("Just a sentence about nothing in particular.")
    assert draft.leftovers == [{"section": "", "text": "Just a sentence about nothing in particular."}]
    assert any("no CV sections recognised" in w for w in draft.warnings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sep 2016 – Jun 2020", ("2016-09", "2020-06", False)),
        ("2018–present", ("2018", "", True)),
        ("Jul 2020 - Present", ("2020-07", "", True)),
        ("05/2019 - 08/2019", ("2019-05", "2019-08", False)),
        ("2019-03 -- 2020-11", ("2019-03", "2020-11", False)),
        ("Sept. 2016 to June 2020", ("2016-09", "2020-06", False)),
        ("since 2021", ("2021", "", True)),
        ("Summer 2021", ("2021", "", False)),
    ],
)
def test_cv_dates(text, expected):
    found = find_date_range(text)
    assert (found.start, found.end, found.is_current) == expected
    assert is_date_line(text)


def test_a_line_with_words_is_not_a_date_line():
    assert not is_date_line("Tencent (WeChat) Jul 2020 – Present")
    assert find_date_range("no date here") is None


def test_publication_with_corresponding_mark_and_et_al():
    record, _ = parse_publication(["A. Turing✉, B. Church, et al. Computable Numbers. Proc. LMS, 1936."])
    assert record["title"] == "Computable Numbers"
    assert [(a["name"], a["corresponding"]) for a in record["authors"]] == [("A. Turing", True), ("B. Church", False)]
    assert record["authors_truncated"] is True
    assert record["year"] == 1936


@pytest.mark.parametrize(
    ("line", "title", "authors", "venue", "year", "kind"),
    [
        (  # IEEE: quoted title, "in Proc.", pages
            "J. Doe, A. Smith, and B. Lee, “Fast Things,” in Proc. NSDI, 2021, pp. 1–10.",
            "Fast Things",
            ["J. Doe", "A. Smith", "B. Lee"],
            "Proc. NSDI",
            2021,
            "conference",
        ),
        (  # Springer/Vancouver: "Family Initials", year in parentheses after the authors
            "Doe J, Smith A (2020) Fast things in slow places. Nature 1:2–3",
            "Fast things in slow places",
            ["J. Doe", "A. Smith"],
            "Nature 1:2–3",
            2020,
            "journal",
        ),
        (  # arXiv only: a preprint
            "J. Doe*, A. Smith*. Fast Things. arXiv:2101.00001, 2021.",
            "Fast Things",
            ["J. Doe", "A. Smith"],
            "arXiv",
            2021,
            "preprint",
        ),
        (  # own name in bold inside the author list, link buttons after the venue
            "Jane Doe, **Ann Smith**, Bo Lee. Scaling the Unscalable. In *SOSP*, 2023. "
            "[[PDF]](https://x.org/a.pdf) [[Code]](https://github.com/a/b)",
            "Scaling the Unscalable",
            ["Jane Doe", "Ann Smith", "Bo Lee"],
            "SOSP",
            2023,
            "conference",
        ),
        (  # status note
            '**Ann Smith**, Jane Doe. "Learned Indexes for Everyone." VLDB 2024 (to appear).',
            "Learned Indexes for Everyone",
            ["Ann Smith", "Jane Doe"],
            "VLDB",
            2024,
            "conference",
        ),
    ],
)
def test_reference_styles(line, title, authors, venue, year, kind):
    record, _ = parse_publication([line])
    names = [a["name"] for a in record["authors"]]
    got = (record["title"], names, record["venue"], record["year"], record["kind"])
    assert got == (title, authors, venue, year, kind)


def test_reference_links_pages_and_status():
    record, _ = parse_publication([
        "Jane Doe, **Ann Smith**, Bo Lee. Scaling the Unscalable. In *SOSP*, 2023, pp. 5--9. (to appear) "
        "[[PDF]](https://x.org/a.pdf) [[Code]](https://github.com/a/b)"
    ])  # fmt: skip
    assert (record["url_pdf"], record["url_code"]) == ("https://x.org/a.pdf", "https://github.com/a/b")
    assert record["pages"] == "5–9"
    assert record["note"] == "to appear"
    preprint, _ = parse_publication(["J. Doe, A. Smith. Faster Things. Under review, 2024."])
    assert preprint["kind"] == "preprint"
