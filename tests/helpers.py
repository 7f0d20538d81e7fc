"""Helpers shared by the HTTP-level tests: convention data made through the real actions, problem-details checks."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

from zilu.convention.actions import do_import_version, do_publish_version
from zilu.convention.models import ConventionVersion
from zilu.convention.parser import BUNDLED_V1
from zilu.core.system import SystemActor

ROLES = ("anonymous", "public", "member", "staff", "supervisor", "superuser")

# Article 3 of the bundled text, and the reworded article that makes the second (draft) version differ.
ARTICLE_3 = "互联网行业自律的基本原则是爱国、守法、公平、诚信。"
ARTICLE_3_V2 = "互联网行业自律的基本原则是爱国、守法、公平、诚信、公开。"


def bundled_text() -> str:
    """The bundled text of version 1, as shipped."""
    return BUNDLED_V1.read_text(encoding="utf-8")


def draft_text() -> str:
    """The bundled text with Article 3 reworded: a distinct text for a second version."""
    text = bundled_text()
    assert ARTICLE_3 in text, "the bundled convention no longer has the expected Article 3"
    return text.replace(ARTICLE_3, ARTICLE_3_V2)


def make_versions() -> tuple[ConventionVersion, ConventionVersion]:
    """Version 1 imported and published, version 2 imported and left as a draft, both through the actions."""
    system = SystemActor("cli:tests")
    v1 = do_import_version(system, bundled_text(), source_name="changping-convention-v1.txt")
    v1 = do_publish_version(system, v1.pk)
    v2 = do_import_version(system, draft_text(), source_name="changping-convention-v2.txt", note="draft")
    assert (v1.number, v1.status) == (1, ConventionVersion.Status.PUBLISHED)
    assert (v2.number, v2.status) == (2, ConventionVersion.Status.DRAFT)
    return v1, v2


def assert_problem(response: HttpResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """``response`` is an RFC 7807 problem of ``status`` (and ``code``); returns the parsed body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    for member in ("type", "title", "status", "detail", "instance"):
        assert member in body, f"problem details lack {member!r}: {body}"
    assert body["status"] == status
    assert body["type"].startswith("urn:zilu:problem:")
    assert body["title"]
    assert body["detail"]
    assert body["instance"] == response.wsgi_request.path
    if code is not None:
        assert body["type"] == "urn:zilu:problem:" + code, body
    return body


def matrix_cells(table: dict[str, tuple[int | str, ...]]) -> list[tuple[str, str, int | str]]:
    """An access-matrix table (path -> one answer per role in ``ROLES``) as (path, role, expected) cells."""
    return [(path, role, row[i]) for path, row in table.items() for i, role in enumerate(ROLES)]


def assert_answer(response: HttpResponse, path: str, expected: int | str) -> None:
    """``response`` is the matrix's ``expected`` answer: a status, or ``"302 <target>"`` (a target ending in
    ``next=`` is followed by the requested path)."""
    if isinstance(expected, str):
        status, _sep, target = expected.partition(" ")
        assert response.status_code == int(status), (response.status_code, response.get("Location"))
        location = response["Location"]
        assert location == (target + quote(path, safe="/") if target.endswith("next=") else target), location
    else:
        assert response.status_code == expected, (response.status_code, response.get("Location"))
