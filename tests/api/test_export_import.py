"""Exports (/profiles/<slug>/export/, /publications/export/) and imports (/profiles/<slug>/import/)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from profiles.models import NewsItem, Profile
from publications.formats.bibtex import parse_bibtex
from publications.formats.csl import parse_csl_json
from publications.models import Publication
from tests import factories as f

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/profiles/alice-liddell/export/"
IMPORT = "/api/v1/profiles/alice-liddell/import/"

BIB = """@inproceedings{sima2022ekko,
  title = {Ekko: A Large-Scale Deep Learning Recommender System},
  author = {Liddell, Alice and Fu, Yao},
  booktitle = {OSDI},
  year = {2022}
}
"""


@pytest.fixture
def content(alice):
    p = alice.profile
    f.NewsItemFactory(profile=p, body="public-news")
    f.NewsItemFactory(profile=p, body="private-news", visibility="private")
    f.ExperienceFactory(profile=p, organisation="Tencent")
    pub = f.PublicationFactory(citation_key="alice2022ekko", title="Ekko", year=2022)
    f.AuthorshipFactory(publication=pub, position=1, name="Alice Liddell", profile=p)
    f.AuthorshipFactory(publication=pub, position=2, name="Yao Fu")
    return pub


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("bibtex", "application/x-bibtex"),
        ("csl", "application/vnd.citationstyles.csl+json"),
        ("jsonresume", "application/vnd.jsonresume+json"),
        ("native", "application/vnd.portfolio.profile+json"),
    ],
)
def test_profile_export_formats(client_for, content, fmt, content_type):
    response = client_for(None).get(EXPORT, {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "attachment" in response["Content-Disposition"]
    # The same through the Accept header.
    assert client_for(None).get(EXPORT, HTTP_ACCEPT=content_type)["Content-Type"].startswith(content_type)


def test_profile_export_content_round_trips(client_for, content):
    client = client_for(None)
    (record,) = parse_bibtex(client.get(EXPORT, {"format": "bibtex"}).content.decode()).records
    assert record["title"] == "Ekko"
    assert [a["name"] for a in record["authors"]] == ["Alice Liddell", "Yao Fu"]
    (item,) = parse_csl_json(client.get(EXPORT, {"format": "csl"}).content.decode()).records
    assert item["year"] == 2022
    resume = json.loads(client.get(EXPORT, {"format": "jsonresume"}).content)
    assert resume["basics"]["name"] == "Alice Liddell"
    assert resume["work"][0]["name"] == "Tencent"


def test_csl_export_of_stored_papers_keeps_every_link(client_for, content):
    links = {
        "url_pdf": "https://example.org/ekko.pdf", "url_code": "https://github.com/example/ekko",
        "url_slides": "https://example.org/ekko-slides.pdf", "url_video": "https://example.org/ekko.mp4",
        "url_project": "https://example.org/ekko/",
    }  # fmt: skip
    Publication.objects.filter(pk=content.pk).update(**links)
    (item,) = parse_csl_json(client_for(None).get(EXPORT, {"format": "csl"}).content.decode()).records
    assert {name: item[name] for name in links} == links


def test_exports_hold_only_what_the_caller_may_see(client_for, alice, content):
    for fmt in ("jsonresume", "native"):
        assert b"private-news" not in client_for(None).get(EXPORT, {"format": fmt}).content
    assert b"private-news" in client_for(alice).get(EXPORT, {"format": "native"}).content
    Profile.objects.filter(pk=alice.profile.pk).update(published=False)
    response = client_for(None).get(EXPORT, {"format": "bibtex"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_unknown_export_format_is_a_json_404(client_for, content):
    response = client_for(None).get(EXPORT, {"format": "docx"})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_lab_publications_export(client_for, content):
    f.PublicationFactory(citation_key="other2020", year=2020)
    client = client_for(None)
    text = client.get("/api/v1/publications/export/", {"format": "bibtex"}).content.decode()
    assert len(parse_bibtex(text).records) == 2
    text = client.get("/api/v1/publications/export/", {"format": "csl", "year": 2020}).content.decode()
    assert [r["year"] for r in parse_csl_json(text).records] == [2020]


# --- import ---------------------------------------------------------------------------------------


def upload(text=BIB, name="papers.bib"):
    return SimpleUploadedFile(name, text.encode(), content_type="application/x-bibtex")


def test_owner_imports_a_bib_file(client_for, alice):
    client = client_for(alice)
    response = client.post(IMPORT, {"file": upload(), "format": "bibtex", "dry_run": "true"}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["dry_run"] is True
    assert response.json()["counts"]["publication"]["created"] == 1
    assert not Publication.objects.exists()
    response = client.post(IMPORT, {"file": upload(), "format": "bibtex"}, format="multipart")
    assert response.status_code == 200
    assert response.json()["created"] >= 1
    pub = Publication.objects.get()
    assert pub.authorships.get(position=1).profile_id == alice.profile.pk
    # Again: nothing new.
    response = client.post(IMPORT, {"file": upload()}, format="multipart")
    assert response.json()["counts"]["publication"]["created"] == 0
    assert Publication.objects.count() == 1


def test_import_skips_a_broken_entry_and_names_its_line(client_for, alice):
    # Issue 11: an entry with a syntax error is skipped and reported; the rest is imported.
    broken = BIB + "\n@article{broken,\n  title = {No end\n"
    response = client_for(alice).post(IMPORT, {"file": upload(broken)}, format="multipart")
    assert response.status_code == 200
    body = response.json()
    assert any(problem["line"] and "broken" in problem["message"] for problem in body["warnings"])
    assert Publication.objects.exists()


def test_import_of_an_unreadable_file_names_the_problem_and_writes_nothing(client_for, alice):
    response = client_for(alice).post(IMPORT, {"file": upload("@article{a,\n title = {cut")}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert body["errors"]["file"]
    assert any(problem["line"] for problem in body["report"]["errors"])
    assert not Publication.objects.exists()


def test_others_cannot_import_into_a_profile(client_for, alice, bob):
    f.NewsItemFactory(profile=alice.profile)
    before = NewsItem.objects.count()
    assert client_for(bob).post(IMPORT, {"file": upload()}, format="multipart").status_code == 403
    assert client_for(None).post(IMPORT, {"file": upload()}, format="multipart").status_code == 401
    assert not Publication.objects.exists()
    assert NewsItem.objects.count() == before


def test_lab_admin_imports_into_any_profile(client_for, admin, alice):
    response = client_for(admin).post(IMPORT, {"file": upload()}, format="multipart")
    assert response.status_code == 200, response.json()
    assert Publication.objects.count() == 1


def test_import_needs_a_file(client_for, alice):
    response = client_for(alice).post(IMPORT, {"format": "bibtex"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
