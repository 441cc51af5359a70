"""What the benchmarks that serve the site share: the production-like environment and a free port.

The benchmarks start gunicorn with DEBUG off and the production settings, minus what needs
HTTPS (a local client speaks plain HTTP), with every file in a temporary folder.
"""

import os
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(tmp, database_url, **extra):
    """The environment of a served benchmark run: production settings over plain HTTP, files under `tmp`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portfolio_site.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": f"{tmp}/static",
        "MEDIA_ROOT": f"{tmp}/media",
        "VAR_DIR": f"{tmp}/var",  # the default cache (VAR_DIR/diskcache) and private files
        "PLAIN_STATIC": "",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def stop(server, timeout=10):
    """Stop a server started with ``start_new_session=True`` (gunicorn and its workers)."""
    import signal
    import subprocess

    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_threads(client, threads):
    """Run `client(i)` in `threads` threads at once; the seconds until the last one ends."""
    import threading
    import time

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.monotonic() - started
