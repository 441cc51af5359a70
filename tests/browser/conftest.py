"""Browser tests: Playwright (sync API, from pytest-playwright) on Debian's Chromium against
pytest-django's live_server.

Run them explicitly (they are outside the default run):
    .venv/bin/pytest tests/browser -p no:cacheprovider

Fixtures here stay generic so every browser test file can use them: `page` (a fresh tab
from pytest-playwright, launched with the options below), `live_server`, and `demo_lab`
(the demo lab of `manage.py load_demo`).
"""

import os
import shutil

import pytest
from django.conf import settings as django_settings

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to
# run there unless told it is fine (it is: tests touch the DB sequentially).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# The live server builds its middleware once per session, before any function-scoped
# `settings` fixture runs, so plain HTTP and plain static files are set at import time.
django_settings.SECURE_SSL_REDIRECT = False
django_settings.SESSION_COOKIE_SECURE = False
django_settings.CSRF_COOKIE_SECURE = False
django_settings.STORAGES = {
    **django_settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    # No collectstatic: the live server serves static files from the finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def _empty_page_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_lab(transactional_db):
    from profiles.demo.loader import load_demo

    load_demo()
