"""Load test of the public reporting channel: concurrent reports over HTTP against ``zilu serve`` on PostgreSQL.

    .venv/bin/python benchmarks/reports_load.py                       # 2,000 reports, 16 clients
    .venv/bin/python benchmarks/reports_load.py --reports 500 --clients 8
    .venv/bin/python benchmarks/reports_load.py --web-processes 1,2,4  # scale-out: 1, 2, 4 processes, 8 and 32 clients

It creates a fresh database (``--database-url``, default a new ``zilu_bench_reports_<pid>`` on the local server;
dropped afterwards unless ``--keep``), starts ``zilu serve`` on it with the abuse controls opened up (no rate limit,
no CAPTCHA: the load comes from one address), then in the same run measures

* the baseline: the same clients reading ``GET /api/v1/audit/head`` (a cheap read through the same server stack);
* the load: ``POST /api/v1/reports`` with distinct texts, half of them naming a registered member's site, so that
  routing, deadlines, audit entries and notifications all happen;

and finally checks in the database that every accepted report is there exactly once (no accepted report lost, none
doubled) and that the audit chain verifies. Prints rates, latency percentiles and the ratio to the baseline.

With ``--web-processes 1,2,4`` it does that once per count, each on a fresh database and a fresh
``zilu serve --workers N --threads 4``: the baseline is ``GET /healthz`` (no database, no session: the bare cost of
the server stack), then report intake, each at ``--client-counts`` (8 and 32) clients over keep-alive connections.
For every run it reads the CPU time (``/proc/<pid>/stat``) of the server's process tree, of the PostgreSQL backends
serving the benchmark's database, of every process named ``postgres`` (the shared server: other work on this machine
shows up there) and of this load generator, and prints the CPU seconds per report of each next to reports/s, p50/p99
and the ratio to one process. The shared cache is Redis (``--cache-url``; ``builtin`` for the embedded database
cache). All of it shares this machine's cores: the scale-out ratio is bounded by what the other processes take.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ZILU = str(Path(sys.executable).with_name("zilu"))
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TICK = os.sysconf("SC_CLK_TCK")


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


def report_form(i: int, run: str) -> dict[str, str]:
    """A distinct report; every other one names the registered member's site, so it is routed to the member."""
    return {
        "category": ["fraud", "rumor", "gambling", "other"][i % 4],
        "target": f"https://bench.example.com.cn/post/{i}" if i % 2 else f"https://elsewhere{i}.example.org/",
        "description": f"压测举报 {run} 第{i}号：页面内容涉嫌诈骗，编号{i * 7919 % 100003}，请核查。",
        "contact_phone": "13800138000" if i % 3 == 0 else "",
    }


# --------------------------------------------------------------------------- database and server


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(env: dict[str, str]) -> None:
    """Migrations, convention version 1, one member with a registered site."""
    subprocess.run([ZILU, "serve", "--no-serve"], env=env, check=True, capture_output=True)
    setup = (
        "from tests.factories import MemberFactory, SiteFactory\n"
        "m = MemberFactory(name='压测网络科技有限公司')\n"
        "SiteFactory(member=m, domains=['bench.example.com.cn'])\n"
    )
    subprocess.run([ZILU, "manage", "shell", "-c", setup], env={**env, "PYTHONPATH": str(ROOT)}, check=True, cwd=ROOT)


def check_stored(url: str, run: str, accepted: list[str], env: dict[str, str]) -> tuple[bool, int, str, bool]:
    """(every accepted report stored exactly once, rows stored, the audit verdict, audit verified)."""
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT id FROM reports_report WHERE description LIKE %s", (f"压测举报 {run} %",)
        ).fetchall()
    stored = sorted(f"JB{row[0]:08d}" for row in rows)
    verify = subprocess.run([ZILU, "audit", "verify"], env=env, capture_output=True, text=True)
    verdict = verify.stdout.strip().splitlines()[-1] if verify.stdout.strip() else verify.stderr.strip()
    exactly_once = sorted(accepted) == stored and len(set(stored)) == len(stored)
    return exactly_once, len(stored), verdict, verify.returncode == 0


# --------------------------------------------------------------------------- CPU accounting (/proc)


def _stat(pid: int) -> tuple[str, int, float, float] | None:
    """(command, parent pid, own CPU seconds, CPU seconds of reaped children) of a process, or None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17
    own = (int(fields[11]) + int(fields[12])) / TICK
    children = (int(fields[13]) + int(fields[14])) / TICK
    return comm, int(fields[1]), own, children


def _all_stats() -> dict[int, tuple[str, int, float, float]]:
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                stats[int(entry)] = stat
    return stats


@dataclass
class CpuSample:
    """CPU seconds so far, per process, of the groups the benchmark reports, and of the whole machine."""

    web: dict[int, float] = field(default_factory=dict)
    postgres: dict[int, float] = field(default_factory=dict)
    loadgen: float = 0.0
    machine: float = 0.0  # busy CPU seconds of all cores (/proc/stat): Redis, the kernel, anything else running


def _machine_busy() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:8]]
    return (sum(fields) - fields[3] - fields[4]) / TICK  # all but idle and iowait


def cpu_sample(server_pid: int) -> CpuSample:
    stats = _all_stats()
    tree, frontier = {server_pid}, [server_pid]
    while frontier:  # the server's descendants: gunicorn's master and workers
        parent = frontier.pop()
        for pid, (_comm, ppid, _own, _children) in stats.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    sample = CpuSample()
    for pid in tree:
        if pid in stats:
            _comm, _ppid, own, children = stats[pid]
            sample.web[pid] = own + children  # a reaped worker's time moves to its parent's children's time
    for pid, (comm, _ppid, own, _children) in stats.items():
        if comm == "postgres":
            sample.postgres[pid] = own
    usage = os.times()
    sample.loadgen = usage.user + usage.system
    sample.machine = _machine_busy()
    return sample


def backends_of(database: str) -> set[int]:
    """The PostgreSQL backends connected to ``database`` now."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)).fetchall()
    return {int(row[0]) for row in rows}


def cpu_delta(before: CpuSample, after: CpuSample, mine: set[int]) -> dict[str, float]:
    def delta(a: dict[int, float], b: dict[int, float], only: set[int] | None = None) -> float:
        return sum(value - a.get(pid, 0.0) for pid, value in b.items() if only is None or pid in only)

    return {
        "web": delta(before.web, after.web),
        "pg_db": delta(before.postgres, after.postgres, mine),
        "pg_all": delta(before.postgres, after.postgres),
        "loadgen": after.loadgen - before.loadgen,
        "machine": after.machine - before.machine,
    }


# --------------------------------------------------------------------------- keep-alive clients


class Clients:
    """``clients`` threads, each with its own keep-alive connection, sending ``n`` requests in all."""

    def __init__(self, port: int, clients: int) -> None:
        self.port = port
        self.clients = clients

    def run(self, n: int, request) -> tuple[float, list[float], list[tuple[int, bytes]]]:
        """``request(i)`` -> (method, path, body, headers). Returns elapsed, latencies, (status, body) per request."""
        counter = iter(range(n))
        lock = threading.Lock()
        latencies: list[float] = [0.0] * n
        results: list[tuple[int, bytes]] = [(0, b"")] * n

        def worker() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    break
                method, path, body, headers = request(i)
                start = time.perf_counter()
                for attempt in range(2):
                    try:
                        conn.request(method, path, body=body, headers=headers)
                        response = conn.getresponse()
                        results[i] = (response.status, response.read())
                        break
                    except (http.client.HTTPException, ConnectionError, OSError):
                        # the server closed an idle keep-alive connection: reconnect once (never after a POST
                        # reached the server: a report is not sent twice)
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                        if attempt or method != "GET":
                            results[i] = (0, b"connection error")
                            break
                latencies[i] = time.perf_counter() - start
            conn.close()

        threads = [threading.Thread(target=worker) for _ in range(self.clients)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - began, latencies, results


def healthz(_i: int):  # type: ignore[no-untyped-def]
    return "GET", "/healthz", None, {}


def intake_request(run: str):  # type: ignore[no-untyped-def]
    def make(i: int):  # type: ignore[no-untyped-def]
        body = urllib.parse.urlencode(report_form(i, run)).encode()
        return "POST", "/api/v1/reports", body, {"Content-Type": "application/x-www-form-urlencoded"}

    return make


# --------------------------------------------------------------------------- --web-processes


@dataclass
class Row:
    processes: int
    clients: int
    base_rate: float
    base_p50: float
    base_p99: float
    rate: float
    p50: float
    p99: float
    accepted: int
    refused: int
    cpu: dict[str, float]
    elapsed: float
    exactly_once: bool = True


def scale_out(args: argparse.Namespace) -> int:
    counts = [int(c) for c in args.web_processes.split(",") if c.strip()]
    client_counts = [int(c) for c in args.client_counts.split(",") if c.strip()]
    rows: list[Row] = []
    ok = True
    for processes in counts:
        name = f"zilu_bench_reports_{os.getpid()}_{processes}"
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        try:
            create_database(name)
        except Exception as exc:  # PostgreSQL absent: nothing to measure here
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
        if args.cache_url != "builtin":
            env["ZILU_CACHE_URL"] = args.cache_url
        server = None
        try:
            prepare(env)
            if args.cache_url != "builtin":
                subprocess.run(
                    [ZILU, "manage", "shell", "-c", "from django.core.cache import cache; cache.clear()"],
                    env=env,
                    check=True,
                    capture_output=True,
                )
            command = [ZILU, "serve", "--port", str(port), "--workers", str(processes)]
            command += ["--threads", str(args.threads), "--access-log", "off"]
            log = (var / "server.log").open("wb")
            server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                wait_for(f"http://127.0.0.1:{port}/healthz")
            except SystemExit:
                print((var / "server.log").read_text(errors="replace")[-3000:], file=sys.stderr)
                raise
            warm = Clients(port, max(client_counts))
            warm.run(200, healthz)
            warm.run(20 * processes, intake_request("warm-" + uuid.uuid4().hex[:8]))  # imports, caches, plans
            for clients in client_counts:
                pool = Clients(port, clients)
                base_time, base_lat, _ = pool.run(args.baseline_requests, healthz)
                run = uuid.uuid4().hex[:8]
                before = cpu_sample(server.pid)
                elapsed, lat, results = pool.run(args.reports, intake_request(run))
                after = cpu_sample(server.pid)
                mine = backends_of(name)
                accepted = [json.loads(body)["tracking_number"] for status, body in results if status == 201]
                exactly_once, _stored, verdict, verified = check_stored(url, run, accepted, env)
                row = Row(
                    processes=processes,
                    clients=clients,
                    base_rate=args.baseline_requests / base_time,
                    base_p50=statistics.median(base_lat) * 1000,
                    base_p99=percentile(base_lat, 99) * 1000,
                    rate=len(accepted) / elapsed,
                    p50=statistics.median(lat) * 1000,
                    p99=percentile(lat, 99) * 1000,
                    accepted=len(accepted),
                    refused=len(results) - len(accepted),
                    cpu=cpu_delta(before, after, mine),
                    elapsed=elapsed,
                    exactly_once=exactly_once and verified,
                )
                rows.append(row)
                ok = ok and row.exactly_once and row.refused == 0
                print(
                    f"  {processes} process(es), {clients} clients: {row.rate:.1f} reports/s, audit: {verdict}",
                    file=sys.stderr,
                )
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    server.kill()
            shutil.rmtree(var, ignore_errors=True)
            if not args.keep:
                drop_database(name)
    print_scale_out(rows, args)
    return 0 if ok else 1


def print_scale_out(rows: list[Row], args: argparse.Namespace) -> None:
    cache = "Redis" if args.cache_url != "builtin" else "the embedded database cache"
    print(
        f"report intake on zilu serve --workers N --threads {args.threads}, PostgreSQL, {cache}; "
        f"{args.reports} reports and {args.baseline_requests} GET /healthz per run; {os.cpu_count()} cores shared "
        "by server, PostgreSQL and load generator"
    )
    print(
        f"{'procs':>5} {'clients':>7} | {'healthz/s':>9} {'p50':>6} {'p99':>6} | {'reports/s':>9} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'x base':>6} {'x 1 proc':>8} | CPU ms/report: {'web':>5} {'pg db':>6} {'pg all':>6} "
        f"{'loadgen':>7} {'total':>6} | {'cores':>5} {'busy':>5} {'ok':>3}"
    )
    one = {r.clients: r.rate for r in rows if r.processes == min(x.processes for x in rows)}
    for r in rows:
        per = {k: v / max(r.accepted, 1) * 1000 for k, v in r.cpu.items()}
        total = per["web"] + per["pg_all"] + per["loadgen"]
        cores = (r.cpu["web"] + r.cpu["pg_all"] + r.cpu["loadgen"]) / r.elapsed
        print(
            f"{r.processes:>5} {r.clients:>7} | {r.base_rate:>9.0f} {r.base_p50:>6.1f} {r.base_p99:>6.1f} | "
            f"{r.rate:>9.1f} {r.p50:>7.1f} {r.p99:>7.1f} {r.rate / r.base_rate:>6.2f} "
            f"{r.rate / one[r.clients]:>7.2f}x | {'':>14} {per['web']:>5.1f} {per['pg_db']:>6.1f} "
            f"{per['pg_all']:>6.1f} {per['loadgen']:>7.1f} {total:>6.1f} | {cores:>5.2f} "
            f"{r.cpu['machine'] / r.elapsed:>5.2f} "
            f"{'yes' if r.exactly_once and not r.refused else 'NO':>3}"
        )
    print(
        "pg db: the backends of the benchmark's database; pg all: every process named postgres (WAL writer, "
        "checkpointer and any other work on the shared server included); cores: CPU seconds of all three / wall time; "
        "busy: the same for the whole machine (Redis, the kernel and anything else running included); "
        "ok: every accepted report stored exactly once, none refused, audit chain verified"
    )


# --------------------------------------------------------------------------- the original single-server run


def single(args: argparse.Namespace) -> int:
    import psycopg

    db_name = f"zilu_bench_reports_{os.getpid()}"
    url = args.database_url or f"postgresql://postgres@127.0.0.1:5432/{db_name}"
    created = not args.database_url
    if created:
        try:
            create_database(db_name)
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
        prepare(env)
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
            body = urllib.parse.urlencode(report_form(i, run)).encode()
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
        exactly_once, stored, audit_line, verified = check_stored(url, run, accepted, env)

        def line(name: str, rate: float, lat: list[float]) -> str:
            p50, p99 = statistics.median(lat) * 1000, percentile(lat, 99) * 1000
            return f"{name:34s} {rate:8.1f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms"

        base_rate, load_rate = args.reports / base_time, len(accepted) / load_time
        print(
            f"{args.reports} reports, {args.clients} concurrent clients; zilu serve, {args.threads} threads per "
            "process; PostgreSQL"
        )
        print(line("baseline GET /api/v1/audit/head", base_rate, base_lat))
        print(line("POST /api/v1/reports", load_rate, load_lat))
        print(f"ratio to baseline (throughput):    {load_rate / base_rate:.2f}")
        print(f"accepted {len(accepted)}, refused {len(failures)}; in the database {stored}")
        print(f"every accepted report stored exactly once: {exactly_once}")
        print(f"audit verify: {audit_line}")
        if failures:
            print("first refusals:", failures[:3])
        return 0 if exactly_once and not failures and verified else 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(var, ignore_errors=True)
        if created and not args.keep:
            drop_database(db_name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--threads", type=int, default=None, help="threads per server process")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the database(s)")
    parser.add_argument(
        "--web-processes", default="", help="comma-separated server process counts, e.g. 1,2,4: the scale-out run"
    )
    parser.add_argument("--client-counts", default="8,32", help="concurrent clients of the scale-out run")
    parser.add_argument("--baseline-requests", type=int, default=3000, help="GET /healthz per scale-out run")
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/13",
        help="ZILU_CACHE_URL of the scale-out servers (flushed first); 'builtin' for the embedded database cache",
    )
    args = parser.parse_args()
    if args.web_processes:
        args.threads = args.threads or 4
        if args.reports == parser.get_default("reports"):
            args.reports = 1500
        return scale_out(args)
    args.threads = args.threads or 16
    return single(args)


if __name__ == "__main__":
    raise SystemExit(main())
