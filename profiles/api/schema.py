"""OpenAPI schema additions: the token authentication and the error responses.

Every operation may answer with the JSON error body of profiles/api/errors.py; the hook
documents those statuses so that clients (and schemathesis) know them.
"""

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


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "profiles.authentication.ApiTokenAuthentication"
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
            shape = inner.get("format") or ("pattern " + inner["pattern"] if "pattern" in inner else "")
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
    return result
