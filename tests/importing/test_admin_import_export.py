"""Admin CSV/JSON/XLSX import-export (resources), formula escaping, and the bulk import page."""

import csv
import io

import pytest
import tablib
from django.urls import reverse

from profiles import models as pm
from profiles.imports.resources import SECTION_RESOURCES, ProfileResource
from publications.imports.resources import PublicationResource, escape_formula
from publications.models import Publication
from tests.factories import AuthorshipFactory, ProfileFactory, PublicationFactory, UserFactory
from tests.importing.flow import confirm, post_preview, preview_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(lab):
    pub = PublicationFactory(title='=HYPERLINK("http://evil.example")', citation_key="evil2024", note="+1 -1")
    for position, (name, slug, eq, corr) in enumerate([
        ("Aiko Nakamura", "aiko-nakamura", True, False), ("Chijun Sima", "chijun-sima", True, False),
        ("Outside Person", None, False, False), ("Elena Marchetti", "elena-marchetti", False, True),
    ], start=1):  # fmt: skip
        AuthorshipFactory(
            publication=pub,
            position=position,
            name=name,
            profile=lab.get(slug),
            equal_contribution=eq,
            corresponding=corr,
        )
    return pub


def test_publication_export_has_ordered_authors_with_marks_and_escaped_formulas(paper):
    dataset = PublicationResource().export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["authors"] == "Aiko Nakamura*; Chijun Sima*; Outside Person; Elena Marchetti†"
    assert row["title"].startswith("'=HYPERLINK")
    assert row["note"] == "'+1 -1"
    assert [escape_formula(v) for v in ("@SUM(A1)", "-2", "ok")] == ["'@SUM(A1)", "'-2", "ok"]


def test_builtin_escape_setting_is_not_enough_which_is_why_it_is_off(settings):
    # import-export 4 only strips a leading "=", so "+", "-" and "@" formulas get through.
    from import_export.formats.base_formats import CSV

    settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
    data = tablib.Dataset(["@SUM(A1)", "=1+1"], headers=["a", "b"])
    out = CSV().export_data(data)
    assert "@SUM(A1)" in out
    assert "=1+1" not in out
    assert settings.IMPORT_EXPORT_FORMATS  # CSV, XLSX, JSON


def test_publication_csv_round_trip_is_unchanged(paper):
    dataset = PublicationResource().export()
    result = PublicationResource().import_data(tablib.Dataset().load(dataset.csv, format="csv"), dry_run=False)
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert result.totals["skip"] == 1
    paper.refresh_from_db()
    assert paper.title.startswith("=HYPERLINK")  # the escape is undone on import
    assert paper.authorships.get(position=2).profile.slug == "chijun-sima"


def test_publication_import_replaces_authors_and_matches_members(lab, paper):
    data = tablib.Dataset(headers=["citation_key", "title", "authors", "year"])
    data.append(["evil2024", "Fixed title", "Chijun Sima*; J. Becker; Aiko Nakamura†", 2024])
    result = PublicationResource().import_data(data, dry_run=False)
    assert not result.has_errors()
    assert not result.has_validation_errors(), result.invalid_rows
    rows = list(Publication.objects.get(citation_key="evil2024").authorships.order_by("position"))
    assert [(r.name, r.profile.slug, r.equal_contribution, r.corresponding) for r in rows] == [
        ("Chijun Sima", "chijun-sima", True, False),
        ("J. Becker", "jonas-becker", False, False),
        ("Aiko Nakamura", "aiko-nakamura", False, True),
    ]


def test_profile_and_section_resources_round_trip(lab):
    aiko = lab["aiko-nakamura"]
    pm.Award.objects.create(profile=aiko, title="-Best Paper", year=2025, position=0)
    for resource in (ProfileResource, SECTION_RESOURCES[pm.Award]):
        exported = resource().export()
        result = resource().import_data(tablib.Dataset().load(exported.csv, format="csv"), dry_run=False)
        assert not result.has_errors()
        assert not result.has_validation_errors(), result.invalid_rows
        assert result.totals["new"] == 0
    assert pm.Award.objects.get().title == "-Best Paper"


def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_admin_export_and_import_preview_work(client, paper):
    admin_client(client)
    response = client.post(
        reverse("admin:publications_publication_export"),
        {"format": "0", "resource": "0", **{f"publicationresource_{f}": "on" for f in ["title", "authors"]}},
    )
    assert response.status_code == 200
    body = response.content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["title", "authors"]
    assert rows[1][0].startswith("'=")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("p.csv", b"citation_key,title,authors,year\nnew2025,New,Chijun Sima,2025\n")
    response = client.post(
        reverse("admin:publications_publication_import"), {"format": "0", "resource": "0", "import_file": upload}
    )
    assert response.status_code == 200
    assert "confirm_form" in response.context
    assert response.context["result"].totals["new"] == 1
    assert not Publication.objects.filter(citation_key="new2025").exists()  # a preview is a dry run


def test_changelist_links_the_bulk_import_page(client):
    admin_client(client)
    body = client.get(reverse("admin:profiles_profile_changelist")).content.decode()
    assert reverse("admin_import_profiles") in body
    assert "Import" in body
    assert "Export" in body


def test_bulk_import_page_preview_then_confirm(client, lab, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin_client(client)
    url = reverse("admin_import_profiles")
    assert client.get(url).status_code == 200
    files = [SimpleUploadedFile(n, (data / n).read_bytes()) for n in ("lab.bib", "publications.csv")]
    response = post_preview(client, files, url, format="auto")
    assert "publication: 6 created" in response.content.decode()
    assert Publication.objects.count() == 0
    response = confirm(client, preview_job(response))
    assert Publication.objects.count() == 6
    # Again: 0 created.
    files = [SimpleUploadedFile(n, (data / n).read_bytes()) for n in ("lab.bib", "publications.csv")]
    response = post_preview(client, files, url, format="auto")
    assert "0 created" in response.content.decode()


def test_only_lab_admins_reach_import_and_export(client, alice, data):
    staff = UserFactory(username="staff", is_staff=True)  # staff, but not a lab admin
    ProfileFactory(slug="staff", user=staff)
    for user in (alice, staff):
        client.force_login(user)
        assert client.get(reverse("admin_import_profiles")).status_code in (302, 403)
        assert client.get(reverse("admin:publications_publication_import")).status_code in (302, 403)
        assert client.get(reverse("admin:profiles_profile_export")).status_code in (302, 403)


def test_an_admin_export_is_in_the_audit_log(client, paper):
    from profiles.models import ActivityEntry

    admin_client(client)
    fields = {f"publicationresource_{f}": "on" for f in ["title", "authors"]}
    response = client.post(reverse("admin:publications_publication_export"), {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200
    entry = ActivityEntry.objects.get(kind=ActivityEntry.Kind.EXPORTED)
    assert entry.actor.username == "root"
    assert "publications from the admin" in entry.target


def test_admin_publications_import_preview_then_confirm_in_bulk(client, lab, paper):
    """The whole admin flow on the bulk path: preview (nothing written), confirm, authors linked."""
    from django.contrib.admin.models import LogEntry
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin_client(client)
    sheet = (
        "citation_key,title,authors,year,month,doi,url_code\n"
        "new2025,New paper,Chijun Sima*; J. Becker; Someone Else†,2025,7,https://doi.org/10.5555/NEW,"
        "https://github.com/lab/new\n"
        "evil2024,Fixed title,Aiko Nakamura*; Chijun Sima*; Outside Person; Elena Marchetti†,2024,,,\n"
        'cmd2025,"\'=HYPERLINK(1)",Aiko Nakamura,2025,,,\n'
    ).encode()
    response = client.post(
        reverse("admin:publications_publication_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("p.csv", sheet)},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_validation_errors(), result.invalid_rows
    assert (result.totals["new"], result.totals["update"]) == (2, 1)
    assert result.base_errors == []
    assert not Publication.objects.filter(citation_key="new2025").exists()  # the preview wrote nothing
    assert result.invalid_rows == []
    assert len(result.rows) == 3
    form = response.context["confirm_form"]
    response = client.post(
        reverse("admin:publications_publication_process_import"), {name: form.initial[name] for name in form.initial}
    )
    assert response.status_code == 302, getattr(response, "context", None) and response.context.get("errors")
    new = Publication.objects.get(citation_key="new2025")
    assert (new.title, new.year, new.month, new.doi) == ("New paper", 2025, 7, "10.5555/new")
    assert new.url_code == "https://github.com/lab/new"
    rows = list(new.authorships.order_by("position"))
    assert [(r.name, r.profile and r.profile.slug, r.equal_contribution, r.corresponding) for r in rows] == [
        ("Chijun Sima", "chijun-sima", True, False),
        ("J. Becker", "jonas-becker", False, False),
        ("Someone Else", None, False, True),
    ]
    assert new.history.count() == 1  # created with its history row
    paper.refresh_from_db()
    assert paper.title == "Fixed title"
    assert paper.authorships.get(position=2).profile.slug == "chijun-sima"  # the link stays
    assert LogEntry.objects.filter(object_id=str(new.pk)).exists()
    assert Publication.objects.get(citation_key="cmd2025").title == "=HYPERLINK(1)"  # the export's escape undone


def test_admin_publications_import_shows_invalid_rows_and_writes_nothing(client, lab, paper):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin_client(client)
    PublicationFactory(citation_key="taken", doi="10.5555/taken")
    sheet = (
        b"citation_key,title,authors,year,month,doi,url\n"
        b"ok2025,Fine,Chijun Sima,2025,,,\n"
        b"bad2025,Bad,Chijun Sima,twenty,13,10.5555/taken,javascript:alert(1)\n"
        b"ok2025,Twice,Chijun Sima,2025,,,\n"
    )
    response = client.post(
        reverse("admin:publications_publication_import"),
        {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("p.csv", sheet)},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert "confirm_form" not in response.context
    problems = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(problems) == {2, 3}
    assert set(problems[2]) == {"year", "month", "doi", "url"}
    assert "citation_key" in problems[3]
    assert "Some rows failed to validate" in response.content.decode()
    assert not Publication.objects.filter(citation_key="ok2025").exists()
