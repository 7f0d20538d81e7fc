"""``/healthz`` (the process answers) and ``/readyz`` (the process can serve: database, cache, broker, media disk,
holiday calendar), for load balancers, orchestrators and monitoring.

A small module rather than django-health-check: its Celery check pings workers through a result backend, which Zilu
does not run (and a web process is ready whether or not a worker is up: the outbox keeps the work), it has no
"warn" state and answers 500, and the calendar check is ours anyway.

``/readyz`` runs every check in its own thread with a deadline, so one hung dependency cannot hold the probe; a check
still hung from an earlier probe is reported failed without starting another, so a long outage does not pile up
threads. A check never raises: its error is its result. The answer is 200 when no check failed (``warn`` is still
ready), else 503 with ``Retry-After``. Error details are shown to ``ZILU_METRICS_ALLOW`` clients only (they may
name hosts); everyone else sees the exception type, and the log has the rest.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from zilu.core import deadlines
from zilu.core.metrics import client_allowed

logger = logging.getLogger(__name__)

CHECK_TIMEOUT = 3.0  # seconds one check may take before it counts as failed
BROKER_TIMEOUT = 2.0
CALENDAR_WARN_DAYS = 60
RETRY_AFTER_SECONDS = 10

OK, WARN, FAIL, SKIPPED = "ok", "warn", "fail", "skipped"


class CheckFailed(Exception):
    """A check's own verdict of failure, with a message safe to show anyone."""


Result = dict[str, Any]


# --- the checks: each returns the extra fields of its entry (with "status" when not "ok") or raises -------------


def check_database() -> Result:
    """``SELECT 1`` on the default database (a fresh connection of the check's thread)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed("SELECT 1 did not return 1")
    return {}


def check_cache() -> Result:
    """Set, read back and delete a random key in the default cache (the state every process shares)."""
    from django.core.cache import cache

    key, value = f"zilu:readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise CheckFailed("a value written to the cache did not read back")
    finally:
        cache.delete(key)
    return {}


def check_broker() -> Result:
    """Connect to ``ZILU_BROKER_URL``; without one, tasks run in-process and there is nothing to check."""
    url = getattr(settings, "BROKER_URL", None)
    if not url:
        return {"status": SKIPPED, "detail": "in-process"}
    from kombu import Connection

    with Connection(url, connect_timeout=BROKER_TIMEOUT) as connection:
        connection.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.2, timeout=BROKER_TIMEOUT
        )
    return {}


def check_media() -> Result:
    """MEDIA_ROOT can take an upload: it exists (created as the first upload would), a file can be written there,
    and the disk has at least ``ZILU_READY_MIN_FREE_MB`` free."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    # Writing a file proves more than os.access() (a read-only mount, a full disk, a quota).
    with tempfile.NamedTemporaryFile(dir=root, prefix=".readyz-") as probe:
        probe.write(b"ok")
        probe.flush()
    free_mb = shutil.disk_usage(root).free // (1024 * 1024)
    minimum = int(settings.ZILU_READY_MIN_FREE_MB)
    if free_mb < minimum:
        raise CheckFailed(f"{free_mb} MB free, below ZILU_READY_MIN_FREE_MB={minimum}")
    return {"free_mb": free_mb}


def check_calendar() -> Result:
    """The official holiday calendar (``core.deadlines.coverage()``) should cover the next 60 days: past its end,
    legal deadlines are only provisional (load the next year with ``ZILU_HOLIDAYS_FILE``). A warning, never a
    failure: the site keeps serving (reports are accepted with provisional deadlines), and a load balancer that
    probes /readyz must not take every process out of service on 1 January."""
    today = timezone.localdate()
    last = deadlines.coverage()[1]
    fields: Result = {"covered_until": last.isoformat()}
    days_left = (last - today).days
    if days_left < 0:
        fields.update(status=WARN, detail=f"the holiday calendar ended on {last.isoformat()}; load the next year")
    elif days_left < CALENDAR_WARN_DAYS:
        fields.update(status=WARN, detail=f"the holiday calendar ends in {days_left} days; load the next year")
    return fields


CHECKS: dict[str, Callable[[], Result]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "media": check_media,
    "calendar": check_calendar,
}

# Names of checks whose thread is still running (a hung dependency), shared by the request threads of a process.
_running: set[str] = set()
_running_lock = threading.Lock()
_warned: set[str] = set()  # checks whose warning this process has logged already


def _run_one(name: str, check: Callable[[], Result], out: Result) -> None:
    from django.db import connections

    started = time.perf_counter()
    try:
        result = {"status": OK, **check()}
    except CheckFailed as exc:
        result = {"status": FAIL, "detail": str(exc), "error": str(exc)}
    except Exception as exc:  # the check's error is its result: readiness must answer whatever happens
        result = {"status": FAIL, "detail": type(exc).__name__, "error": f"{type(exc).__name__}: {exc}"}
    finally:
        connections.close_all()  # this thread's connections only: nothing may outlive the probe
        with _running_lock:
            _running.discard(name)
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    out[name] = result


def run_checks(timeout: float | None = None) -> dict[str, Result]:
    """Run every check concurrently, each bounded by ``timeout`` seconds (default ``CHECK_TIMEOUT``); returns the
    entry of each by name."""
    timeout = CHECK_TIMEOUT if timeout is None else timeout
    results: dict[str, Result] = {}
    threads = []
    for name, check in CHECKS.items():
        with _running_lock:
            if name in _running:
                results[name] = {"status": FAIL, "detail": "an earlier check is still waiting", "ms": 0.0}
                continue
            _running.add(name)
        thread = threading.Thread(target=_run_one, args=(name, check, results), name=f"readyz-{name}", daemon=True)
        thread.start()
        threads.append((name, thread))
    deadline = time.monotonic() + timeout
    for name, thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            results[name] = {"status": FAIL, "detail": f"no answer within {timeout:g} s", "ms": timeout * 1000}
    return {name: results[name] for name in CHECKS}


def _client_may_see_errors(request: HttpRequest) -> bool:
    return client_allowed(request.META.get("REMOTE_ADDR", ""))


@csrf_exempt
def readyz(request: HttpRequest) -> HttpResponse:
    """``GET /readyz``: ``{"status": "ok"|"warn"|"fail", "checks": {name: {"status", "ms", ...}}}``; 503 on a fail."""
    checks = run_checks()
    statuses = {entry["status"] for entry in checks.values()}
    status = FAIL if FAIL in statuses else WARN if WARN in statuses else OK
    verbose = _client_may_see_errors(request)
    for name, entry in checks.items():
        error = entry.pop("error", None)
        # A failure is logged on every probe; a warning (weeks long, probed every few seconds) once per process.
        if entry["status"] == FAIL or (entry["status"] == WARN and name not in _warned):
            logger.warning("readiness check %s: %s", name, error or entry.get("detail", ""))
        if entry["status"] == WARN:
            _warned.add(name)
        else:
            _warned.discard(name)
        if verbose and error:
            entry["detail"] = error
    response = JsonResponse({"status": status, "checks": checks}, status=503 if status == FAIL else 200)
    response["Cache-Control"] = "no-store"
    if status == FAIL:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


_HEALTHY = b'{"status": "ok"}'


@csrf_exempt
def healthz(request: HttpRequest) -> HttpResponse:
    """``GET /healthz``: the process answers. No database, cache or session: also the benchmarks' bare view."""
    response = HttpResponse(_HEALTHY, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response
