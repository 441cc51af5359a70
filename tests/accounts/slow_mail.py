"""An email backend that takes 0.5 s per message, like a slow SMTP server (test helper)."""

import time

from django.core.mail.backends.locmem import EmailBackend


class SlowBackend(EmailBackend):
    def send_messages(self, messages):
        time.sleep(0.5 * len(messages))
        return super().send_messages(messages)
