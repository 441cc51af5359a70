"""Accounts: login throttling backend, the client address behind proxies, a rate-limited
password reset, invitation acceptance.
"""

import hashlib
import ipaddress
import logging
import threading

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import include, path, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.cache import never_cache

from . import services
from .forms import InvitationAcceptForm

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


# --- Password reset ---------------------------------------------------------------------
# Rate-limited per address and per client address, and the same work whatever the address:
# one lookup, one token and one rendered email either way; only handing the message to the
# mail server differs, and that happens in a background thread after the response.

_pending_sends = []


def _over_limit(key, limit, window):
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


def _send_later(message):
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


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        request = self.request
        email = form.cleaned_data["email"]
        window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
        address_key = "pwreset:email:" + hashlib.sha256(email.strip().casefold().encode()).hexdigest()
        # Count both before deciding, so a flood from one IP also uses up its addresses.
        ip_over = _over_limit(f"pwreset:ip:{client_ip(request)}", settings.PASSWORD_RESET_PER_IP, window)
        address_over = _over_limit(address_key, settings.PASSWORD_RESET_PER_EMAIL, window)
        if ip_over or address_over:
            form.add_error(
                None,
                "Too many password-reset requests. Wait an hour and try again, or ask a lab admin for help.",
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        for message in self._messages(form, email):
            _send_later(message)
        return redirect(self.get_success_url())

    def _messages(self, form, email):
        """The reset emails for `email`: one per active user with it, or one that is thrown away."""
        users = list(form.get_users(email))
        site = get_current_site(self.request)
        real = bool(users)
        if not real:
            # Stand-in with the same shape as a real user: same token and render work.
            user_model = get_user_model()
            users = [user_model(pk=0, username="unknown", email=email, password=user_model().password)]
        built = []
        for user in users:
            context = {
                "email": email,
                "domain": site.domain,
                "site_name": site.name,
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "user": user,
                "token": default_token_generator.make_token(user),
                "protocol": "https" if self.request.is_secure() else "http",
                **(self.extra_email_context or {}),
            }
            subject = "".join(loader.render_to_string(self.subject_template_name, context).splitlines())
            body = loader.render_to_string(self.email_template_name, context)
            to = getattr(user, user.get_email_field_name()) or email
            built.append(EmailMultiAlternatives(subject, body, self.from_email, [to]))
        return built if real else []


# --- Views ------------------------------------------------------------------------------
# Login, logout, password change and reset-confirm are Django's own views
# (django.contrib.auth.urls) with our templates in templates/registration/; the reset
# request (above) and accepting an invitation are ours.


@never_cache
def accept_invitation(request, token):
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "registration/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        return render(request, "registration/invitation_invalid.html", {"logged_in": True}, status=400)
    form = InvitationAcceptForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token, username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
            )
        except PermissionDenied:
            return render(request, "registration/invitation_invalid.html", status=404)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome! You can now edit {invitation.profile.full_name}'s profile.")
            return redirect("me:dashboard")
    context = {"form": form, "invitation": invitation}
    response = render(request, "registration/invitation_accept.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    return response


urlpatterns = [
    path("invitation/<str:token>/", accept_invitation, name="invitation_accept"),
    path("password_reset/", RateLimitedPasswordResetView.as_view(), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
