"""Screenshots of the main pages with the demo lab, saved under docs/screenshots/."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = [
    ("home", "/", {}),
    ("directory", "/people/", {}),
    ("profile", "/people/chijun-sima/", {}),
    ("cv", "/people/chijun-sima/cv/", {}),
    ("publications", "/publications/", {}),
    ("publication", "/publications/sima2022ekko/", {}),
    ("profile-360px", "/people/chijun-sima/", {"width": 360}),
    ("profile-dark", "/people/chijun-sima/", {"dark": True}),
]


@pytest.mark.parametrize(("name", "path", "opts"), PAGES, ids=[p[0] for p in PAGES])
def test_screenshot(page, live_server, demo_lab, name, path, opts):
    OUT.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": opts.get("width", 1280), "height": 900})
    if opts.get("dark"):
        page.emulate_media(color_scheme="dark")
    response = page.goto(live_server.url + path)
    if response.status == 404 and "publication" in name:
        page.goto(live_server.url + "/publications/")
        page.locator(".pub__title a").first.click()
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    assert (OUT / f"{name}.png").stat().st_size > 10_000
