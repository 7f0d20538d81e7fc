"""/metrics: Prometheus text for the allowed addresses only; request, database and Zilu's own metrics; several
processes added up through the multiprocess directory; a Celery worker's metrics on its own port."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from tests.reports.helpers import submit_ok
from zilu.banks.service import reset_screener
from zilu.core.actions import do_create_api_key

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[2]


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a scrape, keyed by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(scraped: dict, name: str, **labels: str) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


def scrape(client) -> dict:
    response = client.get("/metrics")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


@pytest.fixture
def banks(tmp_path, settings):
    terms = tmp_path / "terms.txt"
    terms.write_text("冰毒 drugs\n", encoding="utf-8")
    settings.ZILU_SCREENING_TERMS = [str(terms)]
    reset_screener()
    yield
    reset_screener()


@pytest.mark.parametrize("address", ["203.0.113.7", "10.0.0.1", "2001:db8::1", "127.0.0.2"])
def test_metrics_are_not_found_for_other_addresses(client, address):
    response = client.get("/metrics", REMOTE_ADDR=address)
    assert response.status_code == 404
    assert b"zilu_" not in response.content


def test_allowed_networks_come_from_settings(client, settings):
    settings.METRICS_ALLOW_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::ffff:10.1.1.1").status_code == 200  # dual-stack socket
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_metrics_count_requests_queries_reports_and_screening(client, users, banks):
    before = scrape(client)
    submit_ok(client, category="fraud")
    key_client = Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_key(users['member'], 'ci').token}")
    single = key_client.post("/api/v1/screen", {"text": "出售冰毒"}, content_type="application/json")
    assert single.status_code == 200
    batch = key_client.post(
        "/api/v1/screen/batch", {"items": [{"text": "你好"}, {"text": "冰毒"}]}, content_type="application/json"
    )
    assert batch.status_code == 200
    blocked = single.json()["suggestion"]
    after = scrape(client)

    assert value(after, "zilu_reports_accepted_total", category="fraud") == (
        value(before, "zilu_reports_accepted_total", category="fraud") + 1
    )
    assert value(after, "zilu_screen_requests_total", kind="post") == (
        value(before, "zilu_screen_requests_total", kind="post") + 2
    )
    assert value(after, "zilu_screened_total", kind="post", suggestion="pass") == (
        value(before, "zilu_screened_total", kind="post", suggestion="pass") + 1
    )
    assert value(after, "zilu_screened_total", kind="post", suggestion=blocked) == (
        value(before, "zilu_screened_total", kind="post", suggestion=blocked) + 2
    )
    # django-prometheus: latency by view, responses by status, database queries through the wrapped backend.
    names = {name for name, _labels in after}
    assert "django_http_requests_latency_seconds_by_view_method_count" in names
    assert value(after, "django_http_responses_total_by_status_total", status="201") >= 1
    assert any(
        name == "django_http_responses_total_by_status_view_method_total" and dict(labels).get("view") == "api:screen"
        for name, labels in after
    ), sorted(dict(labels).get("view", "") for name, labels in after if "view" in dict(labels))
    from django.db import connection

    assert value(after, "django_db_execute_total", alias="default", vendor=connection.vendor) > value(
        before, "django_db_execute_total", alias="default", vendor=connection.vendor
    )
    # The outbox backlog, read from the database when scraped.
    assert ("zilu_outbox_pending", frozenset()) in after


def _run(script: str, env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zilu.settings", **env}
    full_env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each script chooses its own
    full_env.pop("ZILU_DATABASE_URL", None)  # and works on a SQLite file under its ZILU_VAR_DIR
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=REPO_ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_several_processes_are_added_up_in_one_scrape(tmp_path):
    """gunicorn's workers are forked processes: what each one counts shows in the scrape of any of them."""
    script = """
        import os, sys
        import django
        django.setup()
        from django.db import connection, connections
        from zilu.core import metrics
        connection.cursor().execute("SELECT 1")  # as `zilu serve` migrates before it starts the workers
        metrics.prepare_multiprocess_dir(os.environ["METRICS_DIR"])
        connections.close_all()
        for n in range(2):                     # two "workers", each counting, then exiting
            pid = os.fork()
            if pid == 0:
                metrics.report_accepted("fraud")
                metrics.task_enqueued("zilu.core.send_notification_email")
                connection.cursor().execute("SELECT 1")
                os._exit(0)
            os.waitpid(pid, 0)
            metrics.mark_process_dead(pid)
        metrics.task_send_failed("zilu.core.send_notification_email")
        from django.test import Client
        response = Client().get("/metrics")
        assert response.status_code == 200, response.status_code
        sys.stdout.write(response.content.decode())
    """
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"stale")  # an earlier run's file is removed
    (metrics_dir / "keep.txt").write_text("not ours")
    result = _run(script, {"METRICS_DIR": str(metrics_dir), "ZILU_VAR_DIR": str(tmp_path / "var")})
    assert result.returncode == 0, result.stderr
    scraped = samples(result.stdout)
    assert value(scraped, "zilu_reports_accepted_total", category="fraud") == 2
    assert value(scraped, "zilu_tasks_enqueued_total", task="zilu.core.send_notification_email") == 2
    assert value(scraped, "zilu_task_send_failures_total", task="zilu.core.send_notification_email") == 1
    assert value(scraped, "django_db_execute_total", alias="default", vendor="sqlite") >= 2  # the workers' queries
    assert (metrics_dir / "keep.txt").exists()
    assert not (metrics_dir / "counter_999999.db").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_worker_metrics_count_tasks_by_outcome_across_the_pool(tmp_path):
    """A prefork worker runs tasks in child processes; its metrics port shows their counts, to allowed clients."""
    script = """
        import http.client, os, sys
        import django
        django.setup()
        from celery import shared_task
        from zilu.core import metrics

        server = metrics.start_worker_metrics(int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ["PORT"]))

        @shared_task(name="ops.ok")
        def ok():
            return 1

        @shared_task(name="ops.broken")
        def broken():
            raise ValueError("broken")

        @shared_task(name="ops.again", bind=True, max_retries=1)
        def again(self):
            raise self.retry(countdown=0)

        pid = os.fork()                         # a pool child
        if pid == 0:
            ok.apply(); ok.apply(); broken.apply(); again.apply()
            os._exit(0)
        os.waitpid(pid, 0)
        ok.apply()                              # and the main process

        def get(source):
            conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=5, source_address=(source, 0))
            conn.request("GET", "/metrics")
            response = conn.getresponse()
            return response.status, response.read().decode()

        status, body = get("127.0.0.2")
        assert status == 404, status
        status, body = get("127.0.0.1")
        assert status == 200, status
        sys.stdout.write(body)
        server.shutdown()
    """
    result = _run(script, {"PORT": str(_free_port()), "ZILU_VAR_DIR": str(tmp_path / "var")})
    assert result.returncode == 0, result.stderr
    scraped = samples(result.stdout)
    assert value(scraped, "zilu_tasks_succeeded_total", task="ops.ok") == 3
    assert value(scraped, "zilu_tasks_failed_total", task="ops.broken") == 1
    assert value(scraped, "zilu_tasks_retried_total", task="ops.again") >= 1
    assert list((tmp_path / "var" / "metrics").glob("worker-*/*.db"))  # multiprocess mode, under ZILU_VAR_DIR


def test_a_malformed_allow_list_stops_startup():
    result = _run("import zilu.settings", {"ZILU_METRICS_ALLOW": "127.0.0.1,not-an-address"})
    assert result.returncode != 0
    assert "ZILU_METRICS_ALLOW" in result.stderr
