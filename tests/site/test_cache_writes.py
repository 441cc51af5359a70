"""A write's cost must not grow with the cache (issue: "speed that does not decay with use").

The cache here is the default backend (diskcache) wrapped to count its calls. A write
inside a transaction replaces the versions it touches once, on commit, in one set_many,
whatever the number of rows saved and whatever the cache already holds.
"""

import pytest

from portfolio_site.cache_backend import EmbeddedCache
from profiles import services
from profiles.models import NewsItem
from publications import services as publication_services
from tests import factories as f

CALLS = []
WRITES = {"set", "set_many", "add", "delete", "delete_many", "incr", "touch", "clear"}


class CountingCache(EmbeddedCache):
    """The default backend, noting each call of the Django cache API it receives."""

    depth = 0  # Django's set_many calls set: count the outer call only

    def _count(name):
        def method(self, *args, **kwargs):
            if not CountingCache.depth:
                CALLS.append(name)
            CountingCache.depth += 1
            try:
                return getattr(EmbeddedCache, name)(self, *args, **kwargs)
            finally:
                CountingCache.depth -= 1

        method.__name__ = name
        return method

    for _name in ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "incr", "touch", "clear"):
        locals()[_name] = _count(_name)
    del _name, _count


@pytest.fixture
def counted_cache(settings, tmp_path):
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": f"{__name__}.CountingCache", "LOCATION": str(tmp_path / "cache")}}
    caches["default"]  # a fresh backend for the new settings
    CALLS.clear()
    yield CALLS
    CALLS.clear()


def _fill(entries):
    from django.core.cache import cache

    cache.set_many({f"filler:{i}": "x" * 200 for i in range(entries)}, timeout=None)


def _paper_with_authors(actor, profile, n_authors):
    authors = [{"name": profile.full_name, "is_self": True}]
    authors += [{"name": f"Coauthor {i}"} for i in range(1, n_authors)]
    return publication_services.publication_create(
        actor=actor, profile=profile, values={"title": "Serving at scale", "year": 2026}, authors=authors
    )


def _cache_calls_of(write, django_capture_on_commit_callbacks):
    CALLS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        write()
    return list(CALLS)


@pytest.mark.parametrize("entries", [0, 3_000])
def test_a_paper_and_its_eleven_authors_are_one_version_write(
    counted_cache, alice, entries, django_capture_on_commit_callbacks
):
    profile = alice.profile
    _fill(entries)
    calls = _cache_calls_of(lambda: _paper_with_authors(alice, profile, 11), django_capture_on_commit_callbacks)
    writes = [c for c in calls if c in WRITES]
    assert writes == ["set_many"], calls  # one replacement of every touched version, on commit


def test_the_cost_of_a_save_does_not_depend_on_what_the_cache_holds(
    counted_cache, alice, django_capture_on_commit_callbacks
):
    profile = alice.profile

    def add_news():
        services.section_item_create(actor=alice, profile=profile, model=NewsItem, values={"body": "Paper accepted."})

    empty = _cache_calls_of(add_news, django_capture_on_commit_callbacks)
    _fill(3_000)
    full = _cache_calls_of(add_news, django_capture_on_commit_callbacks)
    assert empty == full
    assert [c for c in full if c in WRITES] == ["set_many"]


def test_a_transaction_sees_its_own_writes_before_it_commits(counted_cache, lab, client):
    from django.db import transaction

    profile = f.ProfileFactory(headline="Before")
    url = profile.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    with transaction.atomic():
        profile.headline = "After"
        profile.save()
        page = client.get(url)
        assert page["X-Page-Cache"] == "miss"
        assert "After" in page.content.decode()


def test_a_rolled_back_transaction_leaves_the_versions_alone(counted_cache, lab, client):
    from django.db import transaction

    profile = f.ProfileFactory(headline="Kept")
    url = profile.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    seen_inside = []

    def write_then_fail():
        with transaction.atomic():
            profile.headline = "Never saved"
            profile.save()
            seen_inside.append(client.get(url)["X-Page-Cache"])  # the transaction sees its own write
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert seen_inside == ["miss"]
    page = client.get(url)
    assert "Kept" in page.content.decode()
    assert page["X-Page-Cache"] == "hit"  # the rollback did not cost the cached page
