"""OpenAPI schema additions: the token authentication and the error responses.

Every operation may answer with the JSON error body of portfolio_site/api/errors.py; the hook
documents those statuses so that clients (and schemathesis) know them.
"""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in one sentence."},
        "errors": {
            "type": "object",
            "description": "Messages per field (`non_field_errors` for the request as a whole).",
            "additionalProperties": {},
        },
    },
    "required": ["detail", "errors"],
}

ERRORS = {
    "400": "Invalid input: see `errors`.",
    "401": "No valid credentials (a token or a session).",
    "403": "Not allowed for this user.",
    "404": "Not found, or not visible to this user.",
    "406": "None of the formats asked for (Accept or ?format=) is available.",
    "415": "Unsupported request body type.",
    "429": "Too many requests; retry later.",
}


URI_TOO_LONG = (
    "The request line (the URL with its query string) is longer than the server accepts "
    "(gunicorn's --limit-request-line, 4,094 bytes by default); answered in plain HTML."
)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "profiles.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A personal token from /me/tokens/: `Token <token>` (or `Bearer <token>`).",
        }


BLANK = {"type": "string", "maxLength": 0}
FORMAT_KEYS = ("format", "pattern", "minLength")


def blank_strings_as_plain_strings(node):
    """Optional strings that may be blank are plain strings, in requests and responses.

    drf-spectacular writes an optional e-mail, URL or patterned identifier as
    `oneOf: [{format: …}, {maxLength: 0}]`, which "" matches twice (and so breaks `oneOf`).
    Our one rule instead (docs/api.md): such a field is `type: string`, always present,
    `""` when not set (never null); the format it has when set is said in its description.
    """
    if isinstance(node, list):
        return [blank_strings_as_plain_strings(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: blank_strings_as_plain_strings(value) for key, value in node.items()}
    options = node.get("oneOf")
    if isinstance(options, list) and len(options) == 2 and BLANK in options:
        inner = next(option for option in options if option != BLANK)
        if inner.get("type") == "string":
            del node["oneOf"]
            shape = f"format {inner['format']}" if "format" in inner else ""
            shape = shape or (f"pattern {inner['pattern']}" if "pattern" in inner else "")
            node = {**{k: v for k, v in inner.items() if k not in FORMAT_KEYS}, **node}
            note = f'"" when not set{f"; otherwise {shape}" if shape else ""}.'
            node["description"] = f"{node['description'].rstrip('.')}. {note}" if node.get("description") else note
    return node


def add_error_responses(result, generator, request, public):
    result["components"] = blank_strings_as_plain_strings(result.get("components", {}))
    schemas = result["components"].setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code == "415" and method in {"get", "delete"}:
                    continue
                content = {"application/json": {"schema": ref}}
                responses.setdefault(code, {"description": description, "content": content})
            # Answered by the HTTP server (gunicorn) before the app sees the request, so not JSON.
            responses.setdefault("414", {"description": URI_TOO_LONG})
    add_links(result.get("paths", {}))
    return result


# --- OpenAPI links: from a resource to the operations on it -------------------------------
#
# drf-spectacular (0.30) has no API for response links, so they are derived here from the
# paths: a resource's creation (201) and retrieval (200) link to every operation on the
# same resource (retrieve, update, delete, its sub-resources), a profile's detail to its
# section collections and its publications. A client, and schemathesis's stateful phase,
# can so follow a created item to its edit and delete operations (docs/api.md, "Links").

# Path parameter -> where a response body says it (JSON pointer). The first three name the
# resource itself (a new item's id in a 201); `author_id` names a row inside a publication.
BODY_POINTERS = {"id": "/id", "key": "/citation_key", "slug": "/slug", "author_id": "/authors/0/id"}
IDENTITY = {"id", "key", "slug"}
METHODS = ("get", "put", "patch", "post", "delete")


def _params(path):
    return re.findall(r"{([^}]+)}", path)


def _below(path, paths):
    """(target path, its item, its extra path parameters) for every path under `path`."""
    params = _params(path)
    for target, item in paths.items():
        if target.startswith(path) and _params(target)[: len(params)] == params:
            yield target, item, _params(target)[len(params) :]


def add_links(paths):
    for path, item in paths.items():
        pinned = {p: f"$request.path.{p}" for p in _params(path)}
        for method, operation in item.items():
            responses = operation.get("responses", {}) if method in METHODS else {}
            if method == "post" and "201" in responses:
                # A collection's create: follow the new item and what hangs below it.
                for _target, target_item, extra in _below(path, paths):
                    if extra and extra[0] in IDENTITY and all(p in BODY_POINTERS for p in extra):
                        found = {p: f"$response.body#{BODY_POINTERS[p]}" for p in extra}
                        _add(responses["201"], target_item, {**pinned, **found})
            elif method == "get" and "200" in responses and pinned:
                # A resource's retrieval: its other operations and the collections below it.
                for _target, target_item, extra in _below(path, paths):
                    if all(p in BODY_POINTERS and p not in IDENTITY for p in extra):
                        found = {p: f"$response.body#{BODY_POINTERS[p]}" for p in extra}
                        _add(responses["200"], target_item, {**pinned, **found}, skip=operation)
                listings = [i["get"]["operationId"] for i in paths.values() if "get" in i]
                if path.endswith("/profiles/{slug}/") and "publications_list" in listings:
                    responses["200"].setdefault("links", {})["publications_list"] = {
                        "operationId": "publications_list",
                        "parameters": {"member": "$response.body#/slug"},
                        "description": "The member's publications.",
                    }


def _add(response, target_item, parameters, skip=None):
    out = response.setdefault("links", {})
    for method in METHODS:
        operation = target_item.get(method)
        if operation is None or operation is skip:
            continue
        wanted = sorted(p["name"] for p in operation.get("parameters", []) if p.get("in") == "path")
        if set(wanted) <= set(parameters):
            out[operation["operationId"]] = {
                "operationId": operation["operationId"],
                "parameters": {name: parameters[name] for name in wanted},
                "description": operation.get("summary", ""),
            }


def search_parameters(description):
    """The list endpoints' search parameters: `q`, and `search` (DRF's name) as its synonym."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter

    return [
        OpenApiParameter("q", OpenApiTypes.STR, description=description),
        OpenApiParameter("search", OpenApiTypes.STR, description="The same as `q`."),
    ]
