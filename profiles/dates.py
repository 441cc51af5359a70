"""Dates as they appear on CVs: a year, a year and month, or a full day.

Stored as ISO 8601 prefixes ("2016", "2016-09", "2016-09-01") in a CharField, so
nothing invents a day that the researcher never wrote, and values still sort and
compare correctly as strings. An empty string means "not given".
"""

import calendar
import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9


def parse_partial_date(value):
    """Normalise human input ("Sep 2016", "2016-9", "09/2016", "2016") to an ISO prefix.

    Raises ValidationError with a message a researcher can act on.
    """
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        value = str(value)
    text = str(value).strip().rstrip(".")
    if not text:
        return ""
    match = ISO_PARTIAL.match(text)
    if not match:
        # "2016-9" / "2016/09" / "2016-9-1"
        m = re.match(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?$", text)
        if m:
            match = m
        else:
            # "09/2016"
            m = re.match(r"^(\d{1,2})[/.-](\d{4})$", text)
            if m:
                return _build(m.group(2), m.group(1), None, text)
            # "Sep 2016", "September 2016", "1 Sep 2016", "Sep. 1, 2016"
            m = re.match(r"^(?:(\d{1,2})\s+)?([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})$", text)
            if m and m.group(2).lower() in MONTHS:
                day = m.group(1) or m.group(3)
                return _build(m.group(4), MONTHS[m.group(2).lower()], day, text)
            raise ValidationError(
                "“%(value)s” is not a date. Use a year (2020), a month (2020-06 or Jun 2020) or a day (2020-06-15).",
                code="invalid_partial_date",
                params={"value": text},
            )
    return _build(match.group(1), match.group(2), match.group(3), text)


def _build(year, month, day, original):
    year = int(year)
    if not 1000 <= year <= 9999:
        raise ValidationError("“%(value)s” has an impossible year.", code="invalid_year", params={"value": original})
    if month is None:
        return f"{year:04d}"
    month = int(month)
    if not 1 <= month <= 12:
        raise ValidationError(
            "“%(value)s” has no month %(month)s.",
            code="invalid_month",
            params={"value": original, "month": month},
        )
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return datetime.date(year, month, int(day)).isoformat()
    except ValueError:
        raise ValidationError(
            "“%(value)s” is not a day of the calendar.",
            code="invalid_day",
            params={"value": original},
        ) from None


def format_partial_date(value, style="short"):
    """Render "2016-09" as "Sep 2016" ("September 2016" with style="long")."""
    if not value:
        return ""
    match = ISO_PARTIAL.match(value)
    if not match:
        return value
    year, month, day = match.groups()
    if not month:
        return year
    names = calendar.month_abbr if style == "short" else calendar.month_name
    label = f"{names[int(month)]} {year}"
    return f"{int(day)} {label}" if day else label


def partial_year(value):
    return int(value[:4]) if value else None


def partial_date_sort_key(value):
    return value or ""


class PartialDateFormField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("help_text", "A year (2020), a month (Jun 2020) or a day (2020-06-15).")
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return parse_partial_date(super().to_python(value))

    def prepare_value(self, value):
        return format_partial_date(value, "short") if value and ISO_PARTIAL.match(value) else value


class PartialDateField(models.CharField):
    """A CharField holding an ISO date prefix; accepts human spellings on input."""

    description = "Partial date (year, year-month or year-month-day)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_length", 10), ("blank", True), ("default", "")):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def to_python(self, value):
        return parse_partial_date(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return parse_partial_date(value) if value else ""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PartialDateFormField, **kwargs})


def end_not_before_start(start_field="start_date", end_field="end_date"):
    """Database check: the end (at its own precision) is not before the start.

    Compares the end with the start cut to the end's length, so "2020-06" – "2020"
    (ended some time in 2020) is allowed while "2020-06" – "2019" is not.
    """
    from django.db.models import Q
    from django.db.models.functions import Length, Substr

    return models.CheckConstraint(
        condition=Q(**{end_field: ""}) | Q(**{f"{end_field}__gte": Substr(start_field, 1, Length(end_field))}),
        name="%(app_label)s_%(class)s_end_not_before_start",
        violation_error_message="The end date is before the start date.",
    )


def check_date_range(start, end, is_current=False):
    """Model-level twin of end_not_before_start, with messages per field."""
    errors = {}
    if start and end and end < start[: len(end)]:
        errors["end_date"] = "The end date is before the start date."
    if is_current and end:
        errors["is_current"] = "An entry that is still ongoing cannot have an end date."
    if errors:
        raise ValidationError(errors)
