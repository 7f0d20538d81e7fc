"""``zilu serve``: the web tier on granian, several processes with a pool of threads each.

Why granian and not gunicorn: ``benchmarks/web_servers.py`` serves the same application, data and settings with both
(2 processes x 4 threads, wrk, 32 connections, on this project's 2-core machines): granian answered the bare view
``/healthz`` 1.8-6.0x as fast as gunicorn's gthread workers, ``/api/v1/audit/head`` (one query, the shape of the
member platforms' screening calls) 2.9-4.1x, and a full template page 1.1-3.0x, with a lower p99 each time (the
high ends on a quiet machine). It has
what an operator needs: ``HUP`` respawns the workers one by one gracefully, ``TERM`` finishes the requests in flight
(``--graceful-timeout``) and stops, a dead worker is respawned, and ``--workers-lifetime`` / ``--workers-max-rss``
recycle workers. Its HTTP layer is Rust; Django runs in ``--threads`` blocking threads per process.

This process never sets Django up: the database is prepared (migrations, convention version 1) by a child
``zilu manage bootstrap``, and every worker imports ``zilu.wsgi`` itself, so a ``HUP`` loads new code and settings.
Access lines come from ``core.middleware.AccessLogMiddleware`` (the request id, the client behind trusted proxies)
rather than from the server. Without a broker the periodic tasks run inside the web tier: ``zilu.wsgi`` starts the
in-process scheduler in each worker, and a file lock under ``ZILU_VAR_DIR`` lets exactly one of them run it at a time.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ServeOptions:
    """What ``zilu serve`` / ``zilu demo`` were asked for."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    threads: int = 4
    graceful_timeout: int = 30
    access_log: bool = True
    workers_lifetime: int | None = None  # seconds before a worker is replaced (None: never)
    workers_max_rss: int | None = None  # MiB of memory before a worker is replaced (None: no limit)
    backlog: int = 1024


def var_dir() -> Path:
    """``ZILU_VAR_DIR``, as settings read it, without importing the settings."""
    return Path(os.environ.get("ZILU_VAR_DIR") or Path.cwd() / "var").resolve()


def _log_config() -> dict[str, Any] | None:
    """Granian's logging set-up: JSON lines when Zilu logs JSON (``ZILU_LOG_FORMAT``, JSON by default in
    production), granian's own format otherwise."""
    default = "json" if os.environ.get("ZILU_ENV") == "production" else "text"
    if (os.environ.get("ZILU_LOG_FORMAT") or default) != "json":
        return None
    return {
        # the application's JSON formatter (zilu.core.logs imports nothing of Django until a record is formatted)
        "formatters": {
            "generic": {"()": "zilu.core.logs.JsonFormatter"},
            "access": {"()": "zilu.core.logs.JsonFormatter"},
        },
    }


def serve(options: ServeOptions) -> None:
    """Serve until stopped. The database has been prepared; Django is not set up in this process."""
    from granian import Granian
    from granian.constants import Interfaces

    os.environ["ZILU_IN_PROCESS_SCHEDULER"] = "1"  # zilu.wsgi starts it in each worker (it does nothing with a broker)
    os.environ["ZILU_ACCESS_LOG"] = "true" if options.access_log else "false"
    if options.workers > 1:
        # Several processes: metrics are collected through files (prometheus_client's multiprocess mode), in a
        # directory of this server's own, emptied of an earlier run's files.
        default = var_dir() / f"metrics-{options.port}"
        directory = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(default)))
        if directory == default and directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True, exist_ok=True)
    host = f"[{options.host}]" if ":" in options.host else options.host
    print(
        f"Zilu is serving on http://{host}:{options.port}/  "
        f"({options.workers} processes x {options.threads} threads; Ctrl+C to stop)",
        flush=True,
    )
    Granian(
        "zilu.wsgi:application",
        address=options.host,
        port=options.port,
        interface=Interfaces.WSGI,
        workers=options.workers,
        blocking_threads=options.threads,
        backlog=options.backlog,
        websockets=False,
        log_access=False,  # AccessLogMiddleware writes them, with the request id
        log_dictconfig=_log_config(),
        respawn_failed_workers=True,
        workers_kill_timeout=options.graceful_timeout,
        workers_lifetime=options.workers_lifetime,
        workers_max_rss=options.workers_max_rss,
    ).serve()
