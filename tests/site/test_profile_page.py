import pytest

from profiles import models as pm
from tests import factories as f
from tests.site.conftest import build_profile

pytestmark = pytest.mark.django_db


def test_profile_shows_every_section(client, lab):
    profile = build_profile(
        n_publications=2,
        n_items=2,
        native_name="司马池骏",
        headline="Engineer",
        organisation="Tencent",
        team="WeChat",
        email="me@example.org",
        projects_intro="Systems I made.",
    )
    html = client.get(profile.get_absolute_url()).content.decode()
    for text in [
        "司马池骏",
        "Engineer",
        "Tencent",
        "WeChat",
        "mailto:me@example.org",
        "https://github.com/u1",
        "Research interests",
        "Current focus",
        "News",
        "Selected publications",
        "Experience",
        "Org 1",
        "Systems I've built",
        "Systems I made.",
        "Education",
        "GPA <strong>3.85</strong> / 4.00",
        "Rank <strong>1</strong> / 28",
        "Advisor: Prof. A",
        "Open source",
        "Talks",
        "Event 0",
        "Event 1",
        "Academic service",
        "Awards",
        "2022H2",
        "Press",
        "Write-up",
    ]:
        assert text in html, text
    assert html.count("<h1") == 1
    # Labelled, nested highlights with bold figures.
    assert '<strong class="lead">Problem.</strong> It was <strong>92%</strong> slow.' in html
    assert "<ul><li>Sub</li></ul>" in html


def test_empty_sections_do_not_render(client, lab):
    profile = f.ProfileFactory(research_interests="", interest_tags="")
    html = client.get(profile.get_absolute_url()).content.decode()
    for section in [
        "interests",
        "focus",
        "news",
        "publications",
        "experience",
        "projects",
        "education",
        "open-source",
        "talks",
        "service",
        "awards",
        "press",
        "skills",
        "statements",
    ]:
        assert f'<section id="{section}"' not in html


def test_unpublished_profile_is_404_for_visitors_but_not_for_its_owner(client, lab):
    user = f.UserFactory()
    profile = f.ProfileFactory(published=False, user=user)
    assert client.get(profile.get_absolute_url()).status_code == 404
    assert client.get(f"/people/{profile.slug}/cv/").status_code == 404
    client.force_login(user)
    assert client.get(profile.get_absolute_url()).status_code == 200


def test_members_only_and_private_items_are_hidden_from_visitors(client, lab):
    profile = f.ProfileFactory()
    f.NewsItemFactory(profile=profile, body="PUBLIC-NEWS")
    f.NewsItemFactory(profile=profile, body="MEMBERS-NEWS", visibility=pm.Visibility.MEMBERS)
    f.NewsItemFactory(profile=profile, body="PRIVATE-NEWS", visibility=pm.Visibility.PRIVATE)
    exp = f.ExperienceFactory(profile=profile, organisation="HiddenCorp", visibility=pm.Visibility.PRIVATE)
    f.ProjectFactory(profile=profile, experience=exp, title="HiddenProject")
    html = client.get(profile.get_absolute_url()).content.decode()
    assert "PUBLIC-NEWS" in html
    for secret in ["MEMBERS-NEWS", "PRIVATE-NEWS", "HiddenCorp", "HiddenProject"]:
        assert secret not in html
    # Another member sees members-only items, never private ones.
    bob = f.UserFactory()
    f.ProfileFactory(user=bob)
    client.force_login(bob)
    html = client.get(profile.get_absolute_url()).content.decode()
    assert "MEMBERS-NEWS" in html
    assert "PRIVATE-NEWS" not in html


def test_owner_is_emphasised_and_co_first_authors_marked(client, lab):
    profile = f.ProfileFactory(full_name="Chijun Sima")
    other = f.ProfileFactory(full_name="Luo Mai")
    pub = f.PublicationFactory(title="Ekko")
    f.AuthorshipFactory(
        publication=pub,
        position=1,
        name="Chijun Sima",
        profile=profile,
        equal_contribution=True,
        selected=True,
    )
    f.AuthorshipFactory(publication=pub, position=2, name="Yao Fu", equal_contribution=True)
    f.AuthorshipFactory(publication=pub, position=3, name="Luo Mai", profile=other, corresponding=True)
    html = client.get(profile.get_absolute_url()).content.decode()
    assert "<strong>Chijun Sima</strong>" in html
    assert "Yao Fu<sup" in html
    assert f'href="{other.get_absolute_url()}"' in html
    assert "* equal contribution" in html
    assert "† corresponding author" in html


def test_cv_page_has_every_publication_and_the_print_layout(client, lab):
    profile = build_profile(n_publications=15, n_items=1)
    html = client.get(f"/people/{profile.slug}/cv/").content.decode()
    assert html.count('class="cv-row cv-pub"') == 15
    assert 'class="cv-when"' in html


def test_member_publications_page_lists_all(client, lab):
    profile = build_profile(n_publications=20, n_items=0)
    html = client.get(f"/people/{profile.slug}/publications/").content.decode()
    assert html.count('class="pub"') == 20
