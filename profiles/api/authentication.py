"""API authentication by a personal token: `Authorization: Token <token>` (or `Bearer <token>`).

Only a sha256 of a token is stored (ApiToken.token_hash); the scope (read: safe methods only)
and the expiry are enforced here, for every request of both apps' APIs (settings.REST_FRAMEWORK).
Tokens are created and revoked by profiles.services.tokens.
"""

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS

from profiles.models import ApiToken, hash_token

KEYWORDS = (b"token", b"bearer")


# last_used_at is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


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
        token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
        if token is None or token.revoked_at is not None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        if token.is_expired:
            raise exceptions.AuthenticationFailed("This token has expired; create a new one at /me/tokens/.")
        if token.scope != ApiToken.Scope.READ_WRITE and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied("This token is read-only; create a read-write token to make changes.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to requests without credentials.
        return f'{self.keyword} realm="api"'
