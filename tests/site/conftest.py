import pytest
from django.core.cache import cache

from profiles import models as pm
from publications.models import Authorship, Publication
from tests import factories as f


@pytest.fixture(autouse=True)
def _empty_page_cache():
    # The page cache lives in locmem across tests; each test starts cold.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lab(db):
    return pm.Lab.objects.create(name="Systems Lab", short_name="SysLab", description="We build **systems**.")


def build_profile(n_publications=1, n_items=1, **profile_fields):
    """A profile with `n_items` in every section and `n_publications` papers (bulk writes)."""
    profile = f.ProfileFactory(**profile_fields)
    pid = profile.pk
    pm.ProfileLink.objects.bulk_create(
        pm.ProfileLink(profile_id=pid, kind="github", url=f"https://github.com/u{i}", position=i)
        for i in range(n_items)
    )
    for model, fields in [
        (pm.FocusTheme, {"title": "Theme", "body": "Body **bold**"}),
        (pm.NewsItem, {"body": "News *item*", "date": "2024-05"}),
        (
            pm.Education,
            {
                "institution": "Uni",
                "degree": "PhD",
                "gpa": "3.85",
                "gpa_scale": "4.00",
                "rank": 1,
                "rank_of": 28,
                "advisor": "Prof. A",
                "start_date": "2016-09",
            },
        ),
        (pm.Service, {"venue": "OSDI 2025", "year": 2025}),
        (pm.Award, {"title": "Best Paper", "year": 2022, "period": "2022H2"}),
        (pm.PressItem, {"outlet": "Blog", "title": "Write-up", "url": "https://example.org"}),
        (pm.Skill, {"name": "Rust"}),
    ]:
        model.objects.bulk_create(model(profile_id=pid, position=i, **fields) for i in range(n_items))
    experiences = pm.Experience.objects.bulk_create(
        pm.Experience(profile_id=pid, organisation=f"Org {i}", title="Engineer", start_date="2020", position=i)
        for i in range(n_items)
    )
    oss = pm.OpenSourceContribution.objects.bulk_create(
        pm.OpenSourceContribution(profile_id=pid, project=f"oss{i}", position=i) for i in range(n_items)
    )
    projects = pm.Project.objects.bulk_create(
        pm.Project(profile_id=pid, title=f"Project {i}", position=i, experience=experiences[i] if i % 2 else None)
        for i in range(n_items)
    )
    talks = pm.Talk.objects.bulk_create(pm.Talk(profile_id=pid, title=f"Talk {i}", position=i) for i in range(n_items))
    pm.TalkDelivery.objects.bulk_create(
        pm.TalkDelivery(talk=t, event=f"Event {j}", date="2022-08", position=j) for t in talks for j in range(2)
    )
    tops = pm.Highlight.objects.bulk_create(
        [pm.Highlight(project=p, label="Problem", text="It was **92%** slow.") for p in projects]
        + [pm.Highlight(experience=e, label="Outcome", text="Faster.") for e in experiences]
        + [pm.Highlight(open_source=o, text="Patch.") for o in oss]
    )
    pm.Highlight.objects.bulk_create(
        pm.Highlight(project=h.project, experience=h.experience, open_source=h.open_source, parent=h, text="Sub")
        for h in tops
    )
    pubs = Publication.objects.bulk_create(
        Publication(
            title=f"Paper {i}",
            citation_key=f"key{pid}x{i}",
            year=2000 + i % 25,
            venue="Conf",
            venue_short=f"C '{i % 25:02d}",
            kind="conference",
        )
        for i in range(n_publications)
    )
    rows = []
    for pub in pubs:
        rows.append(Authorship(publication=pub, position=1, name=profile.full_name, profile=profile, selected=True))
        rows += [Authorship(publication=pub, position=j, name=f"Coauthor {j}") for j in range(2, 6)]
    Authorship.objects.bulk_create(rows)
    for project in projects[:3]:
        project.related_publications.set(pubs[:2])
    return profile


@pytest.fixture
def make_profile(db):
    return build_profile
