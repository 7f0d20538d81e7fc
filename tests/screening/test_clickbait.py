"""Clickbait (标题党): a headline the body does not deliver is flagged, an informative one is not."""

from __future__ import annotations

import json

import pytest

from zilu.screening import ClickbaitModel, Policy, PolicyError, Screener, clickbait_score
from zilu.screening import clickbait as clickbait_module
from zilu.screening.clickbait import FEATURES, features

BAIT_TITLE = "震惊！99%的人都不知道，这个东西竟然每天都在伤害你……"
BAIT_BODY = "近日，某市举办了一场秋季农产品展销会，来自各区县的商户带来了苹果、梨和红薯等特产，吸引了不少市民前来选购。"
NEWS_TITLE = "北京11月6日新增本土确诊病例41例"
NEWS_BODY = (
    "11月6日0时至24时，北京新增41例本土确诊病例和18例无症状感染者，其中隔离观察人员35例，"
    "社会面筛查人员6例。新增本土确诊病例中，朝阳区12例、海淀区9例。"
)


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener()


def test_bait_headline_over_a_body_that_does_not_deliver_is_flagged(screener):
    verdict = screener.screen(BAIT_BODY, title=BAIT_TITLE)
    assert verdict.clickbait is not None and verdict.clickbait >= 0.5
    assert verdict.suggestion == "review" and verdict.labels == ("clickbait",)
    (hit,) = verdict.hits
    assert (hit.kind, hit.field, hit.start, hit.end, hit.text) == ("clickbait", "title", 0, len(BAIT_TITLE), BAIT_TITLE)
    assert hit.score == verdict.clickbait
    assert verdict.to_dict()["clickbait"] == verdict.clickbait


def test_informative_headline_is_not_flagged(screener):
    verdict = screener.screen(NEWS_BODY, title=NEWS_TITLE)
    assert verdict.clickbait is not None and verdict.clickbait < 0.5
    assert verdict.suggestion == "pass" and verdict.hits == ()
    assert verdict.to_dict()["clickbait"] == verdict.clickbait


def test_the_body_matters_for_the_same_headline():
    title = "这位院士带来了好消息"
    delivered = "这位院士带来了好消息：土豆院士朱有勇团队培育的新品种今年亩产提高两成，已在云南推广十万亩。"
    undelivered = "今年的秋天来得比往年早一些，公园里的银杏叶已经黄了，不少市民前往拍照留念。"
    mismatch = FEATURES.index("lead_mismatch")
    assert features(title, delivered)[mismatch] == 0.0 and features(title, undelivered)[mismatch] > 0.8
    assert clickbait_score(title, undelivered) > clickbait_score(title, delivered)


def test_rules_alone_separate_the_two():
    rules = ClickbaitModel.rules()
    assert rules.source == "rules"
    assert rules.score(BAIT_TITLE, BAIT_BODY) >= 0.5 > rules.score(NEWS_TITLE, NEWS_BODY)


def test_shipped_weights_load_and_rules_are_the_fallback(tmp_path, monkeypatch):
    shipped = ClickbaitModel.from_file(clickbait_module.WEIGHTS_FILE)
    assert shipped.source.startswith("clickbait.json") and len(shipped.weights) == len(FEATURES)
    document = json.loads(clickbait_module.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert document["features"] == list(FEATURES)
    monkeypatch.setattr(clickbait_module, "WEIGHTS_FILE", tmp_path / "missing.json")
    clickbait_module.default_model.cache_clear()
    try:
        assert clickbait_module.default_model().source == "rules"
        assert Screener().info.clickbait == "rules"
        stale = tmp_path / "stale.json"
        stale.write_text(json.dumps({**document, "features": ["teaser"]}), encoding="utf-8")
        monkeypatch.setattr(clickbait_module, "WEIGHTS_FILE", stale)
        clickbait_module.default_model.cache_clear()
        assert clickbait_module.default_model().source == "rules"  # weights for other features are not used
    finally:
        clickbait_module.default_model.cache_clear()


def test_policy_switches_thresholds_and_labels():
    assert Screener(policy=Policy(clickbait=False)).screen(BAIT_BODY, title=BAIT_TITLE).clickbait is None
    assert Screener().screen(BAIT_BODY).clickbait is None  # no title, no score
    assert Screener(policy=Policy(labels={"clickbait": "block"})).screen(BAIT_BODY, title=BAIT_TITLE).suggestion == (
        "block"
    )
    lenient = Screener(policy=Policy(clickbait_threshold=1.0)).screen(NEWS_BODY, title=NEWS_TITLE)
    assert lenient.hits == () and lenient.clickbait is not None
    policy = Policy.from_dict({"rumor_threshold": 0.7, "clickbait_threshold": 1, "clickbait": False})
    assert (policy.rumor_threshold, policy.clickbait_threshold, policy.clickbait) == (0.7, 1.0, False)
    assert Policy.from_dict(policy.to_dict()) == policy


@pytest.mark.parametrize(
    "document", [{"clickbait_threshold": 1.5}, {"rumor_threshold": "high"}, {"rumor_threshold": True}, {"clickbait": 1}]
)
def test_bad_thresholds_are_refused(document):
    with pytest.raises(PolicyError):
        Policy.from_dict(document)


def test_short_bodies_and_odd_titles(screener):
    assert screener.screen("你好", title="大麻烦").clickbait < 0.5  # too little body to judge a mismatch
    verdict = screener.screen("正文", title="")
    assert verdict.hits == () and verdict.clickbait is not None
    assert 0.0 <= screener.screen("x" * 5000, title="\ud800🔥?" * 50).clickbait <= 1.0


def test_outlet_independent_features():
    body = "11月8日，国家统计局发布数据，10月全国居民消费价格同比上涨2.1%，其中食品价格上涨7.0%。" * 3
    plain = dict(zip(FEATURES, features("10月全国居民消费价格同比上涨2.1%", body), strict=True))
    bait = dict(zip(FEATURES, features("你绝对想不到，物价最新数据竟然是……", body), strict=True))
    invented = dict(zip(FEATURES, features("“史上最贵”：物价上涨35%", body), strict=True))
    assert plain["bm25"] > bait["bm25"] and plain["mismatch"] < bait["mismatch"]
    assert plain["missing_facts"] == 0.0 and invented["missing_facts"] == 1.0  # 35% and the quote are not in the body
    assert (bait["second_person"], bait["superlative"], bait["withheld"], bait["ellipsis"]) == (1.0, 1.0, 1.0, 1.0)
    assert features("外交部：中方期待访问取得成功", body)[FEATURES.index("colon_head")] == 1.0
    assert 0.0 < plain["length_ratio"] < 1.0
    assert clickbait_score("你绝对想不到，物价最新数据竟然是……", body) > clickbait_score(
        "10月全国居民消费价格同比上涨2.1%", body
    )


def test_shipped_weights_are_calibrated_on_held_out_topics():
    document = json.loads(clickbait_module.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert document["version"] >= 2 and document["calibration"]["reliability"]
    topic = document["evaluation"]["topic shift (held-out topic clusters)"]
    assert topic["engine features, logistic regression"]["auc"] >= 0.8
