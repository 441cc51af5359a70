"""Template helpers of the editing pages (/me/)."""

from django import template
from django.urls import reverse

register = template.Library()


def _me_reverse(slug, name, args):
    if slug:
        return reverse(f"me:profile_{name}", args=[slug, *args])
    return reverse(f"me:{name}", args=list(args))


@register.simple_tag(takes_context=True)
def me_url(context, name, *args):
    """An editing URL for the profile being edited: /me/... or /me/profiles/<slug>/..."""
    return _me_reverse(context.get("edit_slug"), name, args)


@register.simple_tag(takes_context=True)
def me_url_args(context, name, args, *more):
    return _me_reverse(context.get("edit_slug"), name, [*args, *more])


@register.filter
def avatar_url(profile, size=192):
    """`{{ profile|avatar_url:96 }}`: square avatar thumbnail URL (see Profile.avatar_url)."""
    return profile.avatar_url(size) if profile else ""
