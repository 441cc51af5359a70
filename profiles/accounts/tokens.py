"""/me/tokens/: a signed-in user lists, creates (named, scoped, optionally expiring) and
revokes their API tokens. Only a session reaches these pages: a token never mints a token.

The token itself is shown once, on the page right after creating it (it is rendered,
not redirected to, so it never sits in a URL or the session).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from profiles.models import ApiToken
from profiles.services.tokens import api_token_create, api_token_revoke, tokens_of


@never_cache
@login_required
def token_list(request):
    created = raw = None
    errors = {}
    name, scope, expires = "", ApiToken.Scope.READ, ""
    if request.method == "POST":
        name = request.POST.get("name", "")
        scope = request.POST.get("scope", ApiToken.Scope.READ)
        expires = request.POST.get("expires_in_days", "").strip()
        try:
            created, raw = api_token_create(actor=request.user, name=name, scope=scope, expires_in_days=expires)
            name, scope, expires = "", ApiToken.Scope.READ, ""
        except ValidationError as exc:
            errors = {field: " ".join(messages_) for field, messages_ in exc.message_dict.items()}
    context = {
        "tokens": tokens_of(request.user),
        "created": created,
        "raw_token": raw,
        "error": errors.get("name", ""),
        "errors": errors,
        "name": name,
        "scope": scope,
        "scopes": ApiToken.Scope.choices,
        "expires_in_days": expires,
        "max_days": settings.API_TOKEN_MAX_DAYS,
    }
    return render(request, "me/tokens.html", context, status=400 if errors else 200)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(tokens_of(request.user), pk=pk)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Revoked the token “{token.name}”.")
    return redirect("tokens:list")


app_name = "tokens"
urlpatterns = [
    path("", token_list, name="list"),
    path("<int:pk>/revoke/", token_revoke, name="revoke"),
]
