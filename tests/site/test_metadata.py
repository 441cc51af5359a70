import json
import re

import pytest

from profiles import models as pm
from tests import factories as f

pytestmark = pytest.mark.django_db


def _json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_profile_metadata_and_person_json_ld(client, lab):
    profile = f.ProfileFactory(
        full_name="Chijun Sima",
        native_name="司马池骏",
        headline="Engineer",
        organisation="Tencent",
        tagline="I build systems",
    )
    f.ProfileLinkFactory(profile=profile, kind="scholar", url="https://scholar.google.com/x")
    f.EducationFactory(profile=profile, institution="SCUT")
    f.EducationFactory(profile=profile, institution="Hidden U", visibility=pm.Visibility.PRIVATE)
    html = client.get(profile.get_absolute_url()).content.decode()
    assert "<title>Chijun Sima · Systems Lab</title>" in html
    assert '<meta name="description" content="I build systems">' in html
    assert f'<link rel="canonical" href="http://testserver/people/{profile.slug}/">' in html
    assert '<meta property="og:type" content="profile">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    data = _json_ld(html)
    assert data["@type"] == "Person"
    assert data["alternateName"] == "司马池骏"
    assert data["sameAs"] == ["https://scholar.google.com/x"]
    assert {"@type": "Organization", "name": "Tencent"} in data["affiliation"]
    assert [a["name"] for a in data["alumniOf"]] == ["SCUT"]


def test_json_ld_cannot_break_out_of_its_script(client, lab):
    profile = f.ProfileFactory(headline="</script><script>alert(1)</script>", tagline="a & b")
    html = client.get(profile.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html
    assert _json_ld(html)["jobTitle"] == "</script><script>alert(1)</script>"


def test_publication_scholar_meta_and_article_json_ld(client, lab):
    member = f.ProfileFactory(full_name="Chijun Sima")
    pub = f.PublicationFactory(
        title="Ekko",
        kind="conference",
        venue="OSDI",
        year=2022,
        month=7,
        doi="10.5555/ekko",
        url_pdf="https://example.org/e.pdf",
        arxiv_id="2201.00001",
        citation_key="ekko",
    )
    f.AuthorshipFactory(publication=pub, position=1, name="Chijun Sima", profile=member)
    f.AuthorshipFactory(publication=pub, position=2, name="Luo Mai")
    html = client.get("/publications/ekko/").content.decode()
    assert '<meta name="citation_title" content="Ekko">' in html
    assert re.findall(r'citation_author" content="([^"]+)"', html) == ["Chijun Sima", "Luo Mai"]
    for tag in [
        'citation_publication_date" content="2022/07"',
        'citation_conference_title" content="OSDI"',
        'citation_doi" content="10.5555/ekko"',
        'citation_pdf_url" content="https://example.org/e.pdf"',
        'citation_arxiv_id" content="2201.00001"',
    ]:
        assert tag in html
    data = _json_ld(html)
    assert data["@type"] == "ScholarlyArticle"
    assert [a["name"] for a in data["author"]] == ["Chijun Sima", "Luo Mai"]
    assert data["author"][0]["url"].endswith(member.get_absolute_url())


def test_journal_title_meta(client, lab):
    f.PublicationFactory(kind="journal", venue="IEEE Access", citation_key="j1")
    assert 'citation_journal_title" content="IEEE Access"' in client.get("/publications/j1/").content.decode()


def test_robots_txt(client, lab):
    body = client.get("/robots.txt").content.decode()
    for line in [
        "Disallow: /admin/",
        "Disallow: /me/",
        "Disallow: /s/",
        "Sitemap: http://testserver/sitemap.xml",
    ]:
        assert line in body


def test_branded_404(client, lab):
    response = client.get("/people/nobody/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_500_page_renders_without_database_or_context(settings):
    from django.template import engines

    html = engines["django"].get_template("500.html").render({})
    assert "Something went wrong" in html
    assert "<link" not in html  # self-contained: no stylesheet to fetch
