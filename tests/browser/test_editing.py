"""Editing one's profile in a real browser: log in, bio with live preview, highlights with
reordering, avatar upload, statement share link (the fixtures are in conftest.py)."""

import io
import re

import pytest
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "browser-passphrase-2026"


@pytest.fixture
def member(transactional_db, settings, tmp_path):
    from tests import factories as f

    settings.MEDIA_ROOT = tmp_path / "media"
    user = f.UserFactory(username="alice", password=PASSWORD)
    profile = f.ProfileFactory(user=user, full_name="Alice Liddell", slug="alice-liddell")
    experience = f.ExperienceFactory(profile=profile, organisation="Tencent", title="Engineer")
    return user, profile, experience


def log_in(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/me/$"))
    expect(page.locator("h1")).to_have_text("Alice Liddell")


def test_edit_the_bio_with_a_live_preview(page, live_server, member):
    log_in(page, live_server)
    page.get_by_role("link", name="Bio and interests").first.click()
    bio = page.get_by_label("Short bio")
    bio.fill("I make recommenders **92%** faster. <script>alert(1)</script>")
    preview = page.locator('[data-preview-for="short_bio"] .markdown-preview__body')
    expect(preview.locator("strong")).to_have_text("92%")
    expect(preview.locator("script")).to_have_count(0)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message")).to_contain_text("saved")
    _, profile, _ = member
    profile.refresh_from_db()
    assert profile.short_bio.startswith("I make recommenders **92%** faster.")


def test_add_and_reorder_experience_highlights(page, live_server, member):
    _, _, experience = member
    log_in(page, live_server)
    page.goto(f"{live_server.url}/me/sections/experience/{experience.pk}/")
    for label, text in [("Problem", "Models were stale"), ("Outcomes", "Latency down to **2.4s**")]:
        page.get_by_role("link", name="Add to highlights").click()
        page.get_by_label("Label").fill(label)
        page.get_by_label("Text").fill(text)
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(re.compile(rf"/me/sections/experience/{experience.pk}/$"))
    rows = page.locator('section[aria-label="Highlights"] li.item')
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Problem")
    # Move "Outcomes" up (in place, with JavaScript).
    rows.nth(1).get_by_role("button", name=re.compile("up$")).click()
    expect(rows.nth(0)).to_contain_text("Outcomes")
    expect(rows.nth(1)).to_contain_text("Problem")
    page.reload()
    expect(page.locator('section[aria-label="Highlights"] li.item').nth(0)).to_contain_text("Outcomes")


def test_upload_an_avatar(page, live_server, member):
    log_in(page, live_server)
    page.get_by_role("link", name="Avatar").first.click()
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 200)).save(buffer, format="PNG")
    page.get_by_label("Avatar").set_input_files(
        {"name": "me.png", "mimeType": "image/png", "buffer": buffer.getvalue()}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".message")).to_contain_text("Avatar updated")
    image = page.get_by_alt_text("Current avatar")
    expect(image).to_have_attribute("src", re.compile(r"-192\.jpg$"))


def test_share_and_revoke_a_statement_link(page, live_server, member):
    log_in(page, live_server)
    page.goto(live_server.url + "/me/sections/statements/add/")
    page.get_by_label("Title").fill("Statement of purpose")
    page.get_by_label("Body").fill("**Why systems.** Because.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Create a share link").click()
    link = page.locator("a.share-link")
    expect(link).to_be_visible()
    share_path = link.get_attribute("href")

    visitor = page.context.browser.new_context()
    tab = visitor.new_page()
    response = tab.goto(live_server.url + share_path)
    assert response.status == 200
    expect(tab.locator("body")).to_contain_text("Why systems.")

    page.get_by_role("button", name="Revoke the link").click()
    expect(page.locator(".message")).to_contain_text("revoked")
    response = tab.goto(live_server.url + share_path)
    assert response.status == 404
    visitor.close()
    assert Client().get(share_path).status_code == 404
