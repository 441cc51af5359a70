import pytest

from profiles.editing import registry

pytestmark = pytest.mark.django_db


def test_every_editing_page_renders_for_the_owner(bob, bob_items):
    from tests.editing.conftest import login

    client = login(bob)
    for url in [
        "/me/",
        "/me/identity/",
        "/me/about/",
        "/me/avatar/",
        "/me/history/",
        "/me/publications/",
        "/me/publications/add/",
        "/me/visitor-view/",
    ]:
        assert client.get(url).status_code == 200, url
    for section in registry.SECTIONS:
        item = bob_items[section.key]
        if section.top_level:
            assert client.get(f"/me/sections/{section.key}/").status_code == 200, section.key
        assert client.get(f"/me/sections/{section.key}/{item.pk}/").status_code == 200, section.key
        assert client.get(f"/me/sections/{section.key}/{item.pk}/history/").status_code == 200, section.key
        assert client.get(f"/me/sections/{section.key}/{item.pk}/delete/").status_code == 200, section.key
