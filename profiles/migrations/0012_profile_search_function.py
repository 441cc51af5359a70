"""People search on PostgreSQL: the searched text behind a function the planner finds costly.

0010 indexed the searched columns joined with `||`. The planner prices `||` and ILIKE as
almost free, so at 5,000 people it read the whole table and computed trigram word
similarity on every row (200 ms) rather than take the pg_trgm index (2-6 ms). The same text
is now built by `profiles_search_text(...)`, a PL/pgSQL function (never inlined) declared
COST 1000: a scan that evaluates it on every row is priced as what it is, and the index on
the function's result is taken. profiles/search.py calls the same function with the same
arguments, so the index matches. Nothing on other databases.
"""

from django.db import migrations

COLUMNS = ("full_name", "native_name", "verified_names", "interest_tags", "headline", "research_interests")
CALL = "profiles_search_text(" + ", ".join(COLUMNS) + ")"

FORWARDS = f"""
CREATE FUNCTION profiles_search_text(
  full_name text, native_name text, verified_names text, interest_tags text, headline text, research_interests text
) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
BEGIN
  RETURN full_name || ' ' || native_name || ' ' || verified_names || ' ' || interest_tags || ' ' || headline
    || ' ' || research_interests;
END $$;
CREATE INDEX profiles_profile_search_text_trgm ON profiles_profile USING gin ({CALL} gin_trgm_ops);
DROP INDEX IF EXISTS profiles_profile_search_trgm;
"""

DOCUMENT_0010 = "(" + " || ' ' || ".join(COLUMNS) + ")"
BACKWARDS = f"""
CREATE INDEX IF NOT EXISTS profiles_profile_search_trgm ON profiles_profile USING gin ({DOCUMENT_0010} gin_trgm_ops);
DROP INDEX IF EXISTS profiles_profile_search_text_trgm;
DROP FUNCTION IF EXISTS profiles_search_text(text, text, text, text, text, text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0011_export_job"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
