import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from publications.models import Authorship, Publication, normalise_title
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_two_authors_cannot_share_a_position():
    paper = f.PublicationFactory()
    Authorship.objects.create(publication=paper, position=1, name="Ada Lovelace")
    with pytest.raises(IntegrityError), transaction.atomic():
        Authorship.objects.create(publication=paper, position=1, name="Charles Babbage")


def test_a_member_is_linked_once_per_paper():
    paper = f.PublicationFactory()
    member = f.ProfileFactory()
    Authorship.objects.create(publication=paper, position=1, name="A", profile=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Authorship.objects.create(publication=paper, position=2, name="A again", profile=member)


def test_citation_key_is_made_from_first_author_year_and_title():
    paper = Publication(title="The Ekko System: Fresh Models", year=2022)
    assert paper.suggested_citation_key(first_family="Sima") == "sima2022ekko"
    paper.citation_key = "sima2022ekko"
    paper.save()
    second = Publication(title="Ekko again", year=2022)
    # Accents fold away and a taken key gets a letter, as BibTeX users expect.
    assert second.unique_citation_key(first_family="Síma") == "sima2022ekkoa"


def test_doi_and_arxiv_are_normalised_and_validated():
    paper = f.PublicationFactory.build(doi="https://doi.org/10.1145/3477132.3483574", arxiv_id="arXiv:2203.01234v2")
    paper.full_clean()
    assert paper.doi == "10.1145/3477132.3483574"
    assert paper.arxiv_id == "2203.01234"
    paper.doi = "not-a-doi"
    with pytest.raises(ValidationError) as excinfo:
        paper.full_clean()
    assert "DOI" in excinfo.value.message_dict["doi"][0]


def test_same_doi_twice_is_refused():
    f.PublicationFactory(doi="10.1/abc")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.PublicationFactory(doi="10.1/abc")
    # Empty DOIs do not collide.
    f.PublicationFactory(doi="")
    f.PublicationFactory(doi="")


def test_month_needs_a_year():
    paper = f.PublicationFactory.build(year=None, month=7)
    with pytest.raises(ValidationError) as excinfo:
        paper.full_clean()
    assert "month" in excinfo.value.message_dict


def test_titles_normalise_for_duplicate_detection():
    assert normalise_title("{Ekko}: A Large-Scale  Système!") == normalise_title("ekko a large scale systeme")


def test_link_buttons_follow_display_order():
    paper = f.PublicationFactory.build(url_pdf="https://x.org/p.pdf", doi="10.1/x", url_code="https://g.org/c")
    assert [label for label, _ in paper.links] == ["PDF", "DOI", "Code"]
