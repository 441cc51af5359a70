"""The sitemap index (/sitemap.xml) and its files (/sitemap-<section>.xml?p=N): public pages only.

/sitemap.xml is an index (django.contrib.sitemaps.views.index) listing one file per
section and page. Each file (`sitemap_file` below) holds at most SITEMAP_LIMIT URLs (the
protocol allows 50,000) and costs two queries whatever its size: the section's count
and newest change in one aggregate, and one page of plain `values()` rows ordered by
primary key. URLs are built by string formatting from one reversed pattern, not one
`reverse()` per row, and the XML is written by string joins: Django's sitemap.xml
template (a {% spaceless %} block, a date filter per row) took about 3 s for 10,000
URLs. The index costs one query per section (count and newest `updated_at` in one
aggregate); Django's default reads every row to find the newest lastmod.
"""

import datetime
import re
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.contrib.sitemaps import Sitemap
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Max
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS, http_date
from django.views.decorators.http import require_safe

from publications.models import Publication

from .models import Profile, Statement

SITEMAP_LIMIT = 10_000
_MARK = "sitemap-placeholder"
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted
_PLAIN = re.compile(r"[A-Za-z0-9_.\-~:@]*")  # slugs and most keys: nothing to quote


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
        values = {}
        for name in self.url_fields:
            value = str(item[name])
            values[name] = value if _PLAIN.fullmatch(value) else quote(value, safe=_SAFE)
        return self._pattern.format(**values)

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
    url_fields = ("address",)

    def rows(self):
        # Pages are addressed by slug (a citation key may hold "/"); rows bulk-created
        # without one are reached by their key.
        return Publication.objects.annotate(address=Coalesce("slug", "citation_key"))


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


def _url_entry(loc, lastmod, changefreq, priority):
    lastmod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    changefreq = f"<changefreq>{changefreq}</changefreq>" if changefreq else ""
    priority = f"<priority>{priority}</priority>" if priority else ""
    return f"<url><loc>{escape(loc)}</loc>{lastmod}{changefreq}{priority}</url>"


def _day(value, tz):
    if isinstance(value, datetime.datetime):
        return (value.astimezone(tz) if timezone.is_aware(value) else value).date().isoformat()
    return value.isoformat() if value else ""


def _rows_entries(site, page, base):
    """A RowsSitemap page straight from its rows (what Sitemap.get_urls does, minus four getattr per row)."""
    rows = site.paginator.page(page).object_list
    tz = timezone.get_current_timezone()
    changefreq, priority = site.changefreq, site.priority
    latest = None
    entries = []
    for row in rows:
        updated = row["updated_at"]
        if updated is not None and (latest is None or updated > latest):
            latest = updated
        entries.append(_url_entry(base + site.location(row), _day(updated, tz), changefreq, priority))
    return entries, latest


@require_safe
def sitemap_file(request, section, sitemaps=SITEMAPS):
    """/sitemap-<section>.xml?p=N: one page of one section, as Django's sitemap view but without its template."""
    if section not in sitemaps:
        raise Http404(f"No sitemap section {section!r}.")
    site = sitemaps[section]()
    page = request.GET.get("p", 1)
    try:
        if isinstance(site, RowsSitemap):
            base = f"{site.get_protocol(request.scheme)}://{get_current_site(request).domain}"
            entries, latest = _rows_entries(site, page, base)
        else:
            urls = site.get_urls(page=page, site=get_current_site(request), protocol=request.scheme)
            tz = timezone.get_current_timezone()
            entries = [_url_entry(u["location"], _day(u["lastmod"], tz), u["changefreq"], u["priority"]) for u in urls]
            latest = getattr(site, "latest_lastmod", None)
    except (EmptyPage, PageNotAnInteger) as exc:
        raise Http404("No such sitemap page.") from exc
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    response = HttpResponse("\n".join([head, *entries, "</urlset>\n"]), content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    if isinstance(latest, datetime.datetime) and timezone.is_aware(latest):
        response["Last-Modified"] = http_date(latest.timestamp())
    return response
