"""`manage.py import_cv FILE --profile SLUG [--dry-run]`: a CV read, reported and merged in one transaction."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from profiles.imports.files import import_drafts_confirm
from profiles.models import Education, Experience, Talk
from publications.models import Publication
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

CV = """\
# Chijun Sima

## Education

South China University of Technology
Sep 2016 – Jun 2020
B.Eng. in Computer Science and Technology; GPA: 3.85/4.00 (Rank 1/28)

## Experience

Tencent (WeChat)
Jul 2020 – Present
Senior Software Development Engineer
- Built Ekko.

## Publications

- **Ekko: A Large-Scale Deep Learning Recommender System with Low-Latency Model Update.**
  Chijun Sima*, Yao Fu*, Luo Mai. OSDI '22.

## Talks

- *Ekko at scale.* DataFun (Virtual, Aug 2022); TechBeat (Virtual, Sep 2022).

## Hobbies

Bouldering.
"""


def run(*args):
    out = StringIO()
    call_command("import_cv", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.fixture
def cv(tmp_path):
    path = tmp_path / "cv.md"
    path.write_text(CV, encoding="utf-8")
    return path


def test_dry_run_reports_and_writes_nothing(cv):
    member = ProfileFactory(slug="chijun-sima", full_name="Chijun Sima")
    out = run(cv, "--profile", member.slug, "--dry-run")
    assert "read cv.md: 1 education, 1 experience, 1 talks, 1 publications" in out
    assert "not placed: [Hobbies] Bouldering." in out
    assert "Dry run: nothing was written." in out
    assert not Education.objects.filter(profile=member).exists()
    assert not Publication.objects.exists()


def test_import_writes_sections_and_papers_and_is_idempotent(cv, admin):
    member = ProfileFactory(slug="chijun-sima", full_name="Chijun Sima")
    out = run(cv, "--profile", member.slug)
    assert "1 publication(s) wait for the member's “Confirm all”" in out
    assert not Publication.objects.exists()  # a draft: the papers come with "Confirm all"
    assert Education.objects.get(profile=member).draft
    import_drafts_confirm(actor=admin, profile=member)
    education = Education.objects.get(profile=member)
    assert (education.institution, education.rank, education.rank_of) == ("South China University of Technology", 1, 28)
    experience = Experience.objects.get(profile=member)
    assert (experience.organisation, experience.is_current) == ("Tencent (WeChat)", True)
    talk = Talk.objects.get(profile=member)
    assert talk.deliveries.count() == 2
    paper = Publication.objects.get()
    rows = list(paper.authorships.order_by("position"))
    assert [r.name for r in rows] == ["Chijun Sima", "Yao Fu", "Luo Mai"]
    assert [r.equal_contribution for r in rows] == [True, True, False]
    assert rows[0].profile_id == member.pk
    out = run(cv, "--profile", member.slug)
    assert "already imported on" in out
    assert Education.objects.filter(profile=member).count() == 1
    assert not Education.objects.get(profile=member).draft
    assert Publication.objects.count() == 1


def test_no_draft_writes_confirmed_items_and_papers_at_once(cv):
    member = ProfileFactory(slug="chijun-sima", full_name="Chijun Sima")
    run(cv, "--profile", member.slug, "--no-draft")
    assert not Education.objects.get(profile=member).draft
    assert Publication.objects.get().authorships.filter(profile=member).exists()


def test_bad_input_gives_a_clear_error(tmp_path, cv):
    with pytest.raises(CommandError, match="No profile with the slug 'nobody'"):
        run(cv, "--profile", "nobody")
    member = ProfileFactory()
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "missing.pdf", "--profile", member.slug)
    fake = tmp_path / "cv.pdf"
    fake.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(CommandError, match="not a readable PDF"):
        run(fake, "--profile", member.slug)
