"""granian (what ``zilu serve`` runs) against gunicorn, on the same application, data and machine, in one run.

    .venv/bin/pip install -e '.[bench]'            # gunicorn, only for this comparison
    .venv/bin/python benchmarks/web_servers.py     # needs wrk (Debian package wrk)

Both serve ``zilu.wsgi:application`` with 2 processes and 4 threads each on a prepared SQLite installation in a
temporary ``ZILU_VAR_DIR``. For each server, ``wrk`` (one thread per core the servers leave, keep-alive) drives three
paths for ``--seconds`` each at ``--connections``: ``/healthz`` (the bare view: the server and Django's middleware),
``/api/v1/audit/head`` (one small query) and ``/`` (a full page with templates). The table gives requests/s and
p50/p99 latency, and granian's requests/s as a ratio of gunicorn's (the baseline).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PATHS = ["/healthz", "/api/v1/audit/head", "/"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def wrk(url: str, seconds: int, connections: int) -> tuple[float, float, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url], capture_output=True, text=True
    ).stdout

    def ms(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, ms("50"), ms("99")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)")
        return 0
    if not Path(sys.executable).with_name("gunicorn").exists():
        print("gunicorn is not installed (.venv/bin/pip install -e '.[bench]')")
        return 0
    var = Path(tempfile.mkdtemp(prefix="zilu-servers-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZILU_")}
    env.update(ZILU_VAR_DIR=str(var), ZILU_LOG_LEVEL="WARNING", ZILU_REPORT_RATE_LIMIT="0", ZILU_ACCESS_LOG="false")
    subprocess.run([sys.executable, "-m", "zilu", "serve", "--no-serve"], env=env, cwd=var, check=True,
                   capture_output=True)  # fmt: skip
    gunicorn = Path(sys.executable).with_name("gunicorn")
    servers = {
        # gunicorn as it would be run: gthread workers, the same processes and threads, access log off
        "gunicorn": lambda port: [
            *[str(gunicorn), "-k", "gthread", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}"],
            "zilu.wsgi:application",
        ],
        # what `zilu serve` runs (without its in-process scheduler, which gunicorn here does not have either)
        "granian": lambda port: [
            *[str(Path(sys.executable).with_name("granian")), "--interface", "wsgi", "--host", "127.0.0.1"],
            *["--port", str(port), "--workers", "2", "--blocking-threads", "4", "--no-ws"],
            "zilu.wsgi:application",
        ],
    }
    results: dict[str, dict[str, tuple[float, float, float]]] = {}
    try:
        for name, command in servers.items():
            port = free_port()
            proc = subprocess.Popen(command(port), env=env, cwd=var, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
            try:
                base = f"http://127.0.0.1:{port}"
                wait(f"{base}/healthz")
                for path in PATHS:  # warm up every process
                    wrk(f"{base}{path}", 2, 4)
                results[name] = {path: wrk(f"{base}{path}", args.seconds, args.connections) for path in PATHS}
                print(f"  {name}: done", flush=True)
            finally:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=60)
    finally:
        shutil.rmtree(var, ignore_errors=True)
    print(f"\n2 processes x 4 threads, SQLite, wrk -t1 -c{args.connections} -d{args.seconds}s ({os.cpu_count()} cores)")
    print("| path | gunicorn req/s | p50 ms | p99 ms | granian req/s | p50 ms | p99 ms | granian / gunicorn |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for path in PATHS:
        g, r = results["gunicorn"][path], results["granian"][path]
        print(f"| `{path}` | {g[0]:,.0f} | {g[1]:.1f} | {g[2]:.1f} | {r[0]:,.0f} | {r[1]:.1f} | {r[2]:.1f} | "
              f"{r[0] / g[0]:.2f}x |")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
