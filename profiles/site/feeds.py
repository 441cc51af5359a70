"""Atom feeds: the lab's news, the lab's publications, and each member's news and papers.

Feeds are public documents: they carry public items of published profiles only, whoever
asks for them.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags

from profiles import selectors
from profiles.dates import ISO_PARTIAL, format_partial_date
from profiles.markdown import render_markdown
from profiles.models import Profile
from publications.models import Publication

FEED_LENGTH = 50


def _partial_to_datetime(value, fallback):
    match = ISO_PARTIAL.match(value or "")
    if not match:
        return fallback
    year, month, day = (int(part) if part else 1 for part in match.groups())
    return datetime.datetime(year, month, day, tzinfo=datetime.UTC)


def _publication_date(publication):
    if publication.year:
        return datetime.datetime(publication.year, publication.month or 1, 1, tzinfo=datetime.UTC)
    return publication.created_at


def _authors_line(publication):
    return ", ".join(a.name for a in publication.authorships.all())


class _AtomFeed(Feed):
    feed_type = Atom1Feed

    def item_updateddate(self, item):
        return item.updated_at

    def item_guid(self, item):
        return self.item_link(item)


class _NewsMixin:
    def news_title(self, item):
        text = strip_tags(item.rendered_html("body"))
        return f"{item.profile.full_name}: {text[:90]}" + ("…" if len(text) > 90 else "")

    def news_link(self, item):
        return f"{item.profile.get_absolute_url()}#news-{item.pk}"

    def news_description(self, item):
        when = format_partial_date(item.date, "long")
        return (f"<p>{when}</p>" if when else "") + render_markdown(item.body)

    def news_date(self, item):
        return _partial_to_datetime(item.date, item.updated_at)


class _LabFeed(_AtomFeed):
    """A feed of the whole lab: titled "<lab>: <subject>", linked to `link_name`, its
    FEED_LENGTH newest rows from the selector `latest`."""

    subject = ""
    link_name = ""
    latest = None  # a selector taking `limit`

    def title(self):
        return f"{selectors.current_lab().name}: {self.subject}"

    def link(self):
        return reverse(self.link_name)

    def items(self):
        return self.latest(limit=FEED_LENGTH)


class NewsFeed(_NewsMixin, _LabFeed):
    subject, link_name = "news", "profiles:home"
    latest = staticmethod(selectors.latest_news)

    def item_title(self, item):
        return self.news_title(item)

    def item_link(self, item):
        return self.news_link(item)

    def item_description(self, item):
        return self.news_description(item)

    def item_pubdate(self, item):
        return self.news_date(item)


class PublicationFeed(_LabFeed):
    subject, link_name = "publications", "publications:list"
    latest = staticmethod(selectors.latest_publications)

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_absolute_url()

    def item_description(self, item):
        venue = item.venue_short or item.venue
        return f"<p>{_authors_line(item)}</p><p><em>{venue}</em> {item.year or ''}</p>" + item.rendered_html("abstract")

    def item_pubdate(self, item):
        return _publication_date(item)


class MemberFeed(_NewsMixin, _AtomFeed):
    """A member's news and publications, newest first."""

    def get_object(self, request, slug):
        return get_object_or_404(Profile.objects.published(), slug=slug)

    def title(self, obj):
        return f"{obj.full_name}: news and publications"

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        news = selectors.latest_news(limit=FEED_LENGTH, profile=obj)
        papers = list(
            selectors.publications_with_authors()
            .filter(authorships__profile=obj)
            .order_by("-year", "-month", "-created_at")[:FEED_LENGTH]
        )
        items = [(self.news_date(n), n) for n in news] + [(_publication_date(p), p) for p in papers]
        items.sort(key=lambda pair: pair[0] or timezone.now(), reverse=True)
        return [item for _, item in items[:FEED_LENGTH]]

    def item_title(self, item):
        return item.title if isinstance(item, Publication) else self.news_title(item)

    def item_link(self, item):
        return item.get_absolute_url() if isinstance(item, Publication) else self.news_link(item)

    def item_description(self, item):
        if isinstance(item, Publication):
            return PublicationFeed.item_description(self, item)
        return self.news_description(item)

    def item_pubdate(self, item):
        return _publication_date(item) if isinstance(item, Publication) else self.news_date(item)
