"""/sitemap.xml: public pages only (published profiles, their CVs, public statements)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from publications.models import Publication

from . import selectors


class StaticPagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ["profiles:home", "profiles:directory", "publications:list"]

    def location(self, item):
        return reverse(item)


class ProfileSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.9

    def items(self):
        return selectors.public_profiles().order_by("slug")

    def lastmod(self, item):
        return item.updated_at


class CVSitemap(ProfileSitemap):
    priority = 0.6

    def location(self, item):
        return reverse("profiles:cv", kwargs={"slug": item.slug})


class PublicationSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Publication.objects.only("citation_key", "slug", "updated_at").order_by("-year", "citation_key")

    def lastmod(self, item):
        return item.updated_at


class StatementSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.4

    def items(self):
        return selectors.public_statements().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "people": ProfileSitemap,
    "cv": CVSitemap,
    "publications": PublicationSitemap,
    "statements": StatementSitemap,
}
