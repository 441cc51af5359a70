"""People search on PostgreSQL: a pg_trgm GIN index over every name, the tags, the headline
and the research interests (see profiles/search.py, which queries the same expression).
Nothing on other databases (profiles/search.py uses LIKE there)."""

from django.db import migrations

COLUMNS = ("full_name", "native_name", "verified_names", "interest_tags", "headline", "research_interests")
DOCUMENT = "(" + " || ' ' || ".join(COLUMNS) + ")"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
        schema_editor.execute(
            f"CREATE INDEX profiles_profile_search_trgm ON profiles_profile USING gin ({DOCUMENT} gin_trgm_ops)",
            params=None,
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS profiles_profile_search_trgm", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0009_markdown_rendered_html"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
