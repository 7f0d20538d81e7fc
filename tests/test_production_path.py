"""The production path with real processes: ``zilu serve`` with several granian workers, ``zilu worker`` on Redis,
and state that holds across web processes (the shared cache), with the embedded default and with Redis."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.processes import Proc, base_env, call, free_port, require_redis, solve_captcha, wait_for, wait_http

DESCRIPTION = "这个网站在首页公开售卖违禁药品，并留有联系方式，请核查处理。"


def _prepare(var: Path, env: dict[str, str]) -> None:
    """Migrate and create the demo accounts and member once, before several processes start on the same data."""
    var.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "zilu", "demo", "--no-serve"], cwd=var, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def _demo_member_id(var: Path) -> int:
    with sqlite3.connect(var / "zilu.sqlite3") as db:
        return db.execute("SELECT id FROM members_member WHERE status = 'active' ORDER BY id LIMIT 1").fetchone()[0]


def _report(base: str, member_id: int, **extra: str) -> tuple[int, dict]:
    status, _headers, body = call(
        "POST",
        f"{base}/api/v1/reports",
        {"category": "drugs", "description": DESCRIPTION + uuid.uuid4().hex, "member": str(member_id), **extra},
        form=True,
    )
    return status, body


@pytest.mark.broker
def test_a_report_filed_on_the_web_reaches_a_separate_worker_through_redis(tmp_path):
    """The web process enqueues on the configured broker (not Celery's default app), and a `zilu worker` in another
    process e-mails the notifications."""
    redis_url = require_redis()
    var = tmp_path / "var"
    env = base_env(var, ZILU_BROKER_URL=redis_url, ZILU_QUEUE=f"zilu-test-{uuid.uuid4().hex}")
    _prepare(var, env)
    port = free_port()
    web = Proc(["serve", "--port", str(port), "--workers", "2", "--threads", "2"], env, var, "web")
    worker = Proc(["worker", "--concurrency", "1"], env, var, "worker")
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/", web)
        status, receipt = _report(base, _demo_member_id(var))
        assert status == 201, receipt

        def emailed() -> list[tuple]:
            with sqlite3.connect(var / "zilu.sqlite3", timeout=10) as db:
                return db.execute(
                    "SELECT n.id, n.emailed_at FROM core_notification n JOIN core_user u ON u.id = n.user_id "
                    "WHERE u.email != '' AND n.emailed_at IS NOT NULL"
                ).fetchall()

        wait_for(emailed, f"no notification was e-mailed by the worker:\n{worker.output()[-3000:]}", seconds=90)
        with sqlite3.connect(var / "zilu.sqlite3") as db:
            pending = db.execute("SELECT count(*) FROM core_outboxmessage WHERE sent_at IS NULL").fetchone()[0]
            sent = db.execute("SELECT count(*) FROM core_outboxmessage WHERE sent_at IS NOT NULL").fetchone()[0]
        assert (pending, sent > 0) == (0, True)
        assert "zilu.core.send_notification_email" in worker.output()  # the worker, not the web process, ran it
    finally:
        web.stop()
        worker.stop()


@pytest.mark.parametrize("cache", ["embedded", "redis"])
def test_captcha_tokens_and_rate_limits_hold_across_web_processes(tmp_path, cache):
    """A one-time CAPTCHA answer used on one process is refused on the other; the hourly limit counts both."""
    extra = {"ZILU_REPORT_CAPTCHA_AFTER": "0", "ZILU_REPORT_RATE_LIMIT": "3"}
    if cache == "redis":
        redis_url = require_redis()
        extra["ZILU_CACHE_URL"] = redis_url
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    var = tmp_path / "var"
    env = base_env(var, **extra)
    _prepare(var, env)
    ports = [free_port(), free_port()]
    webs = [Proc(["serve", "--port", str(p), "--workers", "1"], env, var, f"web{i}") for i, p in enumerate(ports)]
    try:
        one, two = (f"http://127.0.0.1:{p}" for p in ports)
        for base, web in zip((one, two), webs, strict=True):
            wait_http(f"{base}/", web)
        member_id = _demo_member_id(var)

        _s, _h, challenge = call("GET", f"{one}/api/v1/reports/captcha")
        assert challenge["required"] is True
        answer = {"captcha_token": challenge["token"], "captcha_answer": solve_captcha(challenge["question"])}
        status, body = _report(one, member_id, **answer)
        assert status == 201, body
        # The same answer again, on the other process: the token was burnt in the shared cache.
        status, body = _report(two, member_id, **answer)
        assert status == 422 and body["errors"][0]["code"] == "captcha_used", body

        _s, _h, challenge = call("GET", f"{two}/api/v1/reports/captcha")
        answer = {"captcha_token": challenge["token"], "captcha_answer": solve_captcha(challenge["question"])}
        status, body = _report(two, member_id, **answer)
        assert status == 201, body
        # Three attempts so far, on both processes: the fourth is over the limit of 3 an hour, wherever it lands.
        status, body = _report(one, member_id, **answer)
        assert status == 429, body
    finally:
        for web in webs:
            web.stop()
