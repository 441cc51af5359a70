"""Reads of the lab's publications: the list with its filters (the site and the API use
the same one), one paper, the latest papers, and the author lines they show.

Every read fetches authors with one extra query (a prefetch of only the columns an
author line needs), whatever the number of papers.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.http import Http404

from .models import Authorship, Publication

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
    """The list's filters, read from a query string (?q=, ?type=, ?year=, ?member=)."""

    q: str = ""
    kind: str = ""
    year: int | None = None
    member: str = ""

    @classmethod
    def from_query(cls, params):
        kind = params.get("type", "").strip()
        year = params.get("year", "").strip()
        return cls(
            q=params.get("q", "").strip()[:200],
            kind=kind if kind in Publication.Kind.values else "",
            year=int(year) if year.isdigit() and len(year) == 4 else None,
            member=params.get("member", "").strip()[:80],
        )

    @property
    def active(self):
        return bool(self.q or self.kind or self.year or self.member)


def filtered_publications(filters):
    """Publications matching `filters`, with their authors, newest first (a queryset)."""
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
        qs = qs.filter(
            Q(title__icontains=filters.q)
            | Q(venue__icontains=filters.q)
            | Q(venue_short__icontains=filters.q)
            | Q(pk__in=Authorship.objects.filter(name__icontains=filters.q).values("publication_id"))
        )
    return qs.order_by("-year", "-month", "title", "pk")


def publication_list(filters):
    """Publications matching `filters`, with their authors: 2 queries."""
    return list(filtered_publications(filters))


def publication_filter_choices():
    """(years, members) for the filter form: 2 queries."""
    from profiles.models import Profile

    years = list(
        Publication.objects.exclude(year=None).order_by("-year").values_list("year", flat=True).distinct()
    )
    members = list(
        Profile.objects.published()
        .filter(pk__in=Authorship.objects.exclude(profile=None).values("profile_id"))
        .order_by("full_name")
        .values_list("slug", "full_name")
    )
    return years, members


def publication_detail(key):
    """One publication with its authors (2 queries), or 404."""
    # Pages are addressed by slug; old links by citation key keep working.
    found = list(publications_with_authors().filter(Q(slug=key) | Q(citation_key=key))[:2])
    publication = next((p for p in found if p.slug == key), found[0] if found else None)
    if publication is None:
        raise Http404("No such publication.")
    return publication


def latest_publications(limit=LATEST_ON_HOME):
    return list(publications_with_authors().order_by("-year", "-month", "-created_at")[:limit])


def publications_of(profile):
    """Every paper `profile` is a linked author of, with authors, newest first."""
    return publications_with_authors().filter(authorships__profile=profile).order_by("-year", "-month", "title")
