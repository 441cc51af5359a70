"""PostgreSQL: a bulk import brings the search index up to date once, at its end.

The bulk import writes its rows with executemany, one INSERT per row, so the statement
triggers of 0004 on the author table ran once per author row: each re-saved the paper
(`UPDATE ... SET id = id`), which recomputed its author string and its whole tsvector and
wrote a new row version. A paper with 8 authors was indexed 9 times, and the catalogue
version was checked after every statement.

Now every search trigger first reads the transaction-local setting
`publications.search_deferred` (publications.search.index_deferred sets it with
set_config(..., true), so it ends with the transaction or the savepoint that set it).
While it is 'on', the triggers only note the paper's id in `publications_search_dirty`;
at the end of the run one UPDATE re-indexes exactly those papers and touches the
catalogue version once. Everywhere else (every service, the admin, a raw SQL fix) the
triggers work as before. The dirty rows are written and deleted inside the importing
transaction, so no other session ever sees one.

SQLite: nothing here (0005 defers its triggers with a marker row).
"""

import importlib

from django.db import migrations

search_0004 = importlib.import_module("publications.migrations.0004_publication_search")

DEFERRED = "current_setting('publications.search_deferred', true) = 'on'"

PG_FORWARDS = rf"""
CREATE TABLE publications_search_dirty (id bigint PRIMARY KEY);

CREATE OR REPLACE FUNCTION publications_search_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF {DEFERRED} THEN
    INSERT INTO publications_search_dirty (id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    RETURN NEW;
  END IF;
  NEW.authors_text := coalesce(
    (SELECT string_agg(a.name, ', ' ORDER BY a.position)
       FROM publications_authorship a WHERE a.publication_id = NEW.id), '');
  NEW.search_document :=
       setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
    || setweight(to_tsvector('english', NEW.authors_text), 'B')
    || setweight(to_tsvector('english', coalesce(NEW.venue, '') || ' ' || coalesce(NEW.venue_short, '')), 'C')
    || setweight(to_tsvector('english', coalesce(NEW.abstract, '')), 'D');
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION publications_search_authors_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  deferred boolean := {DEFERRED};
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF deferred THEN
      INSERT INTO publications_search_dirty (id) SELECT DISTINCT publication_id FROM new_rows ON CONFLICT DO NOTHING;
    ELSE
      UPDATE publications_publication SET id = id WHERE id IN (SELECT publication_id FROM new_rows);
    END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF deferred THEN
      INSERT INTO publications_search_dirty (id) SELECT DISTINCT publication_id FROM old_rows ON CONFLICT DO NOTHING;
    ELSE
      UPDATE publications_publication SET id = id WHERE id IN (SELECT publication_id FROM old_rows);
    END IF;
  ELSE
    -- Only when a name, an order or a paper changed (not when a member is linked).
    IF deferred THEN
      INSERT INTO publications_search_dirty (id)
      SELECT DISTINCT x.id FROM (
        SELECT o.publication_id AS id FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE o.name IS DISTINCT FROM n.name OR o.position IS DISTINCT FROM n.position
            OR o.publication_id IS DISTINCT FROM n.publication_id
        UNION SELECT n.publication_id FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE o.publication_id IS DISTINCT FROM n.publication_id) x
      ON CONFLICT DO NOTHING;
    ELSE
      UPDATE publications_publication SET id = id WHERE id IN (
        SELECT o.publication_id FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE o.name IS DISTINCT FROM n.name OR o.position IS DISTINCT FROM n.position
            OR o.publication_id IS DISTINCT FROM n.publication_id
        UNION SELECT n.publication_id FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE o.publication_id IS DISTINCT FROM n.publication_id);
    END IF;
  END IF;
  RETURN NULL;
END $$;

-- Deferred: the run touches the version once at its end (publications.search._PG_FLUSH).
CREATE OR REPLACE FUNCTION publications_catalogue_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF {DEFERRED} THEN
    RETURN NULL;
  END IF;
  INSERT INTO publications_catalogueversion (id, value, xact) VALUES (1, (random() * 9e18)::bigint, txid_current())
    ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value, xact = EXCLUDED.xact
    WHERE publications_catalogueversion.xact IS DISTINCT FROM EXCLUDED.xact;
  RETURN NULL;
END $$;
"""


def _functions_of_0004():
    """0004's three trigger functions, as it created them (for going backwards)."""
    text = search_0004.PG_FORWARDS
    functions = []
    for name in ("publications_search_fill", "publications_search_authors_changed", "publications_catalogue_touch"):
        start = text.index(f"CREATE FUNCTION {name}()")
        end = text.index("END $$;", start) + len("END $$;")
        functions.append(text[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    return "\n".join(functions)


PG_BACKWARDS = _functions_of_0004() + "\nDROP TABLE IF EXISTS publications_search_dirty;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0007_abstract_html"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
