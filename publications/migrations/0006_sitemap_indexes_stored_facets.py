"""The sitemap's indexes and the list's stored facets.

* publications_sitemap: a sitemap file reads its rows (primary key, updated_at, slug,
  citation key) by primary-key range from this index alone on PostgreSQL (INCLUDE), not
  from the table; publications_updated_at gives the index its newest change at once.
* publications_cataloguefacets: one row, the list's facet counts (JSON text) under the
  catalogue stamp they were computed for (publications.selectors.publication_facets), so
  that they are counted once per change even with no cache. Like
  publications_catalogueversion (0004), a table of the selectors, not a model.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0005_search_index_deferred_on_sqlite"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE TABLE publications_cataloguefacets (id integer PRIMARY KEY, stamp text NOT NULL, data text NOT NULL)",
            "DROP TABLE IF EXISTS publications_cataloguefacets",
        ),
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(
                fields=["id"], include=("updated_at", "slug", "citation_key"), name="publications_sitemap"
            ),
        ),
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(fields=["updated_at"], name="publications_updated_at"),
        ),
    ]
