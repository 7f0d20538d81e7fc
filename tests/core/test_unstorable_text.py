"""Text no database can store (a lone surrogate, NUL) is refused with a 422 problem naming the field, on every
endpoint, before it reaches an action: the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.helpers import assert_problem
from zilu.core.actions import do_create_api_key
from zilu.core.models import ApiKey

BAD = ["\ud800", "a\udfffb", "nul\x00byte"]


def _raw(client: Client, path: str, body: str, **extra):
    return client.post(path, body, content_type="application/json", **extra)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD)
def test_a_json_field_with_unstorable_text_is_a_422_naming_it(client_for, bad):
    client = client_for("member")
    response = _raw(client, "/api/v1/api-keys", json.dumps({"name": bad}))
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"] == [{"field": "name", "reason": body["errors"][0]["reason"], "code": "unstorable_text"}]
    assert "NUL" in body["errors"][0]["reason"] or "空字符" in body["errors"][0]["reason"]
    assert not ApiKey.objects.exists()


@pytest.mark.django_db
def test_nested_fields_are_named_by_their_path(users):
    token = do_create_api_key(users["member"], "pipeline").token
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = _raw(client, "/api/v1/review/items", json.dumps({"external_id": "p-1", "text": "好\ud800"}))
    body = assert_problem(response, 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == ["text"]
    batch = _raw(client, "/api/v1/screen/batch", json.dumps({"items": [{"id": "1", "text": "ok"}, {"text": "\x00"}]}))
    assert [e["field"] for e in assert_problem(batch, 422, "validation_error")["errors"]] == ["items.1.text"]


@pytest.mark.django_db
def test_a_query_parameter_with_nul_is_a_422(client_for):
    response = client_for("staff").get("/api/v1/audit/entries", {"after_seq": "1\x00"})
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["field"] == "after_seq"


@pytest.mark.django_db
def test_ordinary_text_still_passes(client_for):
    response = _raw(client_for("member"), "/api/v1/api-keys", json.dumps({"name": "发布系统 😀 \u200b"}))
    assert response.status_code == 201, response.content
