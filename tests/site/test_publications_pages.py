import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers(lab):
    member = f.ProfileFactory(full_name="Chijun Sima", slug="chijun-sima")
    ekko = f.PublicationFactory(
        title="Ekko: Low-Latency Model Update",
        venue="OSDI",
        venue_short="OSDI '22",
        year=2022,
        month=7,
        doi="10.5555/ekko",
        url_pdf="https://example.org/ekko.pdf",
        arxiv_id="2201.00001",
        citation_key="sima2022ekko",
        abstract="We *update* models fast.",
    )
    f.AuthorshipFactory(publication=ekko, position=1, name="Chijun Sima", profile=member, equal_contribution=True)
    f.AuthorshipFactory(publication=ekko, position=2, name="Yao Fu", equal_contribution=True)
    f.AuthorshipFactory(publication=ekko, position=3, name="Luo Mai", corresponding=True)
    dba = f.PublicationFactory(
        title="Dynamic Barycenter Averaging Kernel",
        kind="journal",
        venue="IEEE Access",
        venue_short="",
        year=2019,
        citation_key="shi2019dynamic",
    )
    f.AuthorshipFactory(publication=dba, position=1, name="Kejian Shi")
    f.AuthorshipFactory(publication=dba, position=2, name="Chijun Sima", profile=member)
    return {"member": member, "ekko": ekko, "dba": dba}


def test_list_grouped_by_year(client, papers):
    html = client.get("/publications/").content.decode()
    assert html.index(">2022</h2>") < html.index(">2019</h2>")
    assert "<em>OSDI</em>" in html
    assert "OSDI &#x27;22" in html


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"type": "journal"}, "Dynamic Barycenter", "Ekko"),
        ({"year": "2022"}, "Ekko", "Dynamic Barycenter"),
        ({"member": "chijun-sima"}, "Ekko", "nothing-hidden"),
        ({"q": "yao fu"}, "Ekko", "Dynamic Barycenter"),
        ({"q": "ieee"}, "Dynamic Barycenter", "Ekko:"),
        ({"q": "barycenter"}, "Dynamic Barycenter", "Ekko:"),
    ],
)
def test_list_filters(client, papers, params, shown, hidden):
    html = client.get("/publications/", params).content.decode()
    assert shown in html
    assert hidden not in html.split("</form>", 1)[1]


def test_detail_links_members_and_offers_bibtex(client, papers):
    html = client.get("/publications/sima2022ekko/").content.decode()
    assert 'href="/people/chijun-sima/"' in html
    assert "We <em>update</em> models fast." in html
    assert "@inproceedings{sima2022ekko," in html
    assert "/publications/sima2022ekko.bib" in html
    assert "* equal contribution" in html
    assert "† corresponding author" in html


@pytest.mark.parametrize("url", ["/publications/sima2022ekko.bib", "/publications/sima2022ekko/bibtex/"])
def test_bibtex_download(client, papers, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert 'filename="sima2022ekko.bib"' in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("@inproceedings{sima2022ekko,")
    assert "Sima, Chijun and Fu, Yao and Mai, Luo" in body


def test_bibtex_round_trips_through_the_importer(client, papers):
    from publications.formats.bibtex import parse_bibtex

    result = parse_bibtex(client.get("/publications/sima2022ekko.bib").content.decode())
    record = result.records[0]
    assert record["title"] == "Ekko: Low-Latency Model Update"
    assert [a["equal_contribution"] for a in record["authors"]] == [True, True, False]


def test_unknown_publication_is_404(client, lab):
    assert client.get("/publications/nope/").status_code == 404
    assert client.get("/publications/nope.bib").status_code == 404


def test_long_author_lists_collapse_without_javascript(client, lab):
    pub = f.PublicationFactory(citation_key="big2024")
    for i in range(1, 21):
        f.AuthorshipFactory(publication=pub, position=i, name=f"Person {i:02d}")
    html = client.get("/publications/big2024/").content.decode().split("<main", 1)[1]
    assert '<details class="authors__more"><summary>and 10 more</summary>' in html
    assert html.index("Person 08") < html.index("and 10 more") < html.index("Person 09") < html.index("Person 20")


def test_member_page_emphasises_owner(client, papers):
    html = client.get("/people/chijun-sima/publications/").content.decode()
    assert html.count("<strong>Chijun Sima</strong>") == 2
