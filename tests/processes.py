"""Start real Zilu processes for tests of the production path: ``zilu serve``, ``zilu worker``, each a subprocess
with its own environment, stopped (and killed if need be) when the test ends."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import IN_CI

REDIS_URL = os.environ.get("ZILU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def reachable(url: str, default_port: int = 6379) -> bool:
    """Whether something listens at the URL's host and port."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def require_redis(url: str = REDIS_URL) -> str:
    """Skip when Redis is absent, except in CI, where it must be there."""
    if not reachable(url):
        if IN_CI:
            pytest.fail(f"Redis is required in CI at {url}")
        pytest.skip(f"Redis not reachable at {url} (set ZILU_TEST_REDIS_URL)")
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The test run's environment without its ZILU_* settings, with a var dir of its own and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZILU_", "PROMETHEUS_"))}
    env.update({"ZILU_VAR_DIR": str(var_dir), "ZILU_SHARED_DIR": str(var_dir / "no-shared-data")})
    env.update(extra)
    return env


class Proc:
    """A Zilu subprocess whose output goes to a log file (read it when an assertion fails)."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, name: str) -> None:
        self.log_path = cwd / f"{name}.log"
        self.log = self.log_path.open("wb")
        self.name = name
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "zilu", *args],
            cwd=cwd,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() reaches the server's and Celery's children
        )

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole process group (the main process and its children), as a crash would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()
        else:  # the main process is gone; make sure no child is left
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
        self.log.close()


def wait_http(url: str, proc: Proc, seconds: float = 90.0) -> None:
    """Wait until ``url`` answers (any status)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.popen.poll() is not None:
            pytest.fail(f"{proc.name} exited with {proc.popen.returncode}:\n{proc.output()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"{url} did not answer within {seconds} s:\n{proc.output()[-3000:]}")


def wait_for(probe: Any, message: str, seconds: float = 60.0, every: float = 0.25) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(every)
    pytest.fail(message)


def call(method: str, url: str, data: dict[str, Any] | None = None, *, form: bool = False, headers: dict[str, str]
         | None = None) -> tuple[int, Any, Any]:  # fmt: skip
    """One HTTP request; returns (status, headers, parsed JSON or text)."""
    body = None
    all_headers = dict(headers or {})
    if data is not None:
        if form:
            from urllib.parse import urlencode

            body = urlencode(data).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = json.dumps(data).encode()
            all_headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, response_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, response_headers, raw = exc.code, exc.headers, exc.read()  # header names in any case
    text = raw.decode("utf-8", errors="replace")
    try:
        return status, response_headers, json.loads(text)
    except ValueError:
        return status, response_headers, text


NUMERALS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _number(text: str) -> int:
    if "十" not in text:
        return NUMERALS[text]
    tens, _, ones = text.partition("十")
    return (NUMERALS[tens] if tens else 1) * 10 + (NUMERALS[ones] if ones else 0)


def solve_captcha(question: str) -> str:
    """The answer to the report form's arithmetic question ("二十三加五等于多少？")."""
    expression = question.removesuffix("等于多少？")
    operator = "加" if "加" in expression else "减"
    left, right = expression.split(operator)
    return str(_number(left) + _number(right) if operator == "加" else _number(left) - _number(right))
