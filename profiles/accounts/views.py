"""Account pages: a rate-limited password reset and accepting an invitation."""

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.cache import never_cache

from profiles import mail, services
from profiles.accounts.forms import InvitationAcceptForm
from profiles.accounts.throttling import client_ip, over_limit

log = logging.getLogger(__name__)


# --- Password reset ---------------------------------------------------------------------
# Rate-limited per address and per client address, and the same work whatever the address:
# one lookup, one token, one rendered email and one queued mail task either way (see
# RateLimitedPasswordResetView._messages); a worker talks to the mail server, not the request.


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        request = self.request
        email = form.cleaned_data["email"]
        window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
        address_key = "pwreset:email:" + hashlib.sha256(email.strip().casefold().encode()).hexdigest()
        # Count both before deciding, so a flood from one IP also uses up its addresses.
        ip_over = over_limit(f"pwreset:ip:{client_ip(request)}", settings.PASSWORD_RESET_PER_IP, window)
        address_over = over_limit(address_key, settings.PASSWORD_RESET_PER_EMAIL, window)
        if ip_over or address_over:
            form.add_error(
                None,
                "Too many password-reset requests. Wait an hour and try again, or ask a lab admin for help.",
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        for message in self._messages(form, email):
            mail.enqueue(message)
        return redirect(self.get_success_url())

    def _messages(self, form, email):
        """The reset emails to queue for `email`: one per active user with it, or a stand-in.

        For an unknown address the stand-in is rendered for a user-shaped object and queued
        like a real message but with no recipient (profiles.mail.send_email drops it): the
        same lookup, token, rendering and one task row of the same size either way, so the
        answer time does not tell known addresses from unknown ones, and nothing is mailed.
        """
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
            to = [getattr(user, user.get_email_field_name()) or email] if real else []
            built.append(EmailMultiAlternatives(subject, body, self.from_email, to))
        return built


# --- Views ------------------------------------------------------------------------------
# Login, logout, password change and reset-confirm are Django's own views
# (django.contrib.auth.urls) with our templates in templates/registration/; the reset
# request (above) and accepting an invitation are ours.


# Like Django's password reset confirm view: the link in the e-mail carries the token; its
# first visit keeps the token in the session and redirects to the same address with
# ACCEPT_URL_TOKEN in its place, so the form page has no secret in its URL and needs no
# `Referrer-Policy: no-referrer` (with which Chromium posts the form with `Origin: null`,
# and Django's CSRF check refuses it).
INVITATION_SESSION_KEY = "_invitation_token"
ACCEPT_URL_TOKEN = "accept"


@never_cache
def accept_invitation(request, token):
    if token == ACCEPT_URL_TOKEN:
        token = request.session.get(INVITATION_SESSION_KEY, "")
    elif request.method == "GET":
        if services.invitation_for_token(token) is None:
            return render(request, "registration/invitation_invalid.html", status=404)
        request.session[INVITATION_SESSION_KEY] = token
        response = redirect(request.path.replace(f"/{token}/", f"/{ACCEPT_URL_TOKEN}/"))
        response["Referrer-Policy"] = "no-referrer"  # this response's URL still holds the token
        return response
    invitation = services.invitation_for_token(token) if token else None
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
            request.session.pop(INVITATION_SESSION_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome! You can now edit {invitation.profile.full_name}'s profile.")
            return redirect("me:dashboard")
    context = {"form": form, "invitation": invitation}
    return render(request, "registration/invitation_accept.html", context)
