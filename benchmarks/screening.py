"""Screening engine throughput against raw multi-pattern matchers, in one process and one run.

    python benchmarks/screening.py [--limit N] [--chunk-chars N] [--skip-switches]

Reads ``$ZILU_SHARED_DIR/data`` (default ``<repo>/../shared/data``): the houbb lexicon (``lexicon/houbb_tags.txt``,
tags mapped to drugs/porn/gambling/illegal) and the Weibo corpus (``corpus/weibo_ced_posts.txt``). Exits 0 with
a message when they are absent.

Measured, with UTF-8 megabytes of the posts as the unit:

* baselines: raw pyahocorasick, raw ahocorasick_rs and raw Hyperscan over the corpus text, no normalization,
  every overlapping match collected into a list;
* Zilu with every evasion switch on: ``Screener.screen`` over the same text in chunks of ``--chunk-chars``
  characters (whole posts joined by line breaks), i.e. full verdicts with every hit, PII and link finders included;
* ``Screener.screen_many`` over the posts one by one (posts per second);
* lexicon load: parsing the files, building the screener cold (Hyperscan compiles) and warm (from the cache);
* peak memory (max RSS of the process);
* a per-switch table: hits and throughput with each switch off, against all on;
* rumors and clickbait (``--rumors-only`` for just these): the rumor matcher's posts per second against the 342
  claims of ``rumors/checked_fake_with_debunk.jsonl`` and against 100,000 claims (those 342 and synthetic ones, each
  one to four corpus posts joined), through ``screen_many`` and one post at a time; clickbait items per second on
  ``clickbait/hancd_sina.csv`` (headline and body).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
os.environ["ZILU_SCREENING_CACHE"] = tempfile.mkdtemp(prefix="zilu-bench-cache-")  # cold, then warm, every run

from zilu.screening import HOUBB_LABELS, Banks, Policy, RumorClaim, Screener, load_rumors, load_terms  # noqa: E402
from zilu.screening.backends import hyperscan_available  # noqa: E402
from zilu.screening.clickbait import clickbait_score, default_model  # noqa: E402

SWITCHES = (
    "case", "width", "confusables", "traditional", "digits", "noise", "repeat", "pinyin", "homophone",
    "punctuation", "spacers", "split_chars", "pinyin_mix", "leet", "precision",
)  # fmt: skip

RAW_CLI = r"""
import json, sys
import ahocorasick_rs
terms = [line.rsplit(maxsplit=1)[0] for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
automaton = ahocorasick_rs.AhoCorasick(terms)
out = sys.stdout
for line in sys.stdin.buffer:
    record = json.loads(line)
    found = automaton.find_matches_as_indexes(record["text"])
    out.write(json.dumps({"id": record["id"], "hits": [[terms[i], s, e] for i, s, e in found]},
                         ensure_ascii=False) + "\n")
"""


def cli_end_to_end(lexicon: Path, posts: list[str], rounds: int = 2) -> None:
    """``zilu screen`` over the posts as JSON Lines against a raw ahocorasick_rs script doing the same JSON Lines in
    and out with no normalization: CPU seconds of each child process (start-up included), paired runs."""
    import resource
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "posts.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for number, post in enumerate(posts):
                handle.write(json.dumps({"id": number, "text": post}, ensure_ascii=False) + "\n")
        script = Path(tmp) / "raw.py"
        script.write_text(RAW_CLI, encoding="utf-8")
        commands = {
            "raw ahocorasick_rs script": [sys.executable, str(script), str(lexicon)],
            "zilu screen": [sys.executable, "-m", "zilu", "screen", "--terms", str(lexicon), "--label-map", "houbb"],
        }
        best: dict[str, float] = {}
        subprocess.run(commands["zilu screen"], stdin=subprocess.DEVNULL, capture_output=True, check=True)  # warm
        for _ in range(rounds):
            for name, command in commands.items():
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                with source.open("rb") as stdin:
                    subprocess.run(command, stdin=stdin, stdout=subprocess.DEVNULL, check=True)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                best[name] = min(best.get(name, cpu), cpu)
    raw, zilu = best["raw ahocorasick_rs script"], best["zilu screen"]
    print(f"\nend to end, {len(posts):,} posts as JSON Lines (CPU seconds incl. start-up, best of {rounds}): "
          f"raw ahocorasick_rs script {raw:.2f} s, zilu screen {zilu:.2f} s; "
          f"zilu / raw time {zilu / raw:.2f}x")  # fmt: skip


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def chunks_of(posts: list[str], size: int) -> list[str]:
    """Whole posts joined by line breaks into texts of about ``size`` characters."""
    out, current, length = [], [], 0
    for post in posts:
        current.append(post)
        length += len(post) + 1
        if length >= size:
            out.append("\n".join(current))
            current, length = [], 0
    if current:
        out.append("\n".join(current))
    return out


def timed(function, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def baselines(terms: list[str], chunks: list[str]) -> dict[str, tuple[float, int]]:
    """Seconds and match count of each raw matcher over ``chunks``."""
    out: dict[str, tuple[float, int]] = {}
    try:
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for i, word in enumerate(terms):
            automaton.add_word(word, i)
        automaton.make_automaton()
        found, seconds = timed(lambda: sum(len(list(automaton.iter(c))) for c in chunks))
        out["pyahocorasick"] = (seconds, found)
    except ImportError:
        print("(pyahocorasick not installed: pip install -e '.[bench]')")
    import ahocorasick_rs

    rs = ahocorasick_rs.AhoCorasick(terms)
    found, seconds = timed(lambda: sum(len(rs.find_matches_as_indexes(c, overlapping=True)) for c in chunks))
    out["ahocorasick_rs"] = (seconds, found)
    if hyperscan_available():
        import hyperscan

        patterns = [t.encode() for t in terms]
        db = hyperscan.Database()
        db.compile(expressions=patterns, ids=list(range(len(patterns))), elements=len(patterns), literal=True,
                   flags=[0] * len(patterns))  # fmt: skip
        data = [c.encode() for c in chunks]

        def scan() -> int:
            matches: list[tuple[int, int]] = []
            for block in data:
                db.scan(block, match_event_handler=lambda i, _f, to, _fl, _c: matches.append((i, to)))
            return len(matches)

        found, seconds = timed(scan)
        out["hyperscan"] = (seconds, found)
    return out


def screen_chunks(screener: Screener, chunks: list[str], repeat: int = 2) -> tuple[float, int, Counter[str]]:
    """Best seconds of ``repeat`` passes of ``screen`` over every chunk, with the hits and hits by form."""
    screener.screen(chunks[0][:10_000])  # first-call work (lazy tables) is load time, not throughput
    best = float("inf")
    verdicts = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        verdicts = [screener.screen(chunk) for chunk in chunks]
        best = min(best, time.perf_counter() - started)
    forms: Counter[str] = Counter(h.form or h.kind for v in verdicts for h in v.hits)
    return best, sum(len(v.hits) for v in verdicts), forms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="use only the first N posts")
    parser.add_argument("--chunk-chars", type=int, default=1_000_000, help="characters per screen() call")
    parser.add_argument("--skip-switches", action="store_true", help="leave out the per-switch table")
    parser.add_argument("--rumors-only", action="store_true", help="only the rumor and clickbait lines")
    parser.add_argument("--cli-posts", type=int, default=200_000, help="posts for the end-to-end CLI comparison")
    args = parser.parse_args(argv)
    shared = Path(os.environ.get("ZILU_SHARED_DIR") or REPO.parent / "shared") / "data"
    if args.rumors_only:
        return rumors_and_clickbait(shared)
    lexicon, corpus = shared / "lexicon" / "houbb_tags.txt", shared / "corpus" / "weibo_ced_posts.txt"
    if not (lexicon.exists() and corpus.exists()):
        print(f"skipped: {lexicon} or {corpus} not found (set ZILU_SHARED_DIR)")
        return 0
    with corpus.open(encoding="utf-8") as handle:
        posts = [line.rstrip("\n") for line in handle]
    posts = posts[: args.limit] if args.limit else posts
    megabytes = sum(len(p.encode()) + 1 for p in posts) / 1e6
    chunks = chunks_of(posts, args.chunk_chars)
    gc.freeze()  # the corpus itself is not the engine's garbage to collect
    corpus_peak = peak_mb()
    print(
        f"corpus: {len(posts):,} posts, {megabytes:.1f} MB UTF-8, {len(chunks)} chunks of ~{args.chunk_chars:,} chars"
    )

    terms, parse_seconds = timed(lambda: load_terms(lexicon, label_map=HOUBB_LABELS))
    banks = Banks(terms=tuple(terms))
    policy = Policy()
    cold, cold_seconds = timed(Screener, banks, policy)
    warm, warm_seconds = timed(Screener, banks, policy)
    _, aho_seconds = timed(lambda: Screener(banks, policy, backend="ahocorasick"))
    print(f"lexicon: {len(terms):,} terms -> {cold.info.patterns:,} automaton keys, backend {cold.info.backend}")
    print(
        f"load: parse {parse_seconds:.2f} s; build cold {cold_seconds:.2f} s, warm (cached) {warm_seconds:.2f} s, "
        f"ahocorasick backend {aho_seconds:.2f} s; parse + warm build {parse_seconds + warm_seconds:.2f} s"
    )
    print(f"memory: {corpus_peak:.0f} MB with the corpus loaded, {peak_mb():.0f} MB peak after building three "
          f"screeners (the engine's share: about {(peak_mb() - corpus_peak) / 3:.0f} MB each)")  # fmt: skip
    del cold

    raw = baselines([t.text for t in terms], chunks)
    seconds, hits, forms = screen_chunks(warm, chunks, repeat=3)
    zilu_rate = megabytes / seconds
    print()
    print("| matcher | MB/s | matches | Zilu / it |")
    print("| --- | ---: | ---: | ---: |")
    for name, (base_seconds, found) in raw.items():
        rate = megabytes / base_seconds
        print(f"| raw {name} (no normalization) | {rate:.1f} | {found:,} | {zilu_rate / rate:.2f}x |")
    print(f"| Zilu, every switch on (screen, full verdicts) | {zilu_rate:.1f} | {hits:,} | 1.00x |")
    print(f"hits by form: {dict(forms.most_common())}")

    gc.collect()
    verdicts, many_seconds = timed(lambda: list(warm.screen_many(posts)))
    flagged = Counter(v.suggestion for v in verdicts)
    with_hits = sum(1 for v in verdicts if v.hits)
    print(f"\nscreen_many: {len(posts) / many_seconds:,.0f} posts/s ({megabytes / many_seconds:.1f} MB/s); "
          f"posts with hits {with_hits:,} ({with_hits / len(posts):.1%}); suggestions {dict(flagged)}")  # fmt: skip
    print(f"peak memory: {peak_mb():.0f} MB")
    cli_end_to_end(lexicon, posts[: args.cli_posts])

    if not args.skip_switches:
        print("\nEach switch off in turn (best of 2 passes over the chunks; all on for comparison):")
        print("\n| switch off | hits | hits the switch adds | posts with hits | MB/s | MB/s with it on |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for switch in SWITCHES:
            screener = Screener(banks, policy.with_evasion(**{switch: False}))
            off_seconds, off_hits, _ = screen_chunks(screener, chunks)
            off_posts = sum(1 for v in screener.screen_many(posts) if v.hits)
            del screener
            print(f"| {switch} | {off_hits:,} | {hits - off_hits:+,} | {off_posts:,} | {megabytes / off_seconds:.1f} "
                  f"| {zilu_rate:.1f} |")  # fmt: skip
        for label, changes in (
            ("all off", dict.fromkeys(SWITCHES, False)),
            ("homophone_min_chars=3", {"homophone_min_chars": 3}),
            ("pinyin_min_letters=4", {"pinyin_min_letters": 4}),
        ):
            screener = Screener(banks, policy.with_evasion(**changes))
            other_seconds, other_hits, _ = screen_chunks(screener, chunks)
            other_posts = sum(1 for v in screener.screen_many(posts) if v.hits)
            del screener
            print(f"| ({label}) | {other_hits:,} | {hits - other_hits:+,} | {other_posts:,} "
                  f"| {megabytes / other_seconds:.1f} | {zilu_rate:.1f} |")  # fmt: skip
        print(f"(all on: {hits:,} hits, {with_hits:,} posts with hits)")
    print(f"peak memory: {peak_mb():.0f} MB")
    rumors_and_clickbait(shared, posts)
    return 0


def cpu_timed(function, *args):  # type: ignore[no-untyped-def]
    """Like :func:`timed`, in CPU seconds of this process: one core's work, whatever else the machine is doing."""
    started = time.process_time()
    result = function(*args)
    return result, time.process_time() - started


def rumors_and_clickbait(shared: Path, posts: list[str] | None = None) -> int:
    """Rumor matcher posts/s against the real claims and 100,000 claims; clickbait items/s (per CPU second)."""
    claims_file = shared / "rumors" / "checked_fake_with_debunk.jsonl"
    negatives_file = shared / "rumors" / "checked_real_dev.jsonl"
    corpus, originals = shared / "corpus" / "weibo_ced_posts.txt", shared / "corpus" / "weibo_ced_originals.jsonl"
    hancd = shared / "clickbait" / "hancd_sina.csv"
    needed = (claims_file, negatives_file, corpus, originals, hancd)
    if not all(path.exists() for path in needed):
        print(f"skipped: one of {', '.join(map(str, needed))} not found (set ZILU_SHARED_DIR)")
        return 0
    if posts is None:
        with corpus.open(encoding="utf-8") as handle:
            posts = [line.rstrip("\n") for line in handle]
    claims = load_rumors(claims_file)
    queries = [json.loads(line)["text"] for path in (originals, negatives_file) for line in path.open(encoding="utf-8")]
    rng = random.Random(10)
    pool = [p for p in posts if len(p) >= 15]
    synthetic = [
        RumorClaim(id=f"synthetic-{i}", text="".join(rng.sample(pool, rng.randint(1, 4))))
        for i in range(100_000 - len(claims))
    ]
    mean = sum(len(q) for q in queries) / len(queries)
    print(f"\nRumor matcher: {len(queries):,} Weibo posts as queries (CED originals and CHECKED true news, mean "
          f"{mean:.0f} characters); synthetic claims: 1-4 corpus posts joined; rates per CPU second\n")  # fmt: skip
    print("| claims | build s | screen_many posts/s | search() posts/s | posts with a rumor hit |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for bank in (claims, claims + synthetic):
        gc.collect()
        screener, build = cpu_timed(Screener, Banks(rumors=tuple(bank)))
        index = screener.rumors
        assert index is not None
        verdicts, seconds = cpu_timed(list, screener.screen_many(queries * 3))
        _, one_seconds = cpu_timed(lambda found: [found(q, threshold=0.5) for q in queries], index.search)
        flagged = sum(any(h.kind == "rumor" for h in v.hits) for v in verdicts[: len(queries)])
        print(f"| {len(bank):,} | {build:.1f} | {3 * len(queries) / seconds:,.0f} | {len(queries) / one_seconds:,.0f} "
              f"| {flagged:,} |")  # fmt: skip
    print(f"peak memory: {peak_mb():.0f} MB")

    with hancd.open(encoding="utf-8", newline="") as handle:
        rows = [(row[1], row[2]) for row in csv.reader(handle) if len(row) >= 3] * 4
    body = sum(len(text) for _, text in rows) / len(rows)
    model = default_model()
    clickbait_score(*rows[0], model)  # the character table loads once, not per item
    _, seconds = cpu_timed(lambda: [clickbait_score(title, text, model) for title, text in rows])
    titled = Screener()
    _, many_seconds = cpu_timed(list, titled.screen_many([{"title": t, "text": x} for t, x in rows]))
    print(f"\nClickbait ({model.source}): {len(rows):,} HanCD items (mean body {body:,.0f} characters): "
          f"{len(rows) / seconds:,.0f} items/s scored alone, {len(rows) / many_seconds:,.0f} items/s "
          f"through screen_many (titles and bodies screened too)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
