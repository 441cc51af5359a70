"""Whole-page cache of the public site, for anonymous visitors only.

A rendered page is stored under its host, path and query string plus the site's
*generation*: a value kept in the cache backend itself (by default a file-based cache
that every worker process of the machine shares; Redis across machines), replaced by the
signals below whenever anything that a page shows is saved or deleted. Replacing it makes
every stored page unreachable at once, so an edit shows at the next request in every
process; the stale entries simply expire (PAGE_CACHE_SECONDS).

The generation is replaced twice per write: at once (post_save/post_delete), and again
after the transaction commits (transaction.on_commit). The second one matters: a request
that read the old rows while the write was still uncommitted may have stored its page
under the first new generation; after the commit that page is unreachable, so nobody is
served a page that still shows an item that has just been made private or unpublished.
A new generation is a fresh unique value (clock + random), never a counter: with a cache
whose increments are not atomic across processes (the file cache), two workers bumping
at once can never bring back an earlier generation.

A page that used a CSP nonce is not stored (the nonce is per response).

Logged-in users are never served a cached page and never store one: what they see may
include members-only or private items.
"""

import hashlib
import secrets
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

GENERATION_KEY = "public-site:generation"
PAGE_KEY_PREFIX = "public-site:page"


def _new_generation():
    return f"{time.time_ns():x}-{secrets.token_hex(4)}"


def generation():
    gen = cache.get(GENERATION_KEY)
    if gen is None:
        # Evicted or never set: a fresh value, so no page stored earlier is reachable.
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        gen = cache.get(GENERATION_KEY)
    return gen


def _replace_generation():
    cache.set(GENERATION_KEY, _new_generation(), timeout=None)


def bump_generation(**kwargs):
    """Make every stored page unreachable, now and again once the current transaction commits."""
    _replace_generation()
    transaction.on_commit(_replace_generation, robust=True)


def page_key(request):
    raw = f"{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"{PAGE_KEY_PREFIX}:{generation()}:{digest}"


def _cacheable(request):
    return request.method in ("GET", "HEAD") and not request.user.is_authenticated


def cache_public_page(view):
    """Serve `view` from the page cache to anonymous visitors (see the module docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ["Cookie"])
            return response
        key = page_key(request)
        stored = cache.get(key)
        if stored is not None:
            content, content_type, headers = stored
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers.items():
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not getattr(request, "_page_cache_skip", False)
            and getattr(request, "_csp_nonce", None) is None
        ):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            headers = {
                name: response[name]
                for name in ("Content-Disposition", "X-Robots-Tag", "Content-Language")
                if response.has_header(name)
            }
            cache.set(key, (response.content, response["Content-Type"], headers), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


def _watched_models():
    from publications.models import Authorship, Publication

    from . import models as m
    from . import sections

    # Every profile section comes from the section registry; the rest is what pages show besides.
    return [m.Lab, m.Profile, *sections.content_models(), Publication, Authorship]


def connect_signals():
    """Bump the generation on every save/delete of what the public pages show (idempotent)."""
    from .models import Project

    for model in _watched_models():
        uid = f"page-cache:{model._meta.label}"
        post_save.connect(bump_generation, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(bump_generation, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
    m2m_changed.connect(
        bump_generation,
        sender=Project.related_publications.through,
        dispatch_uid="page-cache:project-publications",
        weak=False,
    )


connect_signals()
