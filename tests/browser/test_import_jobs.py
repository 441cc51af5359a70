"""An import job's page in a real browser: the <progress> bar moves without a reload, the
report appears when the job ends, and no Content-Security-Policy violation is reported."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_editing import PASSWORD, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def running_job(transactional_db):
    from django.core.cache import cache
    from django.utils import timezone

    from profiles.jobs import storage
    from profiles.models import ImportJob
    from tests import factories as f

    user = f.UserFactory(username="alice", password=PASSWORD)
    f.ProfileFactory(user=user, full_name="Alice Liddell", slug="alice-liddell")
    job = ImportJob.new(owner=user, kind="site", source="lab-site.zip", status="running", heartbeat=timezone.now())
    cache.set(storage.beat_key(job.pk), timezone.now().timestamp())
    cache.set(storage.progress_key(job.pk), {"read": 300, "created": 10, "updated": 0, "skipped": 0, "progress": 0.2})
    return job


def test_the_progress_bar_moves_without_reloading_then_the_report_shows(page, live_server, running_job):
    from django.core.cache import cache
    from django.utils import timezone

    from profiles.jobs import storage

    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, live_server)
    page.goto(live_server.url + running_job.get_absolute_url())
    bar = page.locator("progress")
    expect(bar).to_have_attribute("value", re.compile(r"^0\.2"))
    page.evaluate("window.__notReloaded = true")

    cache.set(storage.beat_key(running_job.pk), timezone.now().timestamp())
    cache.set(storage.progress_key(running_job.pk), {"read": 300, "created": 180, "updated": 0, "skipped": 3,
                                                   "progress": 0.6})  # fmt: skip
    expect(page.locator('[data-field="created"]')).to_have_text("180", timeout=5000)
    assert page.evaluate("document.querySelector('progress').value") == pytest.approx(0.6)
    assert page.evaluate("window.__notReloaded") is True  # moved by the script, not by a reload

    running_job.mark_finished(ok=True, report={"summary": "300 created", "lines": ["300 created"], "reading": []},
                              read=300, created=300)  # fmt: skip
    expect(page.get_by_role("heading", name="Report")).to_be_visible(timeout=5000)
    expect(page.locator('[data-field="status"]')).to_have_text("succeeded")
    assert violations == []


def test_without_javascript_the_page_refreshes_itself(browser, live_server, running_job):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server)
        page.goto(live_server.url + running_job.get_absolute_url())
        expect(page.locator('[data-field="status"]')).to_have_text("running")
        running_job.mark_finished(ok=False, error="the site holds nothing to import")
        # <noscript><meta http-equiv="refresh" content="3"></noscript> brings the outcome in.
        expect(page.get_by_role("alert")).to_contain_text("the site holds nothing to import", timeout=8000)
    finally:
        context.close()
