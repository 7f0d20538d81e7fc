"""The command line as a new user meets it: help, the demo (twice), serving, and production settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

LONG_KEY = "Zq7-kP2x" * 8  # 64 characters, varied enough for check --deploy


def zilu(*args: str, cwd: Path, extra_env: dict[str, str] | None = None, timeout: int = 120):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZILU_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"ZILU_VAR_DIR": str(cwd / "var"), "ZILU_SHARED_DIR": str(cwd / "no-shared")})
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "zilu", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_help_lists_every_subcommand(tmp_path):
    result = zilu("--help", cwd=tmp_path)
    assert result.returncode == 0
    for name in ("demo", "serve", "worker", "audit", "convention", "calendar", "manage"):
        assert f"    {name}" in result.stdout


def test_demo_creates_accounts_once_and_reuses_them(tmp_path):
    first = zilu("demo", "--no-serve", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "loaded version 1 (25 articles, effective 2021-07-15)" in first.stdout
    logins = [line.split() for line in first.stdout.splitlines() if "password:" in line]
    assert [row[1] for row in logins] == ["admin", "staff", "supervisor", "member", "public"]
    assert (tmp_path / "var" / "zilu.sqlite3").exists()
    after_first = zilu("audit", "verify", cwd=tmp_path)
    assert after_first.returncode == 0 and "audit chain OK" in after_first.stdout
    second = zilu("demo", "--no-serve", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "found version 1" in second.stdout
    assert [line.split() for line in second.stdout.splitlines() if "password:" in line] == logins
    verify = zilu("audit", "verify", cwd=tmp_path)
    assert verify.returncode == 0 and verify.stdout == after_first.stdout  # the second run added nothing


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_http(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZILU_")}
    env.update({"ZILU_VAR_DIR": str(tmp_path / "var"), "ZILU_SHARED_DIR": str(tmp_path / "none")})
    proc = subprocess.Popen(
        [sys.executable, "-m", "zilu", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.25)
        assert 'id="report-entrance"' in body
        assert 'id="art-12"' in body
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ZILU_ENV": "production"}, "ZILU_SECRET_KEY is required"),
        ({"ZILU_ENV": "production", "ZILU_SECRET_KEY": "short"}, "at least 50 characters"),
        ({"ZILU_ENV": "production", "ZILU_SECRET_KEY": LONG_KEY}, "ZILU_ALLOWED_HOSTS is required"),
        (
            {"ZILU_ENV": "production", "ZILU_SECRET_KEY": LONG_KEY, "ZILU_ALLOWED_HOSTS": "zilu.example.cn"},
            "ZILU_BASE_URL is required",
        ),
        ({"ZILU_ENV": "staging"}, "ZILU_ENV must be"),
        ({"ZILU_DATABASE_URL": "nonsense://"}, "ZILU_DATABASE_URL is not a valid database URL"),
        ({"ZILU_DEBUG": "maybe"}, "ZILU_DEBUG must be true or false"),
    ],
)
def test_bad_configuration_stops_with_one_line(tmp_path, env, message):
    result = zilu("manage", "check", cwd=tmp_path, extra_env=env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("zilu: configuration error:") and message in lines[0]


def test_production_settings_pass_check_deploy(tmp_path):
    result = zilu(
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        cwd=tmp_path,
        extra_env={
            "ZILU_ENV": "production",
            "ZILU_SECRET_KEY": LONG_KEY,
            "ZILU_ALLOWED_HOSTS": "zilu.example.cn",
            "ZILU_BASE_URL": "https://zilu.example.cn",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_calendar_command_marks_deadlines_beyond_the_calendar_provisional(tmp_path):
    ok = zilu("calendar", "period", "2021-07-15", "30", cwd=tmp_path)
    assert ok.returncode == 0 and ok.stdout.strip() == "2021-08-16"
    # 28-31 Dec, then New Year's Day is a statutory holiday: the tenth working day is Monday 11 January
    beyond = zilu("calendar", "workdays", "2026-12-25", "10", cwd=tmp_path)
    assert beyond.returncode == 0 and beyond.stdout.strip() == "2027-01-11 (provisional)"
    bad = zilu("calendar", "workdays", "2026-12-25", "0", cwd=tmp_path)
    assert bad.returncode != 0 and "at least one working day" in bad.stderr


def test_serve_logs_one_json_object_per_line_in_json_mode(tmp_path):
    """With ZILU_LOG_FORMAT=json every line the server writes after start-up is JSON: granian's own lines and the
    access lines, which carry the request id."""
    import json

    from tests.processes import Proc, base_env, call, free_port, wait_http

    port = free_port()
    env = base_env(tmp_path / "var", ZILU_LOG_FORMAT="json")
    (tmp_path / "var").mkdir()
    proc = Proc(["serve", "--port", str(port), "--workers", "2"], env, tmp_path, "serve")
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", proc)
        status, _headers, _body = call(
            "GET", f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "probe-12345678"}
        )
        assert status == 200
        time.sleep(0.5)
    finally:
        proc.stop()
    lines = proc.output().split("Zilu is serving on", 1)[1].splitlines()[1:]
    entries = [json.loads(line) for line in lines if line.strip()]
    assert any(e["logger"].startswith("_granian") and "worker" in e["message"] for e in entries)
    access = [e for e in entries if e["logger"] == "zilu.access" and e["request_id"] == "probe-12345678"]
    assert access and access[0]["path"] == "/healthz" and access[0]["status"] == 200
