"""The publications' full-text search index, kept by the database itself.

Kept by triggers rather than by Python so that every writer (services, the bulk import's
bulk_create, the admin, a raw SQL fix) keeps it right. Vendor-specific (see
publications/search.py for how it is queried):

* PostgreSQL: two columns on publications_publication that the model does not declare:
  `authors_text` (the author names in order) and `search_document`, a tsvector weighted
  title (A) > authors (B) > venue (C) > abstract (D). A BEFORE INSERT/UPDATE trigger fills
  both; statement-level triggers on the author table (with transition tables, so a bulk
  insert of 5,000 author rows touches each paper once) re-save the papers whose authors
  changed. A GIN index on `search_document`, and pg_trgm GIN indexes on `title` and
  `authors_text` for partial words, names and typos.
* SQLite: an FTS5 table `publications_search` (rowid = publication id; title, authors,
  venue, abstract), refreshed by row triggers on both tables.

SQLite caveat: a later migration that makes Django rebuild publications_publication or
publications_authorship on SQLite (e.g. changing a column's type) drops their triggers;
tests/publications/test_search.py fails then, and the fix is to run this migration's
`sqlite_forwards` again in that migration.
"""

from django.db import migrations, models

# The catalogue version (publications.selectors.catalogue_version): one row, a random value
# that triggers replace after every statement writing papers or authors. A plain table, not
# a model: nothing but these triggers writes it, and no fixture, admin or dump should see it.
VERSION_TABLE = (
    "CREATE TABLE publications_catalogueversion (id integer PRIMARY KEY, value bigint NOT NULL, xact bigint)"
)

PG_FORWARDS = (
    VERSION_TABLE
    + r""";
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- pg_trgm declares its similarity functions as cheap as `=` (COST 1), so the planner reads
-- the whole table and computes word similarity on every row rather than take the trigram
-- index (1.4 s instead of 50 ms on 50,000 papers). Their real cost is about 100 times that.
-- Objects of a trusted extension may belong to another role: then the planner keeps its guess.
DO $$ BEGIN
  ALTER FUNCTION word_similarity(text, text) COST 100;
  ALTER FUNCTION word_similarity_op(text, text) COST 100;
  ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pg_trgm functions keep their cost estimate (not their owner)';
END $$;

ALTER TABLE publications_publication ADD COLUMN authors_text text NOT NULL DEFAULT '';
ALTER TABLE publications_publication ADD COLUMN search_document tsvector;

CREATE FUNCTION publications_search_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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

CREATE TRIGGER publications_search_fill BEFORE INSERT OR UPDATE ON publications_publication
  FOR EACH ROW EXECUTE FUNCTION publications_search_fill();

CREATE FUNCTION publications_search_authors_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE publications_publication SET id = id WHERE id IN (SELECT publication_id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE publications_publication SET id = id WHERE id IN (SELECT publication_id FROM old_rows);
  ELSE
    -- Only when a name, an order or a paper changed (not when a member is linked).
    UPDATE publications_publication SET id = id WHERE id IN (
      SELECT o.publication_id FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE o.name IS DISTINCT FROM n.name OR o.position IS DISTINCT FROM n.position
          OR o.publication_id IS DISTINCT FROM n.publication_id
      UNION SELECT n.publication_id FROM old_rows o JOIN new_rows n ON n.id = o.id
       WHERE o.publication_id IS DISTINCT FROM n.publication_id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER publications_search_authors_insert AFTER INSERT ON publications_authorship
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION publications_search_authors_changed();
CREATE TRIGGER publications_search_authors_update AFTER UPDATE ON publications_authorship
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION publications_search_authors_changed();
CREATE TRIGGER publications_search_authors_delete AFTER DELETE ON publications_authorship
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION publications_search_authors_changed();

UPDATE publications_publication SET id = id;

-- publications_catalogueversion: a new random value after every statement that writes papers or authors.
-- Once per transaction: the bulk import runs one INSERT per author row, and updating the one
-- row 100,000 times in a transaction would leave a chain of 100,000 versions to walk each time.
-- Readers see the new value when the transaction commits, with everything it wrote.
CREATE FUNCTION publications_catalogue_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO publications_catalogueversion (id, value, xact) VALUES (1, (random() * 9e18)::bigint, txid_current())
    ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value, xact = EXCLUDED.xact
    WHERE publications_catalogueversion.xact IS DISTINCT FROM EXCLUDED.xact;
  RETURN NULL;
END $$;
CREATE TRIGGER publications_catalogue_touch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON publications_publication FOR EACH STATEMENT EXECUTE FUNCTION publications_catalogue_touch();
CREATE TRIGGER publications_catalogue_touch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
  ON publications_authorship FOR EACH STATEMENT EXECUTE FUNCTION publications_catalogue_touch();

CREATE INDEX publications_search_document ON publications_publication USING gin (search_document);
CREATE INDEX publications_title_trgm ON publications_publication USING gin (title gin_trgm_ops);
CREATE INDEX publications_authors_trgm ON publications_publication USING gin (authors_text gin_trgm_ops);
"""
)

PG_BACKWARDS = r"""
DROP INDEX IF EXISTS publications_title_trgm;
DROP TRIGGER IF EXISTS publications_search_authors_insert ON publications_authorship;
DROP TRIGGER IF EXISTS publications_search_authors_update ON publications_authorship;
DROP TRIGGER IF EXISTS publications_search_authors_delete ON publications_authorship;
DROP TRIGGER IF EXISTS publications_search_fill ON publications_publication;
DROP TRIGGER IF EXISTS publications_catalogue_touch ON publications_publication;
DROP TRIGGER IF EXISTS publications_catalogue_touch ON publications_authorship;
DROP FUNCTION IF EXISTS publications_catalogue_touch();
DROP FUNCTION IF EXISTS publications_search_authors_changed();
DROP FUNCTION IF EXISTS publications_search_fill();
ALTER TABLE publications_publication DROP COLUMN IF EXISTS search_document;
ALTER TABLE publications_publication DROP COLUMN IF EXISTS authors_text;
DROP TABLE IF EXISTS publications_catalogueversion;
"""

# One statement per item (the sqlite3 driver runs one at a time). `ROW` is the id of the
# paper to refresh in each trigger; the author names are read back in order.
_SQLITE_REFRESH = """
  DELETE FROM publications_search WHERE rowid = {row};
  INSERT INTO publications_search (rowid, title, authors, venue, abstract)
    SELECT p.id, p.title,
           coalesce((SELECT group_concat(name, ', ') FROM (
               SELECT a.name FROM publications_authorship a WHERE a.publication_id = p.id ORDER BY a.position)), ''),
           p.venue || ' ' || p.venue_short, p.abstract
      FROM publications_publication p WHERE p.id = {row};
"""

SQLITE_FORWARDS = [
    VERSION_TABLE.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"),
    "CREATE VIRTUAL TABLE IF NOT EXISTS publications_search USING fts5("
    "title, authors, venue, abstract, tokenize = 'unicode61 remove_diacritics 2')",
    "DELETE FROM publications_search",
    "INSERT INTO publications_search (rowid, title, authors, venue, abstract) SELECT p.id, p.title, "
    "coalesce((SELECT group_concat(name, ', ') FROM (SELECT a.name FROM publications_authorship a "
    "WHERE a.publication_id = p.id ORDER BY a.position)), ''), p.venue || ' ' || p.venue_short, p.abstract "
    "FROM publications_publication p",
    "CREATE TRIGGER IF NOT EXISTS publications_search_pub_insert AFTER INSERT ON publications_publication BEGIN"
    + _SQLITE_REFRESH.format(row="NEW.id")
    + "END",
    "CREATE TRIGGER IF NOT EXISTS publications_search_pub_update AFTER UPDATE OF title, venue, venue_short, abstract "
    "ON publications_publication BEGIN" + _SQLITE_REFRESH.format(row="NEW.id") + "END",
    "CREATE TRIGGER IF NOT EXISTS publications_search_pub_delete AFTER DELETE ON publications_publication BEGIN "
    "DELETE FROM publications_search WHERE rowid = OLD.id; END",
    "CREATE TRIGGER IF NOT EXISTS publications_search_author_insert AFTER INSERT ON publications_authorship BEGIN"
    + _SQLITE_REFRESH.format(row="NEW.publication_id")
    + "END",
    "CREATE TRIGGER IF NOT EXISTS publications_search_author_update AFTER UPDATE OF name, position, publication_id "
    "ON publications_authorship BEGIN"
    + _SQLITE_REFRESH.format(row="OLD.publication_id")
    + _SQLITE_REFRESH.format(row="NEW.publication_id")
    + "END",
    "CREATE TRIGGER IF NOT EXISTS publications_search_author_delete AFTER DELETE ON publications_authorship BEGIN"
    + _SQLITE_REFRESH.format(row="OLD.publication_id")
    + "END",
]

_SQLITE_TOUCH = (
    " INSERT INTO publications_catalogueversion (id, value) VALUES (1, random())"
    " ON CONFLICT (id) DO UPDATE SET value = excluded.value; "
)
SQLITE_FORWARDS += [
    f"CREATE TRIGGER IF NOT EXISTS publications_catalogue_{table}_{event} AFTER {event.upper()} "
    f"ON publications_{table} BEGIN{_SQLITE_TOUCH}END"
    for table in ("publication", "authorship")
    for event in ("insert", "update", "delete")
]

SQLITE_BACKWARDS = [
    *(
        f"DROP TRIGGER IF EXISTS publications_catalogue_{table}_{event}"
        for table in ("publication", "authorship")
        for event in ("insert", "update", "delete")
    ),
    *(
        f"DROP TRIGGER IF EXISTS publications_search_{name}"
        for name in ("pub_insert", "pub_update", "pub_delete", "author_insert", "author_update", "author_delete")
    ),
    "DROP TABLE IF EXISTS publications_search",
    "DROP TABLE IF EXISTS publications_catalogueversion",
]


def sqlite_forwards(schema_editor):
    for statement in SQLITE_FORWARDS:
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARDS, params=None)
    elif vendor == "sqlite":
        sqlite_forwards(schema_editor)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARDS, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARDS:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0003_verbatim_keys_slugs_long_fields"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(fields=["-year", "-month", "title", "id"], name="publications_list_order"),
        ),
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(fields=["kind", "-year", "-month", "title", "id"], name="publications_kind_order"),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
