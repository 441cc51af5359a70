"""The sitemap's indexes and the list's stored facets.

* publications_sitemap: a sitemap file reads its rows (primary key, updated_at, slug,
  citation key) by primary-key range from this index alone on PostgreSQL (INCLUDE), not
  from the table; publications_updated_at gives the index its newest change at once.
* publications_cataloguefacets: the list's facet counts under the catalogue stamp they
  were computed for (publications.selectors.publication_facets), so that they are counted
  once per change even with no cache.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0005_search_index_deferred_on_sqlite"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueFacets",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("stamp", models.CharField(max_length=200)),
                ("data", models.JSONField()),
            ],
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
