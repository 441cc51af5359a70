"""Accounts: login throttling backend, login/logout/password views, invitation acceptance."""

from axes.backends import AxesStandaloneBackend
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import include, path
from django.views.decorators.cache import never_cache

from . import services
from .forms import InvitationAcceptForm


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' standalone backend, skipped when authenticate() gets no request.

    Every login over HTTP passes the request and is throttled; code paths without one
    (the test client's `login()`, management commands) would otherwise crash.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


# --- Views ------------------------------------------------------------------------------
# Login, logout, password change and reset are Django's own views (django.contrib.auth.urls)
# with our templates in templates/registration/; only accepting an invitation is ours.




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
    path("", include("django.contrib.auth.urls")),
]
