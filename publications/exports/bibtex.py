"""BibTeX of publications as stored, for the BibTeX buttons and `.bib` downloads.

The model is turned into the plain record that publications.formats reads and writes,
and publications.formats.bibtex.write_bibtex does the writing, so what the site offers
for download imports back to the same publication.
"""

from publications import fields as publication_fields
from publications.formats import is_corporate
from publications.formats.bibtex import write_bibtex

RECORD_FIELDS = list(publication_fields.RECORD)


def split_name(name):
    """(given, family) of a printed name: "Luo Mai" → ("Luo", "Mai"); "Mai, Luo" too."""
    name = " ".join(name.split())
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return given, family
    given, _, family = name.rpartition(" ")
    return given, family


def publication_record(publication):
    """The format-neutral record of one publication (authors in their stored order)."""
    record = {name: getattr(publication, name) for name in RECORD_FIELDS}
    authors = []
    # Authors unknown: the linked row only says whose list the paper came from; no author field.
    rows = [] if publication.authors_unknown else publication.authorships.all()
    for authorship in rows:
        given, family = ("", authorship.name) if is_corporate(authorship.name) else split_name(authorship.name)
        authors.append(
            {
                "name": authorship.name,
                "given": given,
                "family": family,
                "orcid": "",
                "equal_contribution": authorship.equal_contribution,
                "corresponding": authorship.corresponding,
            }
        )
    record["authors"] = authors
    return record


def publication_bibtex(publication):
    return write_bibtex([publication_record(publication)])


def publications_bibtex(publications):
    return write_bibtex([publication_record(p) for p in publications])
