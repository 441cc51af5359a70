"""The lab's members CSV: one row a member, read into plain {field: value} rows.

Pure: no Django. The choices a role or status may take come from the caller (the
imports layer passes the model's choices), so this module needs nothing of the apps.
Each record keeps the CSV line it came from (``"line"``); every problem is a
ParseError with that line. Writing the rows is profiles.imports.files' job.
"""

from __future__ import annotations

import csv
import io

from profiles.formats import ParseError, ParseResult, orcid_from_text
from publications.formats.csv import header_map

__all__ = ["LINK_COLUMNS", "MEMBER_COLUMNS", "header_map", "member_columns", "parse_members_csv"]

# Field -> the other headers it may stand under. A header is compared lower-cased, with
# hyphens and runs of spaces as one space, then with spaces as underscores: the field's own
# name ("joined_on", "Joined on", "joined  on") always matches, so only other names are listed.
MEMBER_COLUMNS = {
    "full_name": ["name"],
    "native_name": ["native-script name"],
    "slug": [],
    "email": ["e-mail"],
    "role": [],
    "status": [],
    "orcid": ["orcid id"],
    "headline": ["position", "title"],
    "organisation": ["organization"],
    "team": ["group"],
    "location": [],
    "pronouns": [],
    "joined_on": ["joined"],
    "left_on": ["left"],
    "alumni_destination": ["destination", "now at"],
    "interest_tags": ["interests", "topics"],
    "short_bio": ["bio"],
    "homepage": ["website", "url"],
    "github": [],
    "scholar": ["google scholar"],
    "linkedin": [],
    "published": [],
}
_HEADERS = {name: [name, *others] for name, others in MEMBER_COLUMNS.items()}
# The columns that become a ProfileLink of that kind rather than a profile field.
LINK_COLUMNS = ["homepage", "github", "scholar", "linkedin"]
_TRUE = {"1", "yes", "true", "y"}


def member_columns(headers):
    """{field: column index} of a members CSV's header row."""
    return header_map(headers, _HEADERS)


def parse_members_csv(text, *, roles, statuses):
    """Members CSV -> ParseResult of {field: value} rows (only the cells that are filled).

    `roles` and `statuses` are (value, label) choices: a cell may hold either, in any case.
    """
    result = ParseResult()
    rows = csv.reader(io.StringIO(text))
    mapping = member_columns(next(rows, []))
    if "full_name" not in mapping:
        result.errors.append(ParseError("missing column: name", line=1))
        return result
    choices = {"role": _Choices(roles), "status": _Choices(statuses)}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = _filled_cells(row, mapping, line)
        if not values.get("full_name"):
            result.errors.append(ParseError("no name", line=line))
            continue
        for name, allowed in choices.items():
            if name in values:
                values[name] = allowed.value_of(values[name])
                if values[name] not in allowed.values:
                    result.errors.append(ParseError(f"unknown {name} {row[mapping[name]]!r}", line=line))
        if "orcid" in values:
            orcid = orcid_from_text(values["orcid"])
            if not orcid:
                result.errors.append(ParseError(f"not an ORCID iD: {values['orcid']!r}", line=line))
            values["orcid"] = orcid
        if "published" in values:
            values["published"] = values["published"].lower() in _TRUE
        result.records.append(values)
    return result


def _filled_cells(row, mapping, line):
    """{"line": line, field: stripped cell} for the mapped cells that are not blank."""
    values = {"line": line}
    for name, index in mapping.items():
        cell = row[index].strip() if index < len(row) else ""
        if cell:
            values[name] = cell
    return values


class _Choices:
    """A field's (value, label) choices: a cell may give the value or the label, in any case."""

    def __init__(self, choices):
        self.values = {value for value, _label in choices}
        self._by_label = {label.lower(): value for value, label in choices}

    def value_of(self, cell):
        cell = cell.lower()
        return self._by_label.get(cell, cell)
