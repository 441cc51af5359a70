"""The demo lab carries the seed researcher completely, and loading it twice changes nothing."""

import pytest
from django.core.management import call_command

from profiles import models as pm
from profiles.demo.loader import load_demo
from publications.models import Authorship, Publication

pytestmark = pytest.mark.django_db

ALL_MODELS = [
    pm.Lab,
    pm.Profile,
    pm.ProfileLink,
    pm.FocusTheme,
    pm.NewsItem,
    pm.Education,
    pm.Experience,
    pm.Project,
    pm.OpenSourceContribution,
    pm.Highlight,
    pm.Talk,
    pm.TalkDelivery,
    pm.Service,
    pm.Award,
    pm.PressItem,
    pm.Skill,
    pm.Statement,
    Publication,
    Authorship,
]


def snapshot():
    rows = {}
    for model in ALL_MODELS:
        rows[model.__name__] = sorted(
            (tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.values()),
        )
    return rows


@pytest.fixture
def demo(demo_lab):
    # The session's demo lab (tests/conftest.py); test_command_prints_the_logins and the
    # idempotency tests below run load_demo() itself.
    return pm.Profile.objects.get(slug="chijun-sima")


def test_seed_identity_and_about(demo):
    assert demo.full_name == "Chijun Sima"
    assert demo.headline == "Senior Software Development Engineer – Efficient ML Systems"
    assert demo.short_bio.startswith("Hi, I am Chijun.")
    assert "LLVM compiler backend" in demo.short_bio
    assert "KV-cache management" in demo.research_interests
    assert next(t.title for t in demo.focus_themes.all()) == "Model freshness at scale"
    assert {link.kind for link in demo.links.all()} >= {"email", "linkedin", "scholar"}


def test_seed_education_keeps_gpa_rank_and_dates(demo):
    education = demo.education.get()
    assert education.institution == "South China University of Technology"
    assert (str(education.gpa), str(education.gpa_scale)) == ("3.85", "4.00")
    assert (education.rank, education.rank_of) == (1, 28)
    assert (education.start_date, education.end_date) == ("2016-09", "2020-06")
    assert education.advisor == "Prof. Qianli Ma"


def test_seed_experience_holds_projects_with_nested_labelled_highlights(demo):
    tencent = demo.experience.get(organisation="Tencent")
    assert tencent.unit == "WeChat"
    assert tencent.is_current
    assert tencent.start_date == "2020-07"
    assert tencent.highlights.filter(parent=None).count() == 4  # the About page's bullets
    ekko = tencent.projects.get(title__startswith="Ekko:")
    labels = list(ekko.highlights.filter(parent=None).values_list("label", flat=True))
    assert labels == ["Problem", "Key idea", "Technical contributions", "Outcomes"]
    contributions = ekko.highlights.get(label="Technical contributions")
    children = list(contributions.children.order_by("position"))
    assert [c.label for c in children] == [
        "Update dissemination + scheduling",
        "SLO-aware placement",
        "Safe rollout",
    ]
    assert "**92%**" in children[0].text
    assert "**49%**" in children[1].text
    assert "**10,000×**" in ekko.highlights.get(label="Outcomes").text
    assert list(tencent.projects.values_list("title", flat=True))[1:] == [
        "Data engineering / feature platform: safe, scalable pipelines",
        "LLM serving systems",
    ]
    assert ekko.related_publications.get().citation_key == "sima2022ekko"


def test_seed_standalone_projects_open_source_talks_service_awards_press(demo):
    assert list(demo.projects.filter(experience=None).values_list("summary", flat=True)) == [
        "Low-latency model updates at extreme scale",
        "Safe, scalable pipelines for training data",
        "Compiler infrastructure contributions",
    ]
    llvm = demo.open_source.get()
    assert llvm.role.startswith("Developer (commit access)")
    assert llvm.start_date == "2018-05"
    assert llvm.highlights.count() == 2
    talk = demo.talks.get()
    deliveries = [(d.event, d.place, d.date) for d in talk.deliveries.all()]
    assert deliveries == [
        ("Tencent WeChat AI Department", "Shenzhen", "2022-06"),
        ("DataFun", "Virtual", "2022-08"),
        ("TechBeat", "Virtual", "2022-09"),
    ]
    assert [s.venue for s in demo.service.all()] == [
        "CVPR 2025",
        "ICLR 2025 Workshop on FM-Wild",
        "NeurIPS 2025 Workshop on Efficient Reasoning",
    ]
    gold = demo.awards.get(title__startswith="Tencent Technology Breakthrough")
    assert (gold.when, gold.role) == ("2022H2", "Project Lead, Ekko")
    assert demo.awards.get(title="Second Prize").note == "out of 177 teams"
    assert [p.outlet for p in demo.press.all()] == [
        "WeChat official blog",
        "Tencent official blog",
        "Synced Review / JIQIZHIXIN",
    ]
    assert all(p.publication.citation_key == "sima2022ekko" for p in demo.press.all())


def test_seed_publications_keep_order_cofirst_markers_and_note(demo):
    ekko = Publication.objects.get(citation_key="sima2022ekko")
    authors = list(ekko.authorships.order_by("position"))
    assert len(authors) == 11
    assert [a.name for a in authors[:2]] == ["Chijun Sima", "Yao Fu"]
    assert [a.equal_contribution for a in authors[:3]] == [True, True, False]
    assert authors[0].profile == demo
    assert authors[0].selected
    assert ekko.venue_short == "OSDI '22"
    assert ekko.note == "Supervised by Luo Mai"
    dba = Publication.objects.get(citation_key="shi2019dynamic")
    assert dba.kind == "journal"
    assert dba.venue == "IEEE Access"
    assert dba.year == 2019
    assert dba.authorships.get(position=3).profile == demo


def test_statement_of_purpose_is_a_private_statement_of_another_member(demo):
    statement = pm.Statement.objects.get(kind="purpose")
    assert statement.profile != demo
    assert statement.visibility == pm.Statement.Visibility.PRIVATE
    assert statement.body.startswith("I want to build next-generation computer systems.")
    assert "**Teaching and Sharing.**" in statement.body
    assert statement.share_token is None


def test_demo_lab_looks_like_a_lab(demo):
    people = pm.Profile.objects.all()
    assert people.count() >= 9
    assert people.filter(status="alumni").exclude(alumni_destination="").count() >= 2
    assert people.values("role").distinct().count() >= 5
    shared = [p for p in Publication.objects.all() if p.authorships.exclude(profile=None).count() >= 2]
    assert len(shared) >= 8


def test_loading_twice_changes_nothing(demo):
    before = snapshot()
    tally = load_demo()
    assert (tally.created, tally.updated, tally.deleted) == (0, 0, 0)
    assert snapshot() == before


def test_command_prints_the_logins(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "chijun" in out
    assert "labadmin" in out
    assert "demo-password-2026" in out


def test_demo_brings_back_deleted_content(demo):
    demo.talks.get().deliveries.filter(event="DataFun").delete()
    tally = load_demo()
    assert tally.created == 1
    assert demo.talks.get().deliveries.count() == 3
