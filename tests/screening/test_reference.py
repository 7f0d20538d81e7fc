"""The fast path (numpy views, automata, batching) agrees with the plain-Python reference matcher."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.screening.helpers import term
from zilu.screening import Banks, Evasion, Policy, Screener
from zilu.screening.backends import hyperscan_available
from zilu.screening.reference import ReferenceMatcher

BANK = Banks(
    terms=(
        term("冰毒"),
        term("冰读"),
        term("毒品"),
        term("大麻"),
        term("av"),
        term("sex"),
        term("qq"),
        term("售qq"),
        term("妈妈"),
        term("1夜"),
        term("出售", context=("枪",), window=3),
        term("枪"),
        term("性福"),
        term("a b"),
        term("炸药"),
        term("海洛因"),
        term("porn"),
        term("kill"),
        term("妈妈大麻"),
    ),
    allow=("大麻烦", "avatar"),
)
ALPHABET = [
    *"冰毒读兵品大麻烦售枪出性幸福妈马1一壹①夜qQｑavAVsexh ,，。.*-_\u200b😀\n槍炸药丨口冫水氵每洛因乀",
    *("bing", "du", "mama", "hai", "luo", "porn", "top ", "🈲", "1\ufe0f\u20e3", "👨\u200d👩\u200d👧", "\u2028"),
    # stand-ins inside Latin words (p0rn, $3x, kiII, ⍴orn) and letters spelled apart (p.o.r.n)
    *"03$@×⍴Iil|!k~",
    *("p0rn", "b1ng", "k1", "ll", "s.e.x", "p_o_r_n", "d u"),
]
BACKENDS = ["ahocorasick", *(["hyperscan"] if hyperscan_available() else [])]
EVASIONS = [
    Evasion(),
    Evasion(repeat=False),
    Evasion(noise=False),
    Evasion(homophone=False, pinyin=False),
    Evasion(case=False, width=False, digits=False, traditional=False),
    Evasion(max_gap=1, pinyin_min_letters=4),
    Evasion(leet=False, confusables=False),
]


@cache
def pair(backend: str, index: int) -> tuple[Screener, ReferenceMatcher]:
    policy = Policy(evasion=EVASIONS[index], context_window=4)
    return Screener(BANK, policy, backend=backend), ReferenceMatcher(BANK, policy)


def fast_hits(screener: Screener, text: str) -> list[tuple[str, int, int, str, str | None]]:
    return [(h.entry, h.start, h.end, h.form, h.context) for h in screener.screen(text).hits if h.kind == "term"]


def ref_hits(reference: ReferenceMatcher, text: str) -> list[tuple[str, int, int, str, str | None]]:
    return [(m.term, m.start, m.end, m.form, m.context) for m in reference.match(text)]


CURATED = [
    "出售冰毒", "冰 毒", "冰冰毒毒品", "兵读", "冰读", "bing du", "BINGDU", "the av film", "have", "h a v e", "a v",
    "真是大麻烦", "大 麻 烦 大麻", "售qqq", "售q q", "妈妈妈", "妈 妈", "一夜", "壹夜", "十一夜", "出售枪",
    "出售了很多枪",
    "幸福", "avatar", "sex", "sexx", "s e x", "a b", "ab", "冰\u200b\u200b\u200b\u200b\u200b\u200b毒", "冰*****毒",
    "冰，毒", "冰\n毒", "冰😀毒品", "槍", "ｑｑ售ｑｑ", "冰      冰毒",
    "吃冰，毒品是违法的", "出：售：冰：毒", "炸丨药", "人口炸药", "炸口药", "冫水毒", "氵每洛因", "冰du", "bing毒",
    "hai洛因", "top porn site", "p o r r n", "sex xxx", "the pοrn", "冰🈲毒", "冰1\ufe0f\u20e3毒",
    "冰👨\u200d👩\u200d👧🇨🇳毒", "我们去打麻将吧", "祝你身体健康", "冰du abc", "abc bing毒", "冰d u x", "hai luo因",
    "free p0rn", "$3x", "kiII k1ll ki|l", "p.o.r.n", "a p-o-r-n b", "b1ngdu", "买b1ng du", "|s3x|", "p0rnhub",
    "2023年", "s.e x", "P0RN", "⍴orn", "se×", "s e.x", "冰x毒", "海1洛2因", "冰xy毒", "A冰毒", "冰ｘ毒品",
    "妈马大麻", "mama大麻", "ma妈大ma", "妈妈大麻", "马妈大麻", "妈 马大麻", "妈妈妈大麻",
]  # fmt: skip


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("index", range(len(EVASIONS)))
def test_curated_texts(backend, index):
    screener, reference = pair(backend, index)
    for text in CURATED:
        assert fast_hits(screener, text) == ref_hits(reference, text), (text, EVASIONS[index])


@pytest.mark.parametrize("backend", BACKENDS)
@settings(
    max_examples=int(__import__("os").environ.get("ZILU_REF_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(pieces=st.lists(st.sampled_from(ALPHABET), max_size=30), index=st.integers(0, len(EVASIONS) - 1))
def test_fast_equals_reference(backend, pieces, index):
    screener, reference = pair(backend, index)
    text = "".join(pieces)
    assert fast_hits(screener, text) == ref_hits(reference, text)


@settings(max_examples=25, deadline=None)
@given(texts=st.lists(st.lists(st.sampled_from(ALPHABET), max_size=12).map("".join), max_size=12))
def test_batching_does_not_change_results(texts):
    screener, _ = pair(BACKENDS[-1], 0)
    one_by_one = [screener.screen(t) for t in texts]
    assert list(screener.screen_many(texts, batch_chars=7)) == one_by_one
    assert list(screener.screen_many(texts)) == one_by_one
    pairs = [(t, t[::-1]) for t in texts]
    assert list(screener.screen_many(pairs, batch_chars=5)) == [screener.screen(a, b) for a, b in pairs]


def test_a_joined_view_never_joins_two_texts_of_a_batch():
    # the line break between two texts of a block is no clause break to join over: "a" must not sit right before
    # "q,q" (whose joined match needs a word boundary), nor may 冰 of one text meet 毒 of the next
    screener, _ = pair(BACKENDS[-1], 0)
    texts = ["a", "q,q", "冰，", "毒"]
    assert list(screener.screen_many(texts)) == [screener.screen(t) for t in texts]
    assert [v.suggestion for v in screener.screen_many(texts)] == ["pass", "review", "pass", "pass"]
