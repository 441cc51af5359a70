"""Model validation: what a researcher or an import gets told when data is wrong."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from profiles.models import Highlight, Profile, ProfileLink, Statement
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_duplicate_slug_is_a_clear_validation_error():
    f.ProfileFactory(slug="ada")
    clash = Profile(full_name="Ada Two", slug="ada")
    with pytest.raises(ValidationError) as excinfo:
        clash.full_clean()
    assert "slug" in excinfo.value.message_dict
    assert "already exists" in excinfo.value.message_dict["slug"][0]


def test_duplicate_slug_is_also_refused_by_the_database():
    f.ProfileFactory(slug="ada")
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.create(full_name="Ada Two", slug="ada")


def test_end_before_start_is_refused_by_validation_and_database():
    education = f.EducationFactory.build(profile=f.ProfileFactory(), start_date="2020-09", end_date="2019-06")
    with pytest.raises(ValidationError) as excinfo:
        education.full_clean()
    assert excinfo.value.message_dict["end_date"] == ["The end date is before the start date."]
    with pytest.raises(IntegrityError), transaction.atomic():
        education.save()


def test_end_in_the_same_year_at_coarser_precision_is_allowed():
    experience = f.ExperienceFactory(start_date="2020-06", end_date="2020", is_current=False)
    experience.full_clean()


def test_ongoing_entry_cannot_have_an_end_date():
    experience = f.ExperienceFactory.build(
        profile=f.ProfileFactory(), start_date="2020-07", end_date="2021", is_current=True
    )
    with pytest.raises(ValidationError) as excinfo:
        experience.full_clean()
    assert "is_current" in excinfo.value.message_dict


def test_unparseable_date_names_the_field():
    news = f.NewsItemFactory.build(profile=f.ProfileFactory(), date="around 2020")
    with pytest.raises(ValidationError) as excinfo:
        news.full_clean()
    assert "date" in excinfo.value.message_dict


@pytest.mark.parametrize("url", ["javascript:alert(1)", "not a url", "ftp://example.org/x", ""])
def test_links_must_be_web_addresses(url):
    link = ProfileLink(profile=f.ProfileFactory(), kind=ProfileLink.Kind.GITHUB, url=url)
    with pytest.raises(ValidationError) as excinfo:
        link.full_clean()
    assert "url" in excinfo.value.message_dict


def test_email_links_are_normalised_to_mailto():
    link = ProfileLink(profile=f.ProfileFactory(), kind=ProfileLink.Kind.EMAIL, url="ada@example.org")
    link.full_clean()
    assert link.url == "mailto:ada@example.org"
    link.url = "mailto:not-an-address"
    with pytest.raises(ValidationError):
        link.full_clean()


def test_bad_orcid_is_refused():
    profile = f.ProfileFactory.build(orcid="1234")
    with pytest.raises(ValidationError) as excinfo:
        profile.full_clean()
    assert "ORCID" in excinfo.value.message_dict["orcid"][0]


def test_current_member_cannot_have_a_destination():
    profile = f.ProfileFactory.build(status=Profile.Status.CURRENT, alumni_destination="Elsewhere")
    with pytest.raises(ValidationError) as excinfo:
        profile.full_clean()
    assert "status" in excinfo.value.message_dict


def test_gpa_above_scale_and_rank_above_cohort_are_refused():
    education = f.EducationFactory.build(profile=f.ProfileFactory(), gpa="4.20", gpa_scale="4.00", rank=30, rank_of=28)
    with pytest.raises(ValidationError) as excinfo:
        education.full_clean()
    assert set(excinfo.value.message_dict) >= {"gpa", "rank"}


def test_highlights_nest_one_level_only():
    project = f.ProjectFactory()
    top = f.HighlightFactory(project=project, label="Technical contributions", text="")
    child = f.HighlightFactory(project=project, parent=top, label="Placement", text="**49%** cheaper")
    grandchild = Highlight(project=project, parent=child, text="too deep")
    with pytest.raises(ValidationError) as excinfo:
        grandchild.full_clean()
    assert "one level" in str(excinfo.value)


def test_sub_bullet_must_share_its_parents_entry():
    top = f.HighlightFactory()
    stray = Highlight(project=f.ProjectFactory(), parent=top, text="elsewhere")
    with pytest.raises(ValidationError):
        stray.full_clean()


def test_highlight_needs_exactly_one_owner_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Highlight.objects.create(text="orphan")
    with pytest.raises(IntegrityError), transaction.atomic():
        Highlight.objects.create(text="two owners", project=f.ProjectFactory(), experience=f.ExperienceFactory())


def test_project_cannot_sit_in_another_profiles_position():
    project = f.ProjectFactory.build(profile=f.ProfileFactory(), experience=f.ExperienceFactory())
    with pytest.raises(ValidationError) as excinfo:
        project.full_clean()
    assert "experience" in excinfo.value.message_dict


def test_statement_share_link_can_be_created_and_revoked():
    statement = f.StatementFactory(visibility=Statement.Visibility.LINK)
    assert statement.get_share_url() == ""
    statement.create_share_token()
    statement.save()
    first = statement.share_token
    assert len(first) >= 32
    assert statement.get_share_url().endswith(f"/{first}/")
    statement.revoke_share_token()
    statement.save()
    statement.create_share_token()
    assert statement.share_token != first


def test_statement_slugs_are_unique_per_profile():
    statement = f.StatementFactory(title="Research statement")
    assert statement.slug == "research-statement"
    with pytest.raises(IntegrityError), transaction.atomic():
        f.StatementFactory(profile=statement.profile, title="Research statement")
