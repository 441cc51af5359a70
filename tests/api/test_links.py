"""Resources link to each other: in the bodies (URLs a client follows) and in the OpenAPI
document (`links` from a created or read resource to the operations on it)."""

import pytest

from profiles.api.sections import SECTIONS
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_profile_detail_links_to_its_publications_and_section_collections(client_for, alice, bob):
    paper = f.PublicationFactory(citation_key="alice2024links", title="Linked")
    f.AuthorshipFactory(publication=paper, position=1, name="Alice Liddell", profile=alice.profile)
    f.NewsItemFactory(profile=alice.profile, body="Linked news")
    client = client_for(None)
    body = client.get("/api/v1/profiles/alice-liddell/").json()
    assert body["api_url"] == "http://testserver/api/v1/profiles/alice-liddell/"
    assert body["publications_url"] == "http://testserver/api/v1/publications/?member=alice-liddell"
    assert set(body["section_urls"]) == {s.key for s in SECTIONS}

    publications = client.get(body["publications_url"]).json()
    assert [p["citation_key"] for p in publications["results"]] == ["alice2024links"]
    news = client.get(body["section_urls"]["news"]).json()
    assert [n["body"] for n in news["results"]] == ["Linked news"]
    for url in body["section_urls"].values():
        assert client.get(url).status_code == 200, url


def test_publication_authors_carry_their_profile_urls(client_for, alice, bob):
    paper = f.PublicationFactory(citation_key="both2024", title="Two authors")
    f.AuthorshipFactory(publication=paper, position=1, name="Alice Liddell", profile=alice.profile)
    f.AuthorshipFactory(publication=paper, position=2, name="Someone Else", profile=None)
    client = client_for(None)
    authors = client.get("/api/v1/publications/both2024/").json()["authors"]
    assert [a["profile_url"] for a in authors] == ["http://testserver/api/v1/profiles/alice-liddell/", None]
    assert client.get(authors[0]["profile_url"]).json()["slug"] == "alice-liddell"


def test_an_unpublished_authors_profile_url_is_hidden_from_visitors(client_for, alice):
    alice.profile.published = False
    alice.profile.save()
    paper = f.PublicationFactory(citation_key="hidden2024", title="Hidden author")
    f.AuthorshipFactory(publication=paper, position=1, name="Alice Liddell", profile=alice.profile)
    author = client_for(None).get("/api/v1/publications/hidden2024/").json()["authors"][0]
    assert (author["profile"], author["profile_url"]) == (None, None)
    author = client_for(alice).get("/api/v1/publications/hidden2024/").json()["authors"][0]
    assert author["profile_url"].endswith("/api/v1/profiles/alice-liddell/")


@pytest.fixture
def schema(client_for):
    return client_for(None).get("/api/schema/", {"format": "json"}).json()


def _links(schema, path, method, status):
    return schema["paths"][path][method]["responses"][status].get("links", {})


def test_schema_links_a_created_section_item_to_its_operations(schema):
    for section in SECTIONS:
        prefix = f"profiles_{section.key.replace('-', '_')}"
        links = _links(schema, f"/api/v1/profiles/{{slug}}/{section.key}/", "post", "201")
        for action in ("retrieve", "update", "partial_update", "destroy"):
            assert links[f"{prefix}_{action}"]["parameters"] == {
                "slug": "$request.path.slug",
                "id": "$response.body#/id",
            }
    links = _links(schema, "/api/v1/profiles/{slug}/statements/", "post", "201")
    assert {"profiles_statements_share_link_create", "profiles_statements_share_link_destroy"} <= set(links)


def test_schema_links_publications_tokens_and_profiles(schema):
    links = _links(schema, "/api/v1/publications/", "post", "201")
    assert links["publications_destroy"]["parameters"] == {"key": "$response.body#/citation_key"}
    assert links["publications_authors_partial_update"]["parameters"] == {
        "key": "$response.body#/citation_key",
        "author_id": "$response.body#/authors/0/id",
    }
    links = _links(schema, "/api/v1/tokens/", "post", "201")
    assert links["tokens_destroy"]["parameters"] == {"id": "$response.body#/id"}
    links = _links(schema, "/api/v1/profiles/{slug}/", "get", "200")
    assert links["publications_list"]["parameters"] == {"member": "$response.body#/slug"}
    assert links["profiles_news_create"]["parameters"] == {"slug": "$request.path.slug"}
    assert links["profiles_partial_update"]["parameters"] == {"slug": "$request.path.slug"}
    operation_ids = {
        operation["operationId"]
        for item in schema["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for item in schema["paths"].values():
        for operation in item.values():
            for response in operation.get("responses", {}).values():
                for link in response.get("links", {}).values():
                    assert link["operationId"] in operation_ids


def test_blank_optional_strings_are_plain_strings_in_the_schema(schema):
    """One rule (docs/api.md): an optional e-mail/URL/identifier is a plain string that may be ""."""
    components = schema["components"]["schemas"]
    for name in ("Experience", "ExperienceRequest", "Publication", "PatchedProfileUpdateRequest"):
        for prop in components[name]["properties"].values():
            assert "oneOf" not in prop, (name, prop)
    assert components["Experience"]["properties"]["url"]["type"] == "string"
    assert "format" not in components["Experience"]["properties"]["url"]
    assert "format uri" in components["Experience"]["properties"]["url"]["description"]
    assert "format" not in components["PatchedProfileUpdateRequest"]["properties"]["email"]
