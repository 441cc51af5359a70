"""XSS payloads in every Markdown field never reach a page as markup."""

from html.parser import HTMLParser

import pytest

from profiles import models as pm
from tests import factories as f

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "![x](javascript:alert(1))",
    "<svg onload=alert(1)>",
]


class _Audit(HTMLParser):
    """Collects what a browser would execute: scripts, handlers, script URLs, frames."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (
            tag == "script"
            and attrs.get("type") != "application/ld+json"
            and "js/site.js" not in (attrs.get("src") or "")
        ):
            self.problems.append(("script", attrs))
        if tag in {"iframe", "object", "embed"}:
            self.problems.append((tag, attrs))
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append((tag, name))
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(("javascript:", "data:")):
                self.problems.append((tag, name, value))


def _assert_safe(html):
    audit = _Audit()
    audit.feed(html)
    assert audit.problems == []
    assert "<script>alert" not in html.lower()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_profile_markdown_fields(client, lab, payload):
    profile = f.ProfileFactory(
        short_bio=payload, long_bio=payload, research_interests=payload, tagline=payload, headline=payload
    )
    f.FocusThemeFactory(profile=profile, body=payload, title=payload)
    f.NewsItemFactory(profile=profile, body=payload)
    exp = f.ExperienceFactory(profile=profile, summary=payload)
    f.HighlightFactory(project=None, experience=exp, text=payload, label=payload)
    project = f.ProjectFactory(profile=profile, narrative=payload, outcomes=payload)
    f.HighlightFactory(project=project, text=payload)
    f.OpenSourceFactory(profile=profile, summary=payload)
    f.TalkFactory(profile=profile, abstract=payload, title=payload)
    f.StatementFactory(profile=profile, body=payload, visibility=pm.Statement.Visibility.PUBLIC, slug="st")
    for url in [
        profile.get_absolute_url(),
        f"/people/{profile.slug}/cv/",
        f"/people/{profile.slug}/statements/st/",
        "/",
        "/feeds/news.atom",
        f"/people/{profile.slug}/feed.atom",
    ]:
        _assert_safe(client.get(url).content.decode())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_publication_fields(client, lab, payload):
    pub = f.PublicationFactory(abstract=payload, title=payload, note=payload, venue=payload, citation_key="p")
    f.AuthorshipFactory(publication=pub, position=1, name=payload)
    for url in ["/publications/p/", "/publications/", "/feeds/publications.atom"]:
        _assert_safe(client.get(url).content.decode())


def test_lab_description(client):
    pm.Lab.objects.create(name="Lab", description=PAYLOADS[0] + PAYLOADS[1])
    _assert_safe(client.get("/").content.decode())


def test_link_urls_with_javascript_scheme_are_not_rendered_as_links(client, lab):
    profile = f.ProfileFactory()
    pm.ProfileLink.objects.create(profile=profile, kind="other", url="javascript:alert(1)")
    html = client.get(profile.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in html
