"""The lab's publications CSV: a header row, then one paper a row (pure: no Django).

The columns are named as people name them (``CSV_COLUMNS``: "journal" is the venue,
"bibtex key" the citation key); the authors cell is ``format_authors``' form,
"Chijun Sima*; Yao Fu*; Luo Mai†" (``*`` equal contribution, ``†`` corresponding).
Rows become the records of ``empty_record``; cleaning and writing them is
publications/imports/pipeline.py's.
"""

import csv
import io

from publications.formats import ParseError, ParseResult, empty_record, parse_number

EQUAL_MARK = "*"
CORRESPONDING_MARK = "†"
AUTHOR_SEPARATOR = ";"


# --- The authors column: "Chijun Sima*; Yao Fu*; Luo Mai†" -------------------------------


def format_authors(authors):
    """Authors (dicts or Authorship rows) -> one `;`-separated cell, order kept, * and † marks."""
    cells = []
    for author in authors:
        get = author.get if isinstance(author, dict) else lambda k, a=author: getattr(a, k)
        name = get("name").replace(AUTHOR_SEPARATOR, ",")
        cells.append(
            name
            + (EQUAL_MARK if get("equal_contribution") else "")
            + (CORRESPONDING_MARK if get("corresponding") else "")
        )
    return f"{AUTHOR_SEPARATOR} ".join(cells)


def parse_authors(cell):
    """The inverse of `format_authors`: author dicts with the flags read off the marks."""
    authors = []
    for raw in (cell or "").split(AUTHOR_SEPARATOR):
        name, equal, corresponding = raw.strip(), False, False
        while name and name[-1] in (EQUAL_MARK, CORRESPONDING_MARK):
            equal |= name[-1] == EQUAL_MARK
            corresponding |= name[-1] == CORRESPONDING_MARK
            name = name[:-1].rstrip()
        if not name:
            continue
        author = {
            "name": " ".join(name.split()),
            "orcid": "",
            "equal_contribution": equal,
            "corresponding": corresponding,
        }
        authors.append(author)
    return authors


# --- The lab's publications CSV ----------------------------------------------------------

CSV_COLUMNS = {
    # column: aliases people use
    "title": ["title"],
    "authors": ["authors", "author"],
    "year": ["year"],
    "month": ["month"],
    "kind": ["kind", "type"],
    "venue": ["venue", "journal", "booktitle", "conference"],
    "venue_short": ["venue_short", "short venue", "badge"],
    "volume": ["volume"],
    "number": ["number", "issue"],
    "pages": ["pages"],
    "publisher": ["publisher"],
    "doi": ["doi"],
    "arxiv_id": ["arxiv_id", "arxiv", "eprint"],
    "abstract": ["abstract"],
    "note": ["note"],
    "keywords": ["keywords"],
    "url": ["url", "paper url", "link"],
    "url_pdf": ["url_pdf", "pdf"],
    "url_code": ["url_code", "code"],
    "url_slides": ["url_slides", "slides"],
    "url_video": ["url_video", "video"],
    "url_project": ["url_project", "project"],
    "citation_key": ["citation_key", "key", "bibtex key", "id"],
}
CSV_REQUIRED = ["title", "authors", "year"]
TEXT_COLUMNS = [name for name in CSV_COLUMNS if name not in ("authors", "year", "month")]  # read as they are


def header_map(headers, columns):
    """{column name: index} of the `headers` naming one of `columns` ({name: aliases}); the
    first header wins, case, spaces, hyphens and a byte-order mark aside."""
    wanted = {alias: name for name, aliases in columns.items() for alias in aliases}
    mapping = {}
    for index, header in enumerate(headers):
        key = " ".join((header or "").replace("\ufeff", "").strip().lower().replace("-", " ").split())
        name = wanted.get(key) or wanted.get(key.replace(" ", "_"))
        if name and name not in mapping:
            mapping[name] = index
    return mapping


def looks_like_publications_csv(headers):
    """A header row of the lab's publications CSV (a title and one of authors, DOI, venue)?"""
    mapping = header_map(headers, CSV_COLUMNS)
    return "title" in mapping and ("authors" in mapping or "doi" in mapping or "venue" in mapping)


def _int_or_error(value, label, errors, line):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return parse_number(value)
    except ValueError:
        errors.append(ParseError(f"{label} {value!r} is not a number", line=line))
        return None


def parse_publications_csv(text):
    """A lab publications CSV (header row + one paper a row) -> ParseResult of records."""
    result = ParseResult()
    result.records.extend(iter_publications_csv(text, result))
    return result


def iter_publications_csv(text, result):
    """The records of a publications CSV one row at a time; problems go to `result`.

    `text`: the whole file, or its lines as an iterable (a file opened with ``newline=""``,
    so that a big file on disk is never held in memory whole).
    """
    rows = csv.reader(io.StringIO(text) if isinstance(text, str) else text)
    headers = next(rows, None)
    if not headers:
        result.errors.append(ParseError("the file is empty (expected a header row)", line=1))
        return
    mapping = header_map(headers, CSV_COLUMNS)
    missing = [c for c in CSV_REQUIRED if c not in mapping]
    if missing:
        result.errors.append(ParseError(f"missing column(s): {', '.join(missing)}", line=1))
        return
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(headers):
            result.errors.append(ParseError(f"{len(row)} cells for {len(headers)} columns", line=line))
            continue

        def cell(name, row=row):
            index = mapping.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        record = empty_record()
        for name in TEXT_COLUMNS:
            record[name] = cell(name)
        record["kind"] = record["kind"].lower() or "other"
        record["year"] = _int_or_error(cell("year"), "year", result.errors, line)
        record["month"] = _int_or_error(cell("month"), "month", result.errors, line)
        record["authors"] = parse_authors(cell("authors"))
        record["line"] = line
        yield record
