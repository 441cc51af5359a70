"""`manage.py import_profiles`: formats detected, a report on stdout, exit status 1 on errors."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from profiles.imports.files import sniff
from profiles.models import Profile
from publications.models import Publication

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("import_profiles", *map(str, args), stdout=out)
    return out.getvalue()


def test_imports_a_bibtex_file_and_links_members(lab, data):
    out = run(data / "lab.bib")
    assert "3 created" in out.splitlines()[0] or "publication: 3 created" in out
    kvtier = Publication.objects.get(doi="10.5555/kvtier.2025")
    linked = list(kvtier.authorships.order_by("position").values_list("profile__slug", flat=True))
    assert linked == ["aiko-nakamura", "chijun-sima", "tomas-okonkwo-reyes", "elena-marchetti"]
    assert Publication.objects.get(arxiv_id="2501.01234").kind == "preprint"


def test_members_csv_then_publications_csv_in_one_run(data):
    out = run(data / "members.csv", data / "publications.csv")
    assert "profile: 7 created" in out
    aiko = Profile.objects.get(email="aiko@example.org")
    assert (aiko.role, aiko.native_name) == ("phd", "中村 愛子")
    assert aiko.links.get().kind == "github"
    elastic = Publication.objects.get(citation_key="marchetti2025elastic")
    rows = list(elastic.authorships.order_by("position"))
    assert [r.name for r in rows] == ["Ravi Deshpande", "Hugo Lefèvre", "Ana Example", "Elena Marchetti"]
    assert [r.equal_contribution for r in rows] == [True, True, False, False]
    assert [r.corresponding for r in rows] == [False, False, False, True]
    assert rows[0].profile.slug == "ravi-deshpande"
    assert rows[3].profile.orcid == "0000-0002-1825-0097"
    assert rows[1].profile is None  # Hugo is not in this members CSV


def test_a_directory_imports_every_file_in_it(lab, data, tmp_path):
    for name in ("lab.bib", "same_paper.json", "publications.csv"):
        (tmp_path / name).write_bytes((data / name).read_bytes())
    out = run(tmp_path)
    assert "error" not in out
    assert Publication.objects.count() == 3 + 3  # the CSL file is the same paper as one in lab.bib


def test_json_resume_creates_the_profile_it_describes(lab, data):
    run(data / "resume.json")
    priya = Profile.objects.get(email="priya@example.org")
    assert priya.full_name == "Priya Raman"
    assert priya.headline == "Research Scientist"
    assert priya.experience.get().highlights.count() == 1
    assert str(priya.education.get().gpa) == "3.90"
    gradzip = Publication.objects.get(title__startswith="GradZip")
    assert gradzip.authorships.get().profile == priya


def test_profile_option_imports_into_that_member(lab, data):
    out = run(data / "lab.bib", "--profile", "jonas-becker")
    # Only the paper Jonas wrote ("J. Becker") goes to his list; the others are reported.
    assert out.count("skipped") == 2
    cost = Publication.objects.get()
    assert cost.authorships.get(position=2).profile == lab["jonas-becker"]
    assert cost.authorships.get(position=1).profile == lab["elena-marchetti"]


def test_dry_run_reports_counts_and_writes_nothing(lab, data):
    out = run(data / "lab.bib", "--dry-run")
    assert out.startswith("Dry run")
    assert "publication: 3 created" in out
    assert Publication.objects.count() == 0


def test_strict_errors_exit_with_status_1_and_no_traceback(lab, data, capsys):
    with pytest.raises(CommandError) as excinfo:
        run(data / "broken.bib", "--strict")
    assert excinfo.value.returncode == 1
    assert Publication.objects.count() == 0


def test_broken_entry_is_skipped_without_strict(lab, data, capsys):
    out = run(data / "broken.bib")
    assert Publication.objects.count() == 2
    assert "line 8" in out
    assert "broken2024" in out
    assert "skipped" in out


def test_unreadable_file_is_refused(lab, tmp_path, capsys):
    path = tmp_path / "cut.bib"
    path.write_text("@article{a, title={Cut off\n@article{b, title={Also cut\n")
    with pytest.raises(CommandError) as excinfo:
        run(path)
    assert excinfo.value.returncode == 1
    assert Publication.objects.count() == 0


def test_unknown_profile_slug_is_an_error(data):
    with pytest.raises(CommandError, match="No profile"):
        run(data / "lab.bib", "--profile", "nobody")


def test_formats_are_detected_by_extension_and_content(data):
    def detect(name):
        return sniff(name, (data / name).read_text(encoding="utf-8"))

    assert detect("lab.bib") == "bibtex"
    assert detect("same_paper.json") == "csl"
    assert detect("resume.json") == "jsonresume"
    assert detect("members.csv") == "csv"
    assert sniff("upload", "@article{x, title={T}}") == "bibtex"
    assert sniff("doc", '{"format": "academic-profile", "version": 1}') == "native"
    assert sniff("record", '{"orcid-identifier": {}, "person": {}}') == "orcid"
