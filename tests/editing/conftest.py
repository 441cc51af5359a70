import pytest
from django.apps import apps
from django.test import Client

from tests import factories as f


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice):
    return login(alice)


@pytest.fixture
def admin_client_(admin):
    return login(admin)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bob_items(bob):
    """One of everything on bob's profile, keyed by registry section key."""
    profile = bob.profile
    experience = f.ExperienceFactory(profile=profile)
    project = f.ProjectFactory(profile=profile)
    inner_project = f.ProjectFactory(profile=profile, experience=experience)
    oss = f.OpenSourceFactory(profile=profile)
    exp_highlight = f.HighlightFactory(project=None, experience=experience)
    talk = f.TalkFactory(profile=profile)
    publication = f.PublicationFactory()
    authorship = f.AuthorshipFactory(publication=publication, name="Bob Builder", profile=profile, position=1)
    return {
        "links": f.ProfileLinkFactory(profile=profile),
        "focus-themes": f.FocusThemeFactory(profile=profile),
        "news": f.NewsItemFactory(profile=profile),
        "education": f.EducationFactory(profile=profile),
        "experience": experience,
        "experience-highlights": exp_highlight,
        "experience-projects": inner_project,
        "projects": project,
        "project-highlights": f.HighlightFactory(project=project),
        "open-source": oss,
        "open-source-highlights": f.HighlightFactory(project=None, open_source=oss),
        "sub-highlights": f.HighlightFactory(project=None, experience=experience, parent=exp_highlight),
        "talks": talk,
        "talk-deliveries": f.TalkDeliveryFactory(talk=talk),
        "service": f.ServiceFactory(profile=profile),
        "awards": f.AwardFactory(profile=profile),
        "press": f.PressItemFactory(profile=profile),
        "skills": f.SkillFactory(profile=profile) if hasattr(f, "SkillFactory") else _skill(profile),
        "statements": f.StatementFactory(profile=profile, slug="research"),
        "publication": publication,
        "authorship": authorship,
    }


def _skill(profile):
    from profiles.models import Skill

    return Skill.objects.create(profile=profile, name="Rust")


def snapshot():
    """Every row of the profile and publication apps (history and sessions aside)."""
    rows = {}
    for app in ("profiles", "publications", "auth"):
        for model in apps.get_app_config(app).get_models():
            if model._meta.model_name.startswith("historical"):
                continue
            rows[model._meta.label] = sorted(
                tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.values()
            )
    return rows
