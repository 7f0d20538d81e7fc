"""The member platforms' hot path over HTTP: ``POST /api/v1/screen`` (one post) and ``/api/v1/screen/batch`` (100
posts) with an API key, against ``zilu serve --workers N``, next to baselines measured in the same run.

    .venv/bin/python benchmarks/screen_api.py                    # SQLite in a temporary ZILU_VAR_DIR, ~3 minutes
    .venv/bin/python benchmarks/screen_api.py --database postgresql://postgres@127.0.0.1:5432/bench_screen
    .venv/bin/python benchmarks/screen_api.py --cache-url redis://127.0.0.1:6379/12   # Redis as the shared cache
    .venv/bin/python benchmarks/screen_api.py --quick            # 2 s a measurement, to try it out

For each server size (``--workers``, default 1 and 2 processes, ``--threads`` 4 each) and each client count
(``--clients``, default 8 and 32 keep-alive connections) it measures, on the same server processes:

* the baseline: ``GET /healthz``, a bare view (no database, cache or session);
* ``POST /api/v1/screen``: one post a request, authenticated with a member's API key;
* ``POST /api/v1/screen/batch``: 100 posts a request;

and, in this process, the engine alone (``Screener.screen`` one post at a time, and ``screen_many`` by 100). It
prints requests/s, posts/s, p50/p99 latency, the ratio single-post/bare (the issue's target: >= 0.6), and the CPU
seconds the server processes and the load generator used (they share the machine's cores). The ratio is given twice:
in requests/s, and in requests per CPU-second of the server processes, which other work on a shared machine
disturbs much less. The load comes from
``wrk`` when it is installed (``apt-get install wrk``), else from a pool of Python threads with ``http.client``
keep-alive connections, which itself needs much of a core. At the end it checks, on the running server, that a key
revoked by another process (``zilu manage shell``) is refused by every following request.

Posts are real Weibo posts from ``$ZILU_SHARED_DIR/data/corpus/weibo_ced_posts.txt`` (default ``../shared/data``)
when present, else generated Chinese text; the banks are the houbb lexicon and the fwwdn domain list from the same
folder when present (the product itself needs neither).

With ``--database`` the PostgreSQL database is used as given (migrated; a benchmark member, user and key are created
or reused): give it a private database. The CPU of the PostgreSQL backends serving it is reported too.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ZILU = str(Path(sys.executable).with_name("zilu"))
SHARED = Path(os.environ.get("ZILU_SHARED_DIR") or REPO.parent / "shared") / "data"
BATCH = 100
TICK = os.sysconf("SC_CLK_TCK")

SETUP = """
from datetime import date
from django.utils import timezone
from zilu.core.actions import do_create_api_key
from zilu.core.models import ApiKey, User
from zilu.members.models import Member
member, _ = Member.objects.get_or_create(
    uscc="91110114MA00SCRN1X",
    defaults=dict(kind="unit", name="压测网络科技有限公司（筛查接口）", status="active", joined_on=date(2021, 7, 15)),
)
user = User.objects.filter(username="bench_screen_api").first() or User.objects.create_user(
    "bench_screen_api", role="member", member=member
)
ApiKey.objects.filter(member=member, revoked_at__isnull=True).update(revoked_at=timezone.now())
new = do_create_api_key(user, "bench %s" % timezone.now().isoformat())
print(new.key.pk, new.token)
"""

REVOKE = """
from zilu.core.actions import do_revoke_api_key
from zilu.core.models import ApiKey
key = ApiKey.objects.select_related("created_by").get(pk={key_id})
do_revoke_api_key(key.created_by, key.pk)
"""

WRK_SCRIPT = r"""
local bodies = {}
local method, path, auth = "GET", "/", nil
local counter = 0
init = function(args)
  method, path = args[1], args[2]
  if args[3] ~= "" then auth = args[3] end
  if args[4] then for line in io.lines(args[4]) do bodies[#bodies + 1] = line end end
  counter = math.random(1, math.max(#bodies, 1))
end
request = function()
  local headers = {}
  if auth then headers["Authorization"] = "Bearer " .. auth end
  if #bodies == 0 then return wrk.format(method, path, headers) end
  counter = counter % #bodies + 1
  headers["Content-Type"] = "application/json"
  return wrk.format(method, path, headers, bodies[counter])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nRESULT {"requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


# ------------------------------------------------------------------------------------------------------ helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def posts(limit: int) -> tuple[list[str], str]:
    """Real Weibo posts when the shared corpus is there, else generated Chinese text."""
    corpus = SHARED / "corpus" / "weibo_ced_posts.txt"
    if corpus.exists():
        out: list[str] = []
        with corpus.open(encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if line:
                    out.append(line[:2000])
                if len(out) >= limit:
                    break
        return out, f"Weibo posts ({corpus.name})"
    rng = random.Random(7)
    words = ["今天", "天气", "很好", "出门", "走走", "朋友", "一起", "吃饭", "这个", "视频", "真的", "太", "好笑",
             "了", "转发", "支持", "大家", "注意", "安全", "新闻"]  # fmt: skip
    return ["".join(rng.choice(words) for _ in range(rng.randint(5, 40))) for _ in range(limit)], "generated text"


def bank_files() -> dict[str, str]:
    """The screening banks the server and the in-process engine load (absent without the shared data)."""
    found: dict[str, str] = {}
    lexicon, allow, domains = (
        SHARED / "lexicon" / "houbb_tags.txt",
        SHARED / "lexicon" / "houbb_allow.txt",
        SHARED / "urls" / "fwwdn_domains.txt",
    )
    if lexicon.exists():
        found.update(ZILU_SCREENING_TERMS=str(lexicon), ZILU_SCREENING_TERM_LABELS="houbb")
    if allow.exists():
        found["ZILU_SCREENING_ALLOW"] = str(allow)
    if domains.exists():
        found["ZILU_SCREENING_DOMAINS"] = str(domains)
    return found


def session_cpu(session: int) -> float:
    """CPU seconds (user + system) of the live processes of one session: the server's master and workers."""
    return _cpu(lambda fields, _comm: int(fields[3]) == session)


def postgres_cpu(database: str) -> float:
    """CPU seconds of the PostgreSQL backends serving ``database`` (the server's connections are persistent)."""
    return _cpu(lambda _fields, comm: comm == "postgres", cmdline=f" {database} ")


def _cpu(wanted, cmdline: str = "") -> float:
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(entry.path, "stat").read_text()
            if cmdline and cmdline not in Path(entry.path, "cmdline").read_bytes().decode(errors="replace"):
                continue
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        if wanted(fields, comm):
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def own_cpu() -> float:
    """CPU seconds of this process and its finished children (wrk)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


# ------------------------------------------------------------------------------------------------------ load


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    posts_per_request: int = 1
    server_cpu: float = 0.0
    client_cpu: float = 0.0
    db_cpu: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


class Load:
    """Drives one endpoint for a fixed time from ``clients`` keep-alive connections (wrk, or Python threads)."""

    def __init__(self, port: int, token: str, tmp: Path, use_wrk: bool) -> None:
        self.port, self.token, self.tmp, self.use_wrk = port, token, tmp, use_wrk
        self.script = tmp / "load.lua"
        self.script.write_text(WRK_SCRIPT)

    def run(self, method: str, path: str, bodies: list[str] | None, clients: int, seconds: float, auth: bool) -> Result:
        if self.use_wrk:
            return self._wrk(method, path, bodies, clients, seconds, auth)
        return self._threads(method, path, bodies, clients, seconds, auth)

    def _wrk(self, method, path, bodies, clients, seconds, auth) -> Result:
        args = [method, path, self.token if auth else ""]
        if bodies:
            body_file = self.tmp / f"bodies-{len(bodies)}-{len(bodies[0])}.txt"
            if not body_file.exists():
                body_file.write_text("\n".join(bodies) + "\n")
            args.append(str(body_file))
        threads = min(clients, 2)
        cmd = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{max(1, round(seconds))}s", "--timeout", "30s",
               "-s", str(self.script), f"http://127.0.0.1:{self.port}", "--", *args]  # fmt: skip
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        line = next(x for x in out.splitlines() if x.startswith("RESULT "))
        data = json.loads(line.removeprefix("RESULT "))
        return Result(
            name=path, requests=data["requests"], seconds=data["duration_us"] / 1e6, errors=data["errors"],
            p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000,
        )  # fmt: skip

    def _threads(self, method, path, bodies, clients, seconds, auth) -> Result:
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token}"
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()
        stop = time.perf_counter() + seconds

        def client(n: int) -> None:
            nonlocal errors
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            mine: list[float] = []
            bad = 0
            i = n
            while time.perf_counter() < stop:
                body = bodies[i % len(bodies)].encode() if bodies else None
                i += clients
                t0 = time.perf_counter()
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    if response.status != 200:
                        bad += 1
                    mine.append(time.perf_counter() - t0)
                except (OSError, http.client.HTTPException):
                    bad += 1
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.close()
            with lock:
                latencies.extend(mine)
                errors += bad

        began = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(clients) as pool:
            list(pool.map(client, range(clients)))
        elapsed = time.perf_counter() - began
        return Result(
            name=path, requests=len(latencies), seconds=elapsed, errors=errors,
            p50_ms=percentile(latencies, 50) * 1000, p99_ms=percentile(latencies, 99) * 1000,
        )  # fmt: skip


def combined(a: Result, b: Result) -> Result:
    """Two runs of the same endpoint as one (latency percentiles weighted by requests: an approximation)."""
    n = a.requests + b.requests or 1
    return Result(
        name=a.name, requests=a.requests + b.requests, seconds=a.seconds + b.seconds, errors=a.errors + b.errors,
        p50_ms=(a.p50_ms * a.requests + b.p50_ms * b.requests) / n,
        p99_ms=(a.p99_ms * a.requests + b.p99_ms * b.requests) / n, posts_per_request=a.posts_per_request,
        server_cpu=a.server_cpu + b.server_cpu, client_cpu=a.client_cpu + b.client_cpu,
        db_cpu=None if a.db_cpu is None or b.db_cpu is None else a.db_cpu + b.db_cpu,
    )  # fmt: skip


def cpu_per_request(r: Result) -> float:
    return r.server_cpu / r.requests if r.requests else 0.0


def measured(load: Load, server_session: int, database: str, *args, posts_per_request: int = 1) -> Result:
    """One measurement, with the CPU seconds of the server, the load generator and (PostgreSQL) the database."""
    server0, client0 = session_cpu(server_session), own_cpu()
    db0 = postgres_cpu(database) if database else None
    result = load.run(*args)
    result.server_cpu = session_cpu(server_session) - server0
    result.client_cpu = own_cpu() - client0
    if db0 is not None:
        result.db_cpu = postgres_cpu(database) - db0
    result.posts_per_request = posts_per_request
    return result


# ------------------------------------------------------------------------------------------------------ engine


def engine(texts: list[str], env: dict[str, str], seconds: float) -> dict[str, float]:
    """Posts per second of the engine in this process, with the server's bank files: one post at a time, and 100 at
    a time (``screen_many``)."""
    from zilu.screening import HOUBB_LABELS, Banks, Policy, Screener

    banks = Banks.from_files(
        terms=[env["ZILU_SCREENING_TERMS"]] if "ZILU_SCREENING_TERMS" in env else [],
        allow=[env["ZILU_SCREENING_ALLOW"]] if "ZILU_SCREENING_ALLOW" in env else [],
        domains=[env["ZILU_SCREENING_DOMAINS"]] if "ZILU_SCREENING_DOMAINS" in env else [],
        label_map=HOUBB_LABELS if env.get("ZILU_SCREENING_TERM_LABELS") == "houbb" else None,
    )
    screener = Screener(banks, Policy())
    out: dict[str, float] = {}
    for name, step in (("single", 1), ("batch", BATCH)):
        done, i = 0, 0
        cpu0, t0 = time.process_time(), time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            chunk = [texts[(i + k) % len(texts)] for k in range(step)]
            i += step
            if step == 1:
                screener.screen(chunk[0])
            else:
                list(screener.screen_many(chunk))
            done += step
        out[name] = done / (time.process_time() - cpu0)  # per CPU second: other load on the box does not count
    return out


# ------------------------------------------------------------------------------------------------------ server


def run(cmd: list[str], env: dict[str, str]) -> str:
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout


class Server:
    """``zilu serve --workers N --threads T`` in its own session, stopped with its children."""

    def __init__(self, env: dict[str, str], workers: int, threads: int, log: Path) -> None:
        self.port = free_port()
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [ZILU, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
             "--threads", str(threads), "--access-log", "off"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2).read()
                return
            except (urllib.error.URLError, OSError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"zilu serve did not start; see {log}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def post_json(port: int, path: str, body: dict, token: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST", path, json.dumps(body), {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    )
    status = conn.getresponse().status
    conn.close()
    return status


# ------------------------------------------------------------------------------------------------------ main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="", help="PostgreSQL URL (a private database); default SQLite")
    parser.add_argument("--cache-url", default="", help="ZILU_CACHE_URL (redis://...); default the database cache")
    parser.add_argument("--workers", default="1,2", help="server processes to measure, comma-separated")
    parser.add_argument("--threads", type=int, default=4, help="threads per server process")
    parser.add_argument("--clients", default="8,32", help="concurrent keep-alive connections, comma-separated")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each measurement")
    parser.add_argument("--quick", action="store_true", help="2 s measurements")
    parser.add_argument("--python-clients", action="store_true", help="use Python threads even if wrk is installed")
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    args = parser.parse_args()
    seconds = 2.0 if args.quick else args.seconds
    worker_counts = [int(x) for x in args.workers.split(",")]
    client_counts = [int(x) for x in args.clients.split(",")]
    use_wrk = bool(shutil.which("wrk")) and not args.python_clients

    texts, source = posts(20_000)
    singles = [json.dumps({"id": i, "text": t}) for i, t in enumerate(texts[:5000])]
    batches = [
        json.dumps({"items": [{"id": k, "text": t} for k, t in enumerate(texts[i : i + BATCH])]})
        for i in range(0, min(len(texts), 200 * BATCH), BATCH)
    ]
    tmp = Path(tempfile.mkdtemp(prefix="zilu-bench-screen-"))
    env = {
        **os.environ, "ZILU_VAR_DIR": str(tmp / "var"), "ZILU_LOG_LEVEL": "WARNING", "ZILU_ENV": "development",
        **bank_files(),
    }  # fmt: skip
    for name in ("ZILU_DATABASE_URL", "ZILU_CACHE_URL", "ZILU_BROKER_URL"):
        env.pop(name, None)
    if args.database:
        env["ZILU_DATABASE_URL"] = args.database
    if args.cache_url:
        env["ZILU_CACHE_URL"] = args.cache_url
    with_db = args.database.startswith("postgres")
    database = args.database.rsplit("/", 1)[-1].split("?")[0] if with_db else ""

    print(f"uptime: {os.getloadavg()[0]:.2f} load, {os.cpu_count()} cores; posts: {source}; "
          f"load generator: {'wrk' if use_wrk else 'Python threads (http.client keep-alive)'}", flush=True)  # fmt: skip
    run([ZILU, "serve", "--no-serve"], env)  # migrations, convention version 1
    key_id, token = run([ZILU, "manage", "shell", "-c", SETUP], env).split()[-2:]

    engine_rates = engine(texts, env, 1.0 if args.quick else 3.0)
    rows: list[tuple[int, int, Result, Result, Result]] = []
    revocation = {"sent": 0, "refused": 0}
    server: Server | None = None
    try:
        for workers in worker_counts:
            server = Server(env, workers, args.threads, tmp / "server.log")
            load = Load(server.port, token, tmp, use_wrk)
            # Warm every process up: the first request of each builds its screener (compiles the lexicon).
            assert post_json(server.port, "/api/v1/screen", {"text": texts[0]}, token) == 200
            load.run("POST", "/api/v1/screen", singles, 4 * workers, 2.0 if args.quick else 4.0, True)
            load.run("POST", "/api/v1/screen/batch", batches, 2 * workers, 1.0, True)
            for clients in client_counts:
                # The baseline before and after the screening runs (half the time each), so that a change of the
                # machine's other load during the group weighs on both sides alike.
                bare_args = ("GET", "/healthz", None, clients, seconds / 2, False)
                before = measured(load, server.proc.pid, database, *bare_args)
                single = measured(
                    load, server.proc.pid, database, "POST", "/api/v1/screen", singles, clients, seconds, True
                )
                batch = measured(
                    load, server.proc.pid, database, "POST", "/api/v1/screen/batch", batches, clients, seconds, True,
                    posts_per_request=BATCH,
                )  # fmt: skip
                bare = combined(before, measured(load, server.proc.pid, database, *bare_args))
                rows.append((workers, clients, bare, single, batch))
                print(f"  {workers} process(es), {clients} clients: bare {bare.rps:,.0f}/s, single {single.rps:,.0f}/s"
                      f", batch {batch.rps:,.0f}/s", flush=True)  # fmt: skip
            if workers == worker_counts[-1]:
                revocation = check_revocation(server.port, env, key_id, token, texts)
            server.stop()
            server = None
    finally:
        if server is not None:
            server.stop()

    print_table(rows, engine_rates, source, args, use_wrk, with_db, revocation)
    if args.json:
        print(json.dumps({"rows": [
            {"workers": w, "clients": c, **{r.name: {"rps": r.rps, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms,
             "errors": r.errors, "server_cpu": r.server_cpu, "client_cpu": r.client_cpu, "db_cpu": r.db_cpu}
             for r in (b, s, bt)}} for w, c, b, s, bt in rows],
            "engine_posts_per_cpu_second": engine_rates, "revocation": revocation}, indent=2))  # fmt: skip
    shutil.rmtree(tmp, ignore_errors=True)
    errors = sum(r.errors for row in rows for r in row[2:])
    return 0 if errors == 0 and revocation["refused"] == revocation["sent"] else 1


def check_revocation(port: int, env: dict[str, str], key_id: str, token: str, texts: list[str]) -> dict[str, int]:
    """Revoke the key from another process, then send requests on new connections (so that every server process
    gets some): each must be refused."""
    run([ZILU, "manage", "shell", "-c", REVOKE.format(key_id=int(key_id))], env)
    statuses = [post_json(port, "/api/v1/screen", {"text": texts[i]}, token) for i in range(40)]
    return {"sent": len(statuses), "refused": statuses.count(401)}


def print_table(rows, engine_rates, source, args, use_wrk, with_db, revocation) -> None:
    db = "PostgreSQL" if with_db else "SQLite"
    cache = "Redis" if args.cache_url else "the database cache (zilu_cache)"
    print()
    print(f"POST /api/v1/screen over HTTP: zilu serve ({args.threads} threads a process), {db}, "
          f"shared cache: {cache}; posts: {source}; load: {'wrk' if use_wrk else 'Python threads'}")  # fmt: skip
    head = (f"| procs | clients | endpoint | req/s | posts/s | p50 ms | p99 ms | vs bare (req/s) | server CPU s/1k req "
            f"| vs bare (req per server CPU-s) | load-gen CPU s/1k req |{' postgres CPU s/1k req |' if with_db else ''}"
            " errors |")  # fmt: skip
    print(head)
    print("|" + "|".join("---" for _ in range(head.count("|") - 1)) + "|")
    for workers, clients, bare, single, batch in rows:
        for label, r in (("bare GET /healthz", bare), ("screen, 1 post", single), ("screen/batch, 100 posts", batch)):
            per_k = 1000 / r.requests if r.requests else 0.0
            cells = [
                str(workers), str(clients), label, f"{r.rps:,.0f}", f"{r.rps * r.posts_per_request:,.0f}",
                f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", f"{r.rps / bare.rps:.2f}x" if bare.rps else "-",
                f"{r.server_cpu * per_k:.2f}",
                f"{cpu_per_request(bare) / cpu_per_request(r):.2f}x" if cpu_per_request(r) else "-",
                f"{r.client_cpu * per_k:.2f}",
            ]  # fmt: skip
            if with_db:
                cells.append(f"{(r.db_cpu or 0) * per_k:.2f}")
            cells.append(str(r.errors))
            print("| " + " | ".join(cells) + " |")
    print()
    print(f"engine in-process (one core, per CPU second): {engine_rates['single']:,.0f} posts/s one at a time, "
          f"{engine_rates['batch']:,.0f} posts/s by {BATCH}")  # fmt: skip
    for workers, clients, bare, single, _batch in rows:
        print(f"single-post / bare, {workers} process(es), {clients} clients: {single.rps / bare.rps:.2f} in "
              f"requests/s, {cpu_per_request(bare) / cpu_per_request(single):.2f} in requests per server CPU-second "
              "(target >= 0.6)")  # fmt: skip
    print(f"revoked from another process: {revocation['refused']}/{revocation['sent']} following requests refused")


if __name__ == "__main__":
    sys.exit(main())
