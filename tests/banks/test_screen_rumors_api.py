"""POST /api/v1/screen and /screen/batch with rumor claims (ZILU_SCREENING_RUMORS) and titles (clickbait)."""

from __future__ import annotations

import json

import pytest

from tests.screening.test_clickbait import BAIT_BODY, BAIT_TITLE, NEWS_BODY, NEWS_TITLE
from tests.screening.test_rumors import CLAIMS, REWORDED, TRUE_NEWS
from zilu.banks.service import reset_screener
from zilu.core.actions import do_create_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def rumors(tmp_path, settings):
    path = tmp_path / "claims.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": c.id, "text": c.text, "debunk": c.debunk, "source": c.source}) + "\n" for c in CLAIMS
        ),
        encoding="utf-8",
    )
    settings.ZILU_SCREENING_RUMORS = [str(path)]
    reset_screener()
    yield
    reset_screener()


@pytest.fixture
def key_client(client, users):
    token = do_create_api_key(users["member"], "pipeline").token
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def test_reworded_rumor_comes_back_with_its_debunk(key_client, rumors):
    response = key_client.post("/api/v1/screen", {"id": "p1", "text": REWORDED}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["suggestion"] == "review" and body["labels"] == ["rumor"] and body["clickbait"] is None
    (hit,) = body["hits"]
    assert hit["kind"] == "rumor" and hit["entry"] == "r-mosquito"
    assert hit["debunk"] == CLAIMS[0].debunk and hit["source"] == "微博辟谣" and 0.5 <= hit["score"] <= 1
    assert REWORDED[hit["start"] : hit["end"]] == hit["text"]


def test_batch_with_titles_and_true_news(key_client, rumors):
    items = [
        {"id": "news", "text": TRUE_NEWS},
        {"id": "bait", "text": BAIT_BODY, "title": BAIT_TITLE},
        {"id": "report", "text": NEWS_BODY, "title": NEWS_TITLE},
    ]
    response = key_client.post("/api/v1/screen/batch", {"items": items}, content_type="application/json")
    assert response.status_code == 200, response.content
    news, bait, report = response.json()["results"]
    assert news["suggestion"] == "pass" and news["hits"] == [] and news["clickbait"] is None
    assert bait["suggestion"] == "review" and bait["clickbait"] >= 0.5
    (hit,) = bait["hits"]
    assert hit["kind"] == "clickbait" and hit["field"] == "title" and hit["score"] == bait["clickbait"]
    assert report["suggestion"] == "pass" and report["clickbait"] < 0.5


def test_a_missing_claims_file_makes_the_service_unavailable(key_client, settings, tmp_path):
    settings.ZILU_SCREENING_RUMORS = [str(tmp_path / "missing.jsonl")]
    reset_screener()
    try:
        response = key_client.post("/api/v1/screen", {"text": "x"}, content_type="application/json")
    finally:
        reset_screener()
    assert response.status_code == 503
