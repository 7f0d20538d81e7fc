"""Links: URLs and bare domains in their many spellings, reduced to hosts and matched against the blocklist."""

from __future__ import annotations

import pytest

from zilu.screening import Banks, Policy, Screener, parse_domains

BANK = Banks(domains=tuple(parse_domains(["bad.example.com", "evil.cn", "例子.中国", "HTTP://Caps.ORG:443/"])))
SCREENER = Screener(BANK)


def links(text: str, screener: Screener = SCREENER) -> list[tuple[str, str | None, str | None]]:
    hits = screener.screen(text).hits
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text
    return [(h.text, h.entry, h.value) for h in hits if h.kind == "link"]


@pytest.mark.parametrize(
    ("text", "matched", "entry"),
    [
        ("see https://bad.example.com/page?x=1 now", "https://bad.example.com/page?x=1", "bad.example.com"),
        ("see http://bad.example.com", "http://bad.example.com", "bad.example.com"),
        ("see bad.example.com now", "bad.example.com", "bad.example.com"),
        ("see www.bad.example.com/a/b.", "www.bad.example.com/a/b", "bad.example.com"),
        ("去evil.cn看看", "evil.cn", "evil.cn"),
        ("去 EVIL.CN 看看", "EVIL.CN", "evil.cn"),
        ("去evil．cn看看", "evil．cn", "evil.cn"),
        ("去ｅｖｉｌ．ｃｎ看看", "ｅｖｉｌ．ｃｎ", "evil.cn"),
        ("去evil。cn看看", "evil。cn", "evil.cn"),
        ("去 www。evil。cn 看看", "www。evil。cn", "evil.cn"),
        ("访问 http://例子.中国/首页", "http://例子.中国/", "例子.中国"),
        ("访问 例子.中国 吧", "例子.中国", "例子.中国"),
        ("访问xn--fsqu00a.xn--fiqs8s吧", "xn--fsqu00a.xn--fiqs8s", "例子.中国"),
        ("访问 sub.xn--fsqu00a.xn--fiqs8s", "sub.xn--fsqu00a.xn--fiqs8s", "例子.中国"),
        ("http：／／evil．cn", "http：／／evil．cn", "evil.cn"),
        ("caps.org", "caps.org", "caps.org"),
    ],
)
def test_blocked_links_in_every_spelling(text, matched, entry):
    assert [(t, e) for t, e, _ in links(text)] == [(matched, entry)]


@pytest.mark.parametrize(
    "text",
    [
        "example.com is fine",  # the parent of a blocked subdomain
        "notbad.example.com",  # a look-alike, not a subdomain
        "evil.cn.example.net",  # blocked name inside another domain
        "file.jpg and e.g. and 3.14",
        "deviL.cnn",
    ],
)
def test_unblocked_hosts_are_not_hits(text):
    assert links(text) == []


def test_every_link_can_be_reported():
    screener = Screener(BANK, Policy(report_links=True))
    found = links("看 www.example.com 和 evil.cn", screener)
    assert found == [("www.example.com", None, "www.example.com"), ("evil.cn", "evil.cn", "evil.cn")]
    labels = [h.label for h in screener.screen("www.example.com").hits]
    assert labels == ["link.url"]


def test_link_hits_block_by_default():
    verdict = SCREENER.screen("看 evil.cn")
    assert verdict.suggestion == "block" and verdict.labels == ("link.blocked",)
