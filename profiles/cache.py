"""Cache of the public site: whole pages for anonymous visitors, and rendered fragments.

**Versions.** Every stored page or fragment is keyed by the *versions* of the things it
shows. A version is a value kept in the cache backend itself (by default a file-based
cache that every worker process of the machine shares; Redis across machines) and
replaced by the signals below when a row it covers is saved or deleted; the stale
entries simply become unreachable and expire (PAGE_CACHE_SECONDS). The scopes are:

- `site`: everything (the lab's name is on every page; a profile renamed in its URL or
  unpublished changes the author links of every paper it wrote; bulk writes that bypass
  the signals call `bump_generation()`);
- `profile:<slug>`: the pages of one person (profile, CV, statements, publications list),
  replaced when the profile or any item of any section of it changes, or a paper it is
  an author of (or that one of its items names) changes;
- `publication:<slug, citation key or pk>`: one paper's pages and its rendered entry,
  replaced when the paper or its authors change;
- `lists`: the lab-wide lists (home, /people/, /publications/, sitemaps), replaced by
  a change of a profile, a news item, a statement or a paper.

A page's scopes follow from its URL arguments (`slug` → that profile, `key` → that
paper, neither → the lists), always with `site`. So an edit of one profile leaves every
other profile's cached pages where they are.

**One replacement per transaction**: a write inside a transaction (every service and
import is one) only notes the scopes it touches; the transaction's own later reads see
new versions at once, and on commit (transaction.on_commit) all of them are replaced in
one `set_many`, whatever the number of rows saved. A request elsewhere that read the old
rows while the write was still uncommitted may have stored its page under the old
version; after the commit that page is unreachable, so nobody is served a page that
still shows an item that has just been made private or unpublished. A write outside a
transaction (autocommit) replaces its scopes at once.
A new version is a fresh unique value (clock + random), never a counter: with a cache
whose increments are not atomic across processes (the file cache), two workers bumping
at once can never bring back an earlier version.

A page that used a CSP nonce is not stored (the nonce is per response).

**Bodies.** The profile page, the CV and a page of /publications/ also keep their *body*
(the blocks a page template fills: title, meta, head, content; base.html draws the rest,
the header and footer that depend on who is signed in) under the same scopes' versions,
the viewer's *visibility level* and everything else the body shows (host and path for
the canonical link, language, the query string). Logged-in users use them too: every
viewer of one level sees the same body (anonymous visitors and signed-in non-members
`public`, members `members`, the owner and lab admins `all`), and a level is part of
the key, so a body rendered for the owner is never served to a visitor.

Logged-in users are never served a cached whole page and never store one: what they see may
include members-only or private items. Rendered *fragments* (a publication entry) are
shared by everyone, logged in or not, because what they show does not depend on who
looks: publications have no visibility of their own, and the author links they contain
only depend on whether a profile is published (a `site` change).
"""

import hashlib
import secrets
import threading
import time
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_init, post_save, pre_delete, pre_save
from django.http import HttpResponse
from django.template.context import make_context
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

VERSION_KEY_PREFIX = "public-site:version"
PAGE_KEY_PREFIX = "public-site:page"
FRAGMENT_KEY_PREFIX = "public-site:fragment"
BODY_KEY_PREFIX = "public-site:body"
SITE = "site"
LISTS = "lists"
# Kept for callers of the old single-generation API (the site-wide scope).
GENERATION_KEY = f"{VERSION_KEY_PREFIX}:{SITE}"


def cache_key(*parts):
    """A key of the shared cache: its parts joined by ":" (scopes, versions, jobs' live state)."""
    return ":".join(str(part) for part in parts)


def profile_scope(slug):
    return cache_key("profile", slug)


def publication_scope(key):
    return cache_key("publication", key)


def _version_key(scope):
    return cache_key(VERSION_KEY_PREFIX, scope)


def _new_version():
    return f"{time.time_ns():x}-{secrets.token_hex(4)}"


def versions(scopes):
    """The current version of each scope (one cache round trip when all are set).

    Inside a transaction that has replaced some scopes, those come from the transaction's
    own pending versions (see `bump`): its own reads see its writes at once.
    """
    pending = _pending()
    overlay = pending.overlay() if pending is not None else {}
    if any(s in overlay for s in scopes):
        others = [s for s in scopes if s not in overlay]
        read = dict(zip(others, versions_stored(others), strict=True)) if others else {}
        return [overlay.get(s) or read[s] for s in scopes]
    return versions_stored(scopes)


def versions_stored(scopes):
    """The versions of `scopes` as the cache holds them (what every other process sees)."""
    keys = [_version_key(s) for s in scopes]
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    for key in missing:
        # Evicted or never set: a fresh value, so nothing stored earlier is reachable.
        cache.add(key, _new_version(), timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return [found.get(k) or _new_version() for k in keys]


def generation():
    """The site-wide version (changes whenever everything is invalidated)."""
    return versions([SITE])[0]


def _replace(scopes):
    cache.set_many({_version_key(s): _new_version() for s in scopes}, timeout=None)


class _PendingVersions:
    """The scopes one transaction has replaced, not yet in the cache (see `bump`).

    Each bump queues a `_Bump` (the transaction's on_commit callbacks); the first of them to
    run, at commit, replaces every scope of the transaction in one `set_many`, the others
    find nothing left to do. A savepoint rolled back drops its bumps from the queue, so the
    transaction's own reads stop seeing the versions it set.
    """

    def __init__(self, connection):
        self.connection = connection
        self.scopes = set()

    def queued(self):
        """The bumps of this transaction still queued, oldest first."""
        return [func for _, func, _ in self.connection.run_on_commit if getattr(func, "pending", None) is self]

    def overlay(self):
        versions = {}
        for queued in self.queued():
            versions.update(queued.versions)
        return versions

    def flush(self):
        if getattr(self.connection, "_page_cache_pending", None) is self:
            self.connection._page_cache_pending = None
        scopes, self.scopes = sorted(self.scopes), set()
        if scopes:
            # Fresh values, not the pending ones: whatever was stored under those during the
            # transaction may have been read from rows as they were before its last writes.
            _replace(scopes)


class _Bump:
    """One bump inside a transaction: its scopes' new versions, and the callback run on commit."""

    def __init__(self, pending, scopes):
        self.pending = pending
        self.versions = {scope: _new_version() for scope in scopes}

    def __call__(self):
        self.pending.flush()


def _pending(connection=None):
    """The current transaction's pending versions, or None (outside a transaction, or after a rollback).

    A rollback drops the transaction's on_commit callbacks without a word; a pending set whose
    callbacks are no longer queued belongs to a transaction that is gone, and is forgotten.
    """
    connection = connection or transaction.get_connection()
    pending = getattr(connection, "_page_cache_pending", None)
    if pending is None or not connection.in_atomic_block:
        return None
    if not pending.queued():
        connection._page_cache_pending = None
        return None
    return pending


def bump(*scopes):
    """Invalidate `scopes`: at once outside a transaction, else once, when the transaction commits.

    Inside a transaction the new versions are kept with the transaction (its own later reads
    use them) and written to the cache in one `set_many` on commit, so a paper saved with its
    eleven authors costs one cache write, not twenty-four, whatever the cache holds. Other
    processes keep the old versions until the commit, which is right: until then they cannot
    see the new rows either, and whatever they store meanwhile under the old versions is
    unreachable after it.
    """
    scopes = sorted(set(scopes))
    if not scopes:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _replace(scopes)
        return
    pending = _pending(connection) or _PendingVersions(connection)
    connection._page_cache_pending = pending
    pending.scopes.update(scopes)
    # A fresh version at every bump (a page this transaction rendered between two of its
    # writes must not survive the second), queued as its own callback (a list append).
    transaction.on_commit(_Bump(pending, scopes), robust=True)


def bump_generation(**kwargs):
    """Make every stored page and fragment unreachable (writes that bypass the signals)."""
    bump(SITE)


_bulk = threading.local()


def _in_bulk_run():
    return getattr(_bulk, "depth", 0) > 0


@contextmanager
def bulk_run():
    """Inside: no per-row invalidation; on leaving, the whole site's versions are replaced once.

    A bulk import (import_profiles, an admin upload, a job) saves thousands of rows; working
    out and replacing each row's scopes costs a few queries and two cache writes per row,
    more than the row itself. Such a run invalidates everything once instead (now and again
    when its transaction commits, through `bump`), as the bulk inserts of papers always did.
    """
    _bulk.depth = getattr(_bulk, "depth", 0) + 1
    try:
        yield
    finally:
        _bulk.depth -= 1
        if not _bulk.depth:
            bump(SITE)


# --------------------------------------------------------------------------- pages


def scopes_for(kwargs):
    """The scopes a page depends on, from its URL arguments (see the module docstring)."""
    if "slug" in kwargs:
        return [SITE, profile_scope(kwargs["slug"])]
    if "key" in kwargs:
        return [SITE, publication_scope(kwargs["key"])]
    return [SITE, LISTS]


def page_key(request, scopes=None):
    scopes = scopes or getattr(request, "_page_cache_scopes", None) or [SITE, LISTS]
    raw = "|".join([request.get_host(), request.get_full_path(), *scopes, *versions(scopes)])
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"{PAGE_KEY_PREFIX}:{digest}"


def _cacheable(request):
    return settings.PAGE_CACHE and request.method in ("GET", "HEAD") and not request.user.is_authenticated


def cache_public_page(view):
    """Serve `view` from the page cache to anonymous visitors (see the module docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, ["Cookie"])
            return response
        match = getattr(request, "resolver_match", None)
        request._page_cache_scopes = scopes_for({**(match.kwargs if match else {}), **kwargs})
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


# --------------------------------------------------------------------------- fragments


def fragment_keys(kind, items, variant=""):
    """{item: cache key} for fragments of `kind` rendered from `items` (publications).

    The key holds the site version and each item's own `publication:<pk>` version, read
    in one round trip for the whole list. Keys are hashed (memcached-safe lengths).
    """
    scopes = [SITE, *(publication_scope(item.pk) for item in items)]
    site, *own = versions(scopes)
    # The row's own updated_at too: a row written in bulk (no signal) never meets a fragment
    # of an earlier row that had its primary key.
    return {
        item: f"{FRAGMENT_KEY_PREFIX}:{kind}:{item.pk}:"
        + hashlib.sha256(f"{item.__dict__.get('updated_at', '')}|{variant}|{site}|{version}".encode()).hexdigest()[:32]
        for item, version in zip(items, own, strict=True)
    }


def block_key(scope, ids, variant=""):
    """Key of a block of entries (a whole list) kept under `scope`'s version.

    `scope` must be replaced by every change of every item in the block: a profile's
    scope for its publications, `lists` for the lab's list.
    """
    site, version = versions([SITE, scope])
    raw = f"{scope}|{variant}|{site}|{version}|{','.join(map(str, ids))}"
    return f"{FRAGMENT_KEY_PREFIX}:block:{hashlib.sha256(raw.encode()).hexdigest()}"


def get_fragments(keys):
    return cache.get_many(keys) if keys else {}


def set_fragments(rendered):
    if rendered:
        cache.set_many(rendered, settings.PAGE_CACHE_SECONDS)


# --------------------------------------------------------------------------- bodies

# The blocks of a page template that make its body (see the module docstring).
BODY_BLOCKS = ("title", "meta", "head", "body_class", "content")
BODY_TEMPLATE = "_partials/page_body.html"


def level_name(levels):
    """A visibility level list (permissions.levels_for) as a key part: all, public, members …"""
    return "all" if levels is None else "+".join(sorted(str(level) for level in levels))


def body_key(request, kind, scopes, variant=""):
    """Key of the body of page `kind` as shown at `request`'s address, under `scopes`' versions.

    `variant` must name whatever else changes the body (the viewer's level, the query).
    """
    raw = "|".join(
        [
            kind,
            variant,
            request.scheme,
            request.get_host(),
            request.path,
            get_language() or "",
            *scopes,
            *versions(scopes),
        ]
    )
    return f"{BODY_KEY_PREFIX}:{kind}:{hashlib.sha256(raw.encode()).hexdigest()}"


def render_body(request, template_name, context):
    """{block name: HTML} of the BODY_BLOCKS that `template_name` (which extends base.html) fills."""
    template = get_template(template_name).template
    extends = template.nodelist.get_nodes_by_type(ExtendsNode)[0]
    ctx = make_context(context, request)
    with ctx.bind_template(template):
        return {name: node.render(ctx) for name, node in extends.blocks.items() if name in BODY_BLOCKS}


def stored_body(key):
    """The body stored under `key` (body_key) ready to place in BODY_TEMPLATE, or None."""
    body = cache.get(key)
    return None if body is None else {name: mark_safe(html) for name, html in body.items()}


def cached_body(request, kind, scopes, variant, template_name, build_context):
    """The body of a page: from the cache, or rendered from `build_context()` and stored.

    One round trip for the versions and one for the body when it is stored; on a miss the
    page's own reads run (`build_context`), and the result is stored unless it used a CSP
    nonce (per response).
    """
    key = body_key(request, kind, scopes, variant)
    body = stored_body(key)
    if body is None:
        body = render_body(request, template_name, build_context())  # node.render() returns SafeStrings
        if getattr(request, "_csp_nonce", None) is None:
            cache.set(key, body, settings.PAGE_CACHE_SECONDS)
    return body


# --------------------------------------------------------------------------- what a write touches


def _profile_slugs(q):
    from profiles.models import Profile

    return list(Profile.objects.filter(q).values_list("slug", flat=True))


def _publication_scopes(publication_ids):
    """The pages of these papers and of every profile that shows one of them."""
    from profiles.models import PressItem, Project, Talk
    from publications.models import Authorship, Publication

    ids = [i for i in publication_ids if i is not None]
    if not ids:
        return set()
    scopes = {LISTS}
    for pk, slug, key in Publication.objects.filter(pk__in=ids).values_list("pk", "slug", "citation_key"):
        scopes.update(publication_scope(v) for v in (pk, slug, key) if v)
    scopes.update(publication_scope(pk) for pk in ids)
    shown_by = (
        Q(pk__in=Authorship.objects.filter(publication_id__in=ids).values("profile_id"))
        | Q(pk__in=Talk.objects.filter(publication_id__in=ids).values("profile_id"))
        | Q(pk__in=PressItem.objects.filter(publication_id__in=ids).values("profile_id"))
        | Q(pk__in=Project.objects.filter(related_publications__in=ids).values("profile_id"))
    )
    scopes.update(profile_scope(slug) for slug in _profile_slugs(shown_by))
    return scopes


def _item_scopes(instance):
    """The scopes of a section item: its profile's pages (and the lists for news/statements)."""
    from profiles import sections
    from profiles.models import NewsItem, Statement

    model = type(instance)
    q = Q(pk__in=[])
    for path in sections.profile_paths(model):
        q |= Q(pk__in=model._default_manager.filter(pk=instance.pk).values(path))
    scopes = {profile_scope(slug) for slug in _profile_slugs(q)}
    if not scopes:
        return {SITE}  # whose page it was cannot be told: never leave a stale page
    if isinstance(instance, NewsItem | Statement):
        scopes.add(LISTS)
    # A talk or a press item links a paper by title; the paper's own page does not change.
    return scopes


def _remember_profile_address(sender, instance, **kwargs):
    # What the row said when it was read (never a query: deferred fields stay unread).
    instance._cache_address = (instance.__dict__.get("slug"), instance.__dict__.get("published"))


def _remember_publication_address(sender, instance, **kwargs):
    instance._cache_address = (instance.__dict__.get("slug"), instance.__dict__.get("citation_key"))


_REMEMBER = {}


def _scopes_of_write(sender, instance, deleting=False, created=False):
    from profiles.models import Lab, Profile
    from publications.models import Authorship, Publication

    if isinstance(instance, Lab):
        return {SITE}
    if isinstance(instance, Profile):
        old_slug, old_published = getattr(instance, "_cache_address", (None, None))
        if created:  # no paper links to it yet: the directory and its own pages
            return {LISTS, profile_scope(instance.slug)}
        if (
            deleting
            or (old_slug is not None and old_slug != instance.slug)
            or (old_published is not None and old_published != instance.published)
        ):
            # Its author links on every paper (and so on co-authors' pages) change.
            return {SITE}
        return {LISTS, profile_scope(instance.slug)}
    if isinstance(instance, Publication):
        scopes = _publication_scopes([instance.pk])
        old_slug, old_key = getattr(instance, "_cache_address", (None, None))
        scopes.update(publication_scope(v) for v in (old_slug, old_key, instance.slug, instance.citation_key) if v)
        return scopes | {LISTS, publication_scope(instance.pk)}
    if isinstance(instance, Authorship):
        scopes = _publication_scopes([instance.publication_id])
        # The member it was linked to before this save (a claim, an unlink) loses the paper.
        linked = {instance.profile_id, getattr(instance, "_cache_previous_profile_id", None)} - {None}
        if linked:
            scopes.update(profile_scope(slug) for slug in _profile_slugs(Q(pk__in=linked)))
        return scopes | {LISTS, publication_scope(instance.publication_id)}
    return _item_scopes(instance)


def _remember_authorship_link(sender, instance, **kwargs):
    # One query per authorship update (writes are rare next to reads): who had the paper.
    if instance.pk and not kwargs.get("raw"):
        instance._cache_previous_profile_id = (
            type(instance).objects.filter(pk=instance.pk).values_list("profile_id", flat=True).first()
        )


def _on_save(sender, instance, **kwargs):
    if _in_bulk_run():  # bulk_run() replaces the site's version once, at its end
        return
    if kwargs.get("raw"):
        bump(SITE)  # fixtures: rows may not be complete yet
        return
    bump(*_scopes_of_write(sender, instance, created=kwargs.get("created", False)))
    remember = _REMEMBER.get(sender)
    if remember is not None:  # the saved row is the new baseline
        remember(sender, instance)


def _on_delete(sender, instance, **kwargs):
    # pre_delete: the rows that say whose page this was still exist.
    if _in_bulk_run():
        return
    bump(*_scopes_of_write(sender, instance, deleting=True))


def _on_related_publications(sender, instance, action, pk_set=None, **kwargs):
    if not action.startswith("post_") or _in_bulk_run():
        return
    from profiles.models import Project

    if isinstance(instance, Project):
        bump(*_item_scopes(instance))
    else:  # changed from the publication's side
        bump(*_publication_scopes([instance.pk]), publication_scope(instance.pk))


def _watched_models():
    from profiles import models as m
    from profiles import sections
    from publications.models import Authorship, Publication

    # Every profile section comes from the section registry; the rest is what pages show besides.
    return [m.Lab, m.Profile, *sections.content_models(), Publication, Authorship]


def connect_signals():
    """Replace the versions of what a save/delete changes on the public pages (idempotent)."""
    from profiles.models import Profile, Project
    from publications.models import Authorship, Publication

    for model in _watched_models():
        uid = f"page-cache:{model._meta.label}"
        post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        pre_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
    _REMEMBER.update({Profile: _remember_profile_address, Publication: _remember_publication_address})
    pre_save.connect(
        _remember_authorship_link, sender=Authorship, dispatch_uid="page-cache:authorship-link", weak=False
    )
    post_init.connect(_remember_profile_address, sender=Profile, dispatch_uid="page-cache:profile-init", weak=False)
    post_init.connect(
        _remember_publication_address, sender=Publication, dispatch_uid="page-cache:publication-init", weak=False
    )
    m2m_changed.connect(
        _on_related_publications,
        sender=Project.related_publications.through,
        dispatch_uid="page-cache:project-publications",
        weak=False,
    )


connect_signals()
