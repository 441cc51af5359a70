"""Search the lab's publications: the one search the site, the directory's links and the API use.

The index is kept by the database (migration 0004_publication_search); this module only
queries it, through `connection.vendor`:

* PostgreSQL: full-text search on the trigger-maintained `search_document` tsvector
  (title A > authors B > venue C > abstract D, English stemming, every word also matched as a
  prefix) OR pg_trgm word similarity (`<%`) on the title and the author names, so a partial
  word or a misspelt name still finds the paper. Each branch has its GIN index; PostgreSQL
  combines them with a BitmapOr. Ranked by ts_rank (weighted) plus the trigram similarity.
* SQLite: the FTS5 table `publications_search`, whole words and prefixes (no typos),
  ranked by bm25 with the same weights.
* Anything else: a case-insensitive LIKE over title, venue and author names (unindexed).

`search_publications(qs, text)` returns `qs` narrowed to the matches and annotated with
`search_rank` (higher is better); the caller decides the order (by rank for a search).
"""

import re

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, Value
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
    words = query_words(text)
    if not words:
        return qs.annotate(search_rank=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        return _postgresql(qs, words)
    if connection.vendor == "sqlite":
        return _sqlite(qs, words)
    return _fallback(qs, words)


def _postgresql(qs, words):
    # 'word':* for each word, AND-ed: stemmed by the english config ("pruning" -> prune:*).
    tsquery = " & ".join("'" + w.replace("'", "") + "':*" for w in words)
    phrase = " ".join(words)
    table = qs.model._meta.db_table
    matches = RawSQL(
        f"({table}.search_document @@ to_tsquery('english', %s)"
        f" OR %s <%% {table}.title OR %s <%% {table}.authors_text)",
        (tsquery, phrase, phrase),
        output_field=BooleanField(),
    )
    # ts_rank's weights are {D, C, B, A}.
    rank = RawSQL(
        f"ts_rank('{{0.1, 0.2, 0.5, 1.0}}', {table}.search_document, to_tsquery('english', %s))"
        f" + 0.5 * greatest(word_similarity(%s, {table}.title), word_similarity(%s, {table}.authors_text))",
        (tsquery, phrase, phrase),
        output_field=FloatField(),
    )
    return qs.filter(matches).annotate(search_rank=rank)


def _sqlite(qs, words):
    # "word"* for each word (a prefix), implicitly AND-ed; quotes inside words cannot occur.
    match = " ".join(f'"{w}"*' for w in words)
    table = qs.model._meta.db_table
    ids = RawSQL("SELECT rowid FROM publications_search WHERE publications_search MATCH %s", (match,))
    # bm25 is lower for better matches: negate it so that higher is better everywhere.
    weights = ", ".join(str(w) for w in WEIGHTS)
    rank = RawSQL(
        f"(SELECT -bm25(publications_search, {weights}) FROM publications_search"
        f" WHERE publications_search MATCH %s AND publications_search.rowid = {table}.id)",
        (match,),
        output_field=FloatField(),
    )
    return qs.filter(pk__in=ids).annotate(search_rank=rank)


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
    return qs.order_by(F("search_rank").desc(nulls_last=True), "-year", "-month", "title", "pk")
