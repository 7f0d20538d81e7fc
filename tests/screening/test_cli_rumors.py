"""``zilu screen --rumors`` and titles: rumor hits with the debunk, a clickbait score per titled line."""

from __future__ import annotations

import json

from tests.screening.test_cli import run_in_process
from tests.screening.test_clickbait import BAIT_BODY, BAIT_TITLE, NEWS_BODY, NEWS_TITLE
from tests.screening.test_rumors import CLAIMS, REWORDED, TRUE_NEWS


def test_rumors_and_clickbait_through_the_cli(monkeypatch, tmp_path):
    claims = tmp_path / "claims.jsonl"
    claims.write_text(
        "".join(
            json.dumps({"id": c.id, "text": c.text, "debunk": c.debunk, "source": c.source}, ensure_ascii=False) + "\n"
            for c in CLAIMS
        ),
        encoding="utf-8",
    )
    lines = [
        {"id": 1, "text": REWORDED},
        {"id": 2, "text": TRUE_NEWS},
        {"id": 3, "text": BAIT_BODY, "title": BAIT_TITLE},
        {"id": 4, "text": NEWS_BODY, "title": NEWS_TITLE},
    ]
    data = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()
    code, out, err = run_in_process(monkeypatch, ["--rumors", str(claims)], data)
    assert code == 0 and err == ""
    rumor, news, bait, informative = (json.loads(line) for line in out.decode().splitlines())
    assert rumor["suggestion"] == "review" and rumor["labels"] == ["rumor"]
    (hit,) = rumor["hits"]
    assert hit["kind"] == "rumor" and hit["entry"] == "r-mosquito" and hit["source"] == "微博辟谣"
    assert hit["debunk"].startswith("经查") and 0.5 <= hit["score"] <= 1
    assert "clickbait" not in rumor  # no title, no score
    assert news == {"id": 2, "suggestion": "pass", "labels": [], "hits": []}
    assert bait["labels"] == ["clickbait"] and bait["clickbait"] >= 0.5
    assert bait["hits"][0]["field"] == "title" and bait["hits"][0]["text"] == BAIT_TITLE
    assert informative["suggestion"] == "pass" and informative["clickbait"] < 0.5


def test_missing_claims_file_exits_2(monkeypatch, tmp_path):
    code, _, err = run_in_process(monkeypatch, ["--rumors", str(tmp_path / "missing.jsonl")], b"")
    assert code == 2 and "missing.jsonl" in err
