"""Generate the HTTP API reference page from the OpenAPI document the app serves at /orchestrator/openapi.json."""

from __future__ import annotations

import re
from typing import Any

_METHODS = ("get", "post", "put", "patch", "delete")

_ERROR_FORMAT = """## Errors

Every error is one JSON object with a 4xx status (never a 500 for bad input):

```json
{"error": {"code": "not_found", "message": "…", "details": {"detail": "…"}}}
```

- `code`: what went wrong, precise and stable (`bad_input`, `not_found`, `conflict`, `tool_error`, `loop_limit`, …).
- `message`: a sentence for the person using the app, saying what is wrong and what to do: Spanish, English with
  `Accept-Language: en`. For `pipeline_invalid`, the technical message for the pipeline's author.
- `details`: an object whose `detail` holds the English technical text, beside the error's own fields; for
  `pipeline_invalid`, the list of `{line, column, path, message}`.

A run belongs to the caller that started it (the session cookie, or the `Authorization: Bearer` token when
`API_TOKENS` is configured): anyone else gets 404 for it. See [the HTTP API guide](../http-api.md) for examples.
"""


def openapi() -> dict[str, Any]:
    """The OpenAPI document as served when API tokens are configured (so the 401 answers are listed)."""
    from routes.openapi import openapi_document

    return openapi_document(bearer=True)


def _ref_name(schema: dict[str, Any]) -> str:
    """A schema's component name as a link, or its JSON type (`array of X` for lists)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if schema.get("type") == "array" and "items" in schema:
        return "array of " + _ref_name(schema["items"])
    if "anyOf" in schema:
        return " or ".join(_ref_name(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " or ".join(f"`{v}`" for v in schema["enum"])
    kind = schema.get("type", "any")
    return f"{kind} ({schema['format']})" if "format" in schema else str(kind)


def _content(body: dict[str, Any]) -> str:
    """`media type: schema` for each content type of a request or response body."""
    return "; ".join(f"`{media}`: {_ref_name(v.get('schema', {}))}" for media, v in body.get("content", {}).items())


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _operation(path: str, method: str, op: dict[str, Any]) -> str:
    """One operation: summary, parameters, request body and every response."""
    lines = [f"### `{method.upper()} {path}`", "", f"{op.get('summary', '')} (operation `{op['operationId']}`).", ""]
    params = op.get("parameters", [])
    if params:
        lines += ["| parameter | in | required | schema | description |", "|---|---|---|---|---|"]
        for p in params:
            row = [f"`{p['name']}`", p["in"], "yes" if p.get("required") else "no", _ref_name(p["schema"])]
            lines.append("| " + " | ".join(_cell(c) for c in [*row, p.get("description", "")]) + " |")
        lines.append("")
    if "requestBody" in op:
        lines += [f"**Request body:** {_content(op['requestBody'])}", ""]
    lines += ["| status | meaning | body |", "|---|---|---|"]
    for status, answer in sorted(op["responses"].items()):
        lines.append(f"| {status} | {_cell(answer['description'])} | {_cell(_content(answer))} |")
    return "\n".join(lines) + "\n"


def _schema(name: str, schema: dict[str, Any]) -> str:
    """One component schema: its description and a table of its properties."""
    lines = [f"### {name} {{#{name.lower()}}}", "", _cell(schema.get("description", "")), ""]
    required = set(schema.get("required", []))
    props = schema.get("properties", {})
    if props:
        lines += ["| property | type | required | description |", "|---|---|---|---|"]
        for prop, sub in props.items():
            row = [f"`{prop}`", _ref_name(sub), "yes" if prop in required else "no", sub.get("description", "")]
            lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


def http_reference(document: dict[str, Any] | None = None) -> str:
    """The HTTP API reference page, in Markdown."""
    doc = document or openapi()
    index = ["| method | path | summary |", "|---|---|---|"]
    operations = []
    for path, item in doc["paths"].items():
        for method in (m for m in _METHODS if m in item):
            op = item[method]
            anchor = re.sub(r"[^a-z0-9-]", "", f"{method}-{path}".lower())
            index.append(f"| {method.upper()} | [`{path}`](#{anchor}) | {_cell(op.get('summary', ''))} |")
            operations.append(_operation(path, method, op).replace("\n", f" {{#{anchor}}}\n", 1))
    schemas = doc.get("components", {}).get("schemas", {})
    parts = [
        "# HTTP API reference",
        "",
        f"Generated at build time by `docs/gen_http.py` from the OpenAPI {doc['openapi']} document the app serves "
        "at `GET /orchestrator/openapi.json` (`routes/openapi.py`, built from the pydantic models the routes "
        "validate with). The 401 answers apply only when `API_TOKENS` is set.",
        "",
        "## Operations",
        "",
        *index,
        "",
        *operations,
        _ERROR_FORMAT,
        "## Schemas",
        "",
        *(_schema(name, schema) for name, schema in schemas.items()),
    ]
    return "\n".join(parts)
