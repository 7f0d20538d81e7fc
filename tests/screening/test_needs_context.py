"""Entries that need context (``needs_context``) and ``zilu banks lint``, which finds them on a benign corpus."""

from __future__ import annotations

import json

from tests.screening.helpers import term
from zilu.cli import main as zilu_main
from zilu.screening import Banks, Policy, Screener, bank_document, load_bank
from zilu.screening.banks import Term
from zilu.screening.reference import ReferenceMatcher

BANK = Banks(
    terms=(
        Term("日本", ("porn",), needs_context=True),
        Term("电影", ("porn",), needs_context=True, window=3),
        term("色情", "porn"),
        Term("女人", ("porn",), needs_context=True, context=("裸",)),
    )
)


def entries(text: str) -> list[str]:
    return [h.entry for h in Screener(BANK).screen(text).hits]


def test_a_term_that_needs_context_counts_only_in_company():
    assert entries("我明天去日本旅游") == []
    assert entries("日本色情网站") == ["日本", "色情"]
    assert entries("电影好看") == []
    assert entries("色情电影") == ["色情", "电影"]
    assert entries("色情的很多很多电影") == ["色情"]  # beyond the term's own window of 3
    assert entries("日本电影") == []  # two terms that both need context are no company for each other


def test_listed_context_terms_still_decide_for_such_a_term():
    assert entries("女人和色情") == ["色情"]  # its own context term 裸 is missing
    assert entries("裸女人") == ["女人"]


def test_the_reference_agrees():
    reference = ReferenceMatcher(BANK, Policy())
    for text in [
        "我明天去日本旅游",
        "日本色情网站",
        "色情电影",
        "色情的很多很多电影",
        "日本电影",
        "裸女人",
        "女人和色情",
    ]:
        fast = [(h.entry, h.start, h.end) for h in Screener(BANK).screen(text).hits]
        ref = [(m.term, m.start, m.end) for m in reference.match(text)]
        assert fast == ref, text


def test_the_flag_travels_in_bank_exports(tmp_path):
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(bank_document("terms", BANK.terms), ensure_ascii=False), encoding="utf-8")
    loaded = load_bank(path)
    assert [t.needs_context for t in loaded.terms] == [True, True, False, True]


def test_lint_reports_entries_that_fire_on_ordinary_text_and_writes_them_needing_context(tmp_path, capsys):
    terms = tmp_path / "terms.txt"
    terms.write_text("日本 2\n冰毒 1\n", encoding="utf-8")
    corpus = tmp_path / "benign.jsonl"
    posts = [{"text": "今天去日本玩"}, {"text": "日本的樱花"}, {"text": "天气很好"}, {"text": "晚饭吃面"}]
    corpus.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in posts) + "\n", encoding="utf-8")
    out = tmp_path / "curated.json"
    args = ["banks", "lint", str(terms), "--corpus", str(corpus), "--rate", "0.25", "--json", "--write", str(out)]
    assert zilu_main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["posts"] == 4
    assert [(row["term"], row["posts"], row["rate"]) for row in report["entries"]] == [("日本", 2, 0.5)]
    curated = {t.text: t.needs_context for t in load_bank(out).terms}
    assert curated == {"日本": True, "冰毒": False}


def test_lint_refuses_missing_files_and_a_bad_rate(tmp_path, capsys):
    assert zilu_main(["banks", "lint", str(tmp_path / "none.txt"), "--corpus", str(tmp_path / "none")]) == 2
    assert "zilu banks lint" in capsys.readouterr().err
