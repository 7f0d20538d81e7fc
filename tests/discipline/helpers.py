"""Helpers of the discipline tests: the API paths, uploads, and a case walked to a given step through the API."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

API = "/api/v1/discipline"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
FACTS = "该会员网站首页长期刊登虚假返利广告，经举报核查属实。"
PUBLISHED_FACTS = "经查证属实：该会员网站刊登虚假返利广告。"
REASONS = "违反公约第十二条第（一）项，情节较重。"


def png(name: str = "proof.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(API + path, body or {}, content_type="application/json")


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()


def open_case(client: Client, member_id: int, **overrides: Any) -> dict[str, Any]:
    body = {"member_id": member_id, "source": "investigation", "facts": FACTS, "articles": ["12(1)", "17"]}
    body.update(overrides)
    return ok(post(client, "/cases", body), 201)


def propose(client: Client, case_id: int, measure: str, **extra: Any) -> dict[str, Any]:
    return ok(post(client, f"/cases/{case_id}/propose", {"measure": measure, "reasons": REASONS, **extra}))
