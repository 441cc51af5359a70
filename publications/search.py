"""Search the lab's publications: the one search /publications/, the API and its exports use.

The index is kept by the database (migration 0004_publication_search); this module only
queries it, through `connection.vendor`:

* PostgreSQL: full-text search on the trigger-maintained `search_document` tsvector
  (title A > authors B > venue C > abstract D, English stemming, every word also matched as a
  prefix), ranked by weighted ts_rank. When full text finds nothing, pg_trgm word similarity
  (`<%`) on the title and the author names, so a misspelt name, another spelling or a piece
  from the middle of a word still finds the paper, ranked by that similarity. Each has its
  GIN index.
* SQLite: the FTS5 table `publications_search`, whole words and prefixes (no typos),
  ranked by bm25 with the same weights.
* Anything else: a case-insensitive LIKE over title, venue and author names (unindexed).

`search_publications(qs, text)` returns `qs` narrowed to the matches and annotated with
`search_rank` (higher is better); the caller decides the order (by rank for a search).
On PostgreSQL a search that matches more than MAX_RANKED papers keeps the newest
MAX_RANKED of them (ranking them all cost more than the page), and `match_count(qs)`
says how many it found ("1,000+"), so the page needs no COUNT(*) of its own.
"""

import re
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import BooleanField, FloatField, Q, Value
from django.db.models.expressions import RawSQL

# Words of any script (letters, digits); everything else, including the query syntax of
# FTS5 and tsquery, is dropped, so no input can be a syntax error.
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8
# A search that matches more papers than this ranks the newest this many (PostgreSQL).
MAX_RANKED = 1000
# The list's order (publications.selectors.LIST_ORDER; the index publications_list_order).
NEWEST_FIRST = ("-year", "-month", "title", "pk")
# Weights of (title, authors, venue, abstract): the order the issue asks for.
WEIGHTS = (10.0, 5.0, 2.0, 1.0)


def query_words(text):
    """The words of a search, at most MAX_WORDS, as typed (no syntax is passed through)."""
    return _WORD.findall(text or "")[:MAX_WORDS]


def search_publications(qs, text):
    """`qs` narrowed to the papers matching every word of `text`, annotated with `search_rank`."""
    words = query_words(text)
    if not words:
        return qs.annotate(search_rank=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        return _postgresql(qs, words)
    if connection.vendor == "sqlite":
        return _sqlite(qs, words)
    return _fallback(qs, words)


def _postgresql(qs, words):
    """Full-text first; trigram similarity only when full text finds nothing.

    Word similarity is costly per row (it cannot be ranked from the index), so computing it
    for the thousands of papers a common word matches would cost more than the search: a
    typo, a mid-word piece or another spelling are exactly the searches full text misses.
    One query counts the full-text matches (up to MAX_RANKED + 1, from the GIN index) and
    decides; see `_at_most_ranked` for searches that match more than MAX_RANKED papers.
    """
    # 'word':* for each word, AND-ed: stemmed by the english config ("pruning" -> prune:*).
    tsquery = " & ".join("'" + w.replace("'", "") + "':*" for w in words)
    table = qs.model._meta.db_table
    full_text = qs.filter(
        RawSQL(f"{table}.search_document @@ to_tsquery('english', %s)", (tsquery,), output_field=BooleanField())
    )
    found = _count_up_to(full_text, MAX_RANKED + 1)
    if found:
        # ts_rank's weights are {D, C, B, A}.
        rank = RawSQL(
            f"ts_rank('{{0.1, 0.2, 0.5, 1.0}}', {table}.search_document, to_tsquery('english', %s))",
            (tsquery,),
            output_field=FloatField(),
        )
        return _at_most_ranked(qs, full_text, found, rank)
    # Each word (of three letters or more) close to a word of the title or of an author's
    # name: the GIN bitmaps of the words are AND-ed before any row is read.
    words = [w for w in words if len(w) >= 3]
    if not words:
        return _counted(qs.none().annotate(search_rank=Value(0.0, output_field=FloatField())), 0)
    close = qs
    similarity = []
    for word in words:
        condition = f"(%s <%% {table}.title OR %s <%% {table}.authors_text)"
        close = close.filter(RawSQL(condition, (word, word), output_field=BooleanField()))
        similarity.append(
            RawSQL(
                f"greatest(word_similarity(%s, {table}.title), word_similarity(%s, {table}.authors_text))",
                (word, word),
                output_field=FloatField(),
            )
        )
    found = _count_up_to(close, MAX_RANKED + 1)
    return _at_most_ranked(qs, close, found, sum(similarity[1:], start=similarity[0]))


def _count_up_to(qs, limit):
    """How many rows `qs` has, counting no further than `limit` (one query)."""
    return qs.order_by().values("pk")[:limit].count()


def _at_most_ranked(qs, matches, found, rank):
    """`matches` annotated with `rank`; when there are more than MAX_RANKED, the newest MAX_RANKED.

    Ranking reads every matching row, and a common word ("learning") matches tens of
    thousands of papers: ranking them all to show fifty cost 150 ms at 200,000 papers. So
    such a search ranks the newest MAX_RANKED matches (in the list's order, which the
    index publications_list_order gives without reading the others) and says it found
    "1,000+" (`match_count`): more words narrow it down.
    """
    if found > MAX_RANKED:
        # As SQL of its own: a subquery of the ORM would rename the table, and the search's
        # conditions (which name it) would then refer to the outer query's row.
        newest = matches.order_by(*NEWEST_FIRST).values("pk")[:MAX_RANKED]
        sql, params = newest.query.sql_with_params()
        matches = qs.filter(pk__in=RawSQL(sql, params))
    return _counted(matches.annotate(search_rank=rank), found)


def _counted(qs, found):
    # Query.clone() copies the query's attributes: the count follows every later
    # order_by(), filter() or prefetch of this queryset.
    qs.query.search_found = found
    return qs


def match_count(qs):
    """(number of papers a search found, whether there are more), or None when unknown.

    Known on PostgreSQL (counted up to MAX_RANKED + 1 to choose the plan); the number is
    then at most MAX_RANKED, with `True` when the search matched more ("1,000+").
    """
    found = getattr(qs.query, "search_found", None)
    if found is None:
        return None
    return min(found, MAX_RANKED), found > MAX_RANKED


def _sqlite(qs, words):
    # "word"* for each word (a prefix), implicitly AND-ed; quotes inside words cannot occur.
    match = " ".join(f'"{w}"*' for w in words)
    table = qs.model._meta.db_table
    weights = ", ".join(str(w) for w in WEIGHTS)
    # A join, so that FTS5 evaluates the MATCH once and bm25 comes with each row it yields
    # (a correlated sub-select per paper ran the MATCH again for each: 25 s for 7,000 hits).
    # bm25 is lower for better matches: negated so that higher is better everywhere.
    return qs.extra(
        tables=["publications_search"],
        where=[f"publications_search.rowid = {table}.id", "publications_search MATCH %s"],
        params=[match],
        select={"search_rank": f"-bm25(publications_search, {weights})"},
    )


def _fallback(qs, words):
    from publications.models import Authorship

    for word in words:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(venue__icontains=word)
            | Q(venue_short__icontains=word)
            | Q(pk__in=Authorship.objects.filter(name__icontains=word).values("publication_id"))
        )
    return qs.annotate(search_rank=Value(0.0, output_field=FloatField()))


def by_rank(qs):
    """Best match first, then newest."""
    return qs.order_by("-search_rank", "-year", "-month", "title", "pk")


# --------------------------------------------------------------------------- bulk writes


@contextmanager
def index_deferred():
    """Inside a bulk import's transaction: the index is brought up to date once, at the end.

    The index is kept by triggers, which re-index a paper for every author row the bulk
    import inserts (one INSERT per row): as costly as the import itself. Inside this block
    they only note which papers changed; on leaving it those papers are re-indexed at once
    and the catalogue version (the facets' cache key) is replaced once.

    * SQLite (migration 0005_search_index_deferred_on_sqlite): a marker row switches the
      triggers; two statements rebuild the papers' FTS5 rows.
    * PostgreSQL (migration 0008_search_index_deferred_on_postgresql): the transaction-local
      setting `publications.search_deferred` switches them; one UPDATE recomputes each
      noted paper's author string and tsvector once.

    Must be used inside `transaction.atomic()`: the switch lives and dies with the
    transaction (or the savepoint), so no other writer ever sees it. A block left by an
    exception, or in a transaction marked for rollback (a dry run), re-indexes nothing:
    the rollback undoes the switch with everything else.
    """
    if connection.vendor not in ("sqlite", "postgresql") or not connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT current_setting('publications.search_deferred', true) = 'on'")
            if cursor.fetchone()[0]:  # an enclosing block re-indexes at its end
                yield
                return
            cursor.execute("SELECT set_config('publications.search_deferred', 'on', true)")
            flush = _PG_FLUSH
        else:
            cursor.execute("SELECT 1 FROM publications_search_deferred")
            if cursor.fetchone():  # an enclosing block rebuilds at its end
                yield
                return
            cursor.execute("INSERT INTO publications_search_deferred (id) VALUES (1)")
            flush = _FLUSH
    yield
    if transaction.get_rollback():
        return
    with connection.cursor() as cursor:
        for statement in flush:
            cursor.execute(statement)


_PG_FLUSH = [
    "SELECT set_config('publications.search_deferred', 'off', true)",
    # The BEFORE UPDATE trigger computes each paper's author string and tsvector, once; the
    # statement trigger replaces the catalogue version.
    "UPDATE publications_publication SET id = id WHERE id IN (SELECT id FROM publications_search_dirty)",
    "DELETE FROM publications_search_dirty",
]

_FLUSH = [
    "DELETE FROM publications_search WHERE rowid IN (SELECT id FROM publications_search_dirty)",
    "INSERT INTO publications_search (rowid, title, authors, venue, abstract) SELECT p.id, p.title, "
    "coalesce((SELECT group_concat(name, ', ') FROM (SELECT a.name FROM publications_authorship a "
    "WHERE a.publication_id = p.id ORDER BY a.position)), ''), p.venue || ' ' || p.venue_short, p.abstract "
    "FROM publications_publication p WHERE p.id IN (SELECT id FROM publications_search_dirty)",
    "DELETE FROM publications_search_dirty",
    "DELETE FROM publications_search_deferred",
    "INSERT INTO publications_catalogueversion (id, value) VALUES (1, random()) "
    "ON CONFLICT (id) DO UPDATE SET value = excluded.value",
]
