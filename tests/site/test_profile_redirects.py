"""Old addresses of a merged profile keep working: they answer 301 to the new page."""

import pytest

from profiles.models import ProfileRedirect
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged():
    target = f.ProfileFactory(slug="ada-lovelace", full_name="Ada Lovelace")
    ProfileRedirect.objects.create(old_slug="ada-king", profile=target)
    return target


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/people/ada-king/", "/people/ada-lovelace/"),
        ("/people/ada-king/cv/", "/people/ada-lovelace/cv/"),
        ("/people/ada-king/publications/?kind=journal", "/people/ada-lovelace/publications/?kind=journal"),
    ],
)
def test_old_address_redirects_permanently(client, merged, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_unknown_slug_is_still_404(client, merged):
    assert client.get("/people/nobody-here/").status_code == 404


def test_a_live_profile_wins_over_a_stale_redirect(client, merged):
    f.ProfileFactory(slug="ada-king", full_name="Another Ada", published=False)
    # The slug belongs to a real (unpublished) profile now: visitors get its 404, not a redirect.
    assert client.get("/people/ada-king/").status_code == 404
