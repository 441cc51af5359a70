"""Personal API tokens: creating and revoking them (profiles.api.authentication checks them).

Only a sha256 of
a token is stored (ApiToken.token_hash), so a leaked database does not leak tokens; the
token itself is shown once, when it is created.

A token has a scope (read: safe methods only; read-write), an optional expiry, and its
last-used time. Only a signed-in session creates tokens (a token cannot mint another),
and changing or resetting a password revokes all of the user's tokens
(`RevokeTokensOnPasswordChange`, hooked in as a password validator so that every path
that sets a password — the site's forms, the admin, `manage.py changepassword` — does it).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from profiles.models import ApiToken

MAX_ACTIVE_TOKENS = 50


# --- Writes (the /me/tokens/ pages and the tokens/ API endpoints call these) --------------


TOKEN_CANNOT_MINT = "Create tokens while signed in on the site (/me/tokens/), not with another token."


def api_token_create(*, actor, name, scope=ApiToken.Scope.READ, expires_in_days=None, via_token=False):
    """Create a token for `actor`; returns (ApiToken, the raw token to show once).

    `scope` is "read" or "read-write"; `expires_in_days` None (or 0) means it never
    expires. `via_token`: the request was authenticated by a token, which may not mint
    tokens (PermissionDenied).
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if via_token:
        raise PermissionDenied(TOKEN_CANNOT_MINT)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the token a name, e.g. “laptop sync script”."
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = "Use at most 100 characters."
    if scope not in ApiToken.Scope.values:
        errors["scope"] = "Choose “read” or “read-write”."
    max_days = settings.API_TOKEN_MAX_DAYS
    if expires_in_days in ("", None):
        expires_in_days = None
    else:
        try:
            expires_in_days = int(expires_in_days)
        except (TypeError, ValueError):
            expires_in_days = -1
        if not 0 <= expires_in_days <= max_days:
            errors["expires_in_days"] = f"Give a number of days from 1 to {max_days}, or leave it empty (never)."
    if errors:
        raise ValidationError(errors)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    with transaction.atomic():
        if ApiToken.objects.active().filter(user=actor).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError({"name": f"You have {MAX_ACTIVE_TOKENS} active tokens; revoke one first."})
        token = ApiToken(user=actor, name=name, scope=scope, expires_at=expires_at)
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


def revoke_all_tokens(user):
    """Revoke every active token of `user`; returns how many were revoked."""
    if getattr(user, "pk", None) is None:
        return 0
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


class RevokeTokensOnPasswordChange:
    """Listed in AUTH_PASSWORD_VALIDATORS for its `password_changed` hook only.

    Django calls `password_changed` on every validator after a user whose password was
    set with `set_password()` is saved: the password change and reset forms, the admin,
    `manage.py changepassword`. A new password means every token of the old one goes.
    """

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None:
            revoke_all_tokens(user)

    def get_help_text(self):
        return "Setting a new password revokes your API tokens."
