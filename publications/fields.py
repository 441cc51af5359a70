"""A publication's fields, declared once, in groups; every interface composes its list from them.

Who uses which: the API (publications/api/serializers.py) and the native document
(profiles/imports/sync.py) BIBLIOGRAPHIC; the admin's spreadsheet import
(publications/imports/pipeline.py) BIBLIOGRAPHIC too, and its resource (resources.py)
SHEET_COLUMNS; the BibTeX/CSL export (publications/exports/bibtex.py) RECORD; the /me/
form (profiles/editing/forms.py) FORM. `tests/publications/test_publication_fields.py` fails
when a Publication field is in no group.
"""

WHAT = ("kind", "title")
VENUE = ("venue", "venue_short", "year", "month", "volume", "number", "pages", "publisher")
IDENTIFIERS = ("doi", "arxiv_id")
TEXT = ("abstract", "note", "keywords")
LINKS = ("url", "url_pdf", "url_code", "url_slides", "url_video", "url_project")
# Kept by the platform, not typed in: the key and address, how the author list was read,
# derived columns (rendered abstract, normalised title) and the timestamps.
KEYS = ("citation_key", "slug")
BOOKKEEPING = ("id", "authors_truncated", "authors_unknown", "abstract_html", "title_normalised",
               "created_at", "updated_at")  # fmt: skip

BIBLIOGRAPHIC = (*WHAT, *VENUE, *IDENTIFIERS, *TEXT, *LINKS)
RECORD = (*BIBLIOGRAPHIC, "citation_key", "authors_truncated")
SHEET_COLUMNS = ("citation_key", *WHAT, "authors", *VENUE, *IDENTIFIERS, *TEXT, *LINKS)
# The /me/ form: what a member types for a paper (volume, pages … come from imports).
FORM = (*WHAT, "venue", "venue_short", "year", "month", *IDENTIFIERS, "note", *LINKS, "abstract")
