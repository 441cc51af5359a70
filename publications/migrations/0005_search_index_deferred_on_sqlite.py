"""SQLite: a bulk import can bring the search index up to date once, at its end.

The FTS5 index of 0004 is refreshed by row triggers: for every author row an import
inserts, the paper's index row is deleted and rebuilt (its author names read back in
order), and the catalogue version is rewritten. For a 10,000-paper .bib file that is
about 55,000 index rebuilds, which cost as much as the import itself.

This migration makes every such trigger depend on a one-row table,
`publications_search_deferred`. While a transaction holds that row (see
publications.search.index_deferred, used by the bulk import run), the triggers only
note the paper's id in `publications_search_dirty`; at the end of the run the index rows
of exactly those papers are rebuilt in two statements and the catalogue version is
replaced once. Everywhere else (every service, the admin, a raw SQL fix) the triggers
work as before. The row is only ever visible inside the transaction that wrote it (SQLite
has one writer at a time, and readers see committed data only).

PostgreSQL: nothing changes here (its author triggers are per statement already).
SQLite caveat of 0004 holds: a later migration that rebuilds either table must run
`sqlite_forwards` of 0004 and of this migration again.
"""

import importlib

from django.db import migrations

search_0004 = importlib.import_module("publications.migrations.0004_publication_search")

NOT_DEFERRED = "WHEN NOT EXISTS (SELECT 1 FROM publications_search_deferred)"
DEFERRED = "WHEN EXISTS (SELECT 1 FROM publications_search_deferred)"
REFRESH = search_0004._SQLITE_REFRESH
TOUCH = search_0004._SQLITE_TOUCH

# (name, event, immediate body, the ids to note when deferred)
ROW_TRIGGERS = [
    ("pub_insert", "AFTER INSERT ON publications_publication", REFRESH.format(row="NEW.id"), ["NEW.id"]),
    (
        "pub_update",
        "AFTER UPDATE OF title, venue, venue_short, abstract ON publications_publication",
        REFRESH.format(row="NEW.id"),
        ["NEW.id"],
    ),
    (
        "author_insert",
        "AFTER INSERT ON publications_authorship",
        REFRESH.format(row="NEW.publication_id"),
        ["NEW.publication_id"],
    ),
    (
        "author_update",
        "AFTER UPDATE OF name, position, publication_id ON publications_authorship",
        REFRESH.format(row="OLD.publication_id") + REFRESH.format(row="NEW.publication_id"),
        ["OLD.publication_id", "NEW.publication_id"],
    ),
    (
        "author_delete",
        "AFTER DELETE ON publications_authorship",
        REFRESH.format(row="OLD.publication_id"),
        ["OLD.publication_id"],
    ),
]
TABLE_EVENTS = [(table, event) for table in ("publication", "authorship") for event in ("insert", "update", "delete")]


def _note(ids):
    return "".join(f" INSERT OR IGNORE INTO publications_search_dirty (id) VALUES ({row});" for row in ids)


SQLITE_FORWARDS = [
    "CREATE TABLE IF NOT EXISTS publications_search_deferred (id integer PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS publications_search_dirty (id integer PRIMARY KEY)",
]
for name, event, body, ids in ROW_TRIGGERS:
    SQLITE_FORWARDS += [
        f"DROP TRIGGER IF EXISTS publications_search_{name}",
        f"CREATE TRIGGER publications_search_{name} {event} FOR EACH ROW {NOT_DEFERRED} BEGIN{body}END",
        f"DROP TRIGGER IF EXISTS publications_search_{name}_deferred",
        f"CREATE TRIGGER publications_search_{name}_deferred {event} FOR EACH ROW {DEFERRED} BEGIN{_note(ids)} END",
    ]
for table, event in TABLE_EVENTS:
    SQLITE_FORWARDS += [
        f"DROP TRIGGER IF EXISTS publications_catalogue_{table}_{event}",
        f"CREATE TRIGGER publications_catalogue_{table}_{event} AFTER {event.upper()} ON publications_{table} "
        f"FOR EACH ROW {NOT_DEFERRED} BEGIN{TOUCH}END",
    ]

SQLITE_BACKWARDS = [
    *(f"DROP TRIGGER IF EXISTS publications_search_{name}_deferred" for name, *_ in ROW_TRIGGERS),
    "DROP TABLE IF EXISTS publications_search_deferred",
    "DROP TABLE IF EXISTS publications_search_dirty",
    *(f"DROP TRIGGER IF EXISTS publications_search_{name}" for name, *_ in ROW_TRIGGERS),
    *(f"DROP TRIGGER IF EXISTS publications_catalogue_{table}_{event}" for table, event in TABLE_EVENTS),
]


def sqlite_forwards(schema_editor):
    for statement in SQLITE_FORWARDS:
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        sqlite_forwards(schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARDS:
            schema_editor.execute(statement, params=None)
        search_0004.sqlite_forwards(schema_editor)  # the triggers as 0004 made them


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0004_publication_search"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
