"""Account mail goes through the tasks backend (profiles/mail.py): queued by the request,
sent by a worker with a timeout, retried later with a growing delay, given up with a log line."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from profiles.mail import retry_delay, send_email
from profiles.models import Lab
from tests.accounts.conftest import DATABASE
from tests.editing.conftest import login

pytestmark = pytest.mark.django_db

TASK = "profiles.mail.send_email"
PARTS = {"subject": "Hello", "body": "Text", "from_email": "lab@example.org", "to": ["ada@example.org"]}


@pytest.fixture
def queued(settings):
    """The database backend, as in production: tasks wait for a worker."""
    settings.TASKS = DATABASE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def rows():
        return [
            row.args_kwargs["kwargs"] for row in DBTaskResult.objects.filter(task_path=TASK).order_by("enqueued_at")
        ]

    return rows


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)


def test_a_reset_email_is_queued_not_sent_in_the_request(alice, queued):
    assert Client().post("/accounts/password_reset/", {"email": alice.email}).status_code == 302
    assert mail.outbox == []
    [parts] = queued()
    assert parts["to"] == [alice.email]
    assert "/accounts/reset/" in parts["body"]


def test_an_unknown_address_queues_a_stand_in_of_the_same_size_without_recipient(alice, queued):
    Client().post("/accounts/password_reset/", {"email": alice.email})
    Client().post("/accounts/password_reset/", {"email": "nobody@example.org"})
    known, unknown = queued()
    assert unknown["to"] == []
    assert abs(len(unknown["body"]) - len(known["body"])) < 40
    assert send_email.call(**unknown) == "no recipient"
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)  # the worker runs its own transactions, as in production
def test_the_worker_sends_the_queued_reset_email(alice, queued):
    Client().post("/accounts/password_reset/", {"email": alice.email})
    assert mail.outbox == []
    run_worker()
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert DBTaskResult.objects.get(task_path=TASK).status == "SUCCESSFUL"


def test_the_task_sends_html_too_with_the_configured_timeout(settings):
    from tests.accounts.failing_mail import TimeoutRecordingBackend

    settings.EMAIL_BACKEND = "tests.accounts.failing_mail.TimeoutRecordingBackend"
    settings.EMAIL_TIMEOUT = 7
    TimeoutRecordingBackend.timeouts.clear()
    assert send_email.call(**PARTS, html="<p>Text</p>") == "sent"
    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.from_email, sent.to) == ("Hello", "Text", "lab@example.org", PARTS["to"])
    assert sent.alternatives[0][0] == "<p>Text</p>"
    assert TimeoutRecordingBackend.timeouts == [7]


def test_a_failing_mail_server_is_retried_later_with_a_growing_delay_then_given_up(queued, settings, caplog):
    settings.EMAIL_BACKEND = "tests.accounts.failing_mail.DownBackend"
    settings.MAIL_MAX_ATTEMPTS = 3
    caplog.set_level(logging.WARNING, logger="profiles.mail")
    parts, delays = dict(PARTS), []
    for attempt in (1, 2):
        before = timezone.now()
        assert send_email.call(**parts) == "retrying"
        row = DBTaskResult.objects.filter(task_path=TASK).latest("enqueued_at")
        delays.append(row.run_after - before)
        parts = row.args_kwargs["kwargs"]
        assert parts["attempt"] == attempt + 1
    assert [round(d / timedelta(minutes=1)) for d in delays] == [2, 4]
    assert send_email.call(**parts) == "gave up"
    assert len(queued()) == 2  # no fourth attempt queued
    assert "Gave up sending the email 'Hello' to ada@example.org after 3 attempt(s)" in caplog.text
    assert mail.outbox == []


def test_the_retry_delay_doubles():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (2, 4, 8, 16)]


def test_a_backend_that_cannot_defer_gives_up_at_once_with_a_log_line(settings, caplog):
    settings.EMAIL_BACKEND = "tests.accounts.failing_mail.DownBackend"  # the immediate backend (conftest)
    caplog.set_level(logging.ERROR, logger="profiles.mail")
    assert send_email.call(**PARTS) == "gave up"
    assert "after 1 attempt(s): SMTPConnectError" in caplog.text


def test_the_invitation_mail_goes_through_the_same_task_names_the_lab_and_its_sender(
    admin, queued, settings, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "office@lab.example.org"
    Lab.objects.create(name="Turing Lab")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin).post("/me/lab/invite/", {"email": "new@example.org", "full_name": "Nova"})
    assert response.status_code == 302
    assert mail.outbox == []
    [parts] = queued()
    assert parts["to"] == ["new@example.org"]
    assert parts["from_email"] == "office@lab.example.org"
    assert parts["subject"].startswith("Turing Lab: ")
    assert "the site of Turing Lab" in parts["body"]
    assert send_email.call(**parts) == "sent"
    assert mail.outbox[0].to == ["new@example.org"]
