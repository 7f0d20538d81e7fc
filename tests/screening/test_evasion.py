"""Each evasion form is caught with its switch on and missed with it off; offsets always point at the original."""

from __future__ import annotations

import pytest

from tests.screening.helpers import terms_found
from zilu.screening import normalize_text


@pytest.mark.parametrize(
    ("switch", "text", "entry"),
    [
        ("case", "看AV片", "av"),
        ("width", "看ａｖ片", "av"),
        ("traditional", "出售槍支", "枪支"),
        ("digits", "一夜情", "1夜情"),
        ("digits", "壹夜情", "1夜情"),
        ("digits", "①夜情", "1夜情"),
        ("digits", "⑴夜情", "1夜情"),
        ("digits", "⒈夜情", "1夜情"),
        ("digits", "１夜情", "1夜情"),
        ("digits", "㈠夜情", "1夜情"),
        ("noise", "冰 毒", "冰毒"),
        ("noise", "冰*毒", "冰毒"),
        ("noise", "冰😀毒", "冰毒"),
        ("noise", "冰\u200b毒", "冰毒"),
        ("noise", "冰.毒", "冰毒"),
        ("noise", "冰(毒)", "冰毒"),
        ("noise", "#冰-_-毒#", "冰毒"),
        ("repeat", "1夜夜情情", "1夜情"),
        ("repeat", "一一夜夜夜情", "1夜情"),
        ("repeat", "售售qqq", "售qq"),
        ("pinyin", "有bingdu吗", "冰毒"),
        ("pinyin", "有bing du吗", "冰毒"),
        ("pinyin", "有BingDu吗", "冰毒"),
        ("pinyin", "有 B I N G D U 吗", "冰毒"),
        ("homophone", "有冰读吗", "冰毒"),
    ],
)
def test_each_evasion_is_caught_and_switchable(switch, text, entry):
    found = terms_found(text)
    assert entry in [e for e, _, _ in found], found
    off = {switch: False, "homophone": False}  # homophones would otherwise catch some forms another way
    assert entry not in [e for e, _, _ in terms_found(text, **off)]


def test_doubled_characters_collapse():
    assert terms_found("冰冰毒毒") == [("冰毒", "冰冰毒毒", "normalized")]  # one hit over the whole run


def test_forms_say_how_a_term_matched():
    assert terms_found("出售冰毒") == [("冰毒", "冰毒", "exact")]
    assert terms_found("冰 毒") == [("冰毒", "冰 毒", "normalized")]
    assert terms_found("bingdu") == [("冰毒", "bingdu", "pinyin")]
    assert terms_found("冰读") == [("冰毒", "冰读", "homophone")]


def test_a_homophone_keeps_at_least_half_the_characters():
    assert terms_found("兵读") == []  # both characters replaced
    assert terms_found("幸福") == []  # an everyday word is not a homophone hit (the precision rule)...
    assert terms_found("幸福", precision=False) == [("性福", "幸福", "homophone")]  # ...which is what it costs


def test_clause_punctuation_and_line_breaks_stop_a_term_only_between_words():
    assert terms_found("我喜欢吃冰，毒品是违法的") == []  # a sentence break between two words
    for text in ("冰。毒", "冰！毒", "冰?毒", "冰\n毒", "冰、毒", "冰;毒"):
        assert terms_found(text) == [("冰毒", text, "normalized")], text  # between single characters: joined
        assert terms_found(text, punctuation=False) == [], text


def test_gap_bound_counts_visible_noise_only():
    assert terms_found("冰****毒")  # four: within the bound
    assert terms_found("冰*****毒") == []  # five: too far apart
    assert terms_found("冰" + "\u200b" * 12 + "毒")  # zero-width characters take no room
    assert terms_found("冰*****毒", max_gap=5)


def test_equal_characters_far_apart_do_not_form_a_run():
    assert terms_found("冰      冰毒") == [("冰毒", "冰毒", "exact")]


def test_terms_with_repeated_characters_need_the_repeat():
    assert terms_found("售q") == []
    assert terms_found("妈") == []
    assert terms_found("妈妈妈") == [("妈妈", "妈妈妈", "normalized")]  # one hit, not two overlapping ones
    assert terms_found("妈妈") == [("妈妈", "妈妈", "exact")]


def test_pinyin_spellings_need_word_boundaries_and_enough_letters():
    assert terms_found("xbingdu") == []
    assert terms_found("bingdux") == []
    assert terms_found("mama said") == []  # 妈妈 spelled with four letters: below pinyin_min_letters
    assert terms_found("mama said", pinyin_min_letters=4) == [("妈妈", "mama", "pinyin")]


def test_number_styles_apply_to_terms_and_texts_alike():
    assert terms_found("1夜情") == [("1夜情", "1夜情", "exact")]
    assert terms_found("1夜情", digits=False) == [("1夜情", "1夜情", "exact")]
    assert terms_found("一夜情", digits=False) == []


def test_normalize_text_shows_what_the_automaton_sees():
    assert normalize_text("ＡＢＣ 冰-冰-毒毒 槍支 ①") == "abc冰毒枪支1"
