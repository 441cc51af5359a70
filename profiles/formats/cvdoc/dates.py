"""Dates as CVs print them: ``Sep 2016 – Jun 2020``, ``2018–present``, ``05/2019 - 08/2019``, ``Summer 2021``.

Everything returns ISO partial dates (``"2016-09"``, ``"2018"``) and never invents a
part that the text does not give. Pure functions, no Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from publications.formats import format_partial_date

__all__ = ["DateRange", "find_date_range", "is_date_line", "parse_cv_date", "two_digit_year"]

_MONTH = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_SEASON_RE = r"(?:spring|summer|fall|autumn|winter)"
_YEAR_RE = r"(?:19|20)\d\d"
# One date: "Sep 2016", "September 12, 2016", "12 Sep 2016", "2016-09", "09/2016", "2016", "Summer 2021".
_ONE = (
    rf"(?:{_MONTH_RE}\s+\d{{1,2}},?\s+{_YEAR_RE}"
    rf"|\d{{1,2}}\s+{_MONTH_RE},?\s+{_YEAR_RE}"
    rf"|{_MONTH_RE},?\s+{_YEAR_RE}"
    rf"|{_SEASON_RE}\s+{_YEAR_RE}"
    rf"|{_YEAR_RE}[-/.]\d{{1,2}}(?:[-/.]\d{{1,2}})?"
    rf"|\d{{1,2}}[/.]{_YEAR_RE}"
    rf"|{_YEAR_RE}(?:H[12]|Q[1-4])?)"
)
_PRESENT_RE = r"(?:present|now|current|today|ongoing|date)"
_DASH = r"\s*(?:–|—|-{1,3}|−|~|\bto\b|\buntil\b|\btill\b)\s*"
_RANGE = re.compile(
    rf"(?<![\w/])(?P<start>{_ONE})(?:{_DASH}(?:(?P<end>{_ONE})|(?P<present>{_PRESENT_RE})))?(?![\w/])",
    re.IGNORECASE,
)
_SINCE = re.compile(rf"\b(?:since|from)\s+(?P<start>{_ONE})(?![\w/])", re.IGNORECASE)


@dataclass
class DateRange:
    start: str = ""
    end: str = ""
    is_current: bool = False
    text: str = ""  # the matched text, so callers can cut it out
    span: tuple = (0, 0)

    @property
    def year(self) -> int | None:
        value = self.end or self.start
        return int(value[:4]) if value else None


def parse_cv_date(value: str) -> str:
    """One CV date -> ISO partial (``"Sep 2016"`` -> ``"2016-09"``, ``"Summer 2021"`` -> ``"2021"``)."""
    s = (value or "").strip().rstrip(".,")
    if not s:
        return ""
    m = re.fullmatch(rf"({_YEAR_RE})[-/.](\d{{1,2}})(?:[-/.](\d{{1,2}}))?", s)
    if m:
        month = int(m.group(2))
        day = int(m.group(3)) if m.group(3) else None
        if not 1 <= month <= 12:
            return m.group(1)
        return format_partial_date(int(m.group(1)), month, day if day and 1 <= day <= 31 else None)
    m = re.fullmatch(rf"(\d{{1,2}})[/.]({_YEAR_RE})", s)
    if m:
        month = int(m.group(1))
        return format_partial_date(int(m.group(2)), month if 1 <= month <= 12 else None)
    year_m = re.search(_YEAR_RE, s)
    if not year_m:
        return ""
    year = int(year_m.group(0))
    month = None
    day = None
    for word in re.findall(r"[A-Za-z]+", s):
        if word.lower() in _MONTH:
            month = _MONTH[word.lower()]
            break
    if month:
        rest = s.replace(year_m.group(0), " ")
        d = re.search(r"(?<!\d)(\d{1,2})(?!\d)", rest)
        if d and 1 <= int(d.group(1)) <= 31:
            day = int(d.group(1))
    return format_partial_date(year, month, day)


def find_date_range(text: str) -> DateRange | None:
    """The first date or date range in ``text`` (``None`` if there is none)."""
    s = text or ""
    m = _SINCE.search(s)
    if m:
        return DateRange(start=parse_cv_date(m.group("start")), is_current=True, text=m.group(0), span=m.span())
    for m in _RANGE.finditer(s):
        start = parse_cv_date(m.group("start"))
        if not start:
            continue
        end = parse_cv_date(m.group("end")) if m.group("end") else ""
        current = bool(m.group("present"))
        if end and start and end[:4].isdigit() and start[:4].isdigit() and end < start:
            # "2019–20" style or a typo: keep the start only, never a backwards range.
            end = ""
        return DateRange(start=start, end=end, is_current=current, text=m.group(0), span=m.span())
    return None


def two_digit_year(text: str) -> int | None:
    """``OSDI '22`` / ``OSDI’22`` -> 2022 (``'9x`` -> 199x)."""
    m = re.search(r"['’‘](\d\d)\b", text or "")
    if not m:
        return None
    n = int(m.group(1))
    return 1900 + n if n >= 70 else 2000 + n


_ONLY_DATE = re.compile(rf"^\W*(?:{_RANGE.pattern})\W*$", re.IGNORECASE)


def is_date_line(line: str) -> bool:
    """True when the line holds nothing but a date or a date range (``Jul 2020 – Present``)."""
    s = (line or "").strip().strip("*_()[]|·•").strip()
    if not s:
        return False
    dr = find_date_range(s)
    if dr is None:
        return False
    rest = (s[: dr.span[0]] + s[dr.span[1] :]).strip(" \t,;:–—-()[]|·•*_")
    return not rest
