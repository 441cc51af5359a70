"""Finding 2, end to end: gunicorn with two worker processes and the default cache.

An item made private, then the profile unpublished, through one worker (the API) must
vanish for anonymous visitors on every worker at once. With a per-process cache (the
old locmem default) the other worker kept serving the stored page.
"""

import concurrent.futures
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Secret plan for the grant"

SETUP = f"""
from django.contrib.auth.models import Group, User
from profiles.services.tokens import api_token_create
from profiles.models import Lab, NewsItem, Profile
from profiles.permissions import LAB_ADMIN_GROUP
Lab.objects.get_or_create(name="Systems Lab")
admin = User.objects.create_user("boss", "boss@example.org", "x-unused-passphrase-1", is_staff=True)
admin.groups.add(Group.objects.get_or_create(name=LAB_ADMIN_GROUP)[0])
profile = Profile.objects.create(full_name="Dana Worker", slug="dana-worker", published=True)
item = NewsItem.objects.create(profile=profile, body="{SECRET}", date="2025-01", position=1, visibility="public")
_, raw = api_token_create(actor=admin, name="test", scope="read-write")
print("RESULT", raw, item.pk)
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, token=None, method="GET", body=None):
    request = urllib.request.Request(url, method=method, headers={"Connection": "close"})
    if token:
        request.add_header("Authorization", f"Token {token}")
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture
def gunicorn(tmp_path):
    pytest.importorskip("gunicorn")
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "CACHE_URL"}}
    if os.environ.get("CACHE_URL", "").startswith(("redis", "rediss", "unix")):
        env["CACHE_URL"] = os.environ["CACHE_URL"]  # the CI's Redis run: shared as well
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        SECURE_SSL_REDIRECT="0",
        PLAIN_STATIC="1",
        API_ANON_RATE="100000/min",
        API_USER_RATE="100000/min",
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    out = subprocess.run(
        [*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, timeout=300, capture_output=True, text=True
    ).stdout
    token, item_id = re.search(r"RESULT (\S+) (\d+)", out).groups()
    port = free_port()
    log = tmp_path / "access.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portfolio_site.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", str(log), "--access-logformat", "%(p)s %(r)s %(s)s"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if get(base + "/people/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("gunicorn did not start")
        yield base, token, int(item_id), log
    finally:
        server.terminate()
        server.wait(timeout=30)


def workers_serving(log, path):
    pids = set()
    for line in log.read_text().splitlines():
        pid, _, rest = line.partition(" ")
        if f" {path} " in rest:
            pids.add(pid)
    return pids


def test_private_and_unpublished_vanish_on_every_worker(gunicorn):
    base, token, item_id, log = gunicorn
    page = "/people/dana-worker/"
    # Both workers render and store the page (each request is a new connection).
    for n in range(60):
        status, body, _ = get(base + page)
        assert status == 200
        assert SECRET in body
        if len(workers_serving(log, page)) == 2 and n >= 10:
            break
    # Cached answers are fast enough for one worker to take every sequential connection:
    # concurrent requests make the other worker accept some too.
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(50):
            if len(workers_serving(log, page)) == 2:
                break
            for status, body, _ in pool.map(lambda _i: get(base + page), range(16)):
                assert status == 200
                assert SECRET in body
    assert len(workers_serving(log, page)) == 2, "both workers must have served the page"
    assert get(base + page)[2].get("X-Page-Cache") == "hit"

    # Through the API (one of the workers), the item becomes private ...
    status, body, _ = get(
        f"{base}/api/v1/profiles/dana-worker/news/{item_id}/", token, "PATCH", {"visibility": "private"}
    )
    assert status == 200, body
    for _ in range(30):
        status, body, _ = get(base + page)
        assert status == 200
        assert SECRET not in body

    # ... then the profile is unpublished: not found everywhere, at once.
    status, body, _ = get(f"{base}/api/v1/profiles/dana-worker/", token, "PATCH", {"published": False})
    assert status == 200, body
    for _ in range(30):
        assert get(base + page)[0] == 404
    assert len(workers_serving(log, page)) == 2
