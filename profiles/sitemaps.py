"""The sitemap index (/sitemap.xml) and its files (/sitemap-<section>.xml?p=N): public pages only.

/sitemap.xml is an index (django.contrib.sitemaps.views.index) listing one file per
section and page. Each file holds at most SITEMAP_LIMIT URLs (the protocol allows
50,000; smaller files render in well under a second at 200,000 papers), and costs two
queries whatever its size: a COUNT for the paginator and one page of plain `values()`
rows ordered by primary key. URLs are built by string formatting from one reversed
pattern, not one `reverse()` per row. The index costs one query per section (count and
newest `updated_at` in one aggregate); Django's default would read every row to find
the newest lastmod.
"""

from urllib.parse import quote

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS

from publications.models import Publication

from .models import Profile, Statement

SITEMAP_LIMIT = 10_000
_MARK = "sitemap-placeholder"
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


def _url_pattern(name, *args):
    """reverse(name) once with placeholders -> a str.format pattern ("/people/{0}/")."""
    url = reverse(name, args=[f"{_MARK}{i}" for i in range(len(args))] if args else None)
    for i in range(len(args)):
        url = url.replace(f"{_MARK}{i}", f"{{{args[i]}}}")
    return url


class _CountedPaginator(Paginator):
    """A paginator whose total is already known (from the section's aggregate)."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


class RowsSitemap(Sitemap):
    """A sitemap over `values()` rows; subclasses give `rows()`, `url_name` and `url_fields`."""

    limit = SITEMAP_LIMIT
    url_name = ""
    url_fields = ()

    def rows(self):
        raise NotImplementedError

    def items(self):
        return self.rows().order_by("pk").values("pk", "updated_at", *self.url_fields)

    @cached_property
    def _summary(self):
        return self.rows().order_by().aggregate(n=Count("pk"), newest=Max("updated_at"))

    @cached_property
    def _pattern(self):
        return _url_pattern(self.url_name, *self.url_fields)

    @property
    def paginator(self):
        return _CountedPaginator(self.items(), self.limit, self._summary["n"])

    def location(self, item):
        return self._pattern.format(**{name: quote(str(item[name]), safe=_SAFE) for name in self.url_fields})

    def lastmod(self, item):
        return item["updated_at"]

    def get_latest_lastmod(self):
        return self._summary["newest"]


class StaticPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ["profiles:home", "profiles:directory", "publications:list"]

    def location(self, item):
        return reverse(item)


class ProfileSitemap(RowsSitemap):
    changefreq = "monthly"
    priority = 0.9
    url_name = "profiles:detail"
    url_fields = ("slug",)

    def rows(self):
        return Profile.objects.published()


class CVSitemap(ProfileSitemap):
    priority = 0.6
    url_name = "profiles:cv"


class PublicationSitemap(RowsSitemap):
    changefreq = "monthly"
    priority = 0.5
    url_name = "publications:detail"
    url_fields = ("citation_key",)

    def rows(self):
        return Publication.objects.all()


class StatementSitemap(RowsSitemap):
    changefreq = "yearly"
    priority = 0.4
    url_name = "profiles:statement"
    url_fields = ("profile__slug", "slug")

    def rows(self):
        return Statement.objects.filter(visibility=Statement.Visibility.PUBLIC, profile__published=True)


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "people": ProfileSitemap,
    "cv": CVSitemap,
    "publications": PublicationSitemap,
    "statements": StatementSitemap,
}
