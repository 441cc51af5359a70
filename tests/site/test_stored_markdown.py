"""Markdown is rendered and sanitised once, when a row is saved; pages use the stored HTML."""

import importlib

import pytest
from django.apps import apps

from profiles import models as pm
from profiles.templatetags import profile_tags
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_saving_stores_sanitised_html_of_every_markdown_field():
    profile = f.ProfileFactory(short_bio="Works on **caches**.<script>alert(1)</script>", long_bio="")
    assert profile.short_bio_html.startswith("<p>Works on <strong>caches</strong>.")
    assert "<script" not in profile.short_bio_html
    assert profile.long_bio_html == ""
    news = f.NewsItemFactory(profile=profile, body="A [link](javascript:alert(1)) *now*")
    assert news.body_html.startswith("A ")  # inline: no <p>
    assert "href" not in news.body_html  # a javascript: link never becomes a link
    assert "<em>now</em>" in news.body_html


def test_a_save_of_only_some_fields_renders_those_fields():
    profile = f.ProfileFactory(short_bio="Old")
    profile.short_bio = "*New*"
    profile.save(update_fields=["short_bio"])
    profile.refresh_from_db()
    assert profile.short_bio_html == "<p><em>New</em></p>\n"


def test_pages_do_not_render_markdown_per_request(client, lab, monkeypatch):
    profile = f.ProfileFactory(short_bio="Short *bio*", long_bio="Long **bio**", research_interests="Caches")
    f.NewsItemFactory(profile=profile, body="News *body*")
    f.FocusThemeFactory(profile=profile, body="Theme *body*")
    f.HighlightFactory(project=f.ProjectFactory(profile=profile, narrative="Story *here*"), text="It was *fast*")
    f.StatementFactory(profile=profile, slug="teaching", visibility="public", body="Statement *body*")

    def fail(*args, **kwargs):
        raise AssertionError("Markdown rendered during a request")

    monkeypatch.setattr(profile_tags, "render_markdown", fail)
    page = client.get(profile.get_absolute_url()).content.decode()
    for html in ["Short <em>bio</em>", "Long <strong>bio</strong>", "News <em>body</em>", "Theme <em>body</em>",
                 "Story <em>here</em>", "It was <em>fast</em>"]:  # fmt: skip
        assert html in page
    assert "Statement <em>body</em>" in client.get(f"{profile.get_absolute_url()}statements/teaching/").content.decode()
    assert client.get("/").status_code == 200


def test_rows_written_in_bulk_are_rendered_by_the_migration_and_meanwhile_on_the_fly(client, lab):
    profile = f.ProfileFactory()
    pm.NewsItem.objects.bulk_create([pm.NewsItem(profile=profile, body="Bulk *news*", date="2025-01", position=1)])
    item = pm.NewsItem.objects.get(profile=profile)
    assert item.body_html == ""
    assert "Bulk <em>news</em>" in client.get(profile.get_absolute_url()).content.decode()  # the fallback
    migration = importlib.import_module("profiles.migrations.0009_markdown_rendered_html")
    migration.render_existing_rows(apps, None)
    item.refresh_from_db()
    assert item.body_html == "Bulk <em>news</em>"
