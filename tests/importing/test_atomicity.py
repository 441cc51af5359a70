"""A run with any error writes nothing, and reports every problem with its line or key."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from profiles import models as pm
from profiles.imports.files import import_paths, import_uploads
from publications.models import Authorship, Publication

pytestmark = pytest.mark.django_db


def counts():
    return pm.Profile.objects.count(), Publication.objects.count(), Authorship.objects.count()


def pm_publications():
    from publications.models import Publication

    return Publication.objects.values_list("title", flat=True)


def test_strict_run_with_one_broken_entry_writes_nothing(lab, data):
    before = counts()
    report = import_paths(paths=[data / "members.csv", data / "lab.bib", data / "broken.bib"], strict=True)
    assert not report.ok
    assert counts() == before
    assert any("broken.bib" in e and "line 8" in e and "broken2024" in e for e in report.errors)
    assert report.created == 0  # no "N created" above "nothing was written"
    assert any("nothing was written" in n for n in report.notes)


def test_a_broken_entry_is_skipped_and_the_rest_imported(lab, data):
    report = import_paths(paths=[data / "members.csv", data / "lab.bib", data / "broken.bib"])
    assert report.ok, report.errors
    titles = set(pm_publications())
    assert {"A Good Entry", "Another Good Entry"} <= titles
    assert any("broken.bib" in w and "line 8" in w and "broken2024" in w and "skipped" in w for w in report.warnings)


def test_every_problem_is_listed_not_just_the_first(lab):
    csv = (
        b"name,email,role,orcid\n"
        b"Good Person,good@example.org,phd,\n"
        b"Bad Role,bad@example.org,wizard,\n"
        b"Bad Orcid,orcid@example.org,phd,1234\n"
    )
    report = import_uploads(actor=None, sources=[("members.csv", csv)])
    text = "\n".join(report.errors)
    assert "line 3" in text
    assert "wizard" in text
    assert "line 4" in text
    assert "ORCID" in text
    assert not pm.Profile.objects.filter(full_name="Good Person").exists()


def test_an_error_found_while_writing_rolls_everything_back(lab):
    # Row 2 passes parsing but fails model validation (an invalid email) while writing.
    csv = b"name,email,role\nNew Person,new@example.org,phd\nOther Person,not-an-email,phd\n"
    report = import_uploads(actor=None, sources=[("members.csv", csv)])
    assert any("line 3" in e and "email" in e for e in report.errors)
    assert not pm.Profile.objects.filter(full_name="New Person").exists()


def test_invalid_json_and_missing_csv_columns_are_reported_per_file(data):
    report = import_paths(paths=[data / "invalid.json", data / "missing_columns.csv"])
    text = "\n".join(report.errors)
    assert "invalid.json: line 3: invalid JSON" in text
    assert "missing_columns.csv: line 1: missing column(s): authors, year" in text


def test_publications_csv_without_authors_column_is_refused():
    report = import_uploads(actor=None, sources=[("p.csv", b"title,year,venue\nA paper,2024,X\n")])
    assert any("missing column(s): authors" in e for e in report.errors)
    assert Publication.objects.count() == 0


def test_command_exits_1_with_a_report_and_no_traceback(data, capsys):
    with pytest.raises(CommandError) as excinfo:
        call_command("import_profiles", str(data / "broken.bib"), str(data / "not_text.csv"))
    out = capsys.readouterr().out
    assert excinfo.value.returncode == 1
    assert "not_text.csv" in out
    assert "Traceback" not in out
    assert "nothing was written" in out
