"""POST /api/v1/screen and /screen/batch: the engine served with the platform's banks, to member systems."""

from __future__ import annotations

import pytest

from zilu.banks.service import reset_screener
from zilu.core.actions import do_create_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def banks(tmp_path, settings):
    terms = tmp_path / "terms.txt"
    terms.write_text("冰毒 drugs\n赌场 gambling\n", encoding="utf-8")
    domains = tmp_path / "domains.txt"
    domains.write_text("bad-example.com\n", encoding="utf-8")
    settings.ZILU_SCREENING_TERMS = [str(terms)]
    settings.ZILU_SCREENING_DOMAINS = [str(domains)]
    reset_screener()
    yield
    reset_screener()


@pytest.fixture
def key_client(client, users):
    token = do_create_api_key(users["member"], "pipeline").token
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def test_member_key_screens_a_text_with_offsets_into_the_original(key_client, banks):
    text = "出售冰-毒，请联系 138 0013 8000，详见 http://www.bad-example.com/x"
    response = key_client.post("/api/v1/screen", {"id": "post-1", "text": text}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == "post-1"
    assert body["suggestion"] in {"review", "block"}
    kinds = {hit["kind"] for hit in body["hits"]}
    assert {"term", "pii", "link"} <= kinds
    for hit in body["hits"]:
        assert text[hit["start"] : hit["end"]] == hit["text"]
    term = next(hit for hit in body["hits"] if hit["kind"] == "term")
    assert term["entry"] == "冰毒" and term["text"] == "冰-毒"


def test_batch_keeps_order_and_ids(key_client, banks):
    items = [{"id": i, "text": t} for i, t in enumerate(["今天天气很好", "这里有赌场", "邮箱 a@example.com"])]
    response = key_client.post("/api/v1/screen/batch", {"items": items}, content_type="application/json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [0, 1, 2]
    assert results[0]["suggestion"] == "pass" and results[0]["hits"] == []
    assert results[1]["hits"][0]["entry"] == "赌场"
    assert results[2]["hits"][0]["kind"] == "pii"


def test_batch_over_the_item_limit_is_a_problem(key_client, banks):
    items = [{"text": "x"}] * 101
    response = key_client.post("/api/v1/screen/batch", {"items": items}, content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"].startswith("items")


def test_text_over_the_policy_limit_is_a_problem(key_client, tmp_path, settings):
    policy = tmp_path / "policy.json"
    policy.write_text('{"max_chars": 10}', encoding="utf-8")
    settings.ZILU_SCREENING_POLICY = str(policy)
    reset_screener()
    try:
        response = key_client.post("/api/v1/screen", {"text": "长" * 11}, content_type="application/json")
    finally:
        reset_screener()
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "text"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("public", 403),
        ("member", 200),
        ("other_member", 200),
        ("supervisor", 403),
        ("staff", 200),
        ("superuser", 200),
    ],
)
def test_who_may_screen(client_for, role, status, banks):
    from django.middleware.csrf import get_token  # noqa: F401  (session POSTs need the CSRF cookie)

    client = client_for(role)
    client.handler.enforce_csrf_checks = False
    response = client.post("/api/v1/screen", {"text": "你好"}, content_type="application/json")
    assert response.status_code == status


def test_a_withdrawn_members_key_stops_working(key_client, users, banks):
    member = users["member"].member
    member.status = "withdrawn"
    member.save(update_fields=["status"])
    response = key_client.post("/api/v1/screen", {"text": "你好"}, content_type="application/json")
    assert response.status_code == 401


def test_broken_bank_file_is_a_503_problem(key_client, tmp_path, settings):
    settings.ZILU_SCREENING_TERMS = [str(tmp_path / "missing.txt")]
    reset_screener()
    try:
        response = key_client.post("/api/v1/screen", {"text": "你好"}, content_type="application/json")
    finally:
        reset_screener()
    assert response.status_code == 503
    assert response.json()["type"] == "urn:zilu:problem:service_unavailable"
