"""Account mail (password reset) sent from a background thread, so that the answer takes the same time
whatever the address."""

import logging
import threading

log = logging.getLogger(__name__)

_pending_sends = []


def send_later(message):
    def send():
        try:
            message.send()
        except Exception:  # a mail server problem must not surface as anything else
            log.exception("Could not send a password-reset email")

    thread = threading.Thread(target=send, name="password-reset-mail", daemon=True)
    thread.start()
    _pending_sends.append(thread)
    del _pending_sends[:-50]


def wait_for_reset_emails(timeout=10):
    """Wait for the background sends (tests, and a clean shutdown)."""
    while _pending_sends:
        _pending_sends.pop().join(timeout)
