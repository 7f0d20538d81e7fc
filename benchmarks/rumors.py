"""Rumor matching, evaluated: recall@1 on rewritten rumors and false matches on true news, in one command.

    python benchmarks/rumors.py [--per-claim N] [--seed S] [--no-minhash]

Reads ``$ZILU_SHARED_DIR/data/rumors`` (default ``<repo>/../shared/data/rumors``); exits 0 with a message when it is
absent.

* Bank: the 342 rumor posts of CHECKED (``checked_fake_with_debunk.jsonl``), each with its debunk.
* Queries: ``--per-claim`` (default 3) rewrites of every bank post, each a random mix of three of the rewrites a
  spreader makes (see ``REWRITES``): truncation, a prefix such as 转发/紧急扩散/速看, emoji, traditional characters
  (OpenCC ``s2t``, from the ``test`` extra), symbols inserted between characters, synonym swaps, sentence reorder, a
  comment added after it. Plus one query per rewrite kind alone, for the per-rewrite table.
* Negatives: the 880 true news posts of ``checked_real_dev.jsonl`` (same topic, same months).

recall@1 counts a query as found when the best claim above the threshold is its source post (strict) or a post of
the same rumor (the bank holds many reposts of one rumor: the same debunk text, or a claim-to-claim score of at least
0.9). A false match is a negative with any claim above the threshold. ``--no-minhash`` leaves out the comparison with
datasketch's MinHash LSH (``bench`` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from zilu.screening import Policy
from zilu.screening.rumors import RumorClaim, RumorIndex, load_rumors, text_grams

REPO = Path(__file__).resolve().parents[1]
PREFIXES = ["转发：", "紧急扩散！", "速看！！", "【转】", "扩散周知：", "转需！", "紧急通知：", "重要提醒 "]
SUFFIXES = ["大家注意！", "真的假的？", "转给家人！", "转发就是功德", "宁可信其有", "[并不简单]"]
EMOJI = ["🔥", "😱", "⚠️", "🙏", "‼️", "👉", "😭", "❗"]
SYMBOLS = ["*", "#", "·", "_", " ", "~", "|", "♥"]
SYNONYMS = {
    "大家": "各位", "现在": "目前", "已经": "早已", "非常": "十分", "马上": "立刻", "今天": "今日", "医生": "大夫",
    "告诉": "通知", "所以": "因此", "因为": "由于", "如果": "假如", "孩子": "小孩", "可以": "能够", "一定": "务必",
    "不要": "别", "感染": "染上", "病毒": "病菌", "口罩": "面罩", "消息": "通知", "喝": "饮", "吃": "食用",
    "武汉": "江城", "美国": "美方", "日本": "日方", "发现": "发觉", "研究": "研发", "专家": "权威人士",
}  # fmt: skip


def _truncate(text: str, rng: random.Random) -> str:
    if len(text) < 40:
        return text
    size = max(30, int(len(text) * rng.uniform(0.4, 0.7)))
    start = rng.randint(0, len(text) - size)
    return text[start : start + size]


def _prefix(text: str, rng: random.Random) -> str:
    return rng.choice(PREFIXES) + text


def _suffix(text: str, rng: random.Random) -> str:
    return text + rng.choice(SUFFIXES)


def _emoji(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(2, 5)):
        chars.insert(rng.randint(0, len(chars)), rng.choice(EMOJI))
    return "".join(chars)


def _symbols(text: str, rng: random.Random) -> str:
    return "".join(ch + (rng.choice(SYMBOLS) if rng.random() < 0.12 else "") for ch in text)


def _synonyms(text: str, rng: random.Random) -> str:
    for word, other in SYNONYMS.items():
        if word in text and rng.random() < 0.8:
            text = text.replace(word, other)
    return text


def _reorder(text: str, rng: random.Random) -> str:
    sentences = [s for s in re.split(r"(?<=[。！？!?；])", text) if s]
    if len(sentences) < 2:
        return text
    rng.shuffle(sentences)
    return "".join(sentences)


def _traditional() -> Callable[[str, random.Random], str]:
    try:
        import opencc

        converter = opencc.OpenCC("s2t")
        return lambda text, _rng: converter.convert(text)
    except ImportError:  # the charmap's inverse: every simplified character that has a traditional form here
        from zilu.screening.charmap import charmap

        cmap = charmap()
        inverse: dict[str, str] = {}
        for cp in range(0x4E00, 0xA000):
            simple = int(cmap.final[cp])
            if simple != cp:
                inverse.setdefault(chr(simple), chr(cp))
        table = str.maketrans(inverse)
        return lambda text, _rng: text.translate(table)


REWRITES: dict[str, Callable[[str, random.Random], str]] = {
    "truncate": _truncate,
    "prefix": _prefix,
    "suffix": _suffix,
    "emoji": _emoji,
    "traditional": _traditional(),
    "symbols": _symbols,
    "synonyms": _synonyms,
    "reorder": _reorder,
}


def rewrite(text: str, kinds: list[str], rng: random.Random) -> str:
    """``text`` after the rewrites in ``kinds``, in a fixed order (content changes first, decoration last)."""
    for kind in ("reorder", "truncate", "synonyms", "suffix", "prefix", "traditional", "emoji", "symbols"):
        if kind in kinds:
            text = REWRITES[kind](text, rng)
    return text


def same_rumor_groups(claims: list[RumorClaim], index: RumorIndex) -> list[int]:
    """A group number per claim: claims with the same debunk or a claim-to-claim score >= 0.9 share one."""
    parent = list(range(len(claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_debunk: dict[str, int] = {}
    for i, claim in enumerate(claims):
        if claim.debunk:
            parent[find(i)] = find(by_debunk.setdefault(claim.debunk, i))
        for match in index.search(claim.text, threshold=0.9, limit=20):
            parent[find(i)] = find(match.claim)
    return [find(i) for i in range(len(claims))]


def evaluate(
    search: Callable[[str], int | None], queries: list[tuple[int, str]], negatives: list[str], groups: list[int]
) -> tuple[float, float, float, float]:
    """(strict recall@1, same-rumor recall@1, false matches per 1,000 negatives, posts per CPU second)."""
    started = time.process_time()  # CPU seconds: one core's work, whatever else the machine is doing
    strict = same = 0
    for source, query in queries:
        best = search(query)
        strict += best == source
        same += best is not None and groups[best] == groups[source]
    false = sum(search(text) is not None for text in negatives)
    rate = (len(queries) + len(negatives)) / (time.process_time() - started)
    return strict / len(queries), same / len(queries), 1000 * false / max(len(negatives), 1), rate


def minhash_search(claims: list[RumorClaim], threshold: float) -> Callable[[str], int | None]:
    """datasketch MinHash LSH over the same normalized 3-grams, best candidate by estimated Jaccard."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    hashes = []
    for i, claim in enumerate(claims):
        m = MinHash(num_perm=128)
        m.update_batch([int(g).to_bytes(6, "little") for g in set(text_grams(claim.text)[0].tolist())])
        lsh.insert(str(i), m)
        hashes.append(m)

    def search(text: str) -> int | None:
        m = MinHash(num_perm=128)
        m.update_batch([int(g).to_bytes(6, "little") for g in set(text_grams(text)[0].tolist())])
        found = [int(key) for key in lsh.query(m)]
        return max(found, key=lambda i: m.jaccard(hashes[i])) if found else None

    return search


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-claim", type=int, default=3, help="mixed rewrites per bank post")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--no-minhash", action="store_true", help="leave out the datasketch comparison")
    args = parser.parse_args(argv)
    folder = Path(os.environ.get("ZILU_SHARED_DIR") or REPO.parent / "shared") / "data" / "rumors"
    bank_file, negative_file = folder / "checked_fake_with_debunk.jsonl", folder / "checked_real_dev.jsonl"
    if not (bank_file.exists() and negative_file.exists()):
        print(f"skipped: {bank_file} or {negative_file} not found (set ZILU_SHARED_DIR)")
        return 0
    claims = load_rumors(bank_file)
    negatives = [json.loads(line)["text"] for line in negative_file.read_text(encoding="utf-8").splitlines() if line]
    rng = random.Random(args.seed)
    kinds = list(REWRITES)
    queries = [
        (i, rewrite(claim.text, rng.sample(kinds, 3), rng))
        for i, claim in enumerate(claims)
        for _ in range(args.per_claim)
    ]
    single = {kind: [(i, rewrite(c.text, [kind], rng)) for i, c in enumerate(claims)] for kind in kinds}
    started = time.perf_counter()
    index = RumorIndex(claims)
    build = time.perf_counter() - started
    groups = same_rumor_groups(claims, index)
    default = Policy().rumor_threshold
    print(f"bank: {len(claims)} claims ({len(set(groups))} distinct rumors), index built in {build * 1000:.0f} ms")
    print(f"queries: {len(queries)} mixed rewrites ({args.per_claim} per claim, 3 rewrites each); "
          f"negatives: {len(negatives)} true news posts")  # fmt: skip

    def ours(threshold: float) -> Callable[[str], int | None]:
        def search(text: str) -> int | None:
            found = index.search(text, threshold=threshold, limit=1)
            return found[0].claim if found else None

        return search

    print("\n| matcher | threshold | recall@1 (same claim) | recall@1 (same rumor) | false matches / 1,000 negatives "
          "| posts/s |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for threshold in (0.3, 0.4, default, 0.6, 0.7):
        strict, same, false, rate = evaluate(ours(threshold), queries, negatives, groups)
        mark = " (default)" if threshold == default else ""
        print(f"| Zilu 3-gram index{mark} | {threshold} | {strict:.1%} | {same:.1%} | {false:.1f} | {rate:,.0f} |")
    if not args.no_minhash:
        try:
            for threshold in (0.3, 0.5):
                strict, same, false, rate = evaluate(minhash_search(claims, threshold), queries, negatives, groups)
                print(f"| datasketch MinHash LSH, 128 perms (Jaccard) | {threshold} | {strict:.1%} | {same:.1%} "
                      f"| {false:.1f} | {rate:,.0f} |")  # fmt: skip
        except ImportError:
            print("(datasketch not installed: pip install -e '.[bench]')")
    print(f"\nEach rewrite alone, threshold {default} (recall@1, same rumor):\n")
    print("| rewrite | recall@1 |")
    print("| --- | ---: |")
    for kind, items in single.items():
        _, same, _, _ = evaluate(ours(default), items, [], groups)
        print(f"| {kind} | {same:.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
