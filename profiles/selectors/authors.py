"""The authors of the publications a page shows: one query for a whole list."""

from collections import defaultdict

from django.urls import reverse

from publications.selectors import authorships_prefetch


def attach_authors(publications):
    """Give each publication its authors (as `publication.authorships.all()`): one query.

    The same rows and columns as publications.selectors.authorships_prefetch(), without
    Django's prefetch machinery, which builds one filtered queryset per publication
    (about a millisecond each: a third of a second for a CV of 300 papers).
    """
    from publications.models import Authorship

    if not publications:
        return publications
    rows = authorships_prefetch().queryset.filter(publication_id__in=[p.pk for p in publications])
    by_publication = defaultdict(list)
    for authorship in rows:
        by_publication[authorship.publication_id].append(authorship)
    for publication in publications:
        found = by_publication.get(publication.pk, [])
        for authorship in found:
            authorship.publication = publication  # no query for a back reference
        qs = Authorship.objects.all()
        qs._result_cache, qs._prefetch_done = found, True
        publication.__dict__.setdefault("_prefetched_objects_cache", {})["authorships"] = qs
    return publications


class AuthorRow:
    """One author row as an entry reads it (author line, BibTeX), built from a tuple.

    Pages rendering hundreds of entries read ~5 authors each: a model instance per row
    (and one per linked member) cost more than the rest of the entry. Only for rendering:
    it has the columns of publications.selectors.authorships_prefetch(), nothing else.
    """

    __slots__ = ("corresponding", "equal_contribution", "name", "position", "profile", "profile_id", "publication_id",
                 "selected")  # fmt: skip
    COLUMNS = ("publication_id", "position", "name", "profile_id", "equal_contribution", "corresponding", "selected",
               "profile__slug", "profile__published", "profile__full_name")  # fmt: skip

    def __init__(self, publication_id, position, name, profile_id, equal, corresponding, selected, *member):
        self.publication_id, self.position, self.name, self.profile_id = publication_id, position, name, profile_id
        self.equal_contribution, self.corresponding, self.selected = equal, corresponding, selected
        self.profile = _LinkedMember(profile_id, *member) if profile_id else None


class _LinkedMember:
    """The linked member of an AuthorRow: what an author link needs."""

    __slots__ = ("full_name", "pk", "published", "slug")

    def __init__(self, pk, slug, published, full_name):
        self.pk, self.slug, self.published, self.full_name = pk, slug, published, full_name

    def get_absolute_url(self):
        return reverse("profiles:detail", kwargs={"slug": self.slug})


def attach_author_rows(publications):
    """Like attach_authors() (one query), with AuthorRow objects: for rendering entries only."""
    from publications.models import Authorship

    if not publications:
        return publications
    by_publication = defaultdict(list)
    rows = (
        Authorship.objects.filter(publication_id__in=[p.pk for p in publications])
        .order_by("position")
        .values_list(*AuthorRow.COLUMNS)
    )
    for row in rows:
        by_publication[row[0]].append(AuthorRow(*row))
    for publication in publications:
        qs = Authorship.objects.none()
        qs._result_cache, qs._prefetch_done = by_publication.get(publication.pk, []), True
        publication.__dict__.setdefault("_prefetched_objects_cache", {})["authorships"] = qs
    return publications
