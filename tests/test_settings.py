"""Settings come from the environment, with safe defaults and a clean deploy check."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portfolio_site.settings import cache_from_url

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_is_clean_with_production_variables(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="lab.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_flags_the_development_secret_key(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        DEBUG="0",
        ALLOWED_HOSTS="lab.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_cache_url_selects_the_backend():
    # No CACHE_URL: an embedded cache (diskcache) that all processes of the machine share.
    default = cache_from_url("")
    assert default["BACKEND"] == "portfolio_site.cache_backend.EmbeddedCache"
    assert default["LOCATION"].endswith("diskcache")
    assert cache_from_url("file:///srv/lab/cache")["BACKEND"].endswith("FileBasedCache")
    assert cache_from_url("file:///srv/lab/cache")["LOCATION"] == "/srv/lab/cache"
    assert cache_from_url("locmem://")["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("db://page_cache")["BACKEND"].endswith("DatabaseCache")
    redis = cache_from_url("redis://127.0.0.1:6379/1")
    assert redis["BACKEND"].endswith("RedisCache")
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/1"
    assert cache_from_url("dummy://")["BACKEND"].endswith("DummyCache")
    with pytest.raises(ImproperlyConfigured):
        cache_from_url("memcached://x")


def test_database_url_selects_postgresql():
    import dj_database_url

    config = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/lab")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "lab"


def test_sqlite_takes_the_write_lock_up_front():
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]


@pytest.mark.django_db
def test_a_dummy_cache_does_not_break_saving(monkeypatch):
    from django.core.cache.backends.dummy import DummyCache

    from profiles import cache as page_cache

    monkeypatch.setattr(page_cache, "cache", DummyCache("dummy", {}))
    page_cache.bump_generation()  # CACHE_URL=dummy:// keeps nothing; saving must still work


@pytest.mark.parametrize("defaults", [False, True])
def test_web_workers_freeze_what_they_loaded_and_collect_young_garbage_less_often(defaults):
    """The WSGI entry point tunes the garbage collector (portfolio_site.gc_tuning) unless told not to."""
    code = "import gc, portfolio_site.wsgi; print(gc.get_threshold()[0], gc.get_freeze_count())"
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "PYTHON_GC_DEFAULTS"}}
    env.update(DEBUG="1", **({"PYTHON_GC_DEFAULTS": "1"} if defaults else {}))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    threshold, frozen = map(int, out.stdout.split()[-2:])
    if defaults:
        assert (threshold, frozen) == (700, 0)
    else:
        assert threshold == 50_000
        assert frozen > 10_000  # Django, the apps, the settings: out of every collection's way


def test_the_old_file_cache_folder_goes_after_migrate_and_nothing_else(settings, tmp_path):
    from profiles.apps import drop_old_file_cache

    settings.VAR_DIR = tmp_path
    old = tmp_path / "cache"
    old.mkdir()
    (old / "0a1b.djcache").write_bytes(b"x")
    drop_old_file_cache()
    assert not old.exists()

    old.mkdir()
    (old / "0a1b.djcache").write_bytes(b"x")
    (old / "notes.txt").write_text("an operator's file")
    drop_old_file_cache()
    assert (old / "notes.txt").exists()
    assert (old / "0a1b.djcache").exists()

    (old / "notes.txt").unlink()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(old)}}  # fmt: skip
    drop_old_file_cache()
    assert old.exists()  # still the configured cache (CACHE_URL=file://…): kept
