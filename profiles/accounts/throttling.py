"""Who is asking: the client address behind trusted proxies, and the login throttle (django-axes) keyed by it."""

import ipaddress
import logging

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's address, for login throttling (AXES_CLIENT_IP_CALLABLE) and reset limits.

    With TRUSTED_PROXY_COUNT = 0 (the default: the app faces clients directly) it is
    REMOTE_ADDR and X-Forwarded-For is ignored: anyone can send that header. With N > 0
    reverse proxies in front, each appends the address it got the request from to
    X-Forwarded-For, so the N-th entry from the right was written by our outermost proxy
    and is the client; entries further left came from the client and are not trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if len(entries) >= count:
            found = _valid_ip(entries[-count])
            if found:
                return found
        log.warning("TRUSTED_PROXY_COUNT=%s but X-Forwarded-For has %s entries", count, len(entries))
    # None when there is no valid address (a test client, a misconfigured server): axes
    # stores NULL, where a made-up value would not fit PostgreSQL's inet column.
    return _valid_ip(remote)


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' standalone backend, skipped when authenticate() gets no request.

    Every login over HTTP passes the request and is throttled; code paths without one
    (the test client's `login()`, management commands) would otherwise crash.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def over_limit(key, limit, window):
    """Count one more request under `key`; True once `limit` is exceeded within `window`."""
    if limit <= 0:
        return False
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr, or a cache that keeps nothing
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
