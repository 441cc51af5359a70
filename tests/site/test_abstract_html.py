"""Abstracts are rendered and sanitised once, when a paper is written, whatever writes it."""

import importlib

import pytest
from django.apps import apps

from profiles.imports.files import import_uploads
from publications.imports.pipeline import import_spreadsheet_rows
from publications.models import Publication
from tests.factories import AuthorshipFactory, PublicationFactory

pytestmark = pytest.mark.django_db

HOSTILE = "We make **training** fast.<script>alert('x')</script> [link](javascript:alert(1))"


def _assert_safe(html):
    assert "<strong>training</strong>" in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html


def test_a_saved_abstract_is_stored_rendered_and_its_script_never_reaches_the_page(client, lab):
    paper = PublicationFactory(abstract=HOSTILE)
    _assert_safe(paper.abstract_html)
    AuthorshipFactory(publication=paper, position=1)
    html = client.get(paper.get_absolute_url()).content.decode()
    _assert_safe(html)
    # The meta description takes the text of the stored HTML (the BibTeX keeps the source).
    assert '<meta name="description" content="We make training fast.' in html
    paper.abstract = "Now *different*."
    paper.save(update_fields=["abstract"])
    paper.refresh_from_db()
    assert paper.abstract_html == "<p>Now <em>different</em>.</p>\n"


def test_a_bibtex_import_stores_abstracts_rendered_new_papers_and_filled_ones_alike(lab):
    existing = PublicationFactory(title="Known Paper", doi="10.5555/known", abstract="")
    bib = (
        b"@article{fresh24, title={Fresh Paper}, author={Ada Lovelace}, year={2024},\n"
        b"  abstract={A **fresh** abstract <script>x()</script>}}\n"
        b"@article{known24, title={Known Paper}, author={Ada Lovelace}, year={2024}, doi={10.5555/known},\n"
        b"  abstract={A **filled** abstract}}\n"
    )
    report = import_uploads(actor=None, sources=[("papers.bib", bib)])
    assert report.ok, report.errors
    fresh = Publication.objects.get(title="Fresh Paper")
    assert "<strong>fresh</strong>" in fresh.abstract_html
    assert "<script" not in fresh.abstract_html
    existing.refresh_from_db()
    assert existing.abstract == "A **filled** abstract"
    assert existing.abstract_html == "<p>A <strong>filled</strong> abstract</p>\n"


def test_a_spreadsheet_update_of_an_abstract_stores_it_rendered(lab, admin):
    paper = PublicationFactory(citation_key="sheet24", abstract="Old.")
    outcomes = import_spreadsheet_rows(
        actor=admin,
        rows=[{"citation_key": "sheet24", "abstract": "New **bold**."}],
        columns=["citation_key", "abstract"],
    )
    assert [kind for kind, *_ in outcomes] == ["update"]
    paper.refresh_from_db()
    assert paper.abstract_html == "<p>New <strong>bold</strong>.</p>\n"


def test_the_migration_renders_the_abstracts_of_existing_rows(lab):
    Publication.objects.bulk_create([Publication(title="Bulk", citation_key="bulk1", abstract="*Old* row")])
    assert Publication.objects.get(citation_key="bulk1").abstract_html == ""
    migration = importlib.import_module("publications.migrations.0007_abstract_html")
    migration.render_existing_abstracts(apps, None)
    assert Publication.objects.get(citation_key="bulk1").abstract_html == "<p><em>Old</em> row</p>\n"


def test_abstract_html_is_neither_exported_nor_accepted_by_the_api(client, lab, admin):
    from publications.api.serializers import PUBLICATION_FIELDS
    from publications.imports.resources import PublicationResource

    assert "abstract_html" not in PUBLICATION_FIELDS
    assert "abstract_html" not in PublicationResource._meta.fields
