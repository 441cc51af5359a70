"""`manage.py import_site PATH (--profile SLUG | --lab) [--dry-run]`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from profiles.models import Profile, Talk
from publications.models import Publication
from tests.factories import ProfileFactory
from tests.profiles.formats.test_sites import ACADEMICPAGES, HUGO, write

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("import_site", *map(str, args), stdout=out)
    return out.getvalue()


def test_lab_site_creates_each_author_and_links_the_paper(tmp_path):
    site = write(tmp_path / "hugo", HUGO)
    out = run(site, "--lab")
    assert out.startswith("site: hugo-academic")
    assert "not imported: content/post/essay/index.md" in out
    franklin = Profile.objects.get(full_name="Rosalind Franklin")
    klug = Profile.objects.get(full_name="Aaron Klug")
    assert Talk.objects.get(profile=franklin).title == "Viruses in Three Dimensions"
    paper = Publication.objects.get()
    linked = list(paper.authorships.order_by("position").values_list("profile_id", flat=True))
    assert linked == [franklin.pk, klug.pk, None]
    run(site, "--lab")  # again: nothing new
    assert Profile.objects.filter(full_name="Rosalind Franklin").count() == 1
    assert Publication.objects.count() == 1


def test_profile_site_dry_run_writes_nothing(tmp_path):
    member = ProfileFactory(slug="katherine-johnson", full_name="Katherine Johnson")
    site = write(tmp_path / "pages", ACADEMICPAGES)
    out = run(site, "--profile", member.slug, "--dry-run")
    assert "Dry run: nothing was written." in out
    assert not Talk.objects.filter(profile=member).exists()
    out = run(site, "--profile", member.slug, "--no-draft")
    assert Talk.objects.get(profile=member).title == "Orbits by Hand"
    # The paper prints her as "Katherine G. Johnson": a member's import only takes papers naming them.
    assert "skipped: Katherine Johnson is not in the author list" in out
    assert not Publication.objects.exists()
    member.full_name = "Katherine G. Johnson"
    member.save()
    run(site, "--profile", member.slug, "--no-draft")
    assert Publication.objects.get().authorships.filter(profile=member).exists()


def test_profile_import_of_a_lab_site_names_the_authors_it_leaves_out(tmp_path):
    member = ProfileFactory(slug="rosalind-franklin", full_name="Rosalind Franklin")
    out = run(write(tmp_path / "hugo", HUGO), "--profile", member.slug)
    assert "the site has other authors, not imported with --profile (use --lab): Aaron Klug" in out
    assert Talk.objects.get(profile=member).title == "Viruses in Three Dimensions"
    assert not Profile.objects.filter(full_name="Aaron Klug").exists()


def test_unknown_folder_and_missing_target(tmp_path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(CommandError, match="could not tell the site generator"):
        run(tmp_path / "plain", "--lab")
    with pytest.raises(CommandError):
        run(tmp_path / "plain")  # neither --profile nor --lab
