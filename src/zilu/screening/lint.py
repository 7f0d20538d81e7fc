"""``zilu banks lint``: which lexicon entries fire on ordinary text, so curators can make them need context.

A raw lexicon lists everyday words (houbb lists ``日本``, ``电影``, ``女人``, ``妈妈``): on random Weibo posts one in
ten gets ``review``. The lint screens a *benign reference corpus* (posts known to be harmless, one a line, or JSON
Lines with ``"text"``) with the terms alone and reports every entry whose hits reach ``--rate`` of the posts, with
its count and an example. ``--write FILE`` writes the terms as a ``zilu-bank/1`` export in which the reported
entries carry ``"needs_context": true``: imported, such a term counts only with one of its context terms or another
term nearby (see :class:`zilu.screening.banks.Term`).

    zilu banks lint houbb_tags.txt --label-map houbb --corpus benign.txt --rate 0.002 --write curated.json

The engine only: no Django, no database. Exit status 0 after a report (whatever it found), 2 when a file cannot
be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from zilu.screening.banks import HOUBB_LABELS, Banks, Term, bank_document, load_bank, load_terms
from zilu.screening.errors import ScreeningError
from zilu.screening.policy import Policy
from zilu.screening.screener import Screener


def read_corpus(path: Path) -> list[str]:
    """Posts of a corpus file: JSON Lines with ``"text"``, or plain lines."""
    posts = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if isinstance(record, dict) and isinstance(record.get("text"), str):
                posts.append(record["text"])
                continue
        posts.append(line)
    return posts


def lint(terms: tuple[Term, ...], posts: list[str], rate: float) -> list[dict[str, Any]]:
    """Entries whose hits reach ``rate`` of ``posts``: ``term``, ``labels``, ``posts`` (with a hit), ``rate``,
    ``forms`` (how it matched) and an ``example``, most frequent first."""
    screener = Screener(Banks(terms=terms), Policy(clickbait=False, max_hits=100_000))
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    examples: dict[str, str] = {}
    for post, verdict in zip(posts, screener.screen_many(posts), strict=True):
        seen = set()
        for hit in verdict.hits:
            if hit.kind != "term" or hit.entry is None:
                continue
            forms.setdefault(hit.entry, Counter())[hit.form or ""] += 1
            if hit.entry not in seen:
                seen.add(hit.entry)
                counts[hit.entry] += 1
                examples.setdefault(hit.entry, post[:80])
    by_text = {t.text: t for t in terms}
    floor = rate * len(posts)
    out = []
    for entry, count in counts.most_common():
        if count < max(floor, 1):
            break
        out.append({
            "term": entry,
            "labels": list(by_text[entry].labels),
            "posts": count,
            "rate": round(count / len(posts), 6),
            "forms": dict(forms[entry]),
            "example": examples[entry],
        })  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="zilu banks lint", description=__doc__.splitlines()[0])
    parser.add_argument("terms", type=Path, help="a terms file (`term label[,label]` lines) or a zilu-bank/1 export")
    parser.add_argument("--corpus", type=Path, required=True, help="benign posts: one a line, or JSON Lines")
    parser.add_argument("--rate", type=float, default=0.002, help="least share of posts (default 0.002)")
    parser.add_argument("--label-map", default=None, help="'houbb' to name houbb's numeric tags")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--write", type=Path, default=None, help="write the terms with needs_context set")
    args = parser.parse_args(argv)
    if not 0 < args.rate <= 1:
        parser.error("--rate must be in (0, 1]")
    try:
        if args.terms.suffix.lower() == ".json":
            terms = load_bank(args.terms).terms
        else:
            label_map = HOUBB_LABELS if args.label_map == "houbb" else None
            terms = tuple(load_terms(args.terms, label_map=label_map))
        posts = read_corpus(args.corpus)
    except (OSError, UnicodeDecodeError, ScreeningError) as exc:
        print(f"zilu banks lint: {exc}", file=sys.stderr)
        return 2
    if not posts:
        print("zilu banks lint: the corpus has no posts", file=sys.stderr)
        return 2
    report = lint(terms, posts, args.rate)
    if args.json:
        print(json.dumps({"posts": len(posts), "rate": args.rate, "entries": report}, ensure_ascii=False))
    else:
        print(f"{len(report)} of {len(terms)} entries fire on at least {args.rate:.2%} of {len(posts)} posts")
        for row in report:
            forms = ", ".join(f"{k} {v}" for k, v in row["forms"].items())
            print(f"{row['rate']:8.3%} {row['posts']:7d}  {row['term']}  [{forms}]  e.g. {row['example']}")
    if args.write is not None:
        flagged = {row["term"] for row in report}
        curated = [replace(t, needs_context=True) if t.text in flagged else t for t in terms]
        document = bank_document("terms", curated)
        args.write.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.write}: {len(flagged)} entries need context", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
