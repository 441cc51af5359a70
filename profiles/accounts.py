"""Accounts: login throttling backend, login/logout/password views, invitation acceptance."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' standalone backend, skipped when authenticate() gets no request.

    Every login over HTTP passes the request and is throttled; code paths without one
    (the test client's `login()`, management commands) would otherwise crash.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
