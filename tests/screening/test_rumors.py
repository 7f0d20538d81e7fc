"""Rumor matching: reworded rumors find their claim and its debunk; true news does not."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zilu.screening import (
    BankFormatError,
    Banks,
    Policy,
    RumorClaim,
    RumorIndex,
    Screener,
    bank_document,
    load_bank,
    load_rumors,
)
from zilu.screening import rumors as rumors_module

MOSQUITO = RumorClaim(
    id="r-mosquito",
    text="武汉病毒研究所的所长石正丽教授今天凌晨向全国人民发出警告：蚊虫将是人类第三病毒传播者，一旦传播了，"
    "三分之二的人都要深受其害。希望大家将纱门纱窗早点用起来，杜绝蚊虫飞进房间叮咬感染病毒。",
    debunk="经查，石正丽研究员从未发布过任何相关信息，该说法不实。",
    source="微博辟谣",
    date="2020-04-02",
)
LIQUOR = RumorClaim(
    id="r-liquor",
    text="专家提醒：每天喝二两高度白酒可以预防新冠病毒，酒精能杀死体内的病毒，家里有老人孩子的赶紧转告。",
    debunk="饮酒不能预防新冠病毒感染，过量饮酒有害健康。",
    source="中国互联网联合辟谣平台",
)
CLAIMS = (MOSQUITO, LIQUOR)

REWORDED = (
    "紧急扩散！！🔥武漢病毒研究所的所長石正麗教授今日凌晨向全國人民發出警告：蚊·虫将是人类第三病毒传播者，"
    "一旦传播了，三分之二的人都要深受其害😱 转给家人！"
)
TRUE_NEWS = "11月6日0时至24时，北京新增41例本土确诊病例和18例无症状感染者，均已转至定点医院隔离治疗。"
TOPICAL = "疾控专家介绍，夏季蚊虫增多，市民可安装纱门纱窗，新冠病毒目前没有证据表明可以通过蚊虫传播。"


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(Banks(rumors=CLAIMS))


def test_reworded_rumor_matches_its_claim_with_the_debunk(screener):
    verdict = screener.screen(REWORDED)
    assert verdict.suggestion == "review" and verdict.labels == ("rumor",)
    (hit,) = verdict.hits
    assert hit.kind == "rumor" and hit.entry == "r-mosquito"
    assert hit.debunk == MOSQUITO.debunk and hit.source == "微博辟谣"
    assert 0.5 <= hit.score <= 1.0
    assert REWORDED[hit.start : hit.end] == hit.text
    assert hit.text.startswith("武漢") and hit.text.endswith("深受其害")  # the prefix and the comment stay outside
    out = hit.to_dict()
    assert out["score"] == hit.score and out["debunk"] == MOSQUITO.debunk and out["entry"] == "r-mosquito"


@pytest.mark.parametrize(
    "post",
    [
        "转发：专家提醒每天喝二两高度白酒可以预防新冠病毒",  # truncated, with a prefix
        "酒精能杀死体内的病毒，家里有老人孩子的赶紧转告。专家提醒：每天喝二两高度白酒可以预防新冠病毒！！",  # reordered
        "專家提醒：每天喝二兩高度白酒可以預防新冠病毒，酒精能殺死體內的病毒",  # traditional characters
        "专*家*提*醒：每天喝二两高度白酒可以预防新冠病毒，酒精能杀死体内的病毒",  # inserted symbols
    ],
)
def test_rewrites_match(screener, post):
    hits = screener.screen(post).hits
    assert [h.entry for h in hits] == ["r-liquor"]


@pytest.mark.parametrize("post", [TRUE_NEWS, TOPICAL, "今天天气很好", "", "白酒"])
def test_true_news_does_not_match(screener, post):
    assert screener.screen(post).hits == ()


def test_search_ranks_claims_and_reports_scores():
    index = RumorIndex(CLAIMS)
    matches = index.search(REWORDED)
    assert matches[0].claim == 0 and matches[0].score > 0.8
    assert all(m.claim != 1 for m in matches)
    assert index.search(TRUE_NEWS, threshold=0.5) == []


def test_batching_does_not_change_verdicts(screener):
    posts = [TRUE_NEWS, REWORDED, ("转发：专家提醒每天喝二两高度白酒可以预防新冠病毒", "白酒"), TOPICAL] * 3
    one_by_one = [screener.screen(*(p if isinstance(p, tuple) else (p,))) for p in posts]
    assert list(screener.screen_many(posts, batch_chars=50)) == list(screener.screen_many(posts)) == one_by_one
    assert [bool(v.hits and v.hits[0].kind == "rumor") for v in one_by_one[:4]] == [False, True, True, False]


def test_counting_in_pieces_gives_the_same_matches(monkeypatch, screener):
    posts = [
        REWORDED,
        TRUE_NEWS,
        "转发：专家提醒每天喝二两高度白酒可以预防新冠病毒",
        TOPICAL,
        LIQUOR.text + MOSQUITO.text,
    ] * 5
    whole = list(screener.screen_many(posts))
    monkeypatch.setattr(rumors_module, "PAIRS_PER_PIECE", 7)  # a piece boundary every few postings
    assert list(screener.screen_many(posts)) == whole
    assert {h.entry for h in whole[4].hits} == {"r-mosquito", "r-liquor"}  # two rumors in one post


def test_policy_changes_the_suggestion_and_the_threshold():
    strict = Screener(Banks(rumors=CLAIMS), Policy(labels={"rumor": "block"}))
    assert strict.screen(REWORDED).suggestion == "block"
    # the score is a probability: a whole claim restated scores higher than a reworded part of one
    assert Screener(Banks(rumors=CLAIMS), Policy(rumor_threshold=0.98)).screen("转发" + LIQUOR.text).hits
    assert not Screener(Banks(rumors=CLAIMS), Policy(rumor_threshold=0.98)).screen(REWORDED).hits
    assert not Screener(Banks(rumors=CLAIMS), Policy(rumor_threshold=1.0)).screen("转发" + LIQUOR.text).hits


def test_loading_merging_and_exporting(tmp_path):
    path = tmp_path / "claims.jsonl"
    path.write_text(
        "\n".join(json.dumps({"id": c.id, "text": c.text, "debunk": c.debunk, "source": c.source}) for c in CLAIMS)
        + "\n\n",
        encoding="utf-8",
    )
    claims = load_rumors(path)
    assert [c.id for c in claims] == ["r-mosquito", "r-liquor"] and claims[0].debunk == MOSQUITO.debunk
    banks = Banks.from_files(rumors=[path])
    assert Screener(banks).info.rumors == 2
    updated = RumorClaim(id="r-liquor", text=LIQUOR.text, debunk="新的辟谣")
    assert banks.merge(Banks(rumors=(updated,))).rumors[1].debunk == "新的辟谣"
    exported = load_bank(bank_document("rumors", CLAIMS, version=4))
    assert exported.rumors == (MOSQUITO, LIQUOR) and exported.versions == {"rumors": 4}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": "x"}', '"id" is required'),
        ('{"id": 1, "text": ""}', '"text" must be'),
        ('{"id": 1, "text": "x", "debunk": 3}', '"debunk" must be'),
        ("[1]", "a claim is a JSON object"),
        ("{not json", "not JSON"),
    ],
)
def test_bad_claim_files_name_the_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "text": "好的"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(BankFormatError, match="line 2") as caught:
        load_rumors(path)
    assert message in str(caught.value)


def test_the_claim_that_explains_the_whole_post_ranks_first():
    short = RumorClaim(id="r-short", text="蚊虫将是人类第三病毒传播者", debunk="另一条")  # inside MOSQUITO
    index = RumorIndex((MOSQUITO, short))
    window = "所长石正丽教授今天凌晨向全国人民发出警告：蚊虫将是人类第三病毒传播者，一旦传播了"
    assert [m.claim for m in index.search(window)] == [0, 1]  # the quoted window is all MOSQUITO's
    assert index.search("转发：" + short.text + "！！")[0].claim == 1  # a restatement of the short one is its own


def test_a_window_of_a_claim_matches_and_scores_are_probabilities():
    index = RumorIndex(CLAIMS)
    window = MOSQUITO.text[20:48]  # cut mid-clause
    (match,) = index.search(window, threshold=0.5)
    assert match.claim == 0 and 0.5 <= match.score < 1.0
    covers = [0.2, 0.5, 0.8, 1.0]
    probabilities = rumors_module.probability(np.array(covers), np.array([12, 12, 12, 12])).tolist()
    assert probabilities == sorted(probabilities) and all(0.0 < p < 1.0 for p in probabilities)
    longer = rumors_module.probability(np.array([0.8, 0.8]), np.array([8, 30])).tolist()
    assert longer[0] < longer[1]  # more shared text, more certainty
