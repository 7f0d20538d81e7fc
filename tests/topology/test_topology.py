"""The production topology on this machine, broken on purpose, through HTTP only.

PostgreSQL (a fresh database, reached through a TCP proxy of the test's own), Redis (broker and shared cache), two
``zilu serve --workers 2`` on two ports, two ``zilu worker`` and one ``zilu worker --beat``. The test files reports
on both web processes and sees a worker e-mail their notifications; adds a bank entry so that a takedown sweep fans
out over both workers; kills one worker (SIGKILL, its children too) mid-sweep and sees the sweep finish with every
chunk counted once within the documented bound; cuts the database off for a few seconds and sees the API answer 503
problem+json meanwhile, and every report that got a tracking number present exactly once afterwards. It stops
everything it started.

Not part of the default run (``tests/conftest.py`` leaves this folder out unless ``ZILU_TOPOLOGY=1``): ``.ci/run``
runs it after the suites, as ``ZILU_TOPOLOGY=1 .venv/bin/pytest -n 0 tests/topology``.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.conftest import IN_CI
from tests.processes import Proc, base_env, call, free_port, require_redis, wait_for, wait_http
from tests.topology.proxy import TcpProxy

PG_ADMIN = os.environ.get("ZILU_TOPOLOGY_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("ZILU_TOPOLOGY_REDIS", "redis://127.0.0.1:6379/12")
ITEMS = 6000  # published review items the sweep screens again
TERM = "拓扑测试违禁词"
RECOVERY_BOUND = 60  # seconds: a chunk of a killed worker is screened again within this (docs/deployment.md)
DESCRIPTION = "该网站首页公开售卖违禁药品并留有联系方式，请核查。"


def _pg(dbname: str = "postgres") -> psycopg.Connection:
    parts = urllib.parse.urlsplit(PG_ADMIN)
    return psycopg.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres", dbname=dbname, autocommit=True
    )


@pytest.fixture
def database():
    try:
        admin = _pg()
    except psycopg.OperationalError as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"PostgreSQL not reachable ({exc})")
    name = f"zilu_topology_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


class Site:
    """A signed-in browser-like client of one web process (session cookie and CSRF token)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self, username: str, password: str) -> None:
        page = self.opener.open(f"{self.base}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
        request = urllib.request.Request(
            f"{self.base}/accounts/login/", data=data.encode(), headers={"Referer": f"{self.base}/accounts/login/"}
        )
        self.opener.open(request).read()
        assert any(c.name == "sessionid" for c in self.jar), "login failed"

    def post_json(self, path: str, payload: dict) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{self.base}{path}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self._csrf(), "Referer": self.base},
            method="POST",
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")


def _file_report(base: str, member_id: int) -> tuple[int, dict, dict]:
    return call(
        "POST",
        f"{base}/api/v1/reports",
        {"category": "drugs", "description": f"{DESCRIPTION}{uuid.uuid4().hex}", "member": str(member_id)},
        form=True,
    )


def _children(pid: int) -> set[int]:
    """The process ids of a process's children (a Celery worker's pool)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def _seed_items(var: Path, env: dict[str, str], count: int) -> None:
    """Published review items of the demo member, a third of them with the term the bank will gain (setup only:
    written by a shell in bulk, since only the sweep over them is under test)."""
    script = f"""
from django.utils import timezone
from zilu.members.models import Member
from zilu.review.models import ReviewItem
member = Member.objects.filter(status="active").order_by("pk").first()
now = timezone.now()
ReviewItem.objects.bulk_create([
    ReviewItem(member=member, external_id=f"topo-{{i}}",
               text=("今天的帖子" + ("{TERM}" if i % 3 == 0 else "平常内容")) * 20,
               content_sha256="0" * 64, status="publishable", suggestion="pass", published_at=now)
    for i in range({count})
], batch_size=1000)
print(ReviewItem.objects.count())
"""
    proc = Proc(["manage", "shell", "-c", script], env, var, "seed")
    assert proc.popen.wait(timeout=300) == 0, proc.output()
    proc.stop()


def test_the_production_topology_survives_a_killed_worker_and_a_database_outage(database):
    require_redis(REDIS)
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    proxy = TcpProxy(("127.0.0.1", 5432))
    # Logs of every process stay here when the test fails (pytest's tmp_path is rotated by later runs).
    var = Path(tempfile.mkdtemp(prefix="zilu-topology-"))
    env = base_env(
        var,
        ZILU_DATABASE_URL=f"postgresql://postgres@127.0.0.1:{proxy.port}/{database}",
        ZILU_BROKER_URL=REDIS,
        ZILU_CACHE_URL=REDIS,
        ZILU_QUEUE=f"zilu-topology-{uuid.uuid4().hex[:8]}",
        ZILU_REPORT_RATE_LIMIT="0",
        ZILU_REPORT_CAPTCHA_AFTER="-1",
        ZILU_REVIEW_SWEEP_CHUNK="250",
        ZILU_OUTBOX_RESEND_AFTER="5",
    )
    procs: list[Proc] = []
    db = _pg(database)
    try:
        prepare = Proc(["demo", "--no-serve"], env, var, "prepare")
        assert prepare.popen.wait(timeout=300) == 0, prepare.output()
        prepare.stop()
        logins = json.loads((var / "demo-logins.json").read_text())
        member_id = db.execute("SELECT id FROM members_member WHERE status = 'active' ORDER BY id").fetchone()[0]
        _seed_items(var, env, ITEMS)

        ports = [free_port(), free_port()]
        webs = [Proc(["serve", "--port", str(p), "--workers", "2"], env, var, f"web{p}") for p in ports]
        workers = [Proc(["worker", "--concurrency", "1"], env, var, f"worker{i}") for i in (1, 2)]
        beat = Proc(["worker", "--beat", "--concurrency", "1"], env, var, "beat")
        procs += [*webs, *workers, beat]
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        for base, web in zip(bases, webs, strict=True):
            wait_http(f"{base}/healthz", web, seconds=180)

        # 1. Reports on both web processes; a worker e-mails their notifications.
        accepted: list[str] = []
        for i in range(20):
            status, _h, body = _file_report(bases[i % 2], member_id)
            assert status == 201, body
            accepted.append(body["tracking_number"])

        def emailed() -> bool:
            pending = db.execute(
                "SELECT count(*) FROM core_notification n JOIN core_user u ON u.id = n.user_id "
                "WHERE u.email <> '' AND n.emailed_at IS NULL"
            ).fetchone()[0]
            total = db.execute("SELECT count(*) FROM core_notification").fetchone()[0]
            return total > 0 and pending == 0

        wait_for(emailed, "notifications were not e-mailed by the workers", seconds=120, every=1)

        # 2. A bank entry in service starts a sweep, fanned out in chunks over the workers.
        staff = Site(bases[0])
        staff.login("staff", logins["staff"])
        status, body = staff.post_json(
            "/api/v1/banks/terms/entries",
            {"entry": {"term": TERM, "labels": ["illegal"], "severity": 3}, "reason": "topology test"},
        )
        assert status == 201, body
        sweep_id = wait_for(
            lambda: (db.execute("SELECT max(id) FROM review_sweep").fetchone() or [None])[0], "no sweep", seconds=60
        )
        chunks = db.execute("SELECT count(*) FROM review_sweepchunk WHERE sweep_id = %s", (sweep_id,)).fetchone()[0]
        assert chunks == ITEMS // 250

        # 3. Kill one worker (and its pool) mid-sweep.
        pool = _children(workers[0].popen.pid)

        def busy_in_pool() -> int | None:
            for chunk_id, claimed_by in db.execute(
                "SELECT id, claimed_by FROM review_sweepchunk WHERE sweep_id = %s AND status = 'running'", (sweep_id,)
            ).fetchall():
                if int(claimed_by.rsplit(":", 1)[-1]) in pool:
                    return chunk_id
            return None

        victim = wait_for(busy_in_pool, "no chunk ran on the first worker", seconds=120, every=0.05)
        workers[0].kill()  # mid-chunk: its transaction is cut short
        killed_at = time.monotonic()

        def finished() -> bool:
            return db.execute("SELECT status FROM review_sweep WHERE id = %s", (sweep_id,)).fetchone()[0] == "finished"

        wait_for(finished, "the sweep did not finish after a worker was killed", seconds=RECOVERY_BOUND + 240, every=1)
        recovered_in = time.monotonic() - killed_at
        total, processed, notices = db.execute(
            "SELECT total, processed, notices FROM review_sweep WHERE id = %s", (sweep_id,)
        ).fetchone()
        assert (total, processed, notices) == (ITEMS, ITEMS, len(range(0, ITEMS, 3)))  # each chunk counted once
        assert db.execute("SELECT count(*) FROM review_takedownnotice").fetchone()[0] == len(range(0, ITEMS, 3))
        status, claimed_by = db.execute(
            "SELECT status, claimed_by FROM review_sweepchunk WHERE id = %s", (victim,)
        ).fetchone()
        assert status == "done" and int(claimed_by.rsplit(":", 1)[-1]) not in pool  # redone by another worker
        assert recovered_in < RECOVERY_BOUND
        per_process = db.execute(
            "SELECT claimed_by, count(*) FROM review_sweepchunk WHERE sweep_id = %s GROUP BY claimed_by", (sweep_id,)
        ).fetchall()
        assert len(per_process) >= 2, per_process  # the work was shared
        print(f"topology: sweep of {ITEMS} items finished {recovered_in:.1f} s after the kill; chunks {per_process}")

        # 4. Cut the database off while clients keep filing reports on both web processes.
        results: list[tuple[int, dict]] = []
        stop = threading.Event()

        def keep_filing(base: str) -> None:
            while not stop.is_set():
                status, headers, body = _file_report(base, member_id)
                results.append((status, headers, body))
                time.sleep(0.05)

        threads = [threading.Thread(target=keep_filing, args=(base,)) for base in bases]
        for thread in threads:
            thread.start()
        time.sleep(2)
        proxy.cut()
        time.sleep(1)
        during = [call("GET", f"{base}/api/v1/audit/head") for base in bases]
        time.sleep(4)
        proxy.restore()
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

        for status, headers, body in during:
            assert status == 503, body
            assert headers.get("Content-Type", "").startswith("application/problem+json")
            assert body["type"] == "urn:zilu:problem:service_unavailable" and "Retry-After" in headers
        statuses = [status for status, _h, _b in results]
        assert 503 in statuses and statuses.count(201) > 0, statuses
        assert set(statuses) <= {201, 503}, statuses  # an outage is never a 500
        accepted += [body["tracking_number"] for status, _h, body in results if status == 201]
        after = _file_report(bases[1], member_id)
        assert after[0] == 201, after  # served again once the database is back
        accepted.append(after[2]["tracking_number"])

        # The tracking number is the report's id (JB00000042): each accepted one is stored, and stored once.
        ids = [int(number.removeprefix("JB")) for number in accepted]
        stored = [row[0] for row in db.execute("SELECT id FROM reports_report WHERE id = ANY(%s)", (ids,))]
        assert sorted(stored) == sorted(ids) and len(ids) == len(set(ids))
        descriptions = db.execute(
            "SELECT count(*), count(DISTINCT description) FROM reports_report WHERE description LIKE %s",
            (DESCRIPTION + "%",),
        ).fetchone()
        assert descriptions[0] == descriptions[1]  # no report stored twice
        # A connection cut during COMMIT can leave a report stored whose client got 503 (the acknowledgement was lost
        # on the way back): kept, not lost; a resubmission of the same text is linked to it as a duplicate.
        unacknowledged = descriptions[0] - len(accepted)
        assert 0 <= unacknowledged <= statuses.count(503)
        print(f"topology: {len(accepted)} reports accepted, {statuses.count(503)} answered 503 during the outage "
              f"({unacknowledged} of them stored all the same), {proxy.refused} database connections refused by the "
              "proxy")  # fmt: skip

        # Every notification of every accepted report is e-mailed in the end (the outbox and retries).
        wait_for(emailed, "notifications were lost in the outage", seconds=180, every=1)
    except BaseException:
        for proc in procs:
            print(f"===== {proc.name} (whole log: {proc.log_path})\n{proc.output()[-4000:]}")
        raise
    else:
        shutil.rmtree(var, ignore_errors=True)
    finally:
        for proc in procs:
            proc.stop()
        db.close()
        proxy.stop()
