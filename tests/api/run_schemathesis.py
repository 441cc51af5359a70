#!/usr/bin/env python
"""Fuzz the live REST API against its own OpenAPI schema with schemathesis.

    .venv/bin/python tests/api/run_schemathesis.py [--max-examples 25] [--workers 2]

Starts the app with gunicorn on a free loopback port, on a temporary SQLite database
(migrated, demo lab loaded with `manage.py load_demo`), creates an API token for a demo
member, runs schemathesis against http://127.0.0.1:<port>/api/schema/ authenticated with
that token (path parameters pinned to the member's own profile so that writes get past
the permission checks), prints the operations / examples / failures figures and stops the
server. Exits non-zero on any 5xx, any response that does not match the schema (body,
status code or content type), or when schemathesis itself fails.

Not collected by pytest (the file name does not start with test_).
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"

TOKEN_SNIPPET = """
from profiles.authentication import api_token_create
from profiles.models import Profile
from publications.models import Authorship
profile = Profile.objects.exclude(user=None).filter(published=True).order_by("pk").first()
token, raw = api_token_create(actor=profile.user, name="schemathesis", scope="read-write")
key = Authorship.objects.filter(profile=profile).values_list("publication__citation_key", flat=True).first()
import json
print(json.dumps({"token": raw, "slug": profile.slug, "username": profile.user.username, "key": key or ""}))
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, capture=False):
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
        capture_output=capture,
    )  # fmt: skip


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} within {seconds}s")


def figures(output):
    """(operations, examples, failures) from schemathesis' summary."""
    tested = re.search(r"Tested:\s*(\d+)", output)
    generated = re.search(r"(\d+) generated", output)
    failures = re.search(r"found (\d+) unique failures?", output)
    return (
        int(tested.group(1)) if tested else 0,
        int(generated.group(1)) if generated else 0,
        int(failures.group(1)) if failures else 0,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--workers", default="2")
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--max-time", type=int, default=0, help="seconds; 0 = no time budget")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="schemathesis-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portfolio_site.settings",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp / "media"),
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "PLAIN_STATIC": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "API_ANON_RATE": "100000/min",
        "API_USER_RATE": "100000/min",
        "LOG_LEVEL": "ERROR",
    }
    server = None
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo")
        member = json.loads(manage(env, "shell", "-c", TOKEN_SNIPPET, capture=True).stdout.strip().splitlines()[-1])
        print(f"Fuzzing as demo member {member['username']} (profile {member['slug']}).", flush=True)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            # One process, one thread: SQLite serialises writes anyway (and would answer
            # "database is locked" to concurrent write transactions).
            [str(BIN / "gunicorn"), "portfolio_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--threads", "1", "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        wait_for(f"{base}/api/schema/")

        config = tmp / "schemathesis.toml"
        key = member["key"] or "no-such-key"
        config.write_text(f'[parameters]\n"path.slug" = "{member["slug"]}"\n"path.key" = "{key}"\n')
        command = [
            str(BIN / "schemathesis"), "--config-file", str(config), "run", f"{base}/api/schema/",
            "--checks", CHECKS,
            "--max-examples", str(args.max_examples),
            "--workers", str(args.workers),
            "--phases", args.phases,
            "--header", f"Authorization: Token {member['token']}",
            "--seed", "7",
            "--no-shrink",
            "--request-timeout", "30",
            "--output-truncate", "true",
        ]  # fmt: skip
        if args.max_time:
            command += ["--max-time", str(args.max_time)]
        started = time.monotonic()
        lines = []
        with subprocess.Popen(command, cwd=tmp, env=env, stdout=subprocess.PIPE, text=True) as run:
            for line in run.stdout:
                sys.stdout.write(line)
                lines.append(line)
        result = run
        elapsed = time.monotonic() - started
        operations, examples, failures = figures("".join(lines))
        print(
            f"\nschemathesis: {operations} operations, {examples} examples, {failures} failures "
            f"({elapsed:.0f}s, exit code {result.returncode})"
        )
        return result.returncode
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
