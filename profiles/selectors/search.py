"""Search people: the one search the directory (/people/) and the API's profile list use.

What is searched: every name (full name, the name in its own script, the names a lab admin
verified), the interest tags, the headline and the research interests. Each word of the
query must appear in one of them (AND), anywhere in a word, any case.

* PostgreSQL: one pg_trgm GIN index over those columns joined (migration
  0012_profile_search_function, which replaced 0010's so that the planner takes it); a word
  matches by ILIKE '%word%' (served by the index from three characters; shorter words read
  every row) or by trigram word similarity (`<%`), so "Lidel" finds "Liddell".
* Anything else (SQLite): a case-insensitive LIKE per column. Not indexed, but bounded by
  the size of the lab (thousands of rows at most); SQLite folds the case of ASCII letters only.
"""

import re

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w+", re.UNICODE)  # as publications.search: no query syntax passes through
MAX_WORDS = 8

SEARCHED_COLUMNS = (
    "full_name", "native_name", "verified_names", "interest_tags", "headline", "research_interests",
)  # fmt: skip


def _document(table):
    """The indexed expression (it must match the index's exactly): the columns joined by
    `profiles_search_text`, which the planner knows is too costly to compute on every row."""
    return "profiles_search_text(" + ", ".join(f"{table}.{column}" for column in SEARCHED_COLUMNS) + ")"


def search_profiles(qs, text):
    """`qs` narrowed to the people matching every word of `text` (unchanged when empty)."""
    words = _WORD.findall(text or "")[:MAX_WORDS]
    if connection.vendor == "postgresql":
        table = qs.model._meta.db_table
        document = _document(table)
        for word in words:
            pattern = "%" + word.replace("_", "\\_") + "%"
            if len(word) < 3:
                # No trigram to look up: every row is read, so with the plain expression
                # (not the function, costly per row) and without similarity (none at this length).
                joined = "(" + " || ' ' || ".join(f"{table}.{column}" for column in SEARCHED_COLUMNS) + ")"
                qs = qs.filter(RawSQL(f"{joined} ILIKE %s", (pattern,), output_field=BooleanField()))
                continue
            qs = qs.filter(
                RawSQL(f"({document} ILIKE %s OR %s <%% {document})", (pattern, word), output_field=BooleanField())
            )
        return qs
    for word in words:
        q = Q()
        for column in SEARCHED_COLUMNS:
            q |= Q(**{f"{column}__icontains": word})
        qs = qs.filter(q)
    return qs
