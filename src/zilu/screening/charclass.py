"""Character classes that are design choices rather than Unicode data (see docs/screening.md).

Kept in a module of their own so that the table generator, the fast path and the reference matcher read the same
definitions.
"""

from __future__ import annotations

#: Clause punctuation and line breaks. These are never noise: a term cannot match across them, so
#: ``我喜欢吃冰，毒品是违法的`` does not contain ``冰毒``. The ASCII full stop is *not* here: between Chinese characters
#: it is far more often an evasion (``冰.毒``) than a sentence end, and Latin terms have word boundaries anyway.
BOUNDARY = frozenset(
    "。，、；：？！…‥⋯︰︐︑︒︓︔︕︖︙﹐﹑﹒﹔﹕﹖﹗｡､"  # CJK and small/vertical forms
    ",;:?!‼⁇⁈⁉"  # ASCII and Latin clause marks
    "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # line and paragraph breaks
)

#: Glyph-like characters an evader puts between the characters of a term (``炸丨药``, ``春〇药``): single strokes,
#: simple radicals, 〇, 口, 卍 and vertical bars. Unlike noise they are real characters elsewhere (``人口``,
#: ``二〇二四``), so they are deleted only in the *joined* view (:mod:`zilu.screening.views`), which also deletes the
#: CJK strokes, Kangxi radicals, radicals supplement and Bopomofo blocks.
SPACERS = frozenset("丨丶丿乀乁乙乚乛亅丄丅丷亠冂冖凵匚厶彡〇〢〡〣口囗卍卐｜¦ǀ∣")

#: Chinese numerals read as one digit, in addition to Unicode's own digit values (①, ０, ⑴ ...).
#: ``幺`` is how a 1 is read out in phone numbers; ``两`` is left out because it is an ordinary word (``两性``).
EXTRA_DIGITS: dict[str, int] = {
    **{ch: i for i, ch in enumerate("〇一二三四五六七八九")},
    **{ch: i for i, ch in enumerate("零壹贰叁肆伍陆柒捌玖")},
    "貳": 2,
    "參": 3,
    "叄": 3,
    "陸": 6,
    "幺": 1,
}


def is_latin_word(ch: str) -> bool:
    """Whether ``ch`` belongs to a Latin word: letters and digits of the Latin blocks (ASCII and full-width)."""
    if not ch.isalnum():
        return False
    cp = ord(ch)
    return cp < 0x0250 or 0x1E00 <= cp <= 0x1EFF or 0xFF10 <= cp <= 0xFF5A


def is_cjk(ch: str) -> bool:
    """Whether ``ch`` is a CJK ideograph (unified, extension A-G or compatibility)."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x323AF
        or cp == 0x3007  # 〇
    )


#: Latin letters and digits that an evader drops between two Chinese characters as filler (``冰x毒``, ``海1洛2因``):
#: ASCII and full-width. One such character standing alone between two ideographs is a spacer in the second joined
#: view (:mod:`zilu.screening.views`); two or more are a word, a number or pinyin (``冰du``, the pinyin view's job).
FILLER_RANGES = ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A), (0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))


def is_filler(text: str, i: int) -> bool:
    """Whether ``text[i]`` is one Latin letter or digit standing alone between two ideographs."""
    if not 0 < i < len(text) - 1:
        return False
    cp = ord(text[i])
    return any(lo <= cp <= hi for lo, hi in FILLER_RANGES) and is_cjk(text[i - 1]) and is_cjk(text[i + 1])
