"""One paper, one row: matched by DOI, arXiv id, then normalised title + year, across the lab."""

import pytest

from profiles.imports.files import import_paths, import_uploads
from publications.models import Publication
from tests.factories import AuthorshipFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def bib(key, title, authors, year=2024, extra=""):
    return f"@article{{{key},\n  title={{{title}}},\n  author={{{authors}}},\n  year={{{year}}},\n{extra}}}\n".encode()


def test_three_members_files_make_one_paper_with_three_linked_authors(lab):
    authors = "Aiko Nakamura and Chijun Sima and Elena Marchetti"
    sources = [
        ("aiko.bib", bib("nakamura24", "Shared Paper", authors, extra="  doi={10.5555/shared},\n")),
        ("chijun.bib", bib("sima24", "Shared paper", "Nakamura, A. and Sima, C. and Marchetti, E.")),
        ("elena.bib", bib("m24", "Shared Paper.", authors, extra="  doi={https://doi.org/10.5555/SHARED},\n")),
    ]
    report = import_uploads(actor=None, sources=sources)
    assert report.ok, report.errors
    paper = Publication.objects.get()
    assert paper.doi == "10.5555/shared"
    linked = list(paper.authorships.order_by("position").values_list("profile__slug", flat=True))
    assert linked == ["aiko-nakamura", "chijun-sima", "elena-marchetti"]


def test_matches_existing_papers_by_doi_arxiv_and_title_year(lab):
    PublicationFactory(title="Old title", doi="10.5555/x1", year=2020)
    PublicationFactory(title="Preprint", arxiv_id="2401.00001", year=2024)
    by_title = PublicationFactory(title="Élastic Training: Without Stragglers!", year=2025)
    AuthorshipFactory(publication=by_title, position=1, name="Ravi Deshpande")
    sources = [("x.bib", b"".join([
        bib("a", "A New Title", "Jonas Becker", 2020, "  doi={10.5555/X1},\n"),
        bib("b", "Preprint v2", "Jonas Becker", 2024, "  eprint={2401.00001v3},\n  archivePrefix={arXiv},\n"),
        bib("c", "Elastic training without stragglers", "Ravi Deshpande", 2025),
        bib("d", "Elastic training without stragglers", "Ravi Deshpande", 2019),  # another year: another paper
    ]))]  # fmt: skip
    report = import_uploads(actor=None, sources=sources)
    assert report.ok, report.errors
    assert Publication.objects.count() == 4
    assert report.counts["publication"]["created"] == 1
    by_title.refresh_from_db()
    # The stored paper keeps its content; its unlinked author row is linked to the member.
    assert by_title.title == "Élastic Training: Without Stragglers!"
    assert by_title.authorships.get().profile == lab["ravi-deshpande"]


def test_blank_fields_are_filled_but_nothing_is_overwritten(lab):
    paper = PublicationFactory(title="Fill Me", year=2023, venue="Kept venue", doi="")
    import_uploads(
        actor=None,
        sources=[
            ("x.bib", bib("k", "Fill me", "Jonas Becker", 2023, "  journal={Other venue},\n  doi={10.5555/fill},\n"))
        ],
    )
    paper.refresh_from_db()
    assert (paper.venue, paper.doi) == ("Kept venue", "10.5555/fill")


def test_csl_and_bibtex_copies_of_one_paper_merge(lab, data):
    report = import_paths(paths=[data / "lab.bib", data / "same_paper.json"])
    assert report.ok, report.errors
    assert Publication.objects.filter(title__icontains="KVTier").count() == 1
