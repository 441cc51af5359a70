"""A bulk import shows on the public pages at the next request, even if they were cached."""

import pytest

from profiles.imports.files import import_uploads
from tests import factories as f

BIB = b"""@inproceedings{newpaper2025,
  title = {A Freshly Imported Paper About Caches},
  author = {Liddell, Alice and Example, Bo},
  booktitle = {Symposium on Examples},
  year = {2025},
}
"""


@pytest.mark.django_db(transaction=True)
def test_imported_paper_appears_on_a_cached_publications_page(client, admin):
    f.ProfileFactory(full_name="Alice Liddell", slug="alice-liddell")
    first = client.get("/publications/")
    assert first.status_code == 200
    assert b"A Freshly Imported Paper" not in first.content
    report = import_uploads(actor=admin, sources=[("lab.bib", BIB)])
    assert report.ok, report.errors
    again = client.get("/publications/")
    assert b"A Freshly Imported Paper About Caches" in again.content
    profile_page = client.get("/people/alice-liddell/publications/")
    assert b"A Freshly Imported Paper About Caches" in profile_page.content
