"""The publications search (publications/search.py) on the index the database keeps itself.

Runs on SQLite (FTS5) and PostgreSQL (tsvector + pg_trgm); typo and mid-word matches are
PostgreSQL's only and skipped on SQLite.
"""

import pytest
from django.db import connection, transaction

from publications import search, selectors
from publications.models import Authorship, Publication
from tests import factories as f

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="typos and mid-word matches need pg_trgm (PostgreSQL)"
)


def found(text):
    qs = search.by_rank(search.search_publications(Publication.objects.all(), text))
    return [p.citation_key for p in qs]


def paper(key, title, authors=(), **fields):
    pub = f.PublicationFactory(citation_key=key, title=title, **fields)
    for position, name in enumerate(authors, start=1):
        f.AuthorshipFactory(publication=pub, position=position, name=name)
    return pub


@pytest.fixture
def papers(db):
    return {
        "title": paper("title", "Quantization and Pruning of Large Models", ["Ada Lovelace"]),
        "abstract": paper(
            "abstract", "A Study of Compilers", ["Grace Hopper"], abstract="We compare quantization schemes."
        ),
        "venue": paper("venue", "Scheduling at Scale", ["Chijun Sima"], venue="Symposium on Quantization"),
        "other": paper("other", "Ekko: Low-Latency Model Update", ["Luo Mai", "Alice Liddell"]),
    }


def test_title_match_ranks_above_venue_and_abstract_matches(papers):
    assert found("quantization") == ["title", "venue", "abstract"]


def test_whole_words_prefixes_and_every_word(papers):
    assert found("pruning") == ["title"]
    assert found("quantiz") == ["title", "venue", "abstract"]  # a prefix
    assert found("quantization compilers") == ["abstract"]  # every word, in any field
    assert found("EKKO") == ["other"]  # any case


def test_author_names_are_searched_in_order_and_kept_in_sync(papers):
    assert found("liddell") == ["other"]
    assert found("luo mai") == ["other"]
    # A write the services do not make (the bulk import's bulk_create) is indexed as well.
    Authorship.objects.bulk_create([Authorship(publication=papers["venue"], position=2, name="Zhang Wei")])
    assert found("zhang") == ["venue"]
    # Renamed or removed authors leave the index with the row.
    Authorship.objects.filter(name="Alice Liddell").update(name="Alice Pleasance")
    assert found("liddell") == []
    assert found("pleasance") == ["other"]
    Authorship.objects.filter(name="Ada Lovelace").delete()
    assert found("lovelace") == []


def test_edits_and_deletes_of_papers_reach_the_index(papers):
    papers["title"].title = "Sparse Training"
    papers["title"].save()
    assert found("pruning") == []
    assert found("sparse") == ["title"]
    papers["other"].delete()
    assert found("ekko") == []


@pytest.mark.parametrize("text", ['"', "foo*", "(a OR b", "NEAR(", "a:b", "'); DROP TABLE x; --", "^", "∑", "-"])
def test_query_syntax_is_never_an_error(papers, text):
    assert isinstance(found(text), list)


def test_names_in_other_scripts_and_accents(db):
    paper("cjk", "分布式系统", ["中村 愛子"])
    paper("accent", "Über Systeme", ["Zoë Müller"])
    assert found("中村") == ["cjk"]
    assert found("müller") == ["accent"]


@postgresql_only
def test_misspelt_names_and_title_words_still_match(papers):
    assert "other" in found("Lidell")  # typo in a name
    assert "title" in found("quantisation pruning")  # British spelling of a title word
    assert "other" in found("atency")  # a piece from the middle of a word


def test_sqlite_has_no_typos_but_is_indexed(papers):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path")
    assert found("Lidell") == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM publications_search")
        assert cursor.fetchone()[0] == Publication.objects.count()


def test_the_list_filters_use_the_same_search(papers):
    filters = selectors.PublicationFilters.from_query({"search": "quantization", "year": "2024"})
    assert [p.citation_key for p in selectors.filtered_publications(filters)] == ["title", "venue", "abstract"]


BIB = """@article{first, title={Sparse Attention for Tiny Devices}, author={Mai, Luo and Sima, Chijun}, year={2024}}
@inproceedings{second, title={Elastic Schedulers}, author={Fu, Yao}, booktitle={Systems Symposium}, year={2023}}
"""


def _deferred_marks():
    """What a deferred block leaves behind: the switch and the noted papers (none after it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT (current_setting('publications.search_deferred', true) = 'on')::int"
                " + (SELECT count(*) FROM publications_search_dirty)"
            )
        else:
            cursor.execute(
                "SELECT (SELECT count(*) FROM publications_search_deferred)"
                " + (SELECT count(*) FROM publications_search_dirty)"
            )
        return cursor.fetchone()[0]


def test_a_deferred_block_indexes_what_it_wrote_once_at_its_end(papers):
    # The bulk import's block: inside it the triggers only note the papers (each author row
    # no longer re-indexes its paper); leaving it indexes every one of them.
    with transaction.atomic(), search.index_deferred():
        Authorship.objects.bulk_create([Authorship(publication=papers["venue"], position=2, name="Zhang Wei")])
        new = f.PublicationFactory(citation_key="new", title="Deferred Indexing")
        for position, name in enumerate(["Barbara Liskov", "Edsger Dijkstra"], start=1):
            f.AuthorshipFactory(publication=new, position=position, name=name)
        Authorship.objects.filter(name="Alice Liddell").update(name="Alice Pleasance")
        assert found("zhang") == []  # not yet indexed: deferred
        assert _deferred_marks() > 0
    assert found("zhang") == ["venue"]
    assert found("liskov dijkstra") == ["new"]  # both authors, inserted after the paper
    assert found("deferred") == ["new"]
    assert found("pleasance") == ["other"]
    assert found("quantization") == ["title", "venue", "abstract"]
    assert _deferred_marks() == 0
    Authorship.objects.filter(name="Barbara Liskov").update(name="Ada Lovelace")  # immediate again
    assert found("liskov") == []


def test_a_bulk_import_is_searchable_by_title_author_and_venue_when_it_ends(papers, tmp_path):
    # The import run updates the index once at its end (on SQLite) instead of per author row.
    from profiles.imports.files import import_paths

    version = selectors.catalogue_version()
    (tmp_path / "lab.bib").write_text(BIB, encoding="utf-8")
    report = import_paths(paths=[tmp_path / "lab.bib"])
    assert not report.errors, report.lines()
    assert found("sparse attention") == ["first"]
    assert found("luo sima") == ["first"]  # both authors, the second inserted after the paper
    assert found("yao") == ["second"]
    assert found("symposium elastic") == ["second"]
    assert found("quantization") == ["title", "venue", "abstract"]  # what was there is untouched
    if connection.vendor == "sqlite":  # the run replaces it once at its end (PostgreSQL: once per transaction,
        assert selectors.catalogue_version() != version  # and this test's transaction wrote papers already)
    assert _deferred_marks() == 0  # nothing left behind: later writes index at once again
    paper("later", "Written After the Import", ["Ada Lovelace"])
    assert found("written after") == ["later"]


def test_a_dry_run_import_leaves_the_index_as_it_was(papers, tmp_path):
    from profiles.imports.files import import_paths

    (tmp_path / "lab.bib").write_text(BIB, encoding="utf-8")
    report = import_paths(paths=[tmp_path / "lab.bib"], dry_run=True)
    assert not report.errors, report.lines()
    assert found("sparse") == []
    assert _deferred_marks() == 0


@postgresql_only
def test_a_search_matching_more_than_can_be_ranked_ranks_the_newest_and_says_so(db, client, monkeypatch):
    # Ranking every match of a common word to show fifty reads them all: past MAX_RANKED
    # matches, the newest MAX_RANKED are ranked and the count reads "N+".
    monkeypatch.setattr(search, "MAX_RANKED", 2)
    paper("old-title", "Quantization Everywhere", year=2001)
    paper("new-abstract", "Compilers", year=2024, abstract="On quantization.")
    paper("new-title", "Quantization Again", year=2023)
    paper("unrelated", "Sparse Training", year=2025)
    assert found("quantization") == ["new-title", "new-abstract"]  # the two newest, best first
    html = client.get("/publications/", {"q": "quantization"}).content.decode()
    assert "2+ publications match" in html
    assert "Quantization Again" in html
    assert "Quantization Everywhere" not in html
    assert client.get("/api/v1/publications/", {"q": "quantization"}).json()["count"] == 2
    # At most MAX_RANKED matches: every one ranked, counted exactly.
    html = client.get("/publications/", {"q": "quantization everywhere"}).content.decode()
    assert "1 publication matches" in html


def test_a_search_count_reads_thousands_with_a_separator(db, client, monkeypatch):
    # The count the page shows when a search matched more than it ranks (PostgreSQL counts;
    # the label is the page's, whatever the database).
    monkeypatch.setattr(search, "match_count", lambda qs: (1000, True))
    paper("one", "Quantization Everywhere", year=2001)
    assert "1,000+ publications match" in client.get("/publications/", {"q": "quantization"}).content.decode()
