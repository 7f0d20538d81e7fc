"""Rewrites of a rumor as spreaders make them, for benchmarking the rumor matcher: seeded, independent of the engine.

Written from scratch for issue 20 (it shares no word list with the engine or the older generator): five kinds, each
a function ``(text, rng) -> text``:

* ``window``: the post quotes one stretch of the claim, cut anywhere (mid-clause too), 25-60% of a long claim and at
  least 16 characters; a claim under 32 characters is quoted from a random point to its end or from its start.
* ``traditional``: the claim through one of OpenCC's s2t, s2tw, s2hk or s2twp (the last one with Taiwan phrasing:
  视频 -> 影片, 信息 -> 資訊), picked at random; needs ``opencc`` (the ``test`` extra).
* ``edits``: typing errors and light rewording: 6-10% of the characters deleted, replaced by a character from
  elsewhere in the text, duplicated or swapped with the next one.
* ``prefix``: a repost's decoration: a lead-in (``转发微博``, ``//@用户:``, ``【扩散】``, hashtags, emoji) and, half the
  time, a trailing remark.
* ``reorder``: the claim cut at clause punctuation (，。！？；) and the clauses put in another order.

``rewrite(text, kinds, rng)`` applies several in a fixed order (content first, script and decoration last).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from functools import cache

LEADS = (
    "转发微博", "转：", "//@小城故事多:", "//@一只喵喵酱: 真的吗", "【扩散】", "【重要】", "#新冠肺炎# ",
    "家人们注意了！", "刚在群里看到的：", "朋友圈都在传，", "我同学的亲戚说，", "⚠️⚠️", "🙏🙏 ", "求证：",
    "收到一条消息：", "震惊！", "速转！", "哎，", "看到这个吓一跳 ", "【来自业主群】",
)  # fmt: skip
TAILS = (
    "（转）", "大家小心", " 转起来", "！！！", " 是真的吗？", "。信不信由你", " [泪]", "😷😷", " 关注我了解更多",
    "，赶紧告诉家里老人", " #扩散#", "……",
)  # fmt: skip
CLAUSE = re.compile(r"(?<=[，。！？；,!?;\n])")
OPENCC_CONFIGS = ("s2t", "s2tw", "s2hk", "s2twp")


def window(text: str, rng: random.Random) -> str:
    """One stretch of ``text``, cut anywhere."""
    n = len(text)
    if n < 32:
        cut = rng.randint(0, max(n - 16, 0))
        return text[cut:] if rng.random() < 0.5 else text[: n - cut]
    size = max(16, int(n * rng.uniform(0.25, 0.6)))
    start = rng.randint(0, n - size)
    return text[start : start + size]


@cache
def _converters() -> tuple[Callable[[str], str], ...]:
    import opencc

    return tuple(opencc.OpenCC(config).convert for config in OPENCC_CONFIGS)


def traditional(text: str, rng: random.Random) -> str:
    """``text`` in traditional characters (OpenCC, one of four configurations)."""
    return rng.choice(_converters())(text)


def edits(text: str, rng: random.Random) -> str:
    """Deletions, replacements, duplications and swaps of 6-10% of the characters."""
    chars = list(text)
    if len(chars) < 8:
        return text
    for _ in range(max(1, round(len(chars) * rng.uniform(0.06, 0.10)))):
        i = rng.randrange(len(chars) - 1)
        op = rng.random()
        if op < 0.3:
            del chars[i]
        elif op < 0.6:
            chars[i] = rng.choice(chars)
        elif op < 0.8:
            chars.insert(i, chars[i])
        else:
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def prefix(text: str, rng: random.Random) -> str:
    """A lead-in and, half the time, a trailing remark."""
    return rng.choice(LEADS) + text + (rng.choice(TAILS) if rng.random() < 0.5 else "")


def reorder(text: str, rng: random.Random) -> str:
    """The clauses of ``text`` in another order (the text itself when it has one clause)."""
    clauses = [c for c in CLAUSE.split(text) if c]
    if len(clauses) < 2:
        return text
    shuffled = clauses[:]
    for _ in range(5):
        rng.shuffle(shuffled)
        if shuffled != clauses:
            break
    return "".join(shuffled)


KINDS: dict[str, Callable[[str, random.Random], str]] = {
    "window": window,
    "traditional": traditional,
    "edits": edits,
    "prefix": prefix,
    "reorder": reorder,
}
ORDER = ("reorder", "window", "edits", "prefix", "traditional")


def rewrite(text: str, kinds: list[str] | tuple[str, ...], rng: random.Random) -> str:
    """``text`` after the rewrites in ``kinds``, in the order of :data:`ORDER`."""
    for kind in ORDER:
        if kind in kinds:
            text = KINDS[kind](text, rng)
    return text
