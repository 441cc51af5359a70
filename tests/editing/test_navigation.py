"""A member finds every editing page from the /me/ menu, including import and API tokens."""

import pytest

pytestmark = pytest.mark.django_db


def test_menu_links_to_import_and_tokens(client, alice):
    client.force_login(alice)
    page = client.get("/me/").content.decode()
    for href in ["/me/import/", "/me/tokens/", "/me/publications/"]:
        assert f'href="{href}"' in page
    assert client.get("/me/import/").status_code == 200
    assert client.get("/me/tokens/").status_code == 200
