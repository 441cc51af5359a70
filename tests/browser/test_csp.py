"""Content-Security-Policy: every page type renders in Chromium without a single violation.

Chromium reports each blocked script, style, image, font, frame or worker both as a
`securitypolicyviolation` event (collected by an init script, which the page's policy
does not apply to) and as a console error; the test fails on either.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo-password-2026"

COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                    + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def watched(page):
    console = []
    page.add_init_script(COLLECT)
    page.on(
        "console",
        lambda msg: (
            console.append(msg.text) if "Content Security Policy" in msg.text or "Refused to" in msg.text else None
        ),
    )

    def check(url, ready=None, allowed=()):
        response = page.goto(url)
        assert response.status == 200, url
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy, url
        assert "frame-ancestors 'none'" in policy, url
        assert "unsafe-eval" not in policy, url
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert "unsafe-inline" not in script_src, url
        if ready:
            expect(page.locator(ready).first).to_be_visible(timeout=60_000)
        page.wait_for_load_state("networkidle")
        violations = [v for v in page.evaluate("window.__csp") + console if not any(a in v for a in allowed)]
        console.clear()
        assert violations == [], f"{url}: {violations}"

    return check


def log_in(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/me/"))


def test_public_pages_have_no_csp_violation(page, live_server, demo_lab, watched):
    from profiles.models import Profile, Statement
    from publications.models import Publication
    from tests.factories import StatementFactory

    base = live_server.url
    statement = StatementFactory(
        profile=Profile.objects.get(slug="chijun-sima"), title="Research statement",
        visibility=Statement.Visibility.PUBLIC, body="Systems that **scale**.",
    )  # fmt: skip
    publication = Publication.objects.filter(authorships__profile__published=True).first()
    pages = [
        ("/", "h1"),
        ("/people/", ".card"),
        ("/people/chijun-sima/", "h1"),
        ("/people/chijun-sima/cv/", "h1"),
        ("/people/chijun-sima/publications/", "h1"),
        ("/publications/", ".pub__title"),
        (publication.get_absolute_url(), "h1"),
        (statement.get_absolute_url(), "h1"),
    ]
    for path, ready in pages:
        watched(base + path, ready)
        # Served a second time from the page cache: still no violation.
        watched(base + path, ready)


def test_api_docs_work_under_the_policy(page, live_server, demo_lab, watched):
    watched(live_server.url + "/api/docs/", ".swagger-ui .information-container")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    # ReDoc works too. Its bundle always shows a "by Redocly" logo from cdn.redoc.ly; the
    # policy keeps that request off (nothing is loaded from another host), the only
    # violation allowed here.
    watched(live_server.url + "/api/redoc/", "h1:has-text('Lab profiles API')", allowed=("cdn.redoc.ly",))
    expect(page.get_by_text("/api/v1/tokens/").first).to_be_attached()


def test_editing_pages_have_no_csp_violation(page, live_server, demo_lab, watched):
    log_in(page, live_server, "chijun")
    base = live_server.url + "/me/"
    for path, ready in [
        ("", "h1"),
        ("identity/", "form"),
        ("about/", "form"),
        ("avatar/", "form"),
        ("sections/experience/", "h1"),
        ("sections/experience/add/", "form"),
        ("publications/", "h1"),
        ("history/", "h1"),
        ("import/", "form"),
        ("visitor-view/", ".visitor-preview-banner"),
        ("tokens/", "form"),
    ]:
        watched(base + path, ready)
    # A token is shown once, in a field that selects itself on focus (no inline handler).
    page.get_by_label("Name", exact=True).fill("csp check")
    page.get_by_role("button", name="Create token").click()
    field = page.get_by_label("Your new token")
    field.focus()
    assert page.evaluate("window.getSelection().toString() || document.activeElement.selectionEnd") != 0
    assert page.evaluate("window.__csp") == []
    watched(live_server.url + "/accounts/password_change/", "form")


def test_admin_has_no_csp_violation(page, live_server, demo_lab, watched):
    log_in(page, live_server, "labadmin")
    base = live_server.url + "/admin/"
    for path, ready in [
        ("", "#content"),
        ("profiles/profile/", "#result_list"),
        ("publications/publication/", "#result_list"),
        ("import-profiles/", "form"),
    ]:
        watched(base + path, ready)
    watched(base + "profiles/profile/add/", "form")
