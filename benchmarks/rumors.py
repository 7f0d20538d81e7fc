"""Rumor matching, evaluated: recall@1 per rewrite kind and false matches on true news, in one command.

    python benchmarks/rumors.py [--per-claim N] [--seed S] [--threshold T] [--minhash]

Reads ``$ZILU_SHARED_DIR/data`` (default ``<repo>/../shared/data``); exits 0 with a message when it is absent. Needs
``opencc`` (``test`` extra) for the traditional-character rewrites.

Two banks, so that what is tuned on one is checked on data it was not tuned on:

* **CHECKED** (tuning): the 342 COVID-19 rumor posts of ``rumors/checked_fake_with_debunk.jsonl`` (181 distinct
  rumors: the bank holds many reposts of one rumor).
* **CED** (held out, other years and topics): the 1,538 Weibo posts labelled ``rumor`` in
  ``corpus/weibo_ced_originals.jsonl``.

Queries come from ``benchmarks/rumor_rewrites.py``, a generator written independently of the engine (window,
traditional, edits, prefix, reorder; seeded): ``--per-claim`` rewrites of every claim per kind, and as many mixing two
kinds. Negatives: the 880 true news posts of ``rumors/checked_real_dev.jsonl`` (same topic and months as CHECKED) and
the 1,849 ``non-rumor`` posts of CED.

recall@1 counts a query as found when the best claim at or above the threshold is its source post (*same claim*) or
a post of the same rumor (*same rumor*: the same debunk text, or 90% of the 3-grams of the shorter claim in the
other; computed from the texts, not from the engine's score),
the figure a moderator cares about since every post of one rumor carries the same debunk. A false match is a negative
with any claim at or above the threshold. The reliability table bins the score of the best claim for every query and
negative: the share in each bin that is right says whether the score reads as a probability.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rumor_rewrites import KINDS, rewrite

from zilu.screening import Policy
from zilu.screening.normalize import content_codes
from zilu.screening.rumors import RumorClaim, RumorIndex, load_rumors, text_grams

REPO = Path(__file__).resolve().parents[1]


def same_rumor_groups(claims: list[RumorClaim], index: RumorIndex) -> list[int]:
    """A group number per claim: claims with the same debunk or 90% of the shorter one's 3-grams in common share one."""
    parent = list(range(len(claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_debunk: dict[str, int] = {}
    grams = [set(text_grams(claim.text)[0].tolist()) for claim in claims]
    for i, claim in enumerate(claims):
        if claim.debunk:
            parent[find(i)] = find(by_debunk.setdefault(claim.debunk, i))
        for match in index.search(claim.text, threshold=0.0, limit=20):  # candidates; the test is the set overlap
            j = match.claim
            if len(grams[i] & grams[j]) >= 0.9 * max(min(len(grams[i]), len(grams[j])), 1):
                parent[find(i)] = find(j)
    return [find(i) for i in range(len(claims))]


Search = Callable[[str], tuple[int, float] | None]


def recall(
    search: Search, queries: list[tuple[int, str]], groups: list[int], threshold: float, texts: list[str] | None = None
) -> tuple[float, float, float]:
    """(same-claim, same-claim-or-same-text, same-rumor recall@1) at ``threshold``; the second also counts a best
    claim that contains the whole normalized query, which no matcher can tell from the source (``texts``: the claims'
    normalized texts)."""
    strict = quoted = same = 0
    for source, query in queries:
        best = search(query)
        if best is None or best[1] < threshold:
            continue
        strict += best[0] == source
        quoted += best[0] == source or (texts is not None and normalized(query) in texts[best[0]])
        same += groups[best[0]] == groups[source]
    n = max(len(queries), 1)
    return strict / n, quoted / n, same / n


def normalized(text: str) -> str:
    """The text as the matcher sees it (the engine's content table)."""
    return content_codes(text).tobytes().decode("utf-16-le", "replace")


def false_rate(search: Search, negatives: list[str], threshold: float) -> tuple[float, int]:
    """(false matches per 1,000 negatives, count) at ``threshold``."""
    false = 0
    for text in negatives:
        best = search(text)
        false += best is not None and best[1] >= threshold
    return 1000 * false / max(len(negatives), 1), false


def minhash_search(claims: list[RumorClaim], threshold: float) -> Search:
    """datasketch MinHash LSH over the same normalized 3-grams, best candidate by estimated Jaccard."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    hashes = []
    for i, claim in enumerate(claims):
        m = MinHash(num_perm=128)
        m.update_batch([int(g).to_bytes(6, "little") for g in set(text_grams(claim.text)[0].tolist())])
        lsh.insert(str(i), m)
        hashes.append(m)

    def search(text: str) -> tuple[int, float] | None:
        m = MinHash(num_perm=128)
        m.update_batch([int(g).to_bytes(6, "little") for g in set(text_grams(text)[0].tolist())])
        found = [int(key) for key in lsh.query(m)]
        if not found:
            return None
        best = max(found, key=lambda i: m.jaccard(hashes[i]))
        return best, 1.0

    return search


def make_queries(claims: list[RumorClaim], per_claim: int, rng: random.Random) -> dict[str, list[tuple[int, str]]]:
    """Per kind (and ``mixed``, two kinds at once): ``per_claim`` rewrites of every claim."""
    kinds = list(KINDS)
    out = {kind: [(i, rewrite(c.text, [kind], rng)) for i, c in enumerate(claims) for _ in range(per_claim)]
           for kind in kinds}  # fmt: skip
    out["mixed (two kinds)"] = [
        (i, rewrite(c.text, rng.sample(kinds, 2), rng)) for i, c in enumerate(claims) for _ in range(per_claim)
    ]
    return out


def fit(claims: list[RumorClaim], negatives: list[str], per_claim: int, seed: int) -> int:
    """Fit ``rumors.CALIBRATION``: logistic regression of "the best claim is the right rumor" on the covered fraction
    and log(shared 3-grams) of the best claim, over rewrites of every kind and the true news (needs scikit-learn)."""
    import math

    from sklearn.linear_model import LogisticRegression

    from zilu.screening import rumors

    rumors.CALIBRATION = (0.0, 1.0, 0.0)  # score = sigmoid(cover): the covered fraction is read back from it
    index = RumorIndex(claims)
    groups = same_rumor_groups(claims, index)
    rows: list[tuple[float, float]] = []
    labels: list[int] = []
    queries = make_queries(claims, per_claim, random.Random(seed + 1))  # other rewrites than the report's
    for source, text in [item for items in queries.values() for item in items] + [(-1, t) for t in negatives]:
        found = index.search(text, threshold=0.0, limit=1)
        if not found:
            continue
        p = min(max(found[0].score, 1e-6), 1 - 1e-6)
        rows.append((math.log(p / (1 - p)), math.log(min(max(found[0].shared, 1), 30))))
        labels.append(int(source >= 0 and groups[found[0].claim] == groups[source]))
    model = LogisticRegression(C=1.0, max_iter=1000).fit(rows, labels)
    a, b = model.coef_[0]
    print(f"{sum(labels)} right and {len(labels) - sum(labels)} wrong best claims")
    print(f"CALIBRATION = ({model.intercept_[0]:.2f}, {a:.2f}, {b:.2f})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-claim", type=int, default=2, help="rewrites of every claim per kind")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--threshold", type=float, default=None, help="default: the policy's rumor_threshold")
    parser.add_argument("--minhash", action="store_true", help="add datasketch MinHash LSH (bench extra)")
    parser.add_argument("--fit", action="store_true", help="fit rumors.CALIBRATION on the CHECKED bank and print it")
    args = parser.parse_args(argv)
    data = Path(os.environ.get("ZILU_SHARED_DIR") or REPO.parent / "shared") / "data"
    checked, real = data / "rumors" / "checked_fake_with_debunk.jsonl", data / "rumors" / "checked_real_dev.jsonl"
    ced = data / "corpus" / "weibo_ced_originals.jsonl"
    if not all(path.exists() for path in (checked, real, ced)):
        print(f"skipped: {checked}, {real} or {ced} not found (set ZILU_SHARED_DIR)")
        return 0
    try:
        import opencc  # noqa: F401
    except ImportError:
        print("skipped: the traditional rewrites need opencc (pip install -e '.[test]')")
        return 0
    ced_records = [json.loads(line) for line in ced.read_text(encoding="utf-8").split("\n") if line.strip()]
    banks = {
        "CHECKED (tuned on)": load_rumors(checked),
        "CED (held out)": [
            RumorClaim(id=r["id"], text=r["text"]) for r in ced_records if r["label"] == "rumor" and r["text"].strip()
        ],
    }
    negatives = {
        "CHECKED true news": [
            json.loads(line)["text"] for line in real.read_text(encoding="utf-8").split("\n") if line
        ],
        "CED non-rumor": [r["text"] for r in ced_records if r["label"] == "non-rumor"],
    }
    threshold = Policy().rumor_threshold if args.threshold is None else args.threshold
    if args.fit:
        return fit(banks["CHECKED (tuned on)"], negatives["CHECKED true news"], args.per_claim, args.seed)
    rng = random.Random(args.seed)
    for bank_name, claims in banks.items():
        started = time.perf_counter()
        index = RumorIndex(claims)
        build = time.perf_counter() - started
        groups = same_rumor_groups(claims, index)
        queries = make_queries(claims, args.per_claim, rng)

        def ours(text: str, index: RumorIndex = index) -> tuple[int, float] | None:
            found = index.search(text, threshold=0.0, limit=1)
            return (found[0].claim, found[0].score) if found else None

        print(f"\n## {bank_name}: {len(claims)} claims ({len(set(groups))} distinct rumors), built in {build:.2f} s, "
              f"threshold {threshold}\n")  # fmt: skip
        texts = [normalized(claim.text) for claim in claims]
        print("| rewrite | queries | recall@1 (same claim) | (or a claim with the same text) | recall@1 (same rumor) |")
        print("| --- | ---: | ---: | ---: | ---: |")
        started = time.process_time()
        count = 0
        scored: list[tuple[float, bool]] = []
        for kind, items in queries.items():
            strict, quoted, same = recall(ours, items, groups, threshold, texts)
            count += len(items)
            print(f"| {kind} | {len(items)} | {strict:.1%} | {quoted:.1%} | {same:.1%} |")
            for source, query in items[:: max(len(items) // 300, 1)]:
                best = ours(query)
                if best is not None:
                    scored.append((best[1], groups[best[0]] == groups[source]))
        print("\n| negatives | posts | false matches | per 1,000 |")
        print("| --- | ---: | ---: | ---: |")
        for name, texts in negatives.items():
            rate, false = false_rate(ours, texts, threshold)
            count += len(texts)
            print(f"| {name} | {len(texts)} | {false} | {rate:.2f} |")
            for text in texts:
                best = ours(text)
                if best is not None:
                    scored.append((best[1], False))
        seconds = time.process_time() - started
        print(f"\n(queries and negatives searched at about {2 * count / seconds:,.0f} posts per CPU second)")
        print("\nReliability of the score (best claim of a sample of queries and of every negative):\n")
        print("| score | posts | right claim |")
        print("| --- | ---: | ---: |")
        edges = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.01]
        for low, high in itertools.pairwise(edges):
            inside = [right for score, right in scored if low <= score < high]
            if inside:
                print(f"| {low:.1f}-{min(high, 1.0):.1f} | {len(inside)} | {sum(inside) / len(inside):.1%} |")
        if args.minhash:
            try:
                search = minhash_search(claims, 0.3)
            except ImportError:
                print("(datasketch not installed: pip install -e '.[bench]')")
                continue
            rows = [(kind, recall(search, items, groups, 0.0)) for kind, items in queries.items()]
            print("\ndatasketch MinHash LSH (128 permutations, Jaccard 0.3), same rumor: " +
                  ", ".join(f"{kind} {same:.1%}" for kind, (_, _, same) in rows))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
