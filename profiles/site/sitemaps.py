"""The sitemap index (/sitemap.xml) and its files (/sitemap-<section>.xml?p=N): public pages only.

/sitemap.xml is an index (django.contrib.sitemaps.views.index) listing one file per
section and page. A section's files are ranges of its primary key (`_RangePaginator`):
file p holds the rows from first + (p-1)*SITEMAP_LIMIT on, so it has at most SITEMAP_LIMIT
URLs (the protocol allows 50,000), fewer where rows were deleted or are not public, and a
new row lands in the last file. Each file costs two queries whatever its size and depth:
the section's first and last keys and newest change in one aggregate (index lookups), and
its rows by key range as plain `values_list()` tuples (for publications, from the index
publications_sitemap alone): no OFFSET, no COUNT. URLs are built by string formatting
from one reversed pattern, not one `reverse()` per row, and the XML is written by string
joins: Django's sitemap.xml template (a {% spaceless %} block, a date filter per row)
took about 3 s for 10,000 URLs. The index costs the same one aggregate per section;
Django's default reads every row to find the newest lastmod.
"""

import datetime
import re
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.contrib.sitemaps import Sitemap
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import CharField, Max, Min
from django.db.models.functions import Cast, TruncDate
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS, http_date
from django.views.decorators.http import require_safe

from profiles import selectors

SITEMAP_LIMIT = 10_000
_MARK = "sitemap-placeholder"
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted
_PLAIN = re.compile(r"[A-Za-z0-9_.\-~:@]*")  # slugs and most keys: nothing to quote


def _url_pattern(name, n_args):
    """reverse(name) once with placeholders -> a str.format pattern ("/people/{0}/")."""
    url = reverse(name, args=[f"{_MARK}{i}" for i in range(n_args)] if n_args else None)
    for i in range(n_args):
        url = url.replace(f"{_MARK}{i}", f"{{{i}}}")
    return url


def _quoted(value):
    """A URL part as reverse() writes it, escaped for XML (most slugs and keys need neither)."""
    value = str(value)
    return value if _PLAIN.fullmatch(value) else escape(quote(value, safe=_SAFE))


class _RangePaginator:
    """A RowsSitemap's files: file p holds the rows with first + (p-1)*limit <= pk < first + p*limit.

    Only `num_pages` (the index) and `page(p)` (a file) are needed. A file is one range
    scan of the primary key however deep it is: no OFFSET, no COUNT. It holds at most
    `limit` rows, fewer where rows were deleted or are not public.
    """

    def __init__(self, sitemap):
        self.sitemap = sitemap

    @property
    def num_pages(self):
        summary = self.sitemap._summary
        return 1 if summary["first"] is None else (summary["last"] - summary["first"]) // self.sitemap.limit + 1

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1 or number > self.num_pages:
            raise EmptyPage("That page contains no results")
        start = (self.sitemap._summary["first"] or 0) + (number - 1) * self.sitemap.limit
        return self.sitemap.items().filter(pk__gte=start, pk__lt=start + self.sitemap.limit)


class RowsSitemap(Sitemap):
    """A sitemap over `values_list()` rows; subclasses give `rows()`, `url_name` and `url_fields`.

    A row is (updated_at, *url_fields).
    """

    limit = SITEMAP_LIMIT
    url_name = ""
    url_fields = ()

    def rows(self):
        raise NotImplementedError

    def items(self):
        """(day of the last change as "YYYY-MM-DD", *url_fields) by primary key.

        The database writes the day (in the current time zone): parsing 10,000
        timestamps and converting them back to days cost more than the rest of a file.
        """
        day = Cast(TruncDate("updated_at"), output_field=CharField())
        return self.rows().order_by("pk").values_list(day, *self.url_fields)

    @cached_property
    def _summary(self):
        """The first and last primary keys and the newest change: one query (index lookups)."""
        return self.rows().order_by().aggregate(first=Min("pk"), last=Max("pk"), newest=Max("updated_at"))

    @cached_property
    def _pattern(self):
        return _url_pattern(self.url_name, len(self.url_fields))

    @property
    def paginator(self):
        return _RangePaginator(self)

    def location(self, item):
        return self._pattern.format(*map(_quoted, item[1:]))

    def lastmod(self, item):
        return datetime.date.fromisoformat(item[0]) if item[0] else None

    def get_latest_lastmod(self):
        return self._summary["newest"]


class StaticPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ["profiles:home", "profiles:directory", "publications:list"]

    def location(self, item):
        return reverse(item)


# Each a kind of public page: its URL and the public rows (profiles.selectors.sitemap) that name one.


class ProfileSitemap(RowsSitemap):
    changefreq, priority = "monthly", 0.9
    url_name, url_fields = "profiles:detail", ("slug",)
    rows = staticmethod(selectors.public_profiles)


class CVSitemap(ProfileSitemap):
    priority = 0.6
    url_name = "profiles:cv"


class PublicationSitemap(RowsSitemap):
    changefreq, priority = "monthly", 0.5
    url_name, url_fields = "publications:detail", ("address",)
    rows = staticmethod(selectors.addressed_publications)


class StatementSitemap(RowsSitemap):
    changefreq, priority = "yearly", 0.4
    url_name, url_fields = "profiles:statement", ("profile__slug", "slug")
    rows = staticmethod(selectors.public_statements)


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
    """A RowsSitemap file straight from its rows (what Sitemap.get_urls does, about 2 µs a row).

    -> (entries, the section's newest change: an upper bound for the file's Last-Modified).
    """
    rows = site.paginator.page(page)
    head = f"<url><loc>{escape(base)}"
    tail = _url_entry("", "", site.changefreq, site.priority).removeprefix("<url><loc></loc>")
    pattern = site._pattern
    entries = [
        f"{head}{pattern.format(*map(_quoted, parts))}</loc>{f'<lastmod>{day}</lastmod>' if day else ''}{tail}"
        for day, *parts in rows
    ]
    return entries, site.get_latest_lastmod()


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
