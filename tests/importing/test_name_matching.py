"""Authors are linked to members by ORCID, then name variants; ambiguous names are not linked."""

import pytest

from profiles.imports.matching import build_member_index, match_author, name_variants

MEMBERS = [
    (1, "Chijun Sima", "", ""),
    (2, "Tomás Okonkwo-Reyes", "", ""),
    (3, "Aiko Nakamura", "中村 愛子", "0000-0002-1825-0097"),
    (4, "Wei Zhang", "", ""),
    (5, "Wei Zhang", "", ""),  # two members with the same name
    (6, "Jonas Becker", "", ""),
    (7, "Man-Kit Sit", "", ""),
]
INDEX = build_member_index(MEMBERS)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Chijun Sima", 1),
        ("Sima, Chijun", 1),
        ("C. Sima", 1),
        ("Sima, C.", 1),
        ("chijun sima", 1),
        ("Tomas Okonkwo-Reyes", 2),  # accents
        ("Tomás Okonkwo Reyes", 2),  # hyphen
        ("Okonkwo-Reyes, Tomás", 2),
        ("T. Okonkwo-Reyes", 2),
        ("中村 愛子", 3),  # native script
        ("中村愛子", 3),
        ("M.-K. Sit", 7),
        ("M. Sit", 7),
        ("Man-Kit Sit", 7),
        ("Jonas Becker*", 6),
    ],
)
def test_name_variants_match_the_member(printed, expected):
    assert match_author(printed, "", INDEX) == (expected, False)


@pytest.mark.parametrize("printed", ["Johann Becker", "Chi Sima Wu", "Sima", "Yao Fu", ""])
def test_a_different_first_name_or_a_stranger_is_not_linked(printed):
    assert match_author(printed, "", INDEX) == (None, False)


def test_ambiguous_names_are_reported_not_linked():
    assert match_author("Wei Zhang", "", INDEX) == (None, True)
    assert match_author("W. Zhang", "", INDEX) == (None, True)


def test_orcid_wins_over_the_printed_name():
    assert match_author("A. N. Other", "https://orcid.org/0000-0002-1825-0097", INDEX) == (3, False)


def test_name_variants_cover_the_forms():
    keys = name_variants("Mei-Ling Chou", "周美玲")
    assert {"full:meilingchou", "init:ml|chou", "init:m|chou", "full:周美玲"} <= keys
