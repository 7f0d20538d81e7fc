"""A bank term that needs context, end to end: staff add it through the API, the member's screening honours it, the
signed export and the member's pulled engine file carry the flag."""

from __future__ import annotations

import json

import pytest

from tests.helpers import assert_problem
from zilu.banks import pull
from zilu.banks.models import Entry

pytestmark = pytest.mark.django_db


def _add(staff, entry):
    response = staff.post(
        "/api/v1/banks/terms/entries",
        {"entry": entry, "reason": "curated", "evidence_url": "https://example.cn/evidence"},
        content_type="application/json",
    )
    assert response.status_code in (200, 201), response.content
    return response.json()


def test_a_term_that_needs_context_is_served_and_honoured(client_for, key_for):
    staff = client_for("staff")
    _add(staff, {"term": "日本", "labels": ["porn"], "severity": 2, "needs_context": True})
    _add(staff, {"term": "色情", "labels": ["porn"], "severity": 2})
    assert Entry.objects.get(key="日本").data["needs_context"] is True
    member = key_for("member")

    def screen(text):
        response = member.post("/api/v1/screen", {"text": text}, content_type="application/json")
        assert response.status_code == 200, response.content
        return [h["entry"] for h in response.json()["hits"]]

    assert screen("明天去日本旅游") == []
    assert screen("日本色情网站") == ["日本", "色情"]
    key = member.get("/api/v1/banks/public-key").json()["public_key"]
    export = pull.verify(member.get("/api/v1/banks/terms/export").json(), key)
    document = pull.engine_document("terms", export["version"], export["entries"])
    flags = {e["term"]: e.get("needs_context", False) for e in document["entries"]}
    assert flags == {"日本": True, "色情": False}


def test_needs_context_must_be_a_boolean(client_for):
    response = client_for("staff").post(
        "/api/v1/banks/terms/entries",
        {"entry": {"term": "电影", "labels": ["porn"], "needs_context": "maybe"}, "reason": "x"},
        content_type="application/json",
    )
    assert_problem(response, 422)
    assert not Entry.objects.filter(key="电影").exists()
    assert json.dumps(response.json()).count("needs_context") >= 1
