#!/usr/bin/env python
"""Fuzz the live REST API against its own OpenAPI schema with schemathesis, per role.

    .venv/bin/python tests/api/run_schemathesis.py [--roles member,labadmin]
        [--phases examples,fuzzing,stateful] [--max-examples 25] [--max-time 90]
        [--stateful-time 100] [--seed N]

Loads the demo lab once (`manage.py load_demo`) into a temporary SQLite database; then, for
each role, on a fresh copy of that database: starts the app with gunicorn on a free loopback
port, creates a read-write API token for the role's demo user (`member`: chijun, who owns
chijun-sima; `labadmin`: the lab admin, pinned to another member's profile so that admin
powers are exercised), runs schemathesis against http://127.0.0.1:<port>/api/schema/ with
that token (path parameters pinned so that writes get past the permission checks) and the
checks below, and stops the server. The stateful phase follows the schema's OpenAPI links
(create an item, then read, change, delete it and check it stays gone: use_after_free).

The seed is printed first (random unless --seed): replay a failure with the same seed.
Prints per role: operations tested, cases generated, stateful sequences (scenarios) run,
failures. Exits non-zero on any 5xx, any response that does not match the schema (body,
status code or content type), a deleted resource still answering, or when schemathesis
itself fails.

Not collected by pytest (the file name does not start with test_).
"""

import argparse
import json
import os
import random
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
CHECKS = (
    "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance,use_after_free"
)

# Prints {"token", "slug", "username", "key"} for a demo user (argv-free: ROLE is substituted).
TOKEN_SNIPPET = """
import inspect, json
from django.contrib.auth import get_user_model
from profiles.services.tokens import api_token_create
from profiles.demo.loader import DEMO_USERS
from profiles.models import ApiToken, Profile
from publications.models import Authorship
username, slug = ROLE
user = get_user_model().objects.get(username=username)
kwargs = {}
if "scope" in inspect.signature(api_token_create).parameters:  # tokens with scopes: ask for writes
    kwargs["scope"] = getattr(getattr(ApiToken, "Scope", None), "READ_WRITE", "read-write")
token, raw = api_token_create(actor=user, name="schemathesis", **kwargs)
# Fuzzed `DELETE /tokens/{id}/` would revoke this very token (a legitimate request) and turn
# the rest of the run into 401s: give it an id far from the ones generated for that path.
import random
ApiToken.objects.filter(pk=token.pk).update(id=random.SystemRandom().randrange(10**14, 10**15))
profile = Profile.objects.get(slug=slug)
key = Authorship.objects.filter(profile=profile).values_list("publication__citation_key", flat=True).first()
print(json.dumps({"token": raw, "slug": slug, "username": username, "key": key or ""}))
"""

# role -> (demo username, profile slug the paths are pinned to)
ROLES = {
    "member": ("chijun", "chijun-sima"),
    "labadmin": ("labadmin", "aiko-nakamura"),
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args, capture=False):
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=capture
    )  # fmt: skip
    if result.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{result.stderr or ''}")
    return result


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
    """{operations, cases, scenarios, failures} from schemathesis' summary."""

    def number(pattern):
        found = re.search(pattern, output)
        return int(found.group(1)) if found else 0

    return {
        "operations": number(r"Tested:\s*(\d+)"),
        "cases": number(r"(\d+) generated"),
        "scenarios": number(r"Scenarios:\s*(\d+)"),
        "failures": number(r"found (\d+) unique failures?"),
    }


def run_role(role, args, seed, tmp, env, database):
    """Fuzz the API as `role` on a fresh copy of `database`; returns (exit code, figures)."""
    workdir = tmp / role
    workdir.mkdir()
    shutil.copy(database, workdir / "db.sqlite3")
    env = {**env, "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}", "MEDIA_ROOT": str(workdir / "media")}
    snippet = TOKEN_SNIPPET.replace("ROLE", repr(ROLES[role]))
    who = json.loads(manage(env, "shell", "-c", snippet, capture=True).stdout.strip().splitlines()[-1])
    print(f"\n--- {role}: demo user {who['username']}, paths pinned to profile {who['slug']} ---", flush=True)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        # One process, one thread: SQLite serialises writes anyway (and would answer
        # "database is locked" to concurrent write transactions).
        [str(BIN / "gunicorn"), "portfolio_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--threads", "1", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_for(f"{base}/api/schema/")
        config = workdir / "schemathesis.toml"
        key = who["key"] or "no-such-key"
        config.write_text(f'[parameters]\n"path.slug" = "{who["slug"]}"\n"path.key" = "{key}"\n')
        phases = [phase.strip() for phase in args.phases.split(",") if phase.strip()]
        # Two runs, so that fuzzing (which repeats until its budget is spent) cannot starve
        # the stateful phase: first the per-operation phases, then the stateful one.
        groups = [(",".join(p for p in phases if p != "stateful"), args.max_time)]
        if "stateful" in phases:
            groups.append(("stateful", args.stateful_time or args.max_time))
        code, total = 0, {"operations": 0, "cases": 0, "scenarios": 0, "failures": 0, "seconds": 0}
        for group, budget in groups:
            if not group:
                continue
            command = [
                str(BIN / "schemathesis"), "--config-file", str(config), "run", f"{base}/api/schema/",
                "--checks", CHECKS,
                "--max-examples", str(args.max_examples),
                "--workers", str(args.workers),
                "--phases", group,
                "--header", f"Authorization: Token {who['token']}",
                "--seed", str(seed),
                "--no-shrink",
                "--request-timeout", "30",
                "--output-truncate", "true",
            ]  # fmt: skip
            if budget:
                command += ["--max-time", str(budget)]
            print(f"\n--- {role}: phases {group} (budget {budget or 'none'}s) ---", flush=True)
            started = time.monotonic()
            lines = []
            with subprocess.Popen(command, cwd=workdir, env=env, stdout=subprocess.PIPE, text=True) as run:
                for line in run.stdout:
                    sys.stdout.write(line)
                    lines.append(line)
            found = figures("".join(lines))
            found["seconds"] = round(time.monotonic() - started)
            total = {name: max(total[name], value) if name == "operations" else total[name] + value
                     for name, value in found.items()}  # fmt: skip
            code = max(code, run.returncode)
        return code, total
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--roles", default="member,labadmin", help=f"comma-separated, of: {', '.join(ROLES)}")
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--workers", default="2")
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument(
        "--max-time", type=int, default=0, help="seconds per role for the non-stateful phases; 0 = no time budget"
    )
    parser.add_argument("--stateful-time", type=int, default=0, help="seconds per role for the stateful phase")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one (printed)")
    args = parser.parse_args()
    roles = [role.strip() for role in args.roles.split(",") if role.strip()]
    if unknown := [role for role in roles if role not in ROLES]:
        parser.error(f"unknown role(s): {', '.join(unknown)}")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    print(f"schemathesis seed: {seed} (replay: --seed {seed})", flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="schemathesis-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portfolio_site.settings",
        "DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}",
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
    results = {}
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo")
        for role in roles:
            results[role] = run_role(role, args, seed, tmp, env, tmp / "demo.sqlite3")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\nschemathesis (seed {seed}, phases {args.phases}):")
    for role, (code, found) in results.items():
        print(
            f"  {role}: {found['operations']} operations, {found['cases']} cases, {found['scenarios']} stateful "
            f"scenarios, {found['failures']} failures ({found['seconds']}s, exit code {code})"
        )
    return max((code for code, _ in results.values()), default=1)


if __name__ == "__main__":
    sys.exit(main())
