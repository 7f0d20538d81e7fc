"""Generate the API reference, ``docs/api.md``, from the OpenAPI schema of ``zilu.api``.

Usage::

    python scripts/gen_api_docs.py          # (re)write docs/api.md
    python scripts/gen_api_docs.py --check  # exit 1 if docs/api.md is not what the code would generate

The output depends only on the code (routes, schemas, auth, domain errors), never on the database or the
environment, so the same code always gives the same file. ``tests/test_docs.py`` imports this module and compares
:func:`render` with the committed file.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "api.md"
COMMAND = "python scripts/gen_api_docs.py"
METHODS = ("get", "post", "put", "patch", "delete")


def setup_django() -> None:
    """Configure Django (settings from the environment, as everywhere) unless it already is."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zilu.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def load_schema() -> dict[str, Any]:
    """The OpenAPI schema of the Zilu API as plain JSON data (paths include the ``/api/v1`` mount point)."""
    from zilu.api import api

    return json.loads(json.dumps(api.get_openapi_schema()))


def domain_errors() -> list[tuple[int, str, str, str]]:
    """(status, code, class name, default message) for every domain error class, sorted by status and code."""
    from django.utils import translation

    from zilu.core.errors import DomainError

    found: dict[str, type[DomainError]] = {}
    pending = [DomainError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    with translation.override("en"):
        rows = [(cls.status, cls.code, cls.__name__, str(cls.default_message)) for cls in found.values()]
    return sorted(rows)


# --------------------------------------------------------------------------- formatting helpers


def _cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _schema_link(name: str) -> str:
    return f"[`{name}`](#{name.lower()})"


def type_of(schema: dict[str, Any]) -> str:
    """A short human-readable type for a JSON schema fragment."""
    if "$ref" in schema:
        return _schema_link(_ref_name(schema["$ref"]))
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return " or ".join(type_of(part) for part in schema[combinator])
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return type_of(schema["allOf"][0])
    kind = schema.get("type")
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    if kind == "null":
        return "null"
    if kind is None:
        return "any"
    text = "object" if kind == "object" else f"{kind}"
    if "format" in schema:
        text += f" ({schema['format']})"
    if "enum" in schema:
        text += ": " + ", ".join(f"`{value}`" for value in schema["enum"])
    return text


def notes_of(schema: dict[str, Any]) -> str:
    """Description, default and constraints of a JSON schema fragment, for the last column of a table."""
    parts = []
    if schema.get("description"):
        parts.append(str(schema["description"]))
    for key, label in (
        ("minLength", "min length"),
        ("maxLength", "max length"),
        ("minimum", "minimum"),
        ("maximum", "maximum"),
        ("exclusiveMinimum", "greater than"),
        ("exclusiveMaximum", "less than"),
        ("pattern", "pattern"),
    ):
        if key in schema:
            parts.append(f"{label} `{schema[key]}`")
    if "default" in schema:
        parts.append(f"default `{json.dumps(schema['default'], ensure_ascii=False)}`")
    return "; ".join(parts)


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """(component name, schema) for a fragment that may be a ``$ref``."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return name, components.get(name, {})
    return None, schema


def fields_table(schema: dict[str, Any]) -> list[str]:
    """A Markdown table of an object schema's properties."""
    properties = schema.get("properties") or {}
    if not properties:
        return [f"Type: {type_of(schema)}", ""]
    required = set(schema.get("required") or [])
    lines = ["| Field | Type | Required | Notes |", "| --- | --- | --- | --- |"]
    for name, prop in properties.items():
        lines.append(
            f"| `{name}` | {_cell(type_of(prop))} | {'yes' if name in required else 'no'} | {_cell(notes_of(prop))} |"
        )
    lines.append("")
    return lines


def auth_of(operation: dict[str, Any], schema: dict[str, Any]) -> str:
    """Who may call an operation, from its OpenAPI security requirements."""
    requirements = operation.get("security", schema.get("security"))
    if not requirements:
        return "public"
    schemes = schema.get("components", {}).get("securitySchemes", {})
    names = []
    for requirement in requirements:
        for scheme_name in requirement:
            scheme = schemes.get(scheme_name, {})
            if scheme.get("type") == "http" and scheme.get("scheme") == "bearer":
                names.append("API key")
            elif scheme.get("type") == "apiKey" and scheme.get("in") == "cookie":
                names.append("session")
            else:
                names.append(scheme_name)
    return " or ".join(dict.fromkeys(names))


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    ops = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                ops.append((path, method, item[method]))
    return ops


# --------------------------------------------------------------------------- rendering


def render_operation(path: str, method: str, op: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The section of one path + method."""
    components = schema.get("components", {}).get("schemas", {})
    lines = [f"### `{method.upper()} {path}`", ""]
    if op.get("summary"):
        lines += [op["summary"], ""]
    if op.get("description"):
        lines += [op["description"].strip(), ""]
    lines += [f"- Auth: {auth_of(op, schema)}", f"- Operation id: `{op.get('operationId', '')}`", ""]

    parameters = op.get("parameters") or []
    if parameters:
        lines += [
            "Parameters:",
            "",
            "| Name | In | Type | Required | Notes |",
            "| --- | --- | --- | --- | --- |",
        ]
        for param in parameters:
            param_schema = param.get("schema", {})
            notes = "; ".join(part for part in (param.get("description", ""), notes_of(param_schema)) if part)
            lines.append(
                f"| `{param['name']}` | {param.get('in', '')} | {_cell(type_of(param_schema))} | "
                f"{'yes' if param.get('required') else 'no'} | {_cell(notes)} |"
            )
        lines.append("")

    body = op.get("requestBody")
    if body:
        for content_type, media in sorted(body.get("content", {}).items()):
            name, body_schema = _resolve(media.get("schema", {}), components)
            title = f" {_schema_link(name)}" if name else ""
            required = "required" if body.get("required") else "optional"
            lines += [f"Request body (`{content_type}`, {required}){title}:", ""]
            lines += fields_table(body_schema)

    lines += ["Responses:", "", "| Status | Meaning | Body |", "| --- | --- | --- |"]
    for status, response in sorted(op.get("responses", {}).items()):
        bodies = [
            f"{type_of(media.get('schema', {}))} (`{content_type}`)"
            for content_type, media in sorted((response.get("content") or {}).items())
        ]
        lines.append(f"| {status} | {_cell(response.get('description', ''))} | {_cell(', '.join(bodies) or '—')} |")
    lines.append("")
    return lines


def render_errors() -> list[str]:
    """The problem-details section, with the domain errors read from ``zilu.core.errors``."""
    lines = [
        "## Errors",
        "",
        "Every error is an RFC 7807 problem (`Content-Type: application/problem+json`) with the members `type`",
        "(`urn:zilu:problem:<code>`), `title`, `status`, `detail`, `instance` (the request path) and `request_id`",
        "(also sent as the `X-Request-ID` header). Validation and domain errors add `errors`, a list of",
        "`{field, reason, code}`. Besides the domain errors below, the API answers `401 unauthenticated` (with",
        '`WWW-Authenticate: Bearer realm="zilu"`) when an endpoint needs a key or a session and gets neither,',
        "`422 validation_error` when parameters or the body do not match the schema, and `http_<status>` for other",
        "HTTP errors (for example `403 http_403` when a session request fails the CSRF check).",
        "",
        "Domain errors (`zilu.core.errors`), raised by actions:",
        "",
        "| Status | Code | Class | Default message |",
        "| --- | --- | --- | --- |",
    ]
    for status, code, name, message in domain_errors():
        lines.append(f"| {status} | `{code}` | `{name}` | {_cell(message)} |")
    lines.append("")
    return lines


def render(schema: dict[str, Any] | None = None) -> str:
    """The whole of ``docs/api.md`` as a string. Needs Django set up (``zilu.api`` imports models)."""
    schema = load_schema() if schema is None else schema
    info = schema.get("info", {})
    lines = [
        "<!-- Generated by scripts/gen_api_docs.py from the OpenAPI schema of zilu.api. Do not edit by hand:",
        f"     change the code, then run `{COMMAND}`. -->",
        "",
        f"# {info.get('title', 'API')} reference",
        "",
    ]
    if info.get("description"):
        lines += [info["description"].strip(), ""]
    lines += [
        "The API is mounted at `/api/v1/`. A running site also serves the schema at `/api/v1/openapi.json` and",
        "interactive docs at `/api/v1/docs`.",
        "",
        "## Authentication",
        "",
        "- **public**: no credentials needed. Endpoints that show drafts to staff still look at the session cookie,",
        "  when there is one.",
        "- **API key**: `Authorization: Bearer zilu_<prefix>_<secret>`. The request acts as the member",
        "  representative who created the key (see [workflows/api-keys.md](workflows/api-keys.md)).",
        "- **session**: the `sessionid` cookie of a signed-in user of the site. Requests other than GET must also",
        "  send the CSRF token (`X-CSRFToken` header matching the `csrftoken` cookie).",
        "",
        "Where an endpoint accepts both, an API key is tried first. The key-management endpoints",
        "(`/api/v1/api-keys...`) are the exception: they refuse a request made with an API key (403 `forbidden`),",
        "so that a key can never mint or revoke keys. Role checks (see",
        "[architecture.md](architecture.md#roles-and-permissions)) apply on top of authentication.",
        "",
    ]
    lines += render_errors()

    operations = _operations(schema)
    tags: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, method, op in operations:
        tags.setdefault((op.get("tags") or ["default"])[0], []).append((path, method, op))
    for tag, ops in tags.items():
        lines += [f"## Tag `{tag}`", "", "| Method | Path | Summary | Auth |", "| --- | --- | --- | --- |"]
        for path, method, op in ops:
            lines.append(
                f"| {method.upper()} | `{path}` | {_cell(op.get('summary', ''))} | {_cell(auth_of(op, schema))} |"
            )
        lines.append("")
        for path, method, op in ops:
            lines += render_operation(path, method, op, schema)

    components = schema.get("components", {}).get("schemas", {})
    if components:
        lines += ["## Schemas", ""]
        for name in sorted(components):
            component = components[name]
            lines += [f"### {name}", ""]
            if component.get("description"):
                lines += [component["description"].strip(), ""]
            lines += fields_table(component)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate docs/api.md from the OpenAPI schema of the Zilu API.")
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/api.md is out of date; write nothing")
    args = parser.parse_args(argv)
    setup_django()
    text = render()
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    if args.check:
        if current == text:
            print(f"{OUTPUT.relative_to(ROOT)} is up to date")
            return 0
        diff = difflib.unified_diff(
            current.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile="docs/api.md (committed)",
            tofile="docs/api.md (generated)",
        )
        sys.stdout.writelines(list(diff)[:200])
        print(f"\n{OUTPUT.relative_to(ROOT)} is stale: run `{COMMAND}`", file=sys.stderr)
        return 1
    if current != text:
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        OUTPUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(ROOT)}")
    else:
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
