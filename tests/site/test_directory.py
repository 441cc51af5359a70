import pytest

from profiles.models import Profile
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(lab):
    return {
        "pi": f.ProfileFactory(full_name="Elena Marchetti", role=Profile.Role.PI, interest_tags="Schedulers"),
        "phd": f.ProfileFactory(full_name="Aiko Nakamura", role=Profile.Role.PHD, interest_tags="KV caches"),
        "alum": f.ProfileFactory(
            full_name="Hugo Lefevre",
            status=Profile.Status.ALUMNI,
            left_on="2024",
            alumni_destination="Assistant Professor, ETH Zurich",
        ),
        "hidden": f.ProfileFactory(full_name="Secret Person", published=False),
    }


def test_members_grouped_by_role_and_alumni_with_destination(client, people):
    html = client.get("/people/").content.decode()
    assert html.index("Principal investigators") < html.index("PhD students") < html.index("Alumni")
    assert "Assistant Professor, ETH Zurich" in html
    assert "Schedulers" in html
    assert "Secret Person" not in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize(
    ("query", "found", "absent"),
    [
        ("aiko", "Aiko Nakamura", "Elena Marchetti"),
        ("kv cache", "Aiko Nakamura", "Elena Marchetti"),
        ("schedulers", "Elena Marchetti", "Aiko Nakamura"),
    ],
)
def test_search_matches_names_and_interests(client, people, query, found, absent):
    html = client.get("/people/", {"q": query}).content.decode()
    assert found in html
    assert absent not in html


def test_search_without_match_says_so(client, people):
    html = client.get("/people/", {"q": "zzz"}).content.decode()
    assert "No one matches" in html


def test_home_shows_lab_members_news_and_publications(client, people):
    f.NewsItemFactory(profile=people["pi"], body="We won **a prize**")
    pub = f.PublicationFactory(title="A Paper On Things")
    f.AuthorshipFactory(publication=pub, position=1, name="Elena Marchetti", profile=people["pi"])
    html = client.get("/").content.decode()
    assert "Systems Lab" in html
    assert "We build <strong>systems</strong>." in html
    assert "Elena Marchetti" in html
    assert "We won <strong>a prize</strong>" in html
    assert "A Paper On Things" in html
    assert "Secret Person" not in html
