"""Allow-list containment, Latin word boundaries, context terms and overlapping hits."""

from __future__ import annotations

from tests.screening.helpers import BANK, screener, term, terms_found
from zilu.screening import Banks, Policy, Screener


def test_an_allowed_word_suppresses_the_terms_inside_it():
    assert terms_found("真是大麻烦") == []
    assert terms_found("大 麻 烦") == []  # also when the allowed word itself is written with noise
    assert terms_found("种大麻") == [("大麻", "大麻", "exact")]
    assert terms_found("大麻烦和大麻") == [("大麻", "大麻", "exact")]  # only the occurrence inside is suppressed


def test_allowed_words_suppress_any_form_inside_them():
    bank = Banks(terms=(term("性福", "porn"),), allow=("幸福生活",))
    s = Screener(bank, Policy().with_evasion(precision=False))
    assert [h.text for h in s.screen("幸福").hits] == ["幸福"]  # a homophone hit...
    assert s.screen("幸福生活").hits == ()  # ...gone inside the allowed phrase


def test_latin_terms_match_whole_words_only():
    assert terms_found("I have a dog") == []
    assert terms_found("International day") == []
    assert terms_found("the av film") == [("av", "av", "exact")]
    assert terms_found("national day") == [("national", "national", "exact")]
    assert terms_found("AV女优") == [("av", "AV", "normalized")]  # a Chinese neighbour is a boundary
    assert terms_found("av1") == []  # digits belong to the word


def test_spaced_out_latin_needs_boundaries_beyond_the_noise():
    assert terms_found("h a v e") == []
    assert terms_found("watch a v now") == []  # too ambiguous: 'h' and 'n' are letters past the spaces
    assert terms_found("看 a v 片") == [("av", "a v", "normalized")]


def test_context_terms_must_be_nearby():
    found = screener().screen("出售枪支").hits
    assert [(h.entry, h.context) for h in found] == [("出售", "枪支"), ("枪支", None)]
    assert terms_found("出售衣服") == []
    assert [e for e, _, _ in terms_found("出售二手的枪")] == ["出售"]  # 枪 within 5 characters
    assert terms_found("出售很多很多很多的旧枪") == []  # beyond the term's window of 5


def test_context_window_defaults_to_the_policy():
    bank = Banks(terms=(term("出售", "illegal", context=("枪",)),))
    text = "出售" + "好" * 10 + "枪"
    assert Screener(bank, Policy(context_window=10)).screen(text).hits
    assert not Screener(bank, Policy(context_window=9)).screen(text).hits


def test_different_terms_may_overlap_one_term_does_not():
    bank = Banks(terms=(term("冰毒"), term("毒品")))
    hits = Screener(bank).screen("冰毒品").hits
    assert [(h.entry, h.start, h.end) for h in hits] == [("冰毒", 0, 2), ("毒品", 1, 3)]


def test_homophone_hits_give_way_to_exact_hits_on_the_same_span():
    bank = Banks(terms=(term("冰毒", "a"), term("冰读", "b")))
    hits = Screener(bank).screen("冰毒").hits
    assert [(h.entry, h.form) for h in hits] == [("冰毒", "exact")]


def test_bank_banks_are_data():
    assert BANK.terms[0].text == "冰毒"
