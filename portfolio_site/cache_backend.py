"""The default cache: diskcache's SQLite-backed Django cache, shared by every process of a machine.

Why not Django's file cache: it decides whether to cull on every ``set()`` by listing every
file in its folder, so each store costs more the fuller the cache is (19 ms per ``set`` at
its 20,000-entry cap, against 0.9 ms empty; a paper saved with three authors went from
0.06 s to 0.49 s). diskcache keeps its entries in SQLite (eight shards, WAL, one index on
the expiry and one on the store time): a ``get`` or a ``set`` is an indexed lookup whatever
the number of entries, and culling evicts at most a few of the oldest entries per store
once the size limit is reached.
"""

from diskcache import DjangoCache


class EmbeddedCache(DjangoCache):
    """DjangoCache that keeps its SQLite connections open between requests.

    Django closes every cache at the end of each request (``request_finished``); for this
    backend that would mean reopening eight SQLite files (and replaying their pragmas) on
    the next request. The connections are per thread and reopened after a fork (diskcache
    checks the process id), so keeping them is safe.
    """

    def close(self, **kwargs):
        pass
