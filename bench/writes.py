"""Writes per second with an empty and with a full cache, and a cached page from each.

    .venv/bin/python bench/writes.py [--entries 20000] [--saves 200] [--cache-url file://…]

Each measurement runs in its own process on a fresh SQLite database in a temporary
folder (so the rows saved by one do not slow the next), with the production settings
(DEBUG off) and the default cache unless ``--cache-url`` names another (``file://…`` is
Django's file cache, the earlier default; ``--compare-file-cache`` measures it too).
Measured, with the cache empty and with it filled with ``--entries`` small entries:

- a paper with three authors added through the service (one transaction, as the /me/
  pages, the API and the admin do), saves per second;
- a news item added to a profile through the service, saves per second;
- a profile page served from the page cache to a visitor (Django's test client, the whole
  middleware stack), requests per second.

Targets: with the cache full, each within 1.2x of the empty cache.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(tmp, cache_url):
    from bench.server import server_env

    os.environ.update(server_env(tmp, f"sqlite:///{tmp}/bench.sqlite3", ALLOWED_HOSTS="testserver", PLAIN_STATIC="1"))
    if cache_url:
        os.environ["CACHE_URL"] = cache_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _member():
    from django.contrib.auth import get_user_model

    from profiles.models import Lab, Profile

    Lab.objects.create(name="Bench Lab")
    user = get_user_model().objects.create_user("bench", "bench@example.org", "x" * 16)
    profile = Profile.objects.create(user=user, slug="bench-member", full_name="Bench Member", published=True)
    return user, profile


def _rate(action, n):
    started = time.perf_counter()
    for i in range(n):
        action(i)
    return n / (time.perf_counter() - started)


def _measure(user, profile, saves, requests):
    from django.test import Client

    from profiles import services
    from profiles.models import NewsItem
    from publications import services as publication_services

    def paper(i):
        authors = [{"name": "Bench Member", "is_self": True}, {"name": "Ada Lovelace"}, {"name": "Alan Turing"}]
        publication_services.publication_create(
            actor=user, profile=profile, values={"title": f"Paper {i}", "year": 2026}, authors=authors
        )

    def news(i):
        services.section_item_create(actor=user, profile=profile, model=NewsItem, values={"body": f"News {i}."})

    client = Client()
    url = profile.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    return {
        "paper_saves_per_s": _rate(paper, saves),
        "item_saves_per_s": _rate(news, saves),
        "cached_page_per_s": _rate(lambda i: client.get(url), requests),
    }


def _fill(entries):
    from django.core.cache import cache

    for start in range(0, entries, 1000):
        cache.set_many({f"filler:{i}": "x" * 300 for i in range(start, min(start + 1000, entries))}, 3600)


def child(args):
    """One measurement: a fresh database, the cache filled with `args.fill` entries first."""
    with tempfile.TemporaryDirectory(prefix="bench-writes-") as tmp:
        _setup(tmp, args.cache_url)
        from django.core.cache import cache

        user, profile = _member()
        cache.clear()
        started = time.perf_counter()
        _fill(args.fill)
        fill_s = time.perf_counter() - started
        rates = _measure(user, profile, args.saves, args.requests)
        print(json.dumps({"backend": cache._connections[cache._alias].__class__.__name__, "fill_s": fill_s, **rates}))


def _run_child(args, url, fill):
    """`child` in its own process (settings are read once per process), its result as a dict."""
    with tempfile.TemporaryDirectory(prefix="bench-writes-cache-") as tmp:
        cmd = [sys.executable, __file__, "--child", "--fill", str(fill), "--saves", str(args.saves),
               "--requests", str(args.requests), "--cache-url", url.format(tmp=tmp)]  # fmt: skip
        out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for flag, default, meaning in (
        ("--entries", 20_000, "entries in the full cache"),
        ("--saves", 200, "saves of each kind per measurement"),
        ("--requests", 500, "cached page requests per measurement"),
    ):
        parser.add_argument(flag, type=int, default=default, help=meaning)
    parser.add_argument("--cache-url", default="", help="CACHE_URL to measure (default: the default cache)")
    parser.add_argument("--compare-file-cache", action="store_true", help="also measure file:// (the old default)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--fill", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    urls = [args.cache_url]
    if args.compare_file_cache:
        urls.append("file://{tmp}/file-cache")
    failed = False
    for url in urls:
        empty, full = _run_child(args, url, 0), _run_child(args, url, args.entries)
        print(f"\n{full['backend']} ({url.split(':')[0] if url else 'default'}), "
              f"{args.entries:,} entries filled in {full['fill_s']:.1f} s")  # fmt: skip
        print(f"{'':<26}{'empty':>10}{'full':>10}{'full/empty':>12}")
        for key, label in [("paper_saves_per_s", "paper + 3 authors /s"), ("item_saves_per_s", "news item /s"),
                           ("cached_page_per_s", "cached page /s")]:  # fmt: skip
            e, f = empty[key], full[key]
            ok = f >= e / 1.2
            failed |= not ok and not url  # the targets are the default cache's
            print(f"{label:<26}{e:>10.0f}{f:>10.0f}{f / e:>11.2f}x{'' if ok else '  (slower than 1/1.2)'}")
    print("\nTarget (default cache): with the cache full, each rate at least 1/1.2 of the empty cache's:",
          "MISSED" if failed else "ok")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
