"""Log lines carry the request id: one JSON object per line with ZILU_LOG_FORMAT=json, text otherwise; gunicorn's
access lines are formatted the same way."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUEST_ID = "probe-0123456789"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def capture(request) -> Iterator[io.StringIO]:
    """A handler built from settings.LOGGING's formatter (json or text, by the test's parameter) and request-id
    filter, on the logger of the readiness checks."""
    configurator = logging.config.DictConfigurator(settings.LOGGING)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configurator.configure_formatter(dict(settings.LOGGING["formatters"][request.param])))
    handler.addFilter(configurator.configure_filter(dict(settings.LOGGING["filters"]["request_id"])))
    logger = logging.getLogger("zilu.core.health")
    # Another test in this process may have reconfigured logging (dictConfig disables loggers it does not name).
    saved = (logger.disabled, logger.level, logging.root.manager.disable)
    logger.disabled = False
    logger.setLevel(logging.INFO)
    logging.disable(logging.NOTSET)
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)
    logger.disabled, logger.level = saved[:2]
    logging.disable(saved[2])


@pytest.mark.parametrize("capture", ["json", "text"], indirect=True)
def test_a_log_line_written_while_serving_carries_the_request_id(client, settings, capture, request):
    settings.BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"  # the readiness probe logs the failed check
    response = client.get("/readyz", HTTP_X_REQUEST_ID=REQUEST_ID)
    assert response.status_code == 503
    assert response["X-Request-ID"] == REQUEST_ID
    lines = [line for line in capture.getvalue().splitlines() if "broker" in line]
    assert lines, capture.getvalue()
    if request.node.callspec.params["capture"] == "json":
        entry = json.loads(lines[0])
        assert entry["request_id"] == REQUEST_ID
        assert entry["level"] == "WARNING" and entry["logger"] == "zilu.core.health"
        assert entry["message"].startswith("readiness check broker:")
        assert entry["time"].endswith("Z")
    else:
        assert f"[{REQUEST_ID}]" in lines[0] and "WARNING zilu.core.health" in lines[0]


def test_json_format_from_the_environment_covers_every_line_and_gunicorn(tmp_path):
    """The real start: ZILU_LOG_FORMAT=json in the environment, Django set up, a request, an exception, and an access
    line as gunicorn writes it (its atoms as the record's arguments)."""
    script = """
        import logging, os
        import django
        django.setup()
        from django.test import Client
        response = Client().get("/readyz", HTTP_X_REQUEST_ID=os.environ["REQUEST_ID"])
        assert response.status_code == 503, response.status_code
        try:
            1 / 0
        except ZeroDivisionError:
            logging.getLogger("zilu.example").exception("something broke", extra={"report": 42})
        atoms = {"h": "10.0.0.1", "r": "GET /healthz HTTP/1.1", "s": "200", "m": "GET", "U": "/healthz", "q": "",
                 "B": "16", "D": "1234", "a": "curl/8", "{x-request-id}o": "gunicorn-0123456789"}
        logging.getLogger("gunicorn.access").info('%(h)s "%(r)s" %(s)s', atoms)
    """
    env = {
        **{k: v for k, v in os.environ.items() if k != "ZILU_DATABASE_URL"},  # a SQLite file under ZILU_VAR_DIR
        "DJANGO_SETTINGS_MODULE": "zilu.settings",
        "ZILU_LOG_FORMAT": "json",
        "REQUEST_ID": REQUEST_ID,
        "ZILU_VAR_DIR": str(tmp_path),
        "ZILU_BROKER_URL": f"redis://127.0.0.1:{_closed_port()}/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]  # every line is JSON
    assert {"time", "level", "logger", "message", "request_id"} <= set(entries[0])
    probe = [e for e in entries if e["logger"] == "zilu.core.health"]
    assert probe and all(e["request_id"] == REQUEST_ID for e in probe)
    (broken,) = [e for e in entries if e["logger"] == "zilu.example"]
    assert broken["request_id"] is None  # outside any request
    assert "ZeroDivisionError" in broken["exception"] and broken["report"] == 42
    (access,) = [e for e in entries if e["logger"] == "gunicorn.access"]
    assert access["message"] == '10.0.0.1 "GET /healthz HTTP/1.1" 200'
    assert access["request_id"] == "gunicorn-0123456789"
    assert access["http"] == {
        "remote": "10.0.0.1",
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "bytes": "16",
        "agent": "curl/8",
        "duration_ms": 1.234,
    }


def test_a_bad_log_format_stops_startup():
    result = subprocess.run(
        [sys.executable, "-c", "import zilu.settings"],
        cwd=REPO_ROOT,
        env={**os.environ, "ZILU_LOG_FORMAT": "xml"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0 and "ZILU_LOG_FORMAT" in result.stderr
