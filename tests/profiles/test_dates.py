import pytest
from django.core.exceptions import ValidationError

from profiles.dates import format_partial_date, parse_partial_date


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("2018", "2018"),
        ("2016-09", "2016-09"),
        ("2016-9", "2016-09"),
        ("Sep 2016", "2016-09"),
        ("September 2016", "2016-09"),
        ("Sept. 2016", "2016-09"),
        ("09/2016", "2016-09"),
        ("2020-06-15", "2020-06-15"),
        ("15 Jun 2020", "2020-06-15"),
        ("", ""),
        (None, ""),
        (2019, "2019"),
    ],
)
def test_cv_spellings_are_stored_without_inventing_a_day(raw, stored):
    assert parse_partial_date(raw) == stored


@pytest.mark.parametrize("raw", ["2016-13", "2019-02-30", "Smarch 2016", "next year", "12345"])
def test_impossible_dates_are_refused_with_a_message(raw):
    with pytest.raises(ValidationError) as excinfo:
        parse_partial_date(raw)
    assert raw in str(excinfo.value) or "month" in str(excinfo.value)


def test_dates_render_as_on_a_cv():
    assert format_partial_date("2016-09") == "Sep 2016"
    assert format_partial_date("2018") == "2018"
    assert format_partial_date("2020-06-15", "long") == "15 June 2020"
