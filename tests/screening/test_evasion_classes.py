"""The evasion classes of issue 19: each caught, each switchable, and none firing on the ordinary text beside it."""

from __future__ import annotations

from functools import cache

import pytest

from tests.screening.helpers import term
from zilu.screening import Banks, Policy, Screener

BANK = Banks(
    terms=(
        term("冰毒", "drugs", severity=3),
        term("海洛因", "drugs", severity=3),
        term("炸药", "illegal", severity=3),
        term("春药", "porn"),
        term("买卖", "illegal"),
        term("性福", "porn", severity=1),
        term("大麻", "drugs"),
        term("porn", "porn"),
        term("sex", "porn"),
        term("gun", "illegal"),
        term("escort", "porn"),
        term("av", "porn"),
        term("bingdu", "drugs"),
        term("口交", "porn"),
        term("长刀", "illegal"),
        term("奸", "porn"),
        term("女色", "porn"),
        term("妹妹小穴", "porn"),
    )
)


@cache
def screener(**switches: object) -> Screener:
    return Screener(BANK, Policy().with_evasion(**switches))


def found(text: str, **switches: object) -> list[tuple[str, str, str | None]]:
    return [(h.entry, h.text, h.form) for h in screener(**switches).screen(text).hits if h.kind == "term"]


def entries(text: str, **switches: object) -> set[str]:
    return {entry for entry, _, _ in found(text, **switches)}


CAUGHT = [
    # punctuation and line breaks between single characters
    ("punctuation", "有人在卖冰，毒吗", "冰毒"),
    ("punctuation", "冰、毒", "冰毒"),
    ("punctuation", "冰!毒", "冰毒"),
    ("punctuation", "買、賣、冰、毒", "冰毒"),
    ("punctuation", "冰\n毒", "冰毒"),
    ("punctuation", "冰\r\n毒到货", "冰毒"),
    ("punctuation", "海\u2028洛因", "海洛因"),
    # glyph-like spacers
    ("spacers", "炸丨药", "炸药"),
    ("spacers", "春〇药", "春药"),
    ("spacers", "炸卍药", "炸药"),
    ("spacers", "海乀洛丶因", "海洛因"),
    ("spacers", "炸口药", "炸药"),
    ("spacers", "冰🈲毒", "冰毒"),
    ("spacers", "冰1\ufe0f\u20e3毒", "冰毒"),
    ("spacers", "有冰x毒吗", "冰毒"),  # one Latin letter or digit alone between two characters: filler
    ("spacers", "海1洛2因", "海洛因"),
    # split characters
    ("split_chars", "氵每洛因", "海洛因"),
    ("split_chars", "水每洛因", "海洛因"),
    ("split_chars", "冫水毒", "冰毒"),
    ("split_chars", "女干", "奸"),
    # pinyin for some characters
    ("pinyin_mix", "冰du", "冰毒"),
    ("pinyin_mix", "bing毒", "冰毒"),
    ("pinyin_mix", "hai洛因", "海洛因"),
    ("pinyin_mix", "hailuo因", "海洛因"),
    ("pinyin_mix", "HAI洛YIN", "海洛因"),
    ("pinyin_mix", "bīng毒", "冰毒"),
    ("pinyin_mix", "meimei小xue", "妹妹小穴"),  # a repeated character: two syllables, two characters
    ("pinyin_mix", "妹mei小穴", "妹妹小穴"),
    # look-alike letters of other scripts
    ("confusables", "the рοrn site", "porn"),  # Cyrillic р, Greek ο
    ("confusables", "ѕех", "sex"),  # Cyrillic ѕ е х
    ("confusables", "a big ɡun", "gun"),  # Latin small script g
    ("confusables", "ΡΟRΝ", "porn"),  # Greek capitals
    ("confusables", "sеxy ѕеx", "sex"),
    ("confusables", "ᴘᴏʀɴ", "porn"),  # small capitals, named as forms of the letter
    ("confusables", "ƈơƈąıŋɛ ɢᴜɴ", "gun"),
    # digits, symbols and ambiguous letters inside a Latin word; letters spelled apart by one separator
    ("leet", "free p0rn here", "porn"),
    ("leet", "watch s3x video", "sex"),
    ("leet", "$ex", "sex"),
    ("leet", "s€x", "sex"),
    ("leet", "P0RN", "porn"),
    ("leet", "3sc0rt", "escort"),
    ("leet", "se×", "sex"),  # a multiplication sign is no letter between Chinese characters, but here it is
    ("leet", "⍴orn", "porn"),  # APL rho
    ("leet", "p.o.r.n site", "porn"),
    ("leet", "p_0_r_n", "porn"),
    ("leet", "a p-o-r-n site", "porn"),
    ("leet", "看p0rn片", "porn"),
    ("leet", "b1ngdu", "bingdu"),
    ("leet", "买b1ngdu", "冰毒"),  # the pinyin spelling of a Chinese term, disguised
    ("leet", "|s3x|", "sex"),
    ("leet", "ρσяη", "porn"),  # fancy-text letters: Greek σ, η and Cyrillic я, read as Latin inside a Latin word
    ("leet", "ѕєχ", "sex"),
    ("leet", "ᴘσяη", "porn"),  # symbols at the edges are punctuation when the word reads without them
]


@pytest.mark.parametrize(("switch", "text", "entry"), CAUGHT)
def test_each_class_is_caught_and_switchable(switch, text, entry):
    assert entry in entries(text), found(text)
    assert entry not in entries(text, **{switch: False}), found(text, **{switch: False})


def test_disguised_latin_words_need_the_whole_word_and_a_letter():
    bank = Banks(terms=(term("kill"), term("viagra"), term("ass"), term("sex")))
    screen = Screener(bank).screen
    assert [h.text for h in screen("kiII it, k1ll it, kiӏӏ it").hits] == ["kiII", "k1ll", "kiӏӏ"]  # I, 1, ӏ: i or l
    assert [h.text for h in screen("vi@gra! v1agra").hits] == ["vi@gra", "v1agra"]
    assert [h.entry for h in screen("⍺ss").hits] == ["ass"]
    # never part of a word, never a number, never across two separators of different kinds
    for text in ("p0rnhub s3xy", "2023年5月3日", "iphone14 covid19 mp3 h264 5g 4s店", "5.3.3", "x.s-e_x"):
        assert not screen(text).hits, text
    assert [h.text for h in screen("a55 a.s.s").hits] == ["a55", "a.s.s"]
    assert not Screener(bank, Policy().with_evasion(leet=False)).screen("s3x k1ll").hits


def test_emoji_sequences_count_as_one_character_of_the_gap():
    # a family (three people joined by zero-width joiners) and a flag (two regional indicators) between characters
    assert entries("冰👨\u200d👩\u200d👧🇨🇳😀毒") == {"冰毒"}
    assert entries("冰😀😀😀😀😀毒") == set()  # five separate emoji are over the gap bound of four


def test_a_sentence_break_between_two_words_does_not_join_them():
    assert entries("我喜欢吃冰，毒品是违法的") == set()  # 毒品 runs on past the break
    assert entries("今天好冷。冰，毒") == {"冰毒"}
    assert entries("出：售：冰：毒") == {"冰毒"}


def test_a_term_with_a_repeated_character_matches_by_sound_written_out():
    assert "妹妹小穴" in entries("妹美小穴")
    assert "妹妹小穴" not in entries("妹美小穴", homophone=False)


def test_fancy_text_letters():
    assert entries("🅿🅾🆁🅽 and 🅟🅞🅡🅝") == {"porn"}  # negative squared and circled capitals
    assert entries("Россия, привет мир, 我爱🇨🇳") == set()
    bank = Banks(terms=(term("nude"),))
    assert [h.text for h in Screener(bank).screen("ηυ∂є 123 5!5").hits] == ["ηυ∂є"]  # faux letters only: a word


def test_filler_is_one_letter_or_digit_between_two_characters():
    assert entries("冰毒x") == entries("x冰毒") == {"冰毒"}
    assert entries("冰xy毒") == set()  # two letters are a word or pinyin, not filler
    assert entries("买A股大涨，第1季，X光片") == set()


def test_a_spacer_that_is_a_character_of_a_word_is_not_a_spacer():
    assert entries("人口药") == set()  # no term here; 口 stays a character
    assert entries("人口炸药") == {"炸药"}
    assert entries("口交") == {"口交"}  # a term's own 口 is kept by the plain view
    assert entries("口🈲交") == {"口交"}


def test_split_components_that_are_everyday_words_are_not_recomposed():
    bank = Banks(terms=(term("好色"),))
    assert [h.entry for h in Screener(bank).screen("女子色").hits] == []  # 女子 is a word, not 好


def test_split_components_inside_a_word_of_the_text_stay_as_written():
    assert entries("她是一位女干部") == set()  # 干部 is a word: not 奸
    assert entries("女干") == {"奸"}


def test_pinyin_mix_needs_a_character_as_written_and_whole_syllables():
    # all pinyin: the term's own pinyin spelling (and the Latin term), not this rule
    assert sorted(found("bingdu")) == [("bingdu", "bingdu", "exact"), ("冰毒", "bingdu", "pinyin")]
    assert entries("冰dux") == set()  # 'dux' is no syllable sequence
    assert entries("兵du") == set()  # a homophone plus pinyin: too far from the term
    assert entries("冰du", pinyin_mix=False) == set()
    # the match covers every letter of its syllables; a written ü (any tone) is the v of typed pinyin
    assert [(e, t, f) for e, t, f in found("说冰d u吧") if e == "冰毒"] == [("冰毒", "冰d u", "pinyin")]
    assert entries("nǚ色") == entries("nv色") == entries("女色")
    # only the words on the Chinese side of a run must spell syllables (an English word may follow)
    assert [(e, t) for e, t, _ in found("冰du abc") if e == "冰毒"] == [("冰毒", "冰du")]


def test_repeated_letters_merge_only_within_one_spaced_out_word():
    for text, entry in [
        ("top porn site", "porn"),
        ("what is sex", "sex"),
        ("this sex video", "sex"),
        ("a big gun", "gun"),
        ("the escort", "escort"),
        ("av video", "av"),
        ("club bingdu", "bingdu"),
    ]:
        assert entry in entries(text), (text, found(text))
    assert [(e, t) for e, t, _ in found("sex xxx")] == [("sex", "sex")]  # the hit does not swallow the next word
    assert "porn" in entries("p o r r n")  # letters standing alone still collapse
    assert "porn" in entries("pooorn")


def test_everyday_words_are_not_homophone_hits():
    assert entries("祝你们幸福美满") == set()  # 幸福 is a word, not 性福
    assert entries("我们去打麻将吧") == set()  # 麻将 crosses the edge of 打麻
    assert entries("一路长到了北京") == {"长刀"}  # not a word: kept, at review level
    assert entries("祝你们幸福美满", precision=False) == {"性福"}
    verdict = screener().screen("一路长到了北京")
    assert verdict.suggestion == "review"


def test_alternative_views_agree_with_the_reference_on_these_texts():
    from zilu.screening.reference import ReferenceMatcher

    reference = ReferenceMatcher(BANK, Policy())
    for _, text, _ in CAUGHT:
        fast = sorted((h.entry, h.start, h.end, h.form) for h in screener().screen(text).hits if h.kind == "term")
        ref = sorted((m.term, m.start, m.end, m.form) for m in reference.match(text))
        assert fast == ref, text
