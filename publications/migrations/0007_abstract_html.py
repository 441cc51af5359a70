"""The abstract rendered and sanitised when a paper is written (`abstract_html`), filled here
for the papers already there.

SQLite: the column is added with ALTER TABLE ADD COLUMN. Django would rebuild the table,
and the search and catalogue triggers of 0004/0005 (some on the author table, reading this
one) do not survive a rebuild (see the caveat in 0004).
"""

from django.db import migrations, models


class AddColumnInPlace(migrations.AddField):
    """AddField that never rebuilds the table on SQLite (a text column with a constant default)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        qn = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {qn(model._meta.db_table)} ADD COLUMN {qn(self.name)} text NOT NULL DEFAULT ''",
            params=None,
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        qn = schema_editor.quote_name
        schema_editor.execute(f"ALTER TABLE {qn(model._meta.db_table)} DROP COLUMN {qn(self.name)}", params=None)


def render_existing_abstracts(apps, schema_editor):
    """Fill abstract_html of every paper with an abstract, in batches (no save(), no signals)."""
    from profiles.markdown import render_markdown

    Publication = apps.get_model("publications", "Publication")
    batch = []
    for row in Publication.objects.exclude(abstract="").only("pk", "abstract").iterator(chunk_size=500):
        row.abstract_html = render_markdown(row.abstract)
        batch.append(row)
        if len(batch) >= 500:
            Publication.objects.bulk_update(batch, ["abstract_html"])
            batch = []
    if batch:
        Publication.objects.bulk_update(batch, ["abstract_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0006_sitemap_indexes_stored_facets"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpublication",
            name="abstract_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        AddColumnInPlace(
            model_name="publication",
            name="abstract_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(render_existing_abstracts, migrations.RunPython.noop, elidable=True),
    ]
