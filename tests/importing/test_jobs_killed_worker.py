"""A real database worker killed (SIGKILL) in the middle of an import: the job ends up failed, nothing written.

Everything runs in subprocesses on a throwaway SQLite file (the test database of pytest
is in memory, which another process cannot see): migrate, start a job on a large BibTeX
file, run `manage.py db_worker`, kill it once the job is running, then list the jobs as a
web request would. Slow-ish (about 15 s), so it is the only test of its kind.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from django.contrib.auth import get_user_model
from profiles.jobs.queue import job_start
user = get_user_model().objects.create_user("labadmin", is_superuser=True, is_staff=True)
entries = "".join(
    "@article{k%d, title={Paper number %d on {\\\\'E}tudes}, author={Ann Author and Bo Berg}, year={2020}}\\n" % (i, i)
    for i in range(N_ENTRIES)
)
job = job_start(actor=user, kind="files", files=[("big.bib", entries.encode())])
print(job.pk)
"""

STATUS = """
from profiles.jobs.status import visible_jobs
from django.contrib.auth import get_user_model
from publications.models import Publication
job = visible_jobs(get_user_model().objects.get()).get()
print(job.status, Publication.objects.count(), "|", job.error)
"""


def _env(tmp_path):
    return {
        **os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "VAR_DIR": str(tmp_path / "var"),
        "TASKS_BACKEND": "db", "CACHE_URL": f"file://{tmp_path / 'cache'}", "IMPORT_JOB_STALE_SECONDS": "2",
        "IMPORT_MAX_ROWS": "200000", "DEBUG": "0",
    }  # fmt: skip


def _manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True, **kwargs
    )


def test_killing_the_worker_mid_job_leaves_the_job_failed_and_nothing_written(tmp_path):
    env = _env(tmp_path)
    _manage(env, "migrate", "--noinput", "-v0")
    job_id = _manage(env, "shell", "-v", "0", "-c", SETUP.replace("N_ENTRIES", "20000")).stdout.strip()
    assert job_id.isdigit()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1", "--no-startup-delay"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        check = "from profiles.models import ImportJob; print(ImportJob.objects.get().status)"
        deadline = time.monotonic() + 90
        status = ""
        while time.monotonic() < deadline:
            status = _manage(env, "shell", "-v", "0", "-c", check).stdout.strip()
            if status != "queued":
                break
            time.sleep(0.2)
        assert status == "running", f"the job did not start running in time ({status})"
        time.sleep(1.0)  # well inside the import's transaction
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _manage(env, "shell", "-v", "0", "-c", check).stdout.strip() == "running"  # nobody has looked yet
    time.sleep(3)  # past IMPORT_JOB_STALE_SECONDS
    status, publications, error = (
        _manage(env, "shell", "-v", "0", "-c", STATUS).stdout.strip().replace("|", " | ", 1).split(None, 2)
    )
    assert status == "failed"
    assert publications == "0"  # the import's transaction died with the worker
    assert "the worker stopped" in error
