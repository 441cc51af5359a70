"""The background tasks (Django's tasks API through the django-tasks backport; settings.TASKS).

Queued tasks are stored by name: `profiles.tasks` keeps the old name importable.
"""

from django_tasks import task

from profiles.jobs.runner import run_job


@task()
def run_import_job(job_id: int) -> str:
    """Run one import job (profiles.jobs.runner.run_job); the job row holds its progress and report."""
    return run_job(job_id)
