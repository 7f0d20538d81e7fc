"""Load test of the public reporting channel: concurrent reports over HTTP against ``zilu serve`` on PostgreSQL.

    .venv/bin/python benchmarks/reports_load.py                       # 2,000 reports, 16 clients
    .venv/bin/python benchmarks/reports_load.py --reports 500 --clients 8

It creates a fresh database (``--database-url``, default a new ``zilu_bench_reports_<pid>`` on the local server;
dropped afterwards unless ``--keep``), starts ``zilu serve`` on it with the abuse controls opened up (no rate limit,
no CAPTCHA: the load comes from one address), then in the same run measures

* the baseline: the same clients reading ``GET /api/v1/audit/head`` (a cheap read through the same server stack);
* the load: ``POST /api/v1/reports`` with distinct texts, half of them naming a registered member's site, so that
  routing, deadlines, audit entries and notifications all happen;

and finally checks in the database that every accepted report is there exactly once (no accepted report lost, none
doubled) and that the audit chain verifies. Prints rates, latency percentiles and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ZILU = str(Path(sys.executable).with_name("zilu"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run_clients(n: int, clients: int, call) -> tuple[float, list[float], list[object]]:
    latencies: list[float] = []
    results: list[object] = []

    def one(i: int) -> tuple[float, object]:
        start = time.perf_counter()
        result = call(i)
        return time.perf_counter() - start, result

    began = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for latency, result in pool.map(one, range(n)):
            latencies.append(latency)
            results.append(result)
    return time.perf_counter() - began, latencies, results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--threads", type=int, default=16, help="waitress threads of zilu serve")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    import psycopg

    admin_url = "postgresql://postgres@127.0.0.1:5432/postgres"
    db_name = f"zilu_bench_reports_{os.getpid()}"
    url = args.database_url or f"postgresql://postgres@127.0.0.1:5432/{db_name}"
    created = not args.database_url
    if created:
        try:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{db_name}"')
        except psycopg.OperationalError as exc:
            print(f"PostgreSQL is not reachable ({exc}); nothing measured.")
            return 0
    var = Path(tempfile.mkdtemp(prefix="zilu-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "ZILU_DATABASE_URL": url,
        "ZILU_VAR_DIR": str(var),
        "ZILU_REPORT_RATE_LIMIT": "0",
        "ZILU_REPORT_CAPTCHA_AFTER": "-1",
        "ZILU_LOG_LEVEL": "WARNING",
    }
    server = None
    try:
        # prepare: migrations, version 1, one member with a registered site
        subprocess.run([ZILU, "serve", "--no-serve"], env=env, check=True, capture_output=True)
        setup = (
            "from tests.factories import MemberFactory, SiteFactory\n"
            "m = MemberFactory(name='压测网络科技有限公司')\n"
            "SiteFactory(member=m, domains=['bench.example.com.cn'])\n"
        )
        subprocess.run(
            [ZILU, "manage", "shell", "-c", setup], env={**env, "PYTHONPATH": str(ROOT)}, check=True, cwd=ROOT
        )
        server = subprocess.Popen(
            [ZILU, "serve", "--port", str(port), "--threads", str(args.threads)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/api/v1/audit/head")

        def read(_i: int) -> int:
            with urllib.request.urlopen(base + "/api/v1/audit/head", timeout=30) as response:
                response.read()
                return int(response.status)

        run_clients(50, args.clients, read)  # warm up
        base_time, base_lat, _ = run_clients(args.reports, args.clients, read)

        run = uuid.uuid4().hex[:8]

        def submit(i: int) -> tuple[int, str]:
            body = urllib.parse.urlencode(
                {
                    "category": ["fraud", "rumor", "gambling", "other"][i % 4],
                    "target": f"https://bench.example.com.cn/post/{i}"
                    if i % 2
                    else f"https://elsewhere{i}.example.org/",
                    "description": f"压测举报 {run} 第{i}号：页面内容涉嫌诈骗，编号{i * 7919 % 100003}，请核查。",
                    "contact_phone": "13800138000" if i % 3 == 0 else "",
                }
            ).encode()
            request = urllib.request.Request(base + "/api/v1/reports", data=body, method="POST")
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return int(response.status), json.loads(response.read())["tracking_number"]
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read().decode()[:200]

        load_time, load_lat, results = run_clients(args.reports, args.clients, submit)
        accepted = [r[1] for r in results if r[0] == 201]  # type: ignore[index]
        failures = [r for r in results if r[0] != 201]  # type: ignore[index]

        with psycopg.connect(url) as conn:
            rows = conn.execute(
                "SELECT id FROM reports_report WHERE description LIKE %s", (f"压测举报 {run} %",)
            ).fetchall()
        stored = sorted(f"JB{row[0]:08d}" for row in rows)
        verify = subprocess.run([ZILU, "audit", "verify"], env=env, capture_output=True, text=True)

        def line(name: str, rate: float, lat: list[float]) -> str:
            p50, p99 = statistics.median(lat) * 1000, percentile(lat, 99) * 1000
            return f"{name:34s} {rate:8.1f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms"

        base_rate, load_rate = args.reports / base_time, len(accepted) / load_time
        exactly_once = sorted(accepted) == stored and len(set(stored)) == len(stored)
        audit_line = verify.stdout.strip().splitlines()[-1] if verify.stdout.strip() else verify.stderr.strip()
        print(
            f"{args.reports} reports, {args.clients} concurrent clients; zilu serve, {args.threads} threads; PostgreSQL"
        )
        print(line("baseline GET /api/v1/audit/head", base_rate, base_lat))
        print(line("POST /api/v1/reports", load_rate, load_lat))
        print(f"ratio to baseline (throughput):    {load_rate / base_rate:.2f}")
        print(f"accepted {len(accepted)}, refused {len(failures)}; in the database {len(stored)}")
        print(f"every accepted report stored exactly once: {exactly_once}")
        print(f"audit verify: {audit_line}")
        if failures:
            print("first refusals:", failures[:3])
        ok = sorted(accepted) == stored and not failures and verify.returncode == 0
        return 0 if ok else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(var, ignore_errors=True)
        if created and not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


if __name__ == "__main__":
    raise SystemExit(main())
