"""Issue 11 through the bulk import (database), issue 12 findings 5 and 6 for the import paths."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from profiles.imports.files import import_for_profile, import_uploads
from profiles.models import Profile
from publications.exports.bibtex import publication_bibtex
from publications.models import Authorship, Publication

pytestmark = pytest.mark.django_db


def run(bib, **kwargs):
    return import_uploads(actor=None, sources=[("lib.bib", bib.encode())], **kwargs)


def test_skipped_entries_are_reported_and_the_rest_imported_in_one_run():
    report = run(
        "@article{good, title={Good}, author={Ann Author}, year=2020}\n"
        "@article{notitle, author={Ann Author}, year=2020}\n"
        "@article{broken, title={Bad {brace}, year=2021}\n"
        "@article{also, title={Also Good}, author={Bo Author}, year=2021}\n"
    )
    assert report.ok, report.errors
    assert set(Publication.objects.values_list("citation_key", flat=True)) == {"good", "also"}
    skipped = [w for w in report.warnings if "skipped" in w]
    assert any("line 2" in w and "notitle" in w and "no title" in w for w in skipped)
    assert any("line 3" in w and "broken" in w for w in skipped)


def test_strict_makes_every_skip_an_error_and_writes_nothing():
    report = run("@article{good, title={Good}, year=2020}\n@article{notitle, year=2020}\n", strict=True)
    assert not report.ok
    assert Publication.objects.count() == 0
    assert report.created == 0
    assert any("nothing was written" in note for note in report.notes)


def test_and_others_is_stored_shown_and_exported(client):
    run("@article{trunc, title={Truncated}, author={Ann Author and others}, year=2020}")
    publication = Publication.objects.get(citation_key="trunc")
    assert publication.authors_truncated
    assert "and others" in publication_bibtex(publication)
    page = client.get(publication.get_absolute_url())
    assert page.status_code == 200
    assert "et al." in page.content.decode()


def test_citation_key_kept_verbatim_with_a_url_safe_slug(client):
    run("@article{DBLP:journals/algorithmica/ChauguleL24, title={Keyed}, author={Ann Author}, year=2024}")
    publication = Publication.objects.get()
    assert publication.citation_key == "DBLP:journals/algorithmica/ChauguleL24"
    assert "/" not in publication.slug
    assert publication_bibtex(publication).startswith("@article{DBLP:journals/algorithmica/ChauguleL24,")
    assert client.get(publication.get_absolute_url()).status_code == 200
    assert client.get(reverse("publications:list")).status_code == 200
    assert client.get(publication.get_bibtex_url()).status_code == 200


def test_key_clash_is_reported():
    run("@article{same, title={First Paper}, author={Ann Author}, year=2020}")
    report = run("@article{same, title={A Different Paper}, author={Bo Author}, year=2021}")
    assert Publication.objects.count() == 2
    assert any("same" in w and "taken" in w for w in report.warnings)


@pytest.mark.parametrize("key", ["dos slash", "new\nline", "a,b", "x{y}"])
def test_keys_bibtex_cannot_read_are_refused_on_save(key):
    with pytest.raises(ValidationError):
        Publication(title="T", citation_key=key).save()


def test_a_saved_key_with_a_slash_never_breaks_list_pages(client):
    Publication(title="Slash", citation_key="dos/slash", year=2020).save()
    publication = Publication.objects.get()
    assert publication.slug == "dos-slash"
    assert client.get(reverse("publications:list")).status_code == 200
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get(publication.get_absolute_url()).status_code == 200


def test_conference_and_journal_versions_stay_two_publications():
    report = run(
        "@inproceedings{conf, title={Fast Things}, author={Ann Author and Bo Author}, booktitle={Conf}, year=2020}\n"
        "@article{jour, title={Fast Things}, author={Ann Author and Bo Author}, journal={Journal}, year=2022}\n"
        "@article{other, title={Fast Things}, author={Cy Someone}, journal={Journal}, year=2020}\n"
    )
    assert report.ok
    assert Publication.objects.count() == 3


def test_duplicates_in_one_file_merge_with_a_report_and_a_second_import_creates_nothing():
    bib = (
        "@inproceedings{a, title={Same Paper}, author={Ann Author and Bo Author}, year=2020}\n"
        "@inproceedings{b, title={Same Paper}, author={Ann Author and Bo Author}, year=2020, doi={10.1145/1.2}}\n"
    )
    report = run(bib)
    assert Publication.objects.count() == 1
    assert Publication.objects.get().doi == "10.1145/1.2"
    assert any("same paper" in n and "doi" in n for n in report.notes)
    again = run(bib)
    assert again.created == 0
    assert Publication.objects.count() == 1


def test_crossref_children_import_with_the_parent_venue():
    report = run(
        "@inproceedings{c, title={Child}, author={Ann Author}, crossref={p}}\n"
        "@proceedings{p, title={Proceedings of Things}, year=2019}\n"
    )
    assert report.ok
    publication = Publication.objects.get()
    assert (publication.venue, publication.year) == ("Proceedings of Things", 2019)
    assert any("crossref parent" in w for w in report.warnings)


def test_long_report_numbers_and_notes_are_stored_whole():
    number = ", ".join(f"CS-TR-{i}" for i in range(100))
    run(f"@techreport{{r, title={{Report}}, author={{Ann Author}}, number={{{number}}}, note={{{'n' * 3000}}}}}")
    publication = Publication.objects.get()
    assert publication.number == number
    assert len(publication.note) == 3000


def test_json_resume_publications_never_get_invented_authors(alice):
    me = Profile.objects.get(user=alice)
    resume = {
        "basics": {"name": "Alice Andersson"},
        "publications": [{"name": "A Paper From My CV", "publisher": "Journal", "releaseDate": "2021-03-01"}],
    }
    report = import_for_profile(actor=alice, profile=me, files=[("resume.json", json.dumps(resume).encode())])
    assert report.ok, report.errors
    publication = Publication.objects.get()
    assert publication.authors_unknown
    assert list(Authorship.objects.filter(publication=publication).values_list("profile", flat=True)) == [me.pk]
    assert "author" not in publication_bibtex(publication).split("\n", 2)[1]
    assert any("authors unknown" in w for w in report.warnings)


def test_deeply_nested_json_upload_is_refused_with_a_message():
    deep = ("[" * 100000 + "]" * 100000).encode()
    report = import_uploads(actor=None, sources=[("deep.json", deep)])
    assert not report.ok
    assert any("nested too deeply" in e for e in report.errors)
    report = import_uploads(actor=None, sources=[("deep.json", deep)], fmt="csl")
    assert any("nested too deeply" in e for e in report.errors)


def test_not_csl_list_is_refused():
    data = json.dumps([{"name": "Acme", "position": "Engineer"}]).encode()
    report = import_uploads(actor=None, sources=[("list.json", data)], fmt="csl")
    assert not report.ok
    assert any("not CSL-JSON" in e for e in report.errors)


def test_json_resume_with_an_invalid_email_and_a_nameless_work_item_imports_with_warnings(alice):
    me = Profile.objects.get(user=alice)
    resume = {"basics": {"name": "Alice Andersson", "email": "not-an-email"}, "work": [{"position": "Engineer"}],
              "education": [{"institution": "Uni", "studyType": "PhD"}]}  # fmt: skip
    report = import_for_profile(actor=alice, profile=me, files=[("resume.json", json.dumps(resume).encode())])
    assert report.ok, report.errors
    assert me.education.count() == 1
    assert any("not-an-email" in w for w in report.warnings)
    assert any("work[0] (Engineer)" in w for w in report.warnings)


def test_orcid_impossible_date_is_a_warning_not_a_refusal(alice):
    me = Profile.objects.get(user=alice)
    record = {
        "orcid-identifier": {"path": "0000-0002-1825-0097"},
        "person": {"name": {"given-names": {"value": "Alice"}, "family-name": {"value": "Andersson"}}},
        "activities-summary": {"works": {"group": [{"work-summary": [{
            "title": {"title": {"value": "Leap Paper"}}, "type": "JOURNAL_ARTICLE",
            "publication-date": {"year": {"value": "1930"}, "month": {"value": "02"}, "day": {"value": "29"}},
        }]}]}},
    }  # fmt: skip
    report = import_for_profile(actor=alice, profile=me, files=[("orcid.json", json.dumps(record).encode())])
    assert report.ok, report.errors
    publication = Publication.objects.get(title="Leap Paper")
    assert (publication.year, publication.month, publication.kind) == (1930, 2, "journal")
    assert publication.authors_unknown
    assert any("1930-02-29" in w for w in report.warnings)
