"""Prometheus metrics: Zilu's own counters, the allow-listed ``/metrics`` view, several processes, Celery workers.

django-prometheus gives the request metrics (its two middlewares: latency by view, responses by status) and the
database metrics (its backend wrappers, ``ENGINE = django_prometheus.db.backends.*``: queries, errors, connections).
This module adds what is Zilu's own:

- ``zilu_reports_accepted_total{category}``: public reports accepted (``reports.actions.do_submit_report``);
- ``zilu_screen_requests_total{kind}`` and ``zilu_screened_total{kind,suggestion}``: screening requests and the
  posts (``kind="post"``) or files (``kind="file"``) screened, by suggestion (``banks.api``);
- ``zilu_tasks_enqueued_total{task}`` and ``zilu_task_send_failures_total{task}`` (``core.outbox.enqueue``);
- ``zilu_tasks_succeeded_total``, ``zilu_tasks_failed_total``, ``zilu_tasks_retried_total`` by ``task``, from
  Celery's signals, wherever tasks run (a worker, or the web process in the embedded default);
- ``zilu_outbox_pending`` and ``zilu_outbox_oldest_pending_seconds``, read from the database at scrape time.

Several processes (gunicorn workers, a Celery prefork pool) keep their counters in files under
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode) and a scrape adds them up. The variable must be
set before the processes create any metric: ``zilu serve`` sets it (:func:`prepare_multiprocess_dir`) and calls
:func:`mark_process_dead` from gunicorn's ``child_exit``. Without it each process has its plain in-memory registry.

``/metrics`` answers only clients in ``ZILU_METRICS_ALLOW`` (judged on ``REMOTE_ADDR``, which the trusted-proxy
middleware has already corrected); anyone else gets a 404, so the endpoint is not advertised.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import ThreadingWSGIServer, make_wsgi_app

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# Labelled counters only: a labelled metric creates its per-process value when a label is first used, so a process
# that turns multiprocess mode on after importing this module (see prepare_multiprocess_dir) still counts in files.
REPORTS_ACCEPTED = Counter("zilu_reports_accepted", "Public reports accepted, by category.", ["category"])
SCREEN_REQUESTS = Counter("zilu_screen_requests", "Screening requests answered, by kind (post or file).", ["kind"])
SCREENED = Counter("zilu_screened", "Posts and files screened, by kind and suggestion.", ["kind", "suggestion"])
TASKS_ENQUEUED = Counter("zilu_tasks_enqueued", "Background tasks enqueued, by task.", ["task"])
TASK_SEND_FAILURES = Counter("zilu_task_send_failures", "Tasks that could not be sent to the broker.", ["task"])
TASKS_SUCCEEDED = Counter("zilu_tasks_succeeded", "Background tasks that ended well, by task.", ["task"])
TASKS_FAILED = Counter("zilu_tasks_failed", "Background tasks that raised, by task.", ["task"])
TASKS_RETRIED = Counter("zilu_tasks_retried", "Background tasks scheduled for a retry, by task.", ["task"])


# --- counting (called by the code that does the work) ----------------------------------------------------------


def report_accepted(category: str) -> None:
    """Count a public report accepted (after its transaction committed)."""
    REPORTS_ACCEPTED.labels(category).inc()


def screened(suggestions: Iterable[str], kind: str = "post") -> None:
    """Count one screening request and each post (or file) it screened, by the verdict's suggestion."""
    SCREEN_REQUESTS.labels(kind).inc()
    for suggestion in suggestions:
        SCREENED.labels(kind, str(suggestion)).inc()


def task_enqueued(name: str) -> None:
    """Count a background task handed to the broker (or run in-process)."""
    TASKS_ENQUEUED.labels(name).inc()


def task_send_failed(name: str) -> None:
    """Count a task whose send to the broker failed (the outbox sends it again later)."""
    TASK_SEND_FAILURES.labels(name).inc()


def _on_task_success(sender: Any = None, **kwargs: Any) -> None:
    TASKS_SUCCEEDED.labels(getattr(sender, "name", "unknown")).inc()


def _on_task_failure(sender: Any = None, **kwargs: Any) -> None:
    TASKS_FAILED.labels(getattr(sender, "name", "unknown")).inc()


def _on_task_retry(sender: Any = None, **kwargs: Any) -> None:
    TASKS_RETRIED.labels(getattr(sender, "name", "unknown")).inc()


def _connect_task_signals() -> None:
    # Connected on import, so that tasks run in-process (the embedded default) are counted too; a prefork pool's
    # children inherit the connection.
    from celery import signals

    signals.task_success.connect(_on_task_success, weak=False, dispatch_uid="zilu.metrics.success")
    signals.task_failure.connect(_on_task_failure, weak=False, dispatch_uid="zilu.metrics.failure")
    signals.task_retry.connect(_on_task_retry, weak=False, dispatch_uid="zilu.metrics.retry")


_connect_task_signals()


# --- several processes -----------------------------------------------------------------------------------------


def multiprocess_dir() -> str | None:
    """The directory of multiprocess mode, or None when this process keeps its metrics in memory."""
    return os.environ.get(MULTIPROC_ENV) or None


def prepare_multiprocess_dir(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` or empty it of earlier runs' metric files, and point this process (and the processes it
    starts) at it through ``PROMETHEUS_MULTIPROC_DIR``. Call it before the server or worker processes start.

    Only prometheus_client's ``*.db`` files are removed, so a wrong path loses nothing else. Counters left by an
    earlier run would otherwise be added to this run's."""
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink(missing_ok=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    # prometheus_client chooses in-memory or file-backed values when it is imported; this process may have imported
    # it already (Django set up, this module loaded), so choose again for the values created from now on.
    from prometheus_client import values

    values.ValueClass = values.get_value_class()
    # Label sets already used here (the database's, by the migrations `zilu serve` runs first) keep in-memory values
    # that forked workers would inherit and nobody would read: drop them, to be made again in files when next used.
    for metric in _labelled_metrics():
        metric.clear()
    return directory


def _labelled_metrics() -> list[Any]:
    """Zilu's counters and django-prometheus's database metrics (all labelled), as far as they are loaded."""
    found: list[Any] = [value for value in globals().values() if isinstance(value, Counter)]
    database = sys.modules.get("django_prometheus.db.metrics")
    if database is not None:
        found += [getattr(database, name) for name in dir(database) if name.endswith(("_total", "_seconds"))]
    return found


def mark_process_dead(pid: int) -> None:
    """gunicorn's ``child_exit`` hook: forget the live gauges of a worker that exited (its counters stay)."""
    directory = multiprocess_dir()
    if directory:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid, directory)


# --- access and exposition -------------------------------------------------------------------------------------


def client_allowed(address: str) -> bool:
    """Whether ``address`` (a ``REMOTE_ADDR``) is in ``ZILU_METRICS_ALLOW``."""
    from django.conf import settings

    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # a dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d
    return any(ip in network for network in settings.METRICS_ALLOW_NETWORKS)


class _Forward:
    """Puts a whole registry inside another one (the process's own, next to the per-scrape outbox collector)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()


class _OutboxCollector:
    """The outbox's backlog, read when scraped: the same for every process, so any one of them can answer."""

    def collect(self) -> Iterator[Metric]:
        from django.db import transaction
        from django.db.models import Count, Min

        try:
            from zilu.core.models import OutboxMessage

            # A savepoint: a failed query must not break a surrounding transaction (tests, ATOMIC_REQUESTS).
            with transaction.atomic():
                row = OutboxMessage.objects.filter(sent_at__isnull=True).aggregate(
                    n=Count("id"), oldest=Min("created_at")
                )
        except Exception as exc:  # no outbox model yet, or the database is down: the rest of the scrape still answers
            logger.warning("outbox metrics unavailable: %s", exc)
            return
        yield GaugeMetricFamily("zilu_outbox_pending", "Outbox messages not sent yet.", value=row["n"])
        oldest = row["oldest"]
        age = max(0.0, time.time() - oldest.timestamp()) if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "zilu_outbox_oldest_pending_seconds", "Age of the oldest unsent outbox message (0: none).", value=age
        )


def _registry(*extra: Any) -> CollectorRegistry:
    """What one scrape shows: every process's metrics in multiprocess mode, else this process's."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        from prometheus_client.multiprocess import MultiProcessCollector

        MultiProcessCollector(registry)
    else:
        registry.register(_Forward(REGISTRY))
    for collector in extra:
        registry.register(collector)
    return registry


def metrics_view(request: Any) -> Any:
    """``GET /metrics``: Prometheus text format, for the addresses in ``ZILU_METRICS_ALLOW`` only (404 otherwise)."""
    from django.http import Http404, HttpResponse

    if not client_allowed(request.META.get("REMOTE_ADDR", "")):
        raise Http404
    body = generate_latest(_registry(_OutboxCollector()))
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


# --- Celery workers --------------------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes every few seconds would flood the worker's log."""


def start_worker_metrics(port: int, host: str | None = None) -> ThreadingWSGIServer:
    """Serve this Celery worker's metrics on ``http://host:port/metrics`` from a background thread; call it before
    the worker starts its pool (``zilu worker --metrics-port``).

    The prefork pool runs tasks in child processes, so the counts are kept in multiprocess mode: when
    ``PROMETHEUS_MULTIPROC_DIR`` is not set, a directory ``metrics/worker-<port>`` under ``ZILU_VAR_DIR`` is used.
    Only ``ZILU_METRICS_ALLOW`` is answered; ``host`` defaults to 127.0.0.1 when that list is loopback only, else to
    every IPv4 interface. Returns the server (``shutdown()`` stops it)."""
    from django.conf import settings

    if not multiprocess_dir():
        prepare_multiprocess_dir(Path(settings.VAR_DIR) / "metrics" / f"worker-{port}")
    if host is None:
        host = "127.0.0.1" if all(net.is_loopback for net in settings.METRICS_ALLOW_NETWORKS) else "0.0.0.0"  # noqa: S104
    app = make_wsgi_app(_registry())

    def guarded(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not client_allowed(environ.get("REMOTE_ADDR", "")):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not Found"]
        return app(environ, start_response)

    server = make_server(host, port, guarded, ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="zilu-worker-metrics", daemon=True).start()
    logger.info("worker metrics on http://%s:%s/metrics", host, server.server_port)
    return server
