"""Import jobs on RQ with Redis (TASKS_BACKEND=rq): enqueued to Redis, run by an RQ worker.

Skipped when no Redis answers at TASKS_URL (default redis://127.0.0.1:6379); .ci/run starts
one and runs this file. The worker runs in-process (rq's SimpleWorker, no fork) so it sees
the test's database transaction.
"""

import os
import uuid
from urllib.parse import urlparse

import pytest
import redis

from profiles.jobs import queue
from profiles.models import Education, Profile
from tests.profiles.formats.test_cvdoc_command import CV

pytestmark = pytest.mark.django_db

# Database 13 of the Redis at TASKS_URL: out of the way of the cache tests (15) and of a dev server (0).
QUEUE = f"import-jobs-test-{uuid.uuid4().hex[:12]}"
URL = urlparse(os.environ.get("TASKS_URL", "redis://127.0.0.1:6379/0"))._replace(path="/13").geturl()


def _redis_up():
    try:
        return redis.Redis.from_url(URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def rq_backend(settings, tmp_path, monkeypatch):
    if not _redis_up():
        pytest.skip(f"Redis not reachable at {URL} (CI runs this file against its local Redis)")
    from profiles.jobs import tasks  # imported (its @task checked) under the default settings

    # A queue of this test's own: parallel test processes sharing the Redis never run each other's jobs.
    settings.RQ_QUEUES = {name: {"URL": URL, "DEFAULT_TIMEOUT": 600} for name in ("default", QUEUE)}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [QUEUE]}}
    monkeypatch.setattr(tasks, "run_import_job", tasks.run_import_job.using(queue_name=QUEUE))
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rq"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    import django_rq

    yield
    django_rq.get_queue(QUEUE).empty()


def _work():
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    worker = django_rq.get_worker(QUEUE, job_class=Job, worker_class=SimpleWorker)
    worker.work(burst=True)


def test_a_job_goes_through_redis_and_an_rq_worker(alice, rq_backend):
    from django_tasks import default_task_backend

    me = Profile.objects.get(user=alice)
    job = queue.job_start(actor=alice, kind="cv", files=[("cv.md", CV.encode())], profile=me)
    assert job.status == "queued"
    assert not Education.objects.exists()
    _work()
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert Education.objects.filter(profile=me).count() == 1
    assert default_task_backend.get_result(job.task_id).status == "SUCCESSFUL"


def test_a_failing_job_on_rq_writes_nothing(alice, rq_backend, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("profiles.imports.documents._finish", boom)
    job = queue.job_start(
        actor=alice, kind="cv", files=[("cv.md", CV.encode())], profile=Profile.objects.get(user=alice)
    )
    _work()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "disk on fire" in job.error
    assert not Education.objects.exists()
