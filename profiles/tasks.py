"""The background tasks (Django's tasks API through the django-tasks backport; settings.TASKS)."""

from django_tasks import task

from . import jobs


@task()
def run_import_job(job_id: int) -> str:
    """Run one import job (profiles.jobs.run_job); the job row holds its progress and report."""
    return jobs.run_job(job_id)
