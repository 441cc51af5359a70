"""Account mail (password resets, invitations) sent by a task on the tasks backend (settings.TASKS).

A message is queued as its parts (subject, bodies, sender, recipients: JSON only), so a
restart of the web server loses nothing and a worker sends it. A send that fails (the mail
server down or slow past EMAIL_TIMEOUT) is queued again 2, 4, 8… minutes later, up to
MAIL_MAX_ATTEMPTS attempts; then the task logs that it gave up.

The task lives here, among the helpers, rather than in profiles.accounts: the invitations
(profiles.services) send mail too, and services may not import an interface package.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)


def parts_of(message):
    """The JSON-serialisable parts of an EmailMessage, as `send_email` takes them."""
    html = next((content for content, kind in getattr(message, "alternatives", []) if kind == "text/html"), "")
    return {
        "subject": message.subject,
        "body": message.body,
        "html": html,
        "from_email": message.from_email,
        "to": list(message.to),
    }


def enqueue(message):
    """Queue `message` (an EmailMessage) for `send_email`; returns the task result."""
    return send_email.enqueue(**parts_of(message))


@task()
def send_email(*, subject: str, body: str, from_email: str, to: list, html: str = "", attempt: int = 1) -> str:
    """Send one message; on failure queue the next attempt (or give up after MAIL_MAX_ATTEMPTS).

    A message without recipients is the password-reset stand-in for an unknown address
    (profiles.accounts.views): it was queued only so that the request took the same time.
    """
    if not to:
        return "no recipient"
    parts = {"subject": subject, "body": body, "html": html, "from_email": from_email, "to": to}
    try:
        _build(parts).send()
    except Exception as error:  # any mail-server trouble: retry later, never lose the message silently
        return _retry_or_give_up(parts, attempt, error)
    return "sent"


def _build(parts):
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    message = EmailMultiAlternatives(
        parts["subject"], parts["body"], parts["from_email"], parts["to"], connection=connection
    )
    if parts["html"]:
        message.attach_alternative(parts["html"], "text/html")
    return message


def retry_delay(attempt):
    """How long to wait after failed attempt number `attempt` (1, 2, …): 2, 4, 8… minutes."""
    return timedelta(minutes=2**attempt)


def _retry_or_give_up(parts, attempt, error):
    backend = send_email.get_backend()
    if attempt >= settings.MAIL_MAX_ATTEMPTS or not backend.supports_defer:
        log.error(
            "Gave up sending the email %r to %s after %d attempt(s): %s: %s",
            parts["subject"],
            ", ".join(parts["to"]),
            attempt,
            type(error).__name__,
            error,
        )
        return "gave up"
    delay = retry_delay(attempt)
    send_email.using(run_after=timezone.now() + delay).enqueue(**parts, attempt=attempt + 1)
    log.warning(
        "Could not send the email %r (attempt %d of %d): %s; trying again in %s",
        parts["subject"],
        attempt,
        settings.MAIL_MAX_ATTEMPTS,
        error,
        delay,
    )
    return "retrying"
