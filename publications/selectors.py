"""Reads of the lab's publications: the list with its filters (the site and the API use
the same one), one paper, the latest papers, and the author lines they show.

Every read fetches authors with one extra query (a prefetch of only the columns an
author line needs), whatever the number of papers.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from publications import search
from publications.models import Authorship, Publication

LATEST_ON_HOME = 6

# Only the columns an author line needs from a linked member (not their whole bio).
AUTHOR_PROFILE_FIELDS = ("profile__slug", "profile__published", "profile__full_name")


def authorships_prefetch():
    return Prefetch(
        "authorships",
        queryset=Authorship.objects.select_related("profile")
        .only(
            "publication_id",
            "position",
            "name",
            "equal_contribution",
            "corresponding",
            "selected",
            "profile_id",
            *AUTHOR_PROFILE_FIELDS,
        )
        .order_by("position"),
    )


def publications_with_authors():
    return Publication.objects.prefetch_related(authorships_prefetch())


@dataclass
class PublicationFilters:
    """The list's filters, read from a query string (?q= or ?search=, ?type=, ?year=, ?member=)."""

    q: str = ""
    kind: str = ""
    year: int | None = None
    member: str = ""

    @classmethod
    def from_query(cls, params):
        kind = params.get("type", "").strip()
        year = params.get("year", "").strip()
        q = params.get("q", "").strip() or params.get("search", "").strip()
        return cls(
            q=q[:200],
            kind=kind if kind in Publication.Kind.values else "",
            year=int(year) if year.isdigit() and len(year) == 4 else None,
            member=params.get("member", "").strip()[:80],
        )

    @property
    def active(self):
        return bool(self.q or self.kind or self.year or self.member)


# The list's order when there is no search (the index publications_list_order follows it).
LIST_ORDER = ("-year", "-month", "title", "pk")


def filtered_publications(filters):
    """Publications matching `filters`, with their authors (a queryset).

    Newest first; with a search, best match first (publications.search).
    """
    qs = publications_with_authors()
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.member:
        qs = qs.filter(
            pk__in=Authorship.objects.filter(profile__slug=filters.member, profile__published=True).values(
                "publication_id"
            )
        )
    if filters.q:
        return search.by_rank(search.search_publications(qs, filters.q))
    return qs.order_by(*LIST_ORDER)


def publication_list(filters):
    """Every publication matching `filters`, with their authors: 2 queries (exports)."""
    return list(filtered_publications(filters))


# --------------------------------------------------------------------------- facets
#
# The filter form's choices with their counts (papers per year and kind, members with
# their number of papers) scan every paper and author row: about a second at 200,000
# papers and a million author rows. They are computed once per *catalogue stamp* instead:
# the value in the one-row table publications_catalogueversion (migration
# 0004_publication_search), which database triggers replace after every write to
# publications or authors (the bulk import's too), with the newest Profile.updated_at (a
# member renamed or unpublished). The counts are stored under that stamp in the table
# publications_cataloguefacets (one row, replaced), so that reading the stamp and the counts is one
# query, whether or not a cache is configured. The first request after a change pays for
# the count (and writes the new row).


MEMBER_CHOICES = 100  # at most this many members in the list's member filter (Facets.member_choices)


@dataclass
class Facets:
    counts: dict  # (year, kind) -> number of papers
    members: list  # [(slug, full name, number of papers)] of published members, by name
    _top_members: list = field(default=None, repr=False, compare=False)  # member_choices, worked out once

    @property
    def total(self):
        return sum(self.counts.values())

    def member_choices(self, selected=""):
        """(choices, hidden): the members the list's filter offers, by name, and how many it leaves out.

        A lab's few dozen members are all offered; past MEMBER_CHOICES (a department of
        thousands, where a menu of every name is neither usable nor cheap: 5,000 options
        were 100 ms of every uncached list and 300 KB of its HTML) the members with the
        most papers are, plus the one selected. Anyone's papers stay one link away, on
        their profile, and `?member=<slug>` filters by any member.
        """
        if len(self.members) <= MEMBER_CHOICES:
            return self.members, 0
        if self._top_members is None:
            top = sorted(self.members, key=lambda row: (-row[2], row[1].casefold(), row[0]))[:MEMBER_CHOICES]
            self._top_members = sorted(top, key=lambda row: (row[1].casefold(), row[0]))
        choices = self._top_members
        if selected and all(slug != selected for slug, _name, _n in choices):
            chosen = [row for row in self.members if row[0] == selected]
            choices = sorted(chosen + choices, key=lambda row: (row[1].casefold(), row[0]))
        return choices, len(self.members) - len(choices)

    @property
    def years(self):
        """[(year, n)] newest first (undated papers are not a choice)."""
        by_year = {}
        for (year, _kind), n in self.counts.items():
            if year is not None:
                by_year[year] = by_year.get(year, 0) + n
        return sorted(by_year.items(), reverse=True)

    @property
    def kinds(self):
        """[(value, label, n)] in the order of Publication.Kind (kinds with papers only)."""
        by_kind = {}
        for (_year, kind), n in self.counts.items():
            by_kind[kind] = by_kind.get(kind, 0) + n
        return [(value, label, by_kind[value]) for value, label in Publication.Kind.choices if by_kind.get(value)]

    def count(self, filters):
        """The number of papers matching `filters`, when the facets know it (else None)."""
        if filters.q or filters.member:
            return None
        return sum(
            n for (year, kind), n in self.counts.items()
            if (not filters.year or year == filters.year) and (not filters.kind or kind == filters.kind)
        )  # fmt: skip


def _stamp_sql():
    from profiles.models import Profile

    return (
        "COALESCE(CAST((SELECT value FROM publications_catalogueversion WHERE id = 1) AS text), '')"
        f" || '|' || COALESCE(CAST((SELECT max(updated_at) FROM {Profile._meta.db_table}) AS text), '')"
    )


def catalogue_version():
    """A string that changes whenever the facets may have changed: 1 query."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_stamp_sql()}")
        (stamp,) = cursor.fetchone()
    return hashlib.sha256(stamp.encode()).hexdigest()[:32]


def _compute_facets():
    counts = {
        (year, kind): n
        for year, kind, n in Publication.objects.order_by().values_list("year", "kind").annotate(n=Count("pk"))
    }
    members = list(
        Authorship.objects.filter(profile__published=True)
        .order_by()
        .values_list("profile__slug", "profile__full_name")
        .annotate(n=Count("pk"))
    )
    members.sort(key=lambda row: (row[1].casefold(), row[0]))
    return Facets(counts=counts, members=members)


# The facets of the latest catalogue version this process has seen: (version, facets).
# Counting them reads every paper and author row (300 ms at 200,000 papers), so they are
# also kept here, where no cache configuration (CACHE_URL=dummy://, an evicting cache) can
# lose them; a new version replaces them, so a process keeps one copy.
_facets_here = [None, None]


def forget_facets():
    """Drop this process's copy of the facets (tests that want them counted again)."""
    _facets_here[:] = [None, None]


def publication_facets():
    """The list's facets: 1 query (the catalogue stamp, and the stored counts unless this
    process already holds them); after a change, 2 more to count and 1 to store them
    (publications_cataloguefacets, where no cache configuration can lose them)."""
    known = _facets_here[0] or ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.stamp, CASE WHEN s.stamp = %s THEN NULL ELSE"
            " (SELECT data FROM publications_cataloguefacets f WHERE f.id = 1 AND f.stamp = s.stamp) END"
            f" FROM (SELECT {_stamp_sql()} AS stamp) s",
            [known],
        )
        stamp, data = cursor.fetchone()
    if stamp == known and _facets_here[1] is not None:
        return _facets_here[1]
    if data is not None:
        data = json.loads(data)
        facets = Facets(
            counts={(year, kind): n for year, kind, n in data["counts"]},
            members=[tuple(row) for row in data["members"]],
        )
    else:
        facets = _compute_facets()
        data = {"counts": [[year, kind, n] for (year, kind), n in facets.counts.items()], "members": facets.members}
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO publications_cataloguefacets (id, stamp, data) VALUES (1, %s, %s)"
                " ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp, data = excluded.data",
                [stamp, json.dumps(data)],
            )
    _facets_here[:] = [stamp, facets]
    return facets


def publication_filter_choices():
    """(years, members) for a filter form: [year], [(slug, full name)] (from the facets)."""
    facets = publication_facets()
    return [year for year, _ in facets.years], [(slug, name) for slug, name, _ in facets.members]


# --------------------------------------------------------------------------- pages

PUBLICATIONS_PAGE_SIZE = 50


class DeferredJoinPaginator(Paginator):
    """Page numbers whose deep pages cost about what the first costs.

    `OFFSET n` makes the database walk n rows before the page. Read whole, each of those
    rows is fetched from the table (page 2,000 of 200,000 papers: 100,000 rows read and
    dropped). Here a page past the first reads the ids of its rows first, `OFFSET` over
    the ordering columns only (an index-only scan of publications_list_order for the
    list's order), and then only those rows: one query, the ids in a sub-select ("deferred
    join"). Same rows in the same order; the outer query sorts its own 50 rows again.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom and isinstance(rows, QuerySet) and not rows.query.distinct:
            ids = rows.prefetch_related(None).values("pk")[bottom:top]
            return self._get_page(rows.filter(pk__in=ids), number, self)
        return self._get_page(rows[bottom:top], number, self)


class CountedPaginator(DeferredJoinPaginator):
    """A paginator that is told its total (from the facets) instead of running COUNT(*)."""

    def __init__(self, object_list, per_page, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property


def publication_page(filters, number, per_page=PUBLICATIONS_PAGE_SIZE):
    """(page of publications with authors, facets).

    Queries: 1 version (+2 facets when the cache is cold), 1 count unless the facets or the
    search know it, 1 page, 1 its authors.
    """
    facets = publication_facets()
    publications = filtered_publications(filters)
    count, more = facets.count(filters), False
    if count is None and filters.q:
        count, more = search.match_count(publications) or (None, False)
    paginator = CountedPaginator(publications, per_page, count)
    # A search matching more than search.MAX_RANKED papers shows the best of the newest ones.
    paginator.total_label = f"{count:,}+" if more else ""
    return paginator.get_page(number), facets


def publication_detail(key):
    """One publication with its authors (2 queries), or 404."""
    # Pages are addressed by slug; old links by citation key keep working.
    found = list(publications_with_authors().filter(Q(slug=key) | Q(citation_key=key))[:2])
    publication = next((p for p in found if p.slug == key), found[0] if found else None)
    if publication is None:
        raise Http404("No such publication.")
    return publication


def latest_publications(limit=LATEST_ON_HOME):
    """The first papers of the lab's list, in its order (read through its index, publications_list_order:
    ordering by creation time within a month sorted every paper of the newest year)."""
    return list(publications_with_authors().order_by(*LIST_ORDER)[:limit])


def publications_of(profile):
    """Every paper `profile` is a linked author of, with authors, newest first."""
    return publications_with_authors().filter(authorships__profile=profile).order_by(*LIST_ORDER)
