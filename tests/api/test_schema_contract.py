"""The OpenAPI schema tells the truth: real responses from the demo lab match it.

The demo lab is loaded once for the module (inside a transaction rolled back at the end);
every profile detail, every section list and item, every publication, the token and
error bodies are read as a visitor, a member and a lab admin, and each body is validated
with jsonschema against the response schema its operation declares in /api/schema/.
The schema is made strict for the check: objects may not carry undeclared properties,
declared `required` properties must be there, `writeOnly` ones never, and `format`s are
checked (so `"email": ""` against `format: email` fails).
"""

import copy
import re
from collections import defaultdict

import jsonschema
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from profiles.api.sections import SECTIONS
from profiles.demo.loader import DEMO_USERS, load_demo

API = "/api/v1"

# The marker makes pytest-django create the test database; the data is the module fixture's.
pytestmark = pytest.mark.django_db


# --- OpenAPI 3.0 -> JSON Schema ---------------------------------------------------------


def to_json_schema(node):
    """OpenAPI 3.0 schema object -> JSON Schema 2020-12 (nullable, strict objects, no writeOnly)."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: to_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
        if "enum" in node and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        if "$ref" in node or "allOf" in node or "oneOf" in node or "anyOf" in node:
            node = {"anyOf": [node, {"type": "null"}]}
    if node.get("type") == "object" and "properties" in node:
        props = node["properties"]
        write_only = [name for name, prop in props.items() if prop.get("writeOnly")]
        node["properties"] = {name: prop for name, prop in props.items() if name not in write_only}
        node["required"] = [name for name in node.get("required", []) if name not in write_only]
        node.setdefault("additionalProperties", False)
    return node


@pytest.fixture(scope="module")
def lab(django_db_setup, django_db_blocker):
    """The schema and every response of the demo lab, read once; the database is rolled back."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    # What tests/conftest.py and tests/api/conftest.py do per test: plain HTTP, no throttling.
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    quiet = override_settings(SECURE_SSL_REDIRECT=False, REST_FRAMEWORK=rest)
    with django_db_blocker.unblock(), transaction.atomic(), quiet:
        cache.clear()
        load_demo()
        users = {name: get_user_model().objects.get(username=name) for name in DEMO_USERS}
        clients = {"visitor": APIClient()}
        for name, user in users.items():
            clients[name] = APIClient()
            clients[name].force_login(user)
        schema = clients["visitor"].get("/api/schema/", {"format": "json"}).json()
        seen = Recorder(schema)
        seen.sections_with_items = {s.key for s in SECTIONS if s.model._default_manager.exists()}
        for who, client in clients.items():
            seen.read_everything(who, client)
        transaction.set_rollback(True)
    return seen


class Recorder:
    """Real (operation, status, body) triples, matched to the schema's path templates."""

    def __init__(self, schema):
        self.schema = schema
        self.components = to_json_schema(schema["components"])
        self.routes = []
        for template, item in schema["paths"].items():
            regex = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))
            self.routes.append((re.compile(f"^{regex}$"), template, item))
        self.responses = []  # (who, method, path, template, status, body)

    def operation(self, method, path):
        path = path.split("?")[0]
        for regex, template, item in self.routes:
            if regex.match(path) and method in item:
                return template, item[method]
        raise AssertionError(f"{method.upper()} {path} is not in the schema")

    def record(self, who, client, method, path, data=None):
        response = getattr(client, method)(path, data, format="json") if data else getattr(client, method)(path)
        template, _ = self.operation(method, path)
        body = response.json() if response.content and response["Content-Type"].startswith("application/json") else None
        self.responses.append((who, method, path, template, response.status_code, body))
        return response

    def all_pages(self, who, client, path):
        while path:
            response = self.record(who, client, "get", path)
            assert response.status_code == 200, (who, path, response.content[:300])
            body = response.json()
            yield from body["results"]
            path = body["next"] and body["next"].replace("http://testserver", "")

    def read_everything(self, who, client):
        """Every profile detail and publication; the sections (lists and items) as the lab admin,
        who sees every item, and as each member on their own profile; a few writes as members."""
        own = DEMO_USERS.get(who, (None,))[0]
        for profile in self.all_pages(who, client, f"{API}/profiles/?page_size=100"):
            slug = profile["slug"]
            self.record(who, client, "get", f"{API}/profiles/{slug}/")
            if who != "labadmin" and slug != own:
                continue
            for section in SECTIONS:
                items = list(self.all_pages(who, client, f"{API}/profiles/{slug}/{section.key}/?page_size=100"))
                for item in items if who == "labadmin" else items[:1]:
                    self.record(who, client, "get", f"{API}/profiles/{slug}/{section.key}/{item['id']}/")
        for publication in self.all_pages(who, client, f"{API}/publications/?page_size=100"):
            if who in ("visitor", "labadmin"):
                self.record(who, client, "get", f"{API}/publications/{publication['citation_key']}/")
        self.record(who, client, "get", f"{API}/profiles/no-such-member/")  # 404: the Error body
        if who == "visitor":
            self.record(who, client, "get", f"{API}/tokens/")  # 401
            return
        created = self.record(who, client, "post", f"{API}/tokens/", {"name": "contract test"})
        self.record(who, client, "get", f"{API}/tokens/")
        self.record(who, client, "get", f"{API}/tokens/{created.json()['id']}/")
        self.record(who, client, "post", f"{API}/tokens/", {"name": ""})  # 400
        if own:
            self.record(who, client, "patch", f"{API}/profiles/{own}/", {"pronouns": "they/them"})
            news = f"{API}/profiles/{own}/news/"
            added = self.record(who, client, "post", news, {"date": "2026-01", "body": "Contract test."}).json()
            order = [item["id"] for item in self.all_pages(who, client, f"{news}?page_size=100")]
            self.record(who, client, "post", f"{news}reorder/", {"order": order})
            self.record(who, client, "delete", f"{news}{added['id']}/")
            statement = self.record(
                who, client, "post", f"{API}/profiles/{own}/statements/",
                {"kind": "research", "title": "Contract", "body": "Text.", "visibility": "link"},
            ).json()  # fmt: skip
            share = f"{API}/profiles/{own}/statements/{statement['id']}/share_link/"
            self.record(who, client, "post", share)
            self.record(who, client, "delete", share)
            papers = list(self.all_pages(who, client, f"{API}/publications/?member={own}"))
            mine = next(a for a in papers[0]["authors"] if a["profile"] == own)
            author = f"{API}/publications/{papers[0]['citation_key']}/authors/{mine['id']}/"
            self.record(who, client, "patch", author, {"selected": True})
            self.record(who, client, "delete", author)  # unlink: answers the author row
            good = SimpleUploadedFile(
                "cv.bib", b"@misc{contract2026, title = {Contract}, author = {Doe, J.}, year = 2026}"
            )
            self.record_import(who, client, own, good, dry_run=True)
            bad = SimpleUploadedFile("cv.bib", b"@article{broken, title = {no end")
            self.record_import(who, client, own, bad)

    def record_import(self, who, client, own, upload, dry_run=False):
        data = {"file": upload, "format": "bibtex", "dry_run": dry_run}
        response = client.post(f"{API}/profiles/{own}/import/", data, format="multipart")
        self.responses.append(
            (who, "post", f"{API}/profiles/{own}/import/", f"{API}/profiles/{{slug}}/import/",
             response.status_code, response.json())
        )  # fmt: skip

    def response_schema(self, method, template, status):
        operation = self.schema["paths"][template][method]
        declared = operation["responses"].get(str(status))
        assert declared is not None, f"{method.upper()} {template} answered {status}, not declared"
        content = declared.get("content")
        if not content:
            return None
        return next(iter(content.values()))["schema"]


def validate(lab, schema, body):
    root = {**copy.deepcopy(to_json_schema(schema)), "components": lab.components}
    validator = jsonschema.Draft202012Validator(root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<body>'}: {error.message}"
        for error in validator.iter_errors(body)
    ]


def test_the_lab_was_read_as_every_role(lab):
    who = {row[0] for row in lab.responses}
    assert who == {"visitor", *DEMO_USERS}
    templates = {row[3] for row in lab.responses}
    for section in SECTIONS:
        if section.key in lab.sections_with_items:
            assert f"{API}/profiles/{{slug}}/{section.key}/{{id}}/" in templates, section.key
    assert len(lab.responses) > 300


def test_every_response_matches_its_declared_schema(lab):
    problems = defaultdict(set)
    for who, method, path, template, status, body in lab.responses:
        schema = lab.response_schema(method, template, status)
        if schema is None:
            assert body is None, f"{method.upper()} {path} ({status}) has a body the schema does not declare"
            continue
        for message in validate(lab, schema, body):
            problems[f"{method.upper()} {template} {status}"].add(f"{message} (e.g. {path} as {who})")
    assert not problems, "\n".join(f"{op}:\n  " + "\n  ".join(sorted(msgs)[:10]) for op, msgs in problems.items())


def _refs(node, out):
    if isinstance(node, dict):
        if "$ref" in node:
            out.add(node["$ref"].rsplit("/", 1)[-1])
        for value in node.values():
            _refs(value, out)
    elif isinstance(node, list):
        for value in node:
            _refs(value, out)
    return out


def test_every_response_component_is_checked_against_real_data(lab):
    """Each schema component a response can use was met (directly or nested) in a real body."""
    components = lab.schema["components"]["schemas"]
    in_responses = set()
    for item in lab.schema["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                _refs(operation.get("responses", {}), in_responses)
    # Close over nesting: a component used inside a response component is a response component.
    todo = list(in_responses)
    while todo:
        for name in _refs(components[todo.pop()], set()):
            if name not in in_responses:
                in_responses.add(name)
                todo.append(name)
    met = set()
    for _who, method, _path, template, status, _body in lab.responses:
        schema = lab.response_schema(method, template, status)
        if schema is not None:
            todo = list(_refs(schema, set()))
            while todo:
                name = todo.pop()
                if name not in met:
                    met.add(name)
                    todo.extend(_refs(components[name], set()))
    # Enum components are checked through the objects that use them.
    objects = {
        name for name in in_responses if components[name].get("type") == "object" or "properties" in components[name]
    }
    not_met = objects - met
    assert not not_met, f"response components never checked against a real body: {sorted(not_met)}"


def test_blank_optional_strings_are_declared_as_such(lab):
    """Blank optional strings are "" (never null) and their schema allows "": no `format` that "" breaks."""
    detail = lab.components["schemas"]["ProfileDetail"]["properties"]
    assert "format" not in detail["email"]
    bodies = [row[5] for row in lab.responses if row[3] == f"{API}/profiles/{{slug}}/" and row[4] == 200]
    assert any(body["email"] == "" for body in bodies), "the demo lab has a member without an email"
    assert all(body["email"] is not None and body["orcid"] is not None for body in bodies)
