"""Bank loaders: the line formats and the zilu-bank/1 export."""

from __future__ import annotations

import json

import pytest

from zilu.screening import (
    HOUBB_LABELS,
    BankFormatError,
    Banks,
    BlockedDomain,
    Screener,
    Term,
    bank_document,
    canonical_domain,
    load_allow,
    load_bank,
    load_domains,
    load_terms,
    parse_terms,
)


def test_term_lines(tmp_path):
    path = tmp_path / "terms.txt"
    path.write_text("# comment\n冰毒 1,4\n\n大麻 2\n出售雷管\nsex video porn\n", encoding="utf-8")
    terms = load_terms(path, label_map=HOUBB_LABELS)
    assert terms == [
        Term("冰毒", ("drugs", "illegal")),
        Term("大麻", ("porn",)),
        Term("出售雷管", ("term",)),
        Term("sex video", ("porn",)),
    ]
    assert parse_terms(["x a,b"], default_label="y", severity=3) == [Term("x", ("a", "b"), 3)]


def test_allow_and_domain_lines(tmp_path):
    (tmp_path / "allow.txt").write_text("幸运\n\n大麻烦\n", encoding="utf-8")
    assert load_allow(tmp_path / "allow.txt") == ["幸运", "大麻烦"]
    (tmp_path / "d.txt").write_text(
        "Bad.COM \nhttp://www.x.cn/path\n*.y.org\nz.net:81\n\nnot a host\n", encoding="utf-8"
    )
    assert [d.domain for d in load_domains(tmp_path / "d.txt")] == ["bad.com", "www.x.cn/path", "y.org", "z.net"]


def test_canonical_domain():
    assert canonical_domain("xn--fsqu00a.xn--fiqs8s") == "例子.中国"
    assert canonical_domain("HTTPS://user@Host.Example.:8080/x") == "host.example"
    assert canonical_domain("a..b") is None
    assert canonical_domain("") is None


def test_export_round_trip(tmp_path):
    terms = [Term("出售", ("illegal",), 3, ("枪支",), 10, "t1"), Term("冰毒", ("drugs",))]
    for kind, entries in (("terms", terms), ("allow", ["大麻烦"]), ("domains", [BlockedDomain("bad.com")])):
        (tmp_path / f"{kind}.json").write_text(json.dumps(bank_document(kind, entries, version=7)), encoding="utf-8")
    banks = Banks.from_files(exports=[tmp_path / f"{k}.json" for k in ("terms", "allow", "domains")])
    assert banks.terms == tuple(terms)
    assert banks.allow == ("大麻烦",)
    assert banks.domains == (BlockedDomain("bad.com"),)
    assert banks.versions == {"terms": 7, "allow": 7, "domains": 7}
    assert Screener(banks).screen("出售枪支 bad.com").labels == ("illegal", "link.blocked")


def test_export_entries_may_be_plain_strings():
    banks = load_bank(
        {
            "format": "zilu-bank/1",
            "kind": "domains",
            "version": 1,
            "entries": ["A.com", {"domain": "b.cn", "label": "link.gambling", "severity": 2}],
        }
    )
    assert banks.domains == (BlockedDomain("a.com"), BlockedDomain("b.cn", "link.gambling", 2))


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"format": "other", "kind": "terms", "version": 1, "entries": []}, "not a bank export"),
        ({"format": "zilu-bank/1", "kind": "words", "version": 1, "entries": []}, "kind must be"),
        ({"format": "zilu-bank/1", "kind": "terms", "version": -1, "entries": []}, "version"),
        ({"format": "zilu-bank/1", "kind": "terms", "version": 1, "entries": {}}, "entries must be a list"),
        ({"format": "zilu-bank/1", "kind": "terms", "version": 1, "entries": [{"term": "x"}]}, "entries[0]: labels"),
        (
            {
                "format": "zilu-bank/1",
                "kind": "terms",
                "version": 1,
                "entries": [{"term": "x", "labels": ["a"], "severity": 5}],
            },
            "severity",
        ),
        (
            {
                "format": "zilu-bank/1",
                "kind": "terms",
                "version": 1,
                "entries": [{"term": "x", "labels": ["a"], "colour": 1}],
            },
            "unknown keys",
        ),
        ({"format": "zilu-bank/1", "kind": "domains", "version": 1, "entries": ["not a host"]}, "entries[0]"),
        ({"format": "zilu-bank/1", "kind": "allow", "version": 1, "entries": [3]}, "entries[0]"),
    ],
)
def test_bad_exports_say_where(doc, message):
    with pytest.raises(BankFormatError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_bank(doc)


def test_unreadable_files(tmp_path):
    with pytest.raises(BankFormatError):
        load_terms(tmp_path / "missing.txt")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(BankFormatError, match="not UTF-8"):
        load_terms(tmp_path / "latin1.txt")
    (tmp_path / "x.json").write_text("[")
    with pytest.raises(BankFormatError, match="not JSON"):
        load_bank(tmp_path / "x.json")


def test_duplicate_terms_merge():
    banks = Banks(terms=(Term("a", ("x",), 1),)).merge(Banks(terms=(Term("a", ("y",), 3),)))
    assert banks.terms == (Term("a", ("x", "y"), 3),)
