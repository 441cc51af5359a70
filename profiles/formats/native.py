"""The native profile document (``"format": "academic-profile"``, ``"version": 1``).

One JSON document holds a whole profile: identity, every section (with highlights,
projects and talk deliveries nested), statements, and the profile's publications with
their ordered authors and flags. Its JSON Schema is docs/native-profile.schema.json;
``parse_native`` validates against it and reports each problem with its JSON path
(``publications[3].authors[0].name: '' is too short``). Pure: no Django here.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

from profiles.formats import ParseError, ParseResult
from publications.formats import NOT_READ, read_json_document

__all__ = ["FORMAT", "VERSION", "is_native", "parse_native", "validate_document", "write_native"]

FORMAT = "academic-profile"
VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "native-profile.schema.json"


@lru_cache(maxsize=1)
def _validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def json_path(parts) -> str:
    """``["publications", 3, "title"]`` -> ``publications[3].title`` (``$`` for the root)."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "$"


def validate_document(document) -> list[str]:
    """Every schema violation as ``"path: message"``, in document order."""
    if not isinstance(document, dict):
        return ["$: a profile document is a JSON object"]
    errors = sorted(_validator().iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{json_path(e.absolute_path)}: {e.message}" for e in errors]


def is_native(data) -> bool:
    return isinstance(data, dict) and data.get("format") == FORMAT


def parse_native(text: str) -> ParseResult:
    """Parse and validate a native document: ``ParseResult(records=[document])`` or errors."""
    result = ParseResult()
    data = read_json_document(text, result, empty="empty document", column=True)
    if data is NOT_READ:
        return result
    if not is_native(data):
        result.errors.append(ParseError(f'not a native profile document (expected "format": "{FORMAT}")'))
        return result
    if data.get("version") != VERSION:
        result.errors.append(
            ParseError(f"unsupported version {data.get('version')!r} (this site reads version {VERSION})")
        )
        return result
    problems = validate_document(data)
    if problems:
        result.errors.extend(ParseError(problem) for problem in problems)
        return result
    result.records.append(data)
    return result


def write_native(document: dict) -> str:
    """The document as pretty UTF-8 JSON, ``format`` and ``version`` first."""
    body = {"format": FORMAT, "version": VERSION}
    body.update({k: v for k, v in document.items() if k not in body})
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
