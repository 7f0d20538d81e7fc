"""A takedown sweep over many published review items with 1 and 2 ``zilu worker`` processes, in one run.

    .venv/bin/python benchmarks/sweep_workers.py                       # 100,000 items, workers 1 and 2
    .venv/bin/python benchmarks/sweep_workers.py --items 20000 --workers 1,2,4

It creates a private PostgreSQL database (``--admin-url``, dropped at the end), seeds published review items of one
member (a third of them with a term the bank will gain, real Weibo posts around it when ``$ZILU_SHARED_DIR/data`` is
there), then for each worker count starts that many ``zilu worker --concurrency 1`` on Redis, starts a sweep (as a
bank update does), and measures the time until the sweep is finished, with the notices it made and the chunks each
worker process screened. Between runs the notices are deleted so every run does the same work. The baseline is the
one-worker run of the same invocation; the table gives items/s and the speed-up over it, and the CPU seconds of the
workers and of PostgreSQL per 1,000 items (all share this machine's cores).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ZILU_SHARED_DIR") or REPO.parent / "shared") / "data"
TERM = "压测新增违禁词"

SEED = """
import sys
from django.utils import timezone
from zilu.members.models import Member
from zilu.review.models import ReviewItem
from datetime import date
member = Member.objects.create(kind="unit", name="压测网络科技有限公司", uscc="91110114MA0000001X", status="active",
                               joined_on=date(2021, 7, 15))
texts = [line.rstrip("\\n") for line in open(sys.argv[1], encoding="utf-8")]
now = timezone.now()
batch = []
for i, text in enumerate(texts):
    batch.append(ReviewItem(member=member, external_id=f"bench-{i}", text=text, content_sha256="0" * 64,
                            status="publishable", suggestion="pass", published_at=now))
    if len(batch) == 5000:
        ReviewItem.objects.bulk_create(batch)
        batch = []
ReviewItem.objects.bulk_create(batch)
"""

START = """
from zilu.core.system import SystemActor
from zilu.review.sweeps import start_sweep
from zilu.review.models import TakedownNotice
TakedownNotice.objects.all().delete()
print(start_sweep(SystemActor("bench"), "benchmark").pk)
"""

TERM_ENTRY = f"""
from zilu.banks.actions import do_contribute
from zilu.core.system import SystemActor
from zilu.review.sweeps import start_sweep  # noqa: F401  (the bank signal handlers are connected on import)
do_contribute(SystemActor("bench"), "terms", {{"term": "{TERM}", "labels": ["illegal"], "severity": 3}}, reason="bench")
"""


def texts(count: int) -> list[str]:
    corpus = SHARED / "corpus" / "weibo_ced_posts.txt"
    base: list[str] = []
    if corpus.exists():
        with corpus.open(encoding="utf-8") as handle:
            for line in handle:
                line = " ".join(line.split())
                if line:
                    base.append(line[:500])
                if len(base) >= count:
                    break
    if not base:
        import random

        rng = random.Random(7)
        words = list("今天天气很好我们一起去公园散步看到很多人在拍照晚上吃火锅朋友聊天工作学习城市新闻")
        base = ["".join(rng.choice(words) for _ in range(rng.randint(20, 80))) for _ in range(min(count, 5000))]
    out = []
    for i in range(count):
        text = base[i % len(base)]
        out.append(f"{text[: len(text) // 2]}{TERM}{text[len(text) // 2 :]}" if i % 3 == 0 else text)
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
    return total


def tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            for child in (task / "children").read_text().split():
                found += tree(int(child))
        except OSError:
            pass
    return found


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip().startswith("postgres"):
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]

    dbname = f"bench_sweep_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(args.admin_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{dbname}"')
    var = Path(f"/tmp/{dbname}")
    var.mkdir()
    host = psycopg.conninfo.conninfo_to_dict(args.admin_url)
    url = (
        f"postgresql://{host.get('user', 'postgres')}@{host.get('host', '127.0.0.1')}:{host.get('port', 5432)}/{dbname}"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZILU_")}
    env.update(
        ZILU_VAR_DIR=str(var),
        ZILU_DATABASE_URL=url,
        ZILU_BROKER_URL=args.redis,
        ZILU_CACHE_URL=args.redis,
        ZILU_QUEUE=f"bench-{dbname}",
        ZILU_REVIEW_SWEEP_CHUNK=str(args.chunk),
        ZILU_LOG_LEVEL="WARNING",
    )
    zilu = [sys.executable, "-m", "zilu"]
    rows = []
    try:
        started = time.monotonic()
        subprocess.run([*zilu, "manage", "migrate", "-v0"], env=env, check=True, cwd=var)
        corpus_file = var / "items.txt"
        corpus_file.write_text("\n".join(texts(args.items)) + "\n", encoding="utf-8")
        subprocess.run([*zilu, "manage", "shell", "-c", SEED.replace("sys.argv[1]", repr(str(corpus_file)))],
                       env=env, check=True, cwd=var)  # fmt: skip
        # The term enters the bank without a broker in this process: no sweep is sent for it yet.
        subprocess.run([*zilu, "manage", "shell", "-c", TERM_ENTRY], env={**env, "ZILU_BROKER_URL": ""}, check=True,
                       cwd=var)  # fmt: skip
        print(f"seeded {args.items} items in {time.monotonic() - started:.0f} s ({dbname})", flush=True)
        db = psycopg.connect(url, autocommit=True)
        for n in counts:
            workers = [
                subprocess.Popen(
                    [*zilu, "worker", "--concurrency", "1"],
                    env=env,
                    cwd=var,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(n)
            ]
            time.sleep(8)  # the workers connect and build their screeners on the first chunk
            pg_before = cpu_seconds(postgres_pids())
            workers_before = sum(cpu_seconds(tree(w.pid)) for w in workers)
            t0 = time.monotonic()
            sweep_id = int(subprocess.run([*zilu, "manage", "shell", "-c", START], env=env, check=True, cwd=var,
                                          capture_output=True, text=True).stdout.split()[-1])  # fmt: skip
            while db.execute("SELECT status FROM review_sweep WHERE id = %s", (sweep_id,)).fetchone()[0] != "finished":
                time.sleep(0.2)
            elapsed = time.monotonic() - t0
            workers_cpu = sum(cpu_seconds(tree(w.pid)) for w in workers) - workers_before
            pg_cpu = cpu_seconds(postgres_pids()) - pg_before
            processed, notices = db.execute(
                "SELECT processed, notices FROM review_sweep WHERE id = %s", (sweep_id,)
            ).fetchone()
            per = db.execute(
                "SELECT count(DISTINCT claimed_by) FROM review_sweepchunk WHERE sweep_id = %s", (sweep_id,)
            ).fetchone()[0]
            for w in workers:
                w.terminate()
            for w in workers:
                w.wait(timeout=60)
            rows.append((n, elapsed, processed, notices, per, workers_cpu, pg_cpu))
            print(f"  {n} worker(s): {elapsed:.1f} s", flush=True)
        db.close()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()
        subprocess.run(["rm", "-rf", str(var)], check=False)

    base = rows[0][1]
    print(f"\nSweep of {args.items:,} items in chunks of {args.chunk} (PostgreSQL, Redis; {os.cpu_count()} cores)")
    print(
        "| workers | seconds | items/s | speed-up vs 1 worker | items screened | notices | processes used "
        "| worker CPU s / 1k items | PostgreSQL CPU s / 1k items |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, elapsed, processed, notices, per, wcpu, pcpu in rows:
        print(
            f"| {n} | {elapsed:.1f} | {processed / elapsed:,.0f} | {base / elapsed:.2f}x | {processed:,} | "
            f"{notices:,} | {per} | {1000 * wcpu / processed:.3f} | {1000 * pcpu / processed:.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
