import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _mail_sent_inside_the_request(settings):
    """Account mail is a task (profiles/mail.py); here it runs at once, so mail.outbox has it.
    Tests of the queue itself set settings.TASKS = DATABASE."""
    settings.TASKS = IMMEDIATE
