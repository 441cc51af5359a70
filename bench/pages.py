"""Throughput of the public pages under gunicorn, against a static file from the same server.

    .venv/bin/python bench/pages.py [--seconds 5] [--threads 4] [--workers 2] [--publications 300]

Builds a temporary SQLite database and STATIC_ROOT, loads one profile with 300
publications (and a few items in every section), starts gunicorn with production
settings (DEBUG off, WhiteNoise, manifest static files) on a free loopback port, then
for each URL runs a few client threads for a fixed time and prints requests per second
and the ratio to the static CSS file. Anonymous requests, so pages come from the page
cache after the first hit, which is what visitors get. `--no-page-cache` measures
rendering with the page cache off (PAGE_CACHE=0) but rendered fragments (publication
entries, profiles/cache.py) kept; `--no-cache` turns every cache off (CACHE_URL=dummy://).
Gunicorn is stopped at the end, whatever happens.
"""

import argparse
import http.client
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable

from bench.server import free_port, run_threads, server_env, stop  # noqa: E402


def run(cmd, env):
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


SEED = """
from tests.site.conftest import build_profile
from profiles.models import Lab
Lab.objects.create(name="Bench Lab")
profile = build_profile(n_publications=300, n_items=10, slug="bench-member", full_name="Bench Member")
# build_profile writes in bulk (no save()): store the rendered Markdown as the migration does.
import importlib
from django.apps import apps
importlib.import_module("profiles.migrations.0009_markdown_rendered_html").render_existing_rows(apps, None)
print(profile.slug)
"""


def seed(env):
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    run([PYTHON, "manage.py", "shell", "-c", SEED], env)


def static_css_url(env):
    code = "from django.templatetags.static import static; print(static('css/site.css'))"
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def wait_until_up(port, deadline=30):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/robots.txt")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def measure(port, path, seconds, threads):
    """Requests per second over `seconds`, `threads` keep-alive clients in parallel."""
    counts, errors = [0] * threads, [0] * threads
    stop_at = time.monotonic() + seconds

    def client(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop_at:
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "identity"})
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.close()

    elapsed = run_threads(client, threads)
    return sum(counts) / elapsed, sum(errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per URL")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--no-cache", action="store_true", help="no cache at all (measure cold rendering)")
    parser.add_argument("--no-page-cache", action="store_true", help="no page cache; rendered fragments stay cached")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        port = free_port()
        env = server_env(tmp, f"sqlite:///{tmp}/bench.sqlite3")
        if args.no_cache:
            env["CACHE_URL"] = "dummy://"
        if args.no_page_cache:
            env["PAGE_CACHE"] = "0"
        print("Seeding a profile with 300 publications …", flush=True)
        seed(env)
        css = static_css_url(env)
        cmd = [
            PYTHON, "-m", "gunicorn", "portfolio_site.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads", "2",
            "--log-level", "warning", "--keep-alive", "5",
        ]  # fmt: skip
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
        try:
            wait_until_up(port)
            urls = [
                ("static CSS", css),
                ("profile", "/people/bench-member/"),
                ("CV", "/people/bench-member/cv/"),
                ("publications", "/publications/"),
            ]
            results = {}
            for label, path in urls:
                measure(port, path, 0.5, 1)  # warm up (and fill the page cache)
                results[label] = measure(port, path, args.seconds, args.threads)
            base = results["static CSS"][0]
            mode = (
                "every cache off" if args.no_cache
                else "page cache off, fragments cached" if args.no_page_cache
                else "page cache on"
            )  # fmt: skip
            setup = f"{args.threads} client threads, {args.seconds:g} s per URL, gunicorn {args.workers} workers"
            print(f"\n{setup}, {mode}")
            print(f"{'page':<14}{'req/s':>10}{'vs static':>12}{'errors':>8}")
            for label, (rate, errors) in results.items():
                print(f"{label:<14}{rate:>10.0f}{rate / base:>11.2f}x{errors:>8}")
        finally:
            stop(server)


if __name__ == "__main__":
    main()
