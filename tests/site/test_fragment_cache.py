"""Publication entries are rendered once per paper version and shared by every page and viewer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from profiles.templatetags.profile_tags import publication_entries
from publications.models import Publication
from tests import factories as f

pytestmark = pytest.mark.django_db


def _authors_queries(queries):
    return [q["sql"] for q in queries if 'FROM "publications_authorship"' in q["sql"]]


def test_an_entry_is_rendered_once_and_refreshed_when_its_authors_change(django_assert_num_queries):
    authorship = f.AuthorshipFactory(name="Ada Before", position=1)
    pub = Publication.objects.get(pk=authorship.publication_id)
    with django_assert_num_queries(1):  # its authors, read only because it is rendered now
        first = publication_entries([pub])
    assert "Ada Before" in first
    again = Publication.objects.get(pk=pub.pk)
    with django_assert_num_queries(0):
        assert publication_entries([again]) == first
    authorship.name = "Ada After"
    authorship.save()
    fresh = publication_entries([Publication.objects.get(pk=pub.pk)])
    assert "Ada After" in fresh
    assert "Ada Before" not in fresh


def test_an_entry_cached_by_an_anonymous_visit_serves_a_logged_in_member(client, lab, alice):
    author = f.ProfileFactory()
    for i in range(3):
        f.AuthorshipFactory(profile=author, position=1, publication=f.PublicationFactory(title=f"Paper {i}"))
    url = f"{author.get_absolute_url()}publications/"
    anonymous = client.get(url)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as ctx:
        member = client.get(url)
    assert "X-Page-Cache" not in member  # never a whole cached page for a member …
    assert _authors_queries(ctx.captured_queries) == []  # … but the entries come from the cache
    for i in range(3):
        assert f"Paper {i}" in member.content.decode()
    assert anonymous.content.decode().count('class="pub"') == member.content.decode().count('class="pub"') == 3


def test_entries_emphasise_their_owner_separately(lab):
    a, b = f.ProfileFactory(full_name="Ann Owner"), f.ProfileFactory(full_name="Bea Other")
    pub = f.AuthorshipFactory(profile=a, name="Ann Owner", position=1).publication
    f.AuthorshipFactory(publication=pub, profile=b, name="Bea Other", position=2)
    pub = Publication.objects.get(pk=pub.pk)
    assert "<strong>Ann Owner</strong>" in publication_entries([pub], a)
    assert "<strong>Bea Other</strong>" in publication_entries([pub], b)
    assert "<strong>" not in publication_entries([pub]).split('pub__authors">')[1].split("</p>")[0]


def test_a_member_sees_an_edit_at_once_through_the_cached_lists(client, lab, alice):
    """The blocks of entries (a profile's list, the lab's list) follow their papers' edits."""
    author = f.ProfileFactory()
    paper = f.AuthorshipFactory(
        profile=author, position=1, publication=f.PublicationFactory(title="Old Title")
    ).publication
    client.force_login(alice)
    pages = [author.get_absolute_url(), f"{author.get_absolute_url()}cv/", "/publications/", "/"]
    for url in pages:
        assert "Old Title" in client.get(url).content.decode(), url
    paper.title = "New Title"
    paper.save()
    for url in pages:
        page = client.get(url).content.decode()
        assert "New Title" in page, url
        assert "Old Title" not in page, url
    f.AuthorshipFactory(publication=paper, name="Zoe Newcomer", position=2)
    for url in pages:
        assert "Zoe Newcomer" in client.get(url).content.decode(), url
