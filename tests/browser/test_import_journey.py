"""A member's import as they walk it in Chromium: upload, the preview's page, Confirm, the report.

The preview and the import are background jobs (run inside the request here: the suite's
tasks backend is the immediate one), so the pages are those a member sees once the worker
has run them. Screenshots at 1280 and 360 px go to docs/screenshots/ for review.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_editing import log_in, member  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("member")]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
BIB = "@article{liddell2024looking, title={Through the Looking-Glass Index}, author={Alice Liddell}, year={2024}}\n"


@pytest.mark.parametrize("width", [1280, 360])
def test_a_member_previews_then_confirms_a_bib_file(page, live_server, tmp_path, width):
    from publications.models import Publication

    page.set_viewport_size({"width": width, "height": 900})
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    bib = tmp_path / "mine.bib"
    bib.write_text(BIB)
    log_in(page, live_server)
    page.goto(live_server.url + "/me/import/")
    page.get_by_label("Files").set_input_files(str(bib))
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preview of mine.bib")
    expect(page.get_by_text("publication: 1 created")).to_be_visible()
    assert not Publication.objects.exists()  # a preview writes nothing
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"import-preview-{width}px.png"), full_page=True)
    # Nothing runs off the side of a phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import of mine.bib")
    expect(page.get_by_role("status")).to_contain_text("Done:")
    assert Publication.objects.get().title == "Through the Looking-Glass Index"
    page.get_by_role("link", name="All your imports").click()
    expect(page.get_by_role("table")).to_contain_text("confirmed")
    assert violations == []
