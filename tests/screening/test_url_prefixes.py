"""URL prefixes in the domain blocklist: a link under a banked prefix is a link hit, other URLs on its host are not."""

from __future__ import annotations

import json

import pytest

from zilu.screening import Banks, BlockedDomain, Policy, Screener, bank_document, canonical_entry, load_bank
from zilu.screening.charmap import pii_table
from zilu.screening.links import Blocklist, find_links

PREFIXES = [
    "https://Example.com/Bad/",
    "shop.example.net/item?id=7",
    "例子.中国/x",
    "ports.example.org:8080/p",
]
BANK = Banks(domains=tuple(BlockedDomain(canonical_entry(line) or "") for line in PREFIXES))
SCREENER = Screener(BANK)


def link_hits(text: str, screener: Screener = SCREENER) -> list[tuple[str, str | None]]:
    verdict = screener.screen(text)
    for hit in verdict.hits:
        assert text[hit.start : hit.end] == hit.text
    return [(h.text, h.entry) for h in verdict.hits if h.kind == "link"]


def test_canonical_entries():
    assert [canonical_entry(line) for line in PREFIXES] == [
        "example.com/Bad",
        "shop.example.net/item?id=7",
        "例子.中国/x",
        "ports.example.org:8080/p",
    ]
    assert canonical_entry("HTTP://WWW.Bad-Site.COM:81") == "www.bad-site.com"  # no path: a domain, port dropped
    assert canonical_entry("https://bad-site.com/") == "bad-site.com"  # an empty path is the whole host
    assert canonical_entry("bad-site.com:443/a#frag") == "bad-site.com/a"
    assert canonical_entry("xn--fsqu00a.xn--fiqs8s/Y") == "例子.中国/Y"
    assert canonical_entry("not a host/x") is None


def test_a_link_under_a_prefix_is_a_blocked_link_hit():
    verdict = SCREENER.screen("快看 https://example.com/Bad/page.html?x=1 吧")
    assert verdict.suggestion == "block" and verdict.labels == ("link.blocked",)
    (hit,) = verdict.hits
    assert (hit.kind, hit.entry, hit.value, hit.severity) == ("link", "example.com/Bad", "example.com", 3)
    assert hit.text == "https://example.com/Bad/page.html?x=1"


@pytest.mark.parametrize(
    "text",
    [
        "https://example.com/Bad",
        "https://example.com/Bad/",
        "http://example.com/Bad/x/y",
        "example.com/Bad/x",
        "HTTPS://EXAMPLE.COM/Bad/x",
        "https://example.com:443/Bad/x",
        "http://example.com:80/Bad/x",
        "https://example.com/Bad#top",
        "https://example.com/Bad?page=2",
    ],
)
def test_scheme_host_case_and_default_port_do_not_matter(text):
    assert link_hits(f"看 {text} 吧") == [(text, "example.com/Bad")]


@pytest.mark.parametrize(
    "text",
    [
        "https://example.com/",  # the host itself
        "https://example.com/Good/x",  # a sibling path
        "https://example.com/Badge",  # the prefix's path is a whole segment
        "https://example.com/bad/x",  # paths are case-sensitive
        "https://example.com/x/Bad/",
        "https://www.example.com/Bad/x",  # a prefix covers its host, not the subdomains
        "https://example.com:8443/Bad/x",  # another port
        "https://example.com?q=/Bad/",
    ],
)
def test_other_urls_on_the_host_are_not_hits(text):
    assert link_hits(f"看 {text} 吧") == []


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        (
            "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ／Ｂａｄ／ｘ",
            "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ／Ｂａｄ／ｘ",
        ),  # full width
        ("去 example。com/Bad/x 看看", "example。com/Bad/x"),  # ideographic full stop
        ("去 example．com/Bad 看看", "example．com/Bad"),
        ("http：／／EXAMPLE.com/Bad/x。", "http：／／EXAMPLE.com/Bad/x"),
        ("详见example.com/Bad/x吧", "example.com/Bad/x"),  # glued to Chinese text
        ("访问 http://xn--fsqu00a.xn--fiqs8s/x/1", "http://xn--fsqu00a.xn--fiqs8s/x/1"),  # punycode
        ("访问 例子.中国/x 吧", "例子.中国/x"),
    ],
)
def test_obfuscated_links_the_engine_resolves(text, matched):
    found = link_hits(text)
    assert [t for t, _ in found] == [matched] and found[0][1] in {"example.com/Bad", "例子.中国/x"}


def test_a_glued_idn_host_reaches_its_prefix():
    assert [entry for _, entry in link_hits("访问例子.中国/x/y")] == ["例子.中国/x"]
    assert link_hits("访问例子.中国/z") == []


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("shop.example.net/item?id=7", True),
        ("https://shop.example.net/item/?id=7&ref=a", True),
        ("shop.example.net/item?id=72", False),  # the query prefix ends at a parameter
        ("shop.example.net/item?ref=a&id=7", False),
        ("shop.example.net/item", False),  # a prefix with a query needs it
        ("shop.example.net/item/sub?id=7", False),  # and the very path
    ],
)
def test_a_prefix_with_a_query(text, hit):
    assert bool(link_hits(text)) is hit


def test_a_non_default_port_must_match():
    assert link_hits("http://ports.example.org:8080/p/1") == [
        ("http://ports.example.org:8080/p/1", "ports.example.org:8080/p")
    ]
    assert link_hits("http://ports.example.org/p/1") == []


def test_the_most_specific_entry_wins_and_whole_domains_still_block():
    banks = Banks(
        domains=(
            BlockedDomain("bad-site.com", "link.blocked", 3),
            BlockedDomain("bad-site.com/a", "link.phishing", 2),
            BlockedDomain("bad-site.com/a/b", "link.malware", 3),
        )
    )
    screener = Screener(banks)
    assert link_hits("bad-site.com/a/b/c", screener) == [("bad-site.com/a/b/c", "bad-site.com/a/b")]
    assert link_hits("bad-site.com/a/x", screener) == [("bad-site.com/a/x", "bad-site.com/a")]
    assert link_hits("www.bad-site.com/z", screener) == [("www.bad-site.com/z", "bad-site.com")]
    assert screener.info.domains == 3


def test_unblocked_urls_are_still_reported_when_asked():
    screener = Screener(BANK, Policy(report_links=True))
    hits = screener.screen("https://example.com/Good").hits
    assert [(h.label, h.entry, h.value) for h in hits] == [("link.url", None, "example.com")]


def test_batching_keeps_the_path_case_of_each_post():
    posts = ["第一条 example.com/bad/x", ("标题 EXAMPLE.com/Bad/x", "example.com/Bad"), "example.com/Bad/1"]
    verdicts = list(SCREENER.screen_many(posts))
    assert [[h.entry for h in v.hits] for v in verdicts] == [
        [],
        ["example.com/Bad", "example.com/Bad"],
        ["example.com/Bad"],
    ]
    assert [h.field for h in verdicts[1].hits] == ["text", "title"]
    assert verdicts == [SCREENER.screen(*p) if isinstance(p, tuple) else SCREENER.screen(p) for p in posts]


def test_find_links_without_the_original_compares_lower_case_paths():
    text = "see example.com/Bad/x"
    folded = pii_table()[[ord(ch) for ch in text]].tobytes().decode("utf-16-le")
    blocklist = Blocklist(BANK.domains)
    assert [m.blocked for m in find_links(folded, blocklist, text)] == [BlockedDomain("example.com/Bad")]
    assert [m.blocked for m in find_links(folded, blocklist)] == [None]


def test_line_files_and_exports_carry_prefixes(tmp_path):
    (tmp_path / "domains.txt").write_text(
        "# harmful\nwhole-site.com\nhttps://Part-Site.com/Files/\npart-site.com/files/?\n", encoding="utf-8"
    )
    banks = Banks.from_files(domains=[tmp_path / "domains.txt"])
    assert [d.domain for d in banks.domains] == ["whole-site.com", "part-site.com/Files", "part-site.com/files"]
    screener = Screener(banks)
    assert [h.entry for h in screener.screen("part-site.com/Files/1 和 part-site.com/files/2").hits] == [
        "part-site.com/Files",
        "part-site.com/files",
    ]
    assert screener.screen("part-site.com/other").hits == ()

    doc = bank_document("domains", [BlockedDomain("part-site.com/Files", "link.phishing", 2)], version=4)
    (tmp_path / "export.json").write_text(json.dumps(doc), encoding="utf-8")
    loaded = load_bank(tmp_path / "export.json")
    assert loaded.domains == (BlockedDomain("part-site.com/Files", "link.phishing", 2),)
    assert load_bank({**doc, "entries": ["HTTPS://Part-Site.com:443/Files/"]}).domains == (
        BlockedDomain("part-site.com/Files"),
    )
    hits = Screener(loaded).screen("http://part-site.com/Files/x").hits
    assert [(h.entry, h.label, h.suggestion) for h in hits] == [("part-site.com/Files", "link.phishing", "review")]
