"""Written-out links (点, dot, [.], percent escapes, invisible characters) and bare IPv4 addresses.

Besides fixed cases, generated spellings are compared with a slow reference: rewrite the text with plain string
replacements (every written-out dot to ``.``, escapes decoded, invisible characters dropped) and run the plain link
finder; the fast path must find the same blocked hosts, at offsets that cover the written-out form.
"""

from __future__ import annotations

import itertools
import random
import re

import pytest

from tests.conftest import SHARED_DIR, require_shared
from zilu.screening import Banks, Policy, Screener, load_domains, parse_domains
from zilu.screening.charmap import pii_table
from zilu.screening.links import Blocklist, _find, find_links

DOMAINS = ["1.2.3.4", "evil.cn", "000wyt.com", "bad.example.com", "shop.example.com/files"]
BANK = Banks(domains=tuple(parse_domains(DOMAINS)))
SCREENER = Screener(BANK, Policy(clickbait=False))
REPORTING = Screener(Banks(), Policy(report_links=True, clickbait=False))
BLOCKLIST = Blocklist(parse_domains(DOMAINS))


def links(text: str, screener: Screener = SCREENER) -> list[tuple[str, str | None]]:
    verdict = screener.screen(text)
    for hit in verdict.hits:
        assert text[hit.start : hit.end] == hit.text
    return [(h.text, h.value) for h in verdict.hits if h.kind == "link"]


def folded(text: str) -> str:
    return pii_table()[[ord(ch) for ch in text]].tobytes().decode("utf-16-le")


@pytest.mark.parametrize(
    ("text", "matched", "host"),
    [
        ("访问 1.2.3.4 吧", "1.2.3.4", "1.2.3.4"),
        ("访问 http://1.2.3.4/x 吧", "http://1.2.3.4/x", "1.2.3.4"),
        ("访问1.2.3.4:8080/abc吧", "1.2.3.4:8080/abc", "1.2.3.4"),
        ("上000wyt点com看", "000wyt点com", "000wyt.com"),
        ("上000wyt點com看", "000wyt點com", "000wyt.com"),
        ("evil dot cn", "evil dot cn", "evil.cn"),
        ("evil DOT cn", "evil DOT cn", "evil.cn"),
        ("evil[.]cn", "evil[.]cn", "evil.cn"),
        ("evil(.)cn", "evil(.)cn", "evil.cn"),
        ("evil（.）cn", "evil（.）cn", "evil.cn"),
        ("evil【.】cn", "evil【.】cn", "evil.cn"),
        ("evil [dot] cn", "evil [dot] cn", "evil.cn"),
        ("evil(dot)cn", "evil(dot)cn", "evil.cn"),
        ("去 evil . cn 看", "evil . cn", "evil.cn"),
        ("去 evil。 cn 看", "evil。 cn", "evil.cn"),
        ("e\u200bvil.cn", "e\u200bvil.cn", "evil.cn"),
        ("evil\u200d.\u2060cn", "evil\u200d.\u2060cn", "evil.cn"),
        ("www点evil点cn", "www点evil点cn", "www.evil.cn"),
        ("%77%77%77.evil.cn", "%77%77%77.evil.cn", "www.evil.cn"),
        ("evil%2Ecn/x", "evil%2Ecn/x", "evil.cn"),
        ("ＥＶＩＬ点ＣＮ", "ＥＶＩＬ点ＣＮ", "evil.cn"),
        ("bad点example点com/a", "bad点example点com/a", "bad.example.com"),
        ("shop点example点com/files/1", "shop点example点com/files/1", "shop.example.com"),
        ("快上evil.cn一下", "evil.cn", "evil.cn"),  # 一 folds to 1, but it is a word after the domain
        ("唯evil點cn一变了", "evil點cn", "evil.cn"),
        ("访问 1.2.3.4一下", "1.2.3.4", "1.2.3.4"),
        ("又__1.2.3.4__", "1.2.3.4", "1.2.3.4"),
        ("还是一1.2.3.4神论", "1.2.3.4", "1.2.3.4"),
    ],
)
def test_written_out_links_are_blocked(text, matched, host):
    assert links(text) == [(matched, host)]
    assert SCREENER.screen(text).suggestion == "block"


@pytest.mark.parametrize(
    "text",
    [
        "版本 1.2.3 发布",  # a version: three parts
        "2024.1.2 的事",  # a date
        "1.2.3.4.5",  # five parts
        "v1.2.3.4",  # a version glued to a letter
        "1.2.3.45",  # another address
        "01.02.03.04",  # leading zeros
        "一点com都不懂",  # 一 is a numeral, not a label
        "好一点cn",
        "晚上8点com",  # a time of day
        "evil dot cnn",
        "shop点example点com/other",
        "http://a.com/%65vil%2ecn",  # escapes in a path are not a host
    ],
)
def test_look_alikes_are_not_blocked(text):
    assert links(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "something like. So I had",  # English sentence ends: spaced dots count only when blocked
        "bullshit . do you",
        "版本 1.2.3.4 发布",  # a bare dotted quad counts only when blocked
        "八点com",
    ],
)
def test_reported_links_leave_sentences_alone(text):
    assert links(text, REPORTING) == []


def test_reported_links_include_written_out_ones():
    assert links("58点com 和 evil[.]cn 和 5.6.7.8:8080", REPORTING) == [
        ("58点com", "58.com"),
        ("evil[.]cn", "evil.cn"),
        ("5.6.7.8:8080", "5.6.7.8"),
    ]


# ------------------------------------------------------------------------------------------------- reference

_SEPARATORS = ["点", "點", " dot ", " DOT ", "[.]", "(.)", "（.）", "【.】", "[dot]", "(dot)", " [dot] ", "{.}"]
_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


def reference_hosts(text: str) -> set[str]:
    """The slow way: plain string rewrites, then the plain link finder on the result."""
    for invisible in _INVISIBLE:
        text = text.replace(invisible, "")
    text = re.sub(r"%([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)
    for sep in sorted(_SEPARATORS, key=len, reverse=True):
        text = text.replace(sep, ".")
    return {m.host for m in _find(folded(text), BLOCKLIST, text) if m.blocked is not None}


def spell(host: str, rng: random.Random) -> str:
    """One written-out spelling of ``host``."""
    labels = host.split(".")
    style = rng.choice(("sep", "invisible", "percent"))
    if style == "sep":
        return "".join(
            label + (rng.choice(_SEPARATORS) if k < len(labels) - 1 else "") for k, label in enumerate(labels)
        )
    if style == "invisible":
        chars = list(host)
        at = rng.randrange(1, len(chars))
        chars.insert(at, rng.choice(_INVISIBLE))
        return "".join(chars)
    chars = list(host)
    for k in rng.sample(range(len(chars)), k=min(3, len(chars))):
        chars[k] = f"%{ord(chars[k]):02X}"
    return "".join(chars)


def test_fast_equals_reference_on_generated_spellings():
    rng = random.Random(19)
    hosts = ["evil.cn", "www.evil.cn", "000wyt.com", "bad.example.com", "m.bad.example.com"]
    carriers = ["访问{}吧", "快上 {} 看看", "{}", "地址：{}，速来", "看这个{}!!"]
    for _ in range(400):
        written = spell(rng.choice(hosts), rng)
        text = rng.choice(carriers).format(written)
        fast = find_links(folded(text), BLOCKLIST, text)
        assert {m.host for m in fast if m.blocked is not None} == reference_hosts(text), text
        start = text.index(written)
        assert all(m.start <= start + 1 and m.end >= start + len(written) - 1 for m in fast), text


def test_no_new_links_on_weibo_posts_with_dian():
    """Posts that contain 点: the written-out pass adds no link, blocked or not (fwwdn blocklist, report_links)."""
    data = SHARED_DIR / "data"
    corpus = require_shared(data / "corpus" / "weibo_ced_posts.txt")
    blocklist = Blocklist(load_domains(require_shared(data / "urls" / "fwwdn_domains.txt")))
    with corpus.open(encoding="utf-8") as handle:
        posts = [line.rstrip("\n") for line in itertools.islice(handle, 300_000) if "点" in line or "點" in line]
    assert len(posts) > 5000
    added = []
    for post in posts:
        view = folded(post)
        plain = {(m.start, m.end) for m in _find(view, blocklist, post)}
        added += [post[m.start : m.end] for m in find_links(view, blocklist, post) if (m.start, m.end) not in plain]
    assert added == []
