"""Submit-and-screen throughput and latency of ``POST /api/v1/review/items`` against ``zilu serve`` on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres bench_review
    .venv/bin/python benchmarks/review_submit.py --database postgresql://postgres@127.0.0.1:5432/bench_review

It prepares a fresh ``ZILU_VAR_DIR`` (migrations, one member with an API key, the houbb lexicon and the rumor sets
imported into the shared banks when ``$ZILU_SHARED_DIR/data`` is there), starts ``zilu serve`` as a child process,
warms the screener up, then submits Weibo posts (or generated texts without the shared data) from ``--concurrency``
client threads, each request a new external id, and reports requests per second, latency percentiles and the mix of
outcomes (publishable, held, refused), next to a baseline measured in the same run against the same server: the same
posts through ``POST /api/v1/screen`` (screening alone, nothing stored). The database is emptied first (``flush``):
give it a private database.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ZILU = str(REPO / ".venv" / "bin" / "zilu")
SHARED = Path(os.environ.get("ZILU_SHARED_DIR") or REPO.parent / "shared") / "data"

SETUP = """
from zilu.core.actions import do_create_api_key
from zilu.core.models import User
from zilu.members.models import Member
from datetime import date
member = Member.objects.create(kind="unit", name="压测网络科技有限公司", uscc="91110114MA0000001X", status="active",
                               joined_on=date(2021, 7, 15))
user = User.objects.create_user("bench", role="member", member=member)
print(do_create_api_key(user, "bench").token)
"""


def run(cmd: list[str], env: dict[str, str], **kwargs) -> str:
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, **kwargs).stdout


def texts(limit: int) -> list[str]:
    corpus = SHARED / "corpus" / "weibo_ced_posts.txt"
    if corpus.exists():
        out = []
        with corpus.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    out.append(line.strip()[:2000])
                if len(out) >= limit:
                    break
        return out
    return [f"第{i}条普通的帖子，今天天气很好，出门走走。" for i in range(limit)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get("ZILU_DATABASE_URL", ""), help="PostgreSQL URL")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="zilu serve threads")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-banks", action="store_true", help="do not import the shared lexicon and rumors")
    args = parser.parse_args()
    if not args.database.startswith("postgres"):
        print("give --database postgresql://... (a private database: it is flushed)", file=sys.stderr)
        return 2
    var = tempfile.mkdtemp(prefix="zilu-bench-")
    env = {**os.environ, "ZILU_VAR_DIR": var, "ZILU_DATABASE_URL": args.database, "ZILU_LOG_LEVEL": "WARNING"}
    run([ZILU, "manage", "migrate", "-v", "0"], env)
    run([ZILU, "manage", "flush", "--no-input"], env)
    run([ZILU, "manage", "migrate", "-v", "0"], env)  # the flush removed the bank rows the migration made
    run(
        [
            ZILU,
            "manage",
            "shell",
            "-c",
            "from zilu.banks.models import BankState\n"
            "[BankState.objects.get_or_create(bank=b) for b in ('terms','allow','domains','rumors','hashes')]",
        ],
        env,
    )
    token = run([ZILU, "manage", "shell", "-c", SETUP], env).strip().splitlines()[-1]
    banks = []
    if not args.no_banks and (SHARED / "lexicon" / "houbb_tags.txt").exists():
        run([ZILU, "banks", "import", "terms", str(SHARED / "lexicon" / "houbb_tags.txt")], env)
        rumors = [str(SHARED / "rumors" / n) for n in ("piyao_titles.json", "checked_fake_with_debunk.jsonl")]
        run([ZILU, "banks", "import", "rumors", *rumors], env)
        banks = ["houbb terms (41,739)", "rumor claims (1,143)"]
    server = subprocess.Popen(
        [ZILU, "serve", "--port", str(args.port), "--threads", str(args.threads)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/v1/banks/public-key", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        posts = texts(args.requests + 20)
        started = time.perf_counter()
        submit(base, token, "warm-0", posts[0])  # builds the screener (compiles the lexicon)
        warm = time.perf_counter() - started
        for i in range(1, 20):
            submit(base, token, f"warm-{i}", posts[i])
        # The baseline, in the same run: the same posts screened by POST /api/v1/screen (no queue, nothing stored).
        base_lat, _base_out, base_err, base_elapsed = load(
            args.concurrency, args.requests, lambda i: screen(base, token, posts[20 + i])
        )
        latencies, outcomes, errors, elapsed = load(
            args.concurrency, args.requests, lambda i: submit(base, token, f"post-{i}", posts[20 + i])
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    latencies.sort()
    base_lat.sort()

    def pct(p: float, values: list[float] = latencies) -> float:
        return values[min(len(values) - 1, int(p * len(values)))] * 1000

    report = {
        "database": "postgresql",
        "banks": banks or ["none"],
        "server_threads": args.threads,
        "client_concurrency": args.concurrency,
        "requests": len(latencies),
        "errors": dict(errors),
        "seconds": round(elapsed, 2),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": round(pct(0.50), 1),
            "p90": round(pct(0.90), 1),
            "p99": round(pct(0.99), 1),
            "mean": round(statistics.mean(latencies) * 1000, 1),
        },
        "baseline_screen_only": {
            "endpoint": "POST /api/v1/screen",
            "throughput_rps": round(len(base_lat) / base_elapsed, 1),
            "p50_ms": round(pct(0.50, base_lat), 1),
            "p99_ms": round(pct(0.99, base_lat), 1),
            "errors": dict(base_err),
        },
        "ratio_to_baseline_throughput": round((len(latencies) / elapsed) / (len(base_lat) / base_elapsed), 2),
        "first_request_with_screener_build_s": round(warm, 2),
        "outcomes": dict(outcomes),
        "mean_text_chars": round(statistics.mean(len(p) for p in posts[20 : 20 + len(latencies)]), 1),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if not errors else 1


def load(concurrency: int, n: int, call) -> tuple[list[float], Counter[str], Counter[str], float]:
    """Run ``call(i)`` for i in range(n) from ``concurrency`` threads: latencies, outcomes, errors, seconds."""
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    next_index = iter(range(n))

    def worker() -> None:
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            t0 = time.perf_counter()
            try:
                status = call(i)
            except Exception as exc:
                with lock:
                    errors[type(exc).__name__] += 1
                continue
            took = time.perf_counter() - t0
            with lock:
                latencies.append(took)
                outcomes[status] += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, outcomes, errors, time.perf_counter() - t0


def screen(base: str, token: str, text: str) -> str:
    body = json.dumps({"text": text}).encode()
    request = urllib.request.Request(
        base + "/api/v1/screen", data=body, method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["suggestion"]


def submit(base: str, token: str, external_id: str, text: str) -> str:
    body = json.dumps({"external_id": external_id, "text": text}).encode()
    request = urllib.request.Request(
        base + "/api/v1/review/items", data=body, method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["status"]


if __name__ == "__main__":
    sys.exit(main())
