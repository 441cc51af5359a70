"""/accounts/: sign in and out, password reset (rate-limited), accepting an invitation."""

from django.urls import include, path

from profiles.accounts.views import RateLimitedPasswordResetView, accept_invitation

urlpatterns = [
    path("invitation/<str:token>/", accept_invitation, name="invitation_accept"),
    path("password_reset/", RateLimitedPasswordResetView.as_view(), name="password_reset"),
    path("", include("django.contrib.auth.urls")),
]
