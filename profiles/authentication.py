"""Personal API tokens: creating, revoking, and authenticating REST API requests with them.

A request carries `Authorization: Token <token>` (or `Bearer <token>`). Only a sha256 of
a token is stored (ApiToken.token_hash), so a leaked database does not leak tokens; the
token itself is shown once, when it is created.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken, hash_token

KEYWORDS = (b"token", b"bearer")
# last_used_at is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 50


# --- Writes (the /me/tokens/ pages and the tokens/ API endpoints call these) --------------


def api_token_create(*, actor, name):
    """Create a token for `actor`; returns (ApiToken, the raw token to show once)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. “laptop sync script”."})
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationError({"name": "Use at most 100 characters."})
    with transaction.atomic():
        if ApiToken.objects.active().filter(user=actor).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError({"name": f"You have {MAX_ACTIVE_TOKENS} active tokens; revoke one first."})
        token = ApiToken(user=actor, name=name)
        raw = token.set_new_token()
        token.save()
    return token, raw


def api_token_revoke(*, actor, token):
    """Revoke one of `actor`'s tokens (revoking twice is harmless)."""
    if token.user_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def tokens_of(user):
    return ApiToken.objects.filter(user=user)


# --- Authentication -----------------------------------------------------------------------


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """DRF authentication by a personal token in the Authorization header."""

    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header: use `Token <token>`.")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token header.") from None
        token = ApiToken.objects.active().select_related("user").filter(token_hash=hash_token(raw)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to requests without credentials.
        return f'{self.keyword} realm="api"'
