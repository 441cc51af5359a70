"""What a visitor sees and can do on the public site, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_home(page, live_server, demo_lab):
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_contain_text("Lab")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("heading", name="Members")).to_be_visible()


def test_directory_search_without_javascript_needed(page, live_server, demo_lab):
    page.goto(live_server.url + "/people/")
    expect(page.get_by_role("heading", name="Alumni")).to_be_visible()
    page.get_by_label("Search by name or research interest").fill("Chijun")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=Chijun"))
    expect(page.get_by_role("link", name="Chijun Sima")).to_be_visible()
    expect(page.locator(".card")).to_have_count(1)


def test_profile(page, live_server, demo_lab):
    page.goto(live_server.url + "/people/chijun-sima/")
    expect(page.locator("h1")).to_have_text(re.compile("Chijun Sima"))
    for heading in ["Experience", "Education", "Talks", "Awards"]:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator(".highlights .lead").first).to_be_visible()
    # BibTeX expands in place without JavaScript (<details>).
    details = page.locator("details.bibtex").first
    details.locator("summary").click()
    expect(details.locator("pre")).to_contain_text("@")


def test_cv_prints_without_navigation(page, live_server, demo_lab):
    page.goto(live_server.url + "/people/chijun-sima/cv/")
    expect(page.locator(".site-header")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    # Dates sit in a right-aligned gutter on the left.
    gutter = page.locator(".cv-when").first
    assert gutter.evaluate("el => getComputedStyle(el).textAlign") == "right"
    assert gutter.bounding_box()["x"] < page.locator(".cv-what").first.bounding_box()["x"]
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_publication_bibtex_copy(page, live_server, demo_lab):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(live_server.url + "/publications/")
    page.locator(".pub__title a").first.click()
    button = page.locator("button.js-copy")
    expect(button).to_be_visible()  # shown by site.js (progressive enhancement)
    button.click()
    expect(button).to_contain_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.lstrip().startswith("@")


@pytest.mark.parametrize("path", ["/", "/people/", "/people/chijun-sima/", "/people/chijun-sima/cv/", "/publications/"])
def test_no_horizontal_scroll_at_360px(page, live_server, demo_lab, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_keyboard_reaches_skip_link_then_menu(page, live_server, demo_lab):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    expect(page.locator(".skip-link")).to_be_in_viewport()
    seen = []
    for _ in range(6):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("document.activeElement.textContent.trim()"))
        if seen[-1] == "People":
            break
    assert "People" in seen, seen
    # The focused link is visibly marked.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/people/$"))
    expect(page.locator("h1")).to_have_text("People")
