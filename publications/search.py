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
    One more query (EXISTS on the GIN index) decides.
    """
    # 'word':* for each word, AND-ed: stemmed by the english config ("pruning" -> prune:*).
    tsquery = " & ".join("'" + w.replace("'", "") + "':*" for w in words)
    table = qs.model._meta.db_table
    full_text = qs.filter(
        RawSQL(f"{table}.search_document @@ to_tsquery('english', %s)", (tsquery,), output_field=BooleanField())
    )
    if full_text.exists():
        # ts_rank's weights are {D, C, B, A}.
        rank = RawSQL(
            f"ts_rank('{{0.1, 0.2, 0.5, 1.0}}', {table}.search_document, to_tsquery('english', %s))",
            (tsquery,),
            output_field=FloatField(),
        )
        return full_text.annotate(search_rank=rank)
    # Each word (of three letters or more) close to a word of the title or of an author's
    # name: the GIN bitmaps of the words are AND-ed before any row is read.
    words = [w for w in words if len(w) >= 3]
    if not words:
        return qs.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    similarity = []
    for word in words:
        close = f"(%s <%% {table}.title OR %s <%% {table}.authors_text)"
        qs = qs.filter(RawSQL(close, (word, word), output_field=BooleanField()))
        similarity.append(
            RawSQL(
                f"greatest(word_similarity(%s, {table}.title), word_similarity(%s, {table}.authors_text))",
                (word, word),
                output_field=FloatField(),
            )
        )
    return qs.annotate(search_rank=sum(similarity[1:], start=similarity[0]))


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
    from .models import Authorship

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

    On SQLite the index is kept by row triggers, which rebuild a paper's index row for
    every author row inserted (migration 0005_search_index_deferred_on_sqlite): as costly
    as the import itself. Inside this block they only note which papers changed; on
    leaving it those papers' rows are rebuilt in two statements and the catalogue version
    (the facets' cache key) is replaced once. Must be used inside `transaction.atomic()`:
    the marker row lives and dies with the transaction, so no other writer ever sees it.
    A block left by an exception, or in a transaction marked for rollback (a dry run),
    rebuilds nothing: the rollback undoes the marker with everything else.
    Other databases: nothing to do (PostgreSQL's author triggers run once per statement).
    """
    if connection.vendor != "sqlite" or not connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM publications_search_deferred")
        if cursor.fetchone():  # an enclosing block rebuilds at its end
            yield
            return
        cursor.execute("INSERT INTO publications_search_deferred (id) VALUES (1)")
    yield
    if transaction.get_rollback():
        return
    with connection.cursor() as cursor:
        for statement in _FLUSH:
            cursor.execute(statement)


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
