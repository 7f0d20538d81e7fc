"""Any Unicode in, a well-formed verdict out: fuzzing, huge texts, control characters, size limits, bad types."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.screening.helpers import BANK, screener
from zilu.screening import Banks, InputTooLarge, Policy, Screener, ScreeningError, Term

ANY_CHAR = st.characters(codec=None, categories=None)  # every code point, lone surrogates and controls included
MASKING = Screener(BANK, Policy(mask=True, report_links=True))


def check(verdict, text: str, title: str | None = None) -> None:
    assert verdict.suggestion in ("pass", "review", "block")
    for hit in verdict.hits:
        source = text if hit.field == "text" else title
        assert source is not None and 0 <= hit.start < hit.end <= len(source)
        assert source[hit.start : hit.end] == hit.text
    json.dumps(verdict.to_dict())  # serialisable (lone surrogates are escaped)
    if verdict.masked_text is not None:
        assert len(verdict.masked_text) == len(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(ANY_CHAR, max_size=60), title=st.none() | st.text(ANY_CHAR, max_size=10))
def test_fuzz_any_unicode(text, title):
    check(MASKING.screen(text, title), text, title)


@settings(max_examples=80, deadline=None)
@given(text=st.text(st.sampled_from("冰毒大麻烦av 13800138000.evil.cn@a.com，。\u200b\x00\ud800😀"), max_size=80))
def test_fuzz_dense_in_matches(text):
    check(MASKING.screen(text), text)


def test_a_megabyte_text():
    text = ("正常的一句话。" * 50_000) + "出售冰毒" + ("x" * 100_000) + "13800138000"
    assert len(text.encode()) > 1_000_000
    verdict = screener().screen(text)
    assert [h.label for h in verdict.hits] == ["drugs", "pii.mobile"]
    check(verdict, text)


def test_control_characters_and_surrogates():
    text = "\x00冰\x01毒\x7f\ud800\udfff\U0010ffff\ufeff"
    verdict = screener().screen(text)
    assert [h.text for h in verdict.hits] == ["冰\x01毒"]
    check(verdict, text)


def test_configured_size_limit():
    small = Screener(BANK, Policy(max_chars=10))
    assert small.screen("x" * 10).suggestion == "pass"
    with pytest.raises(InputTooLarge) as info:
        small.screen("x" * 11)
    assert (info.value.size, info.value.limit, info.value.field) == (11, 10, "text")
    with pytest.raises(InputTooLarge, match="title"):
        small.screen("x", title="y" * 11)
    with pytest.raises(InputTooLarge):
        list(small.screen_many(["ok", "x" * 11]))
    assert isinstance(InputTooLarge(1, 0), ScreeningError)


def test_inputs_of_the_wrong_type():
    with pytest.raises(ScreeningError):
        screener().screen(None)  # type: ignore[arg-type]
    with pytest.raises(ScreeningError):
        screener().screen("x", title=3)  # type: ignore[arg-type]


def test_screen_many_accepts_strings_pairs_and_mappings():
    items = ["冰毒", ("你好", "冰毒"), {"text": "大麻", "title": None}]
    verdicts = list(screener().screen_many(items))
    assert [v.labels for v in verdicts] == [("drugs",), ("drugs",), ("drugs",)]
    assert verdicts[1].hits[0].field == "title"


def test_empty_banks_and_text():
    empty = Screener()
    assert empty.screen("").suggestion == "pass"
    assert empty.screen("13800138000").labels == ("pii.mobile",)
    assert empty.info.backend == "none"


def test_characters_outside_the_bmp_in_terms():
    bank = Banks(terms=(Term("𠮷野家", ("x",)), Term("a𝐀b", ("y",))))
    s = Screener(bank)
    assert [h.text for h in s.screen("去𠮷 野家吃饭").hits] == ["𠮷 野家"]
    assert s.screen("去𠀀野家吃饭").hits == ()  # another supplementary character is not the same one
    assert [h.entry for h in s.screen("a𝐚b aAb").hits] == ["a𝐀b", "a𝐀b"]  # 𝐀 folds to a, like A


def test_one_screener_many_threads():
    texts = [f"第{i}条 出售冰毒 13800138000 {'大麻' * (i % 3)}" for i in range(200)]
    expected = [screener().screen(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(screener().screen, texts)) == expected


def test_compiled_databases_are_cached(tmp_path, monkeypatch):
    pytest.importorskip("hyperscan")
    monkeypatch.setenv("ZILU_SCREENING_CACHE", str(tmp_path))
    first = Screener(BANK, backend="hyperscan")
    second = Screener(BANK, backend="hyperscan")
    assert not first.info.cached and second.info.cached
    assert list(tmp_path.glob("*.hsdb"))
    assert second.screen("冰毒") == first.screen("冰毒")
    monkeypatch.setenv("ZILU_SCREENING_CACHE", "off")
    assert not Screener(BANK, backend="hyperscan").info.cached


@pytest.mark.parametrize("unit", ["1 ", "a.", "13-", "例.中国", "a@b.", "冰 毒 ", "\u200b"])
def test_adversarial_repetition_stays_linear(unit):
    # A megabyte-scale text of one repeated unit: each finder must bound its own work (no quadratic walk).
    text = unit * (300_000 // len(unit))
    check(MASKING.screen(text), text)
