"""The OpenAPI schema is a contract with member systems: any change to it must be deliberate and reviewed.

When the schema changes on purpose, rewrite the snapshot and commit it with the change::

    ZILU_UPDATE_SNAPSHOTS=1 pytest tests/test_openapi_snapshot.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.test import Client

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "openapi.json"
UPDATE_HINT = "ZILU_UPDATE_SNAPSHOTS=1 pytest tests/test_openapi_snapshot.py"


def render(schema: object) -> str:
    """The snapshot's on-disk form: stable key order, readable Chinese, a trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _differences(old: object, new: object, where: str = "$") -> list[str]:
    """Paths where two JSON documents differ, to say *what* changed rather than dump both schemas."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new)):
            if key not in new:
                found.append(f"{where}.{key}: removed")
            elif key not in old:
                found.append(f"{where}.{key}: added")
            else:
                found += _differences(old[key], new[key], f"{where}.{key}")
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [d for i, (a, b) in enumerate(zip(old, new, strict=True)) for d in _differences(a, b, f"{where}[{i}]")]
    return (
        []
        if old == new
        else [f"{where}: {json.dumps(old, ensure_ascii=False)[:80]} -> {json.dumps(new, ensure_ascii=False)[:80]}"]
    )


@pytest.mark.django_db
def test_openapi_schema_matches_snapshot():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()

    if os.environ.get("ZILU_UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(render(schema), encoding="utf-8")
        return

    if not SNAPSHOT.exists():
        pytest.fail(f"no OpenAPI snapshot at {SNAPSHOT}; create it with: {UPDATE_HINT}")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    if schema != expected:
        changes = _differences(expected, schema)
        listed = "\n  ".join(changes[:30]) + (f"\n  ... and {len(changes) - 30} more" if len(changes) > 30 else "")
        pytest.fail(
            "The OpenAPI schema differs from tests/snapshots/openapi.json:\n  "
            f"{listed}\n"
            f"If the change is intended, run `{UPDATE_HINT}` and commit the updated snapshot.",
            pytrace=False,
        )


def test_snapshot_file_is_in_canonical_form():
    """The committed file is exactly what the update command writes, so diffs in review stay minimal."""
    if not SNAPSHOT.exists():
        pytest.skip("no snapshot yet")
    text = SNAPSHOT.read_text(encoding="utf-8")
    assert text == render(json.loads(text)), f"reformat the snapshot with: {UPDATE_HINT}"


def test_schema_documents_the_problem_and_auth_contract():
    """Facts about the schema that member integrations rely on, independent of the snapshot."""
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.exists() else None
    if snapshot is None:
        pytest.skip("no snapshot yet")
    paths = snapshot["paths"]
    assert {
        "/api/v1/me",
        "/api/v1/audit/head",
        "/api/v1/audit/entries",
        "/api/v1/api-keys",
        "/api/v1/api-keys/{key_id}/revoke",
        "/api/v1/notifications",
        "/api/v1/notifications/{notification_id}/read",
        "/api/v1/convention/current",
        "/api/v1/convention/versions",
        "/api/v1/convention/versions/{number}",
    } <= set(paths)
    schemes = snapshot["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    # Public endpoints declare no security; signed-in ones do.
    assert "security" not in paths["/api/v1/audit/head"]["get"]
    assert paths["/api/v1/me"]["get"]["security"]
    assert "201" in paths["/api/v1/api-keys"]["post"]["responses"]


def test_every_schema_component_has_a_unique_name():
    """django-ninja names a component after its class: two classes of one name silently share one component, and
    the operations of one of them are then described with the other's fields (it happened to ``ItemOut``)."""
    from ninja import Schema

    import zilu.api  # noqa: F401  (imports every router and its schemas)

    def subclasses(cls: type) -> list[type]:
        found = []
        for sub in cls.__subclasses__():
            found += [sub, *subclasses(sub)]
        return found

    ours = [cls for cls in subclasses(Schema) if cls.__module__.startswith("zilu.")]
    by_name: dict[str, set[str]] = {}
    for cls in ours:
        by_name.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: sorted(modules) for name, modules in by_name.items() if len(modules) > 1} == {}
    assert len(ours) > 50  # the check sees the API's schemas
