"""Email backends for the mail-task tests: one whose server is down, one that records its timeout."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class DownBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


class TimeoutRecordingBackend(EmailBackend):
    timeouts = []

    def __init__(self, *args, timeout=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.timeouts.append(timeout)
