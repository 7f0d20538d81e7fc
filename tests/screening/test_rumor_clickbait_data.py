"""Rumors and clickbait on the real data sets in ../shared/data (skipped when absent, required in CI).

The full evaluations, with their figures, are ``benchmarks/rumors.py`` and ``benchmarks/clickbait.py``; these are
floors that catch a regression.
"""

from __future__ import annotations

import csv
import json
import random
import re

import opencc

from tests.conftest import SHARED_DIR, require_shared
from zilu.screening import Banks, ClickbaitModel, Policy, RumorIndex, Screener, load_rumors
from zilu.screening.clickbait import default_model

DATA = SHARED_DIR / "data"


def test_rewritten_rumors_are_found_and_true_news_is_not():
    claims = load_rumors(require_shared(DATA / "rumors" / "checked_fake_with_debunk.jsonl"))
    negatives = [
        json.loads(line)["text"]
        for line in require_shared(DATA / "rumors" / "checked_real_dev.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    to_traditional = opencc.OpenCC("s2t")
    index = RumorIndex(claims)
    threshold = Policy().rumor_threshold
    found = 0
    for number, claim in enumerate(claims):
        text = claim.text
        query = "紧急扩散！！" + to_traditional.convert(text[len(text) // 5 : len(text) * 4 // 5 + 20]) + "🔥转给家人"
        found += number in [m.claim for m in index.search(query, threshold=threshold, limit=100)]  # reposts tie
    assert found / len(claims) >= 0.97
    screener = Screener(Banks(rumors=tuple(claims)))
    false = sum(bool(v.hits) for v in screener.screen_many(negatives))
    assert 1000 * false / len(negatives) <= 5


def _windows_and_reordered(text: str, rng: random.Random) -> list[str]:
    """A window cut mid-clause, the claim in Taiwan phrasing, and its clauses in another order."""
    size = max(16, len(text) * 2 // 5)
    start = rng.randint(0, max(len(text) - size, 0))
    clauses = [c for c in re.split(r"(?<=[，。！？；])", text) if c]
    rng.shuffle(clauses)
    return [text[start : start + size], TAIWAN.convert(text), "".join(clauses)]


TAIWAN = opencc.OpenCC("s2twp")


def test_windows_script_and_reordering_find_the_rumor_and_news_stays_clean():
    claims = load_rumors(require_shared(DATA / "rumors" / "checked_fake_with_debunk.jsonl"))
    index = RumorIndex(claims)
    threshold = Policy().rumor_threshold
    rng = random.Random(7)
    found = total = 0
    for claim in claims:
        for query in _windows_and_reordered(claim.text, rng):
            best = index.search(query, threshold=threshold, limit=1)
            total += 1
            found += bool(best) and claims[best[0].claim].debunk == claim.debunk  # the same rumor, the same debunk
    assert found / total >= 0.95
    records = [
        json.loads(line)
        for line in require_shared(DATA / "corpus" / "weibo_ced_originals.jsonl")
        .read_text(encoding="utf-8")
        .split("\n")
        if line.strip()
    ]
    news = [r["text"] for r in records if r["label"] == "non-rumor"]
    verdicts = Screener(Banks(rumors=tuple(claims))).screen_many(news)
    false = sum(any(h.kind == "rumor" for h in v.hits) for v in verdicts)
    assert 1000 * false / len(news) <= 1


def test_rumor_scores_read_as_probabilities():
    claims = load_rumors(require_shared(DATA / "rumors" / "checked_fake_with_debunk.jsonl"))
    index = RumorIndex(claims)
    rng = random.Random(3)
    right = []
    for claim in claims:
        for query in _windows_and_reordered(claim.text, rng):
            best = index.search(query, limit=1)
            if best and best[0].score >= 0.5:
                right.append((best[0].score, claims[best[0].claim].debunk == claim.debunk))
    mean_score = sum(score for score, _ in right) / len(right)
    share_right = sum(ok for _, ok in right) / len(right)
    assert abs(mean_score - share_right) <= 0.05


def _auc(truth: list[bool], scores: list[float]) -> float:
    positives = [s for s, t in zip(scores, truth, strict=True) if t]
    negatives = [s for s, t in zip(scores, truth, strict=True) if not t]
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def test_clickbait_scores_on_hancd():
    with require_shared(DATA / "clickbait" / "hancd_sina.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.reader(handle) if len(row) >= 3]
    truth = [row[0] == "1" for row in rows]
    for model, floor in ((default_model(), 0.75), (ClickbaitModel.rules(), 0.7)):
        scores = [model.score(row[1], row[2]) for row in rows]
        predicted = [score >= 0.5 for score in scores]
        tp = sum(t and p for t, p in zip(truth, predicted, strict=True))
        f1 = 2 * tp / (sum(truth) + sum(predicted))
        assert f1 >= floor, (model.source, f1)  # in-sample for the shipped weights: a floor, not the shifted figure
        assert _auc(truth, scores) >= 0.85, model.source
    # calibrated: the mean score is close to the share of clickbait, and so within the upper and lower halves
    scores = [default_model().score(row[1], row[2]) for row in rows]
    for low, high in ((0.0, 0.5), (0.5, 1.01)):
        inside = [(s, t) for s, t in zip(scores, truth, strict=True) if low <= s < high]
        assert abs(sum(s for s, _ in inside) / len(inside) - sum(t for _, t in inside) / len(inside)) <= 0.1
