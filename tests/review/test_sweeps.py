"""Takedown sweeps: a bank update re-screens recently published items and creates notices exactly once, also when
the worker dies mid-sweep (in-process here, and on a real Celery worker with Redis under the ``broker`` marker)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from tests.conftest import IN_CI
from tests.core.test_tasks import REDIS_URL, _reachable
from zilu.banks.actions import do_contribute
from zilu.core.system import SystemActor
from zilu.review import sweeps
from zilu.review.models import ReviewItem, Sweep, SweepChunk, TakedownNotice

NEW_TERM = {"term": "假疫苗", "labels": ["health"], "severity": 3}
TEXTS = ["今天天气很好", "这里有假疫苗出售", "假疫苗广告", "普通的帖子", "又一个假疫苗", "无关内容", "假疫苗！"]
HITS = {"p-1", "p-2", "p-4", "p-6"}


def _publish_items(key_for) -> None:
    system = key_for("member")
    for i, text in enumerate(TEXTS):
        response = system.post(
            "/api/v1/review/items", {"external_id": f"p-{i}", "text": text}, content_type="application/json"
        )
        assert response.json()["status"] == "publishable", response.content


def _notices() -> list[str]:
    return sorted(TakedownNotice.objects.values_list("item__external_id", flat=True))


@pytest.mark.django_db
def test_a_bank_update_sweeps_published_items_and_notifies_once(
    key_for, client_for, django_capture_on_commit_callbacks
):
    _publish_items(key_for)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("staff").post(
            "/api/v1/banks/terms/entries",
            {"entry": NEW_TERM, "reason": "fake vaccines"},
            content_type="application/json",
        )
    assert response.status_code == 201
    sweep = Sweep.objects.get()
    assert (sweep.status, sweep.total, sweep.processed, sweep.notices) == ("finished", 7, 7, 4)
    assert _notices() == sorted(HITS)
    assert TakedownNotice.objects.get(item__external_id="p-1").hits[0]["entry"] == "假疫苗"

    # Sweeping again (the CLI, with its progress bar off) finds nothing new: notices exist once.
    out = StringIO()
    call_command("review", "sweep", "--no-progress", stdout=out)
    assert "screened 7/7, notices 0" in out.getvalue()
    assert _notices() == sorted(HITS)

    # The member sees the notices and the sweep's progress; another member sees none of them.
    page = client_for("member").get("/review/notices/")
    assert page.status_code == 200 and "p-4" in page.content.decode() and "100%" in page.content.decode()
    assert "p-4" not in client_for("other_member").get("/review/notices/").content.decode()
    assert [n["external_id"] for n in client_for("member").get("/api/v1/review/notices").json()] != []


@pytest.mark.django_db
def test_a_sweep_interrupted_mid_chunk_resumes_without_losing_or_duplicating_notices(key_for, settings):
    _publish_items(key_for)
    settings.ZILU_REVIEW_SWEEP_CHUNK = 3
    do_contribute(SystemActor("cli:tests"), "terms", NEW_TERM, reason="fake vaccines")  # no commit hooks run here
    sweep = sweeps.start_sweep(SystemActor("cli:tests"), "test")
    assert sweep.total == 7

    assert SweepChunk.objects.filter(sweep=sweep).count() == 3  # 7 items in chunks of 3, one task each
    assert sweeps.run_chunk(sweep.pk) is True  # items 0-2: p-1 and p-2 notified
    seen = []

    def die_after_two(item):
        seen.append(item.external_id)
        if len(seen) == 2:
            raise SystemExit("worker killed")  # mid-chunk, after p-3 was screened in the transaction

    with pytest.raises(SystemExit):
        sweeps.run_chunk(sweep.pk, on_item=die_after_two)
    sweep.refresh_from_db()
    assert (sweep.status, sweep.processed, sweep.notices) == ("running", 3, 2)
    assert _notices() == ["p-1", "p-2"]  # the dead chunk's work rolled back with it
    dead = SweepChunk.objects.get(sweep=sweep, status="running")  # claimed by the dead worker, held by nobody
    assert dead.first_item == ReviewItem.objects.get(external_id="p-3").pk

    # Not yet: a fresh claim may belong to a worker that is still busy.
    assert sweeps.release_dead_claims() == []
    # Later, the periodic task gives the chunk back and sends it again (in-process, after the commit).
    with transaction.atomic():
        assert sweeps.resume_stalled(now=timezone.now() + timedelta(minutes=5)) == 1
    dead.refresh_from_db()
    assert dead.status == "pending"
    # In a test the commit hooks do not fire; run what the resent tasks run.
    assert sweeps.run_sweep(sweep.pk) is True
    sweep.refresh_from_db()
    assert (sweep.status, sweep.processed, sweep.notices) == ("finished", 7, 4)
    assert list(SweepChunk.objects.filter(sweep=sweep).values_list("status", "processed")) == [
        ("done", 3),
        ("done", 3),
        ("done", 1),
    ]
    assert _notices() == sorted(HITS)
    # A chunk task delivered twice (e.g. redelivered by the broker after the commit) finds its chunk done.
    assert sweeps.run_chunk_id(dead.pk) is False
    sweep.refresh_from_db()
    assert (sweep.processed, sweep.notices) == (7, 4)
    # A chunk screened twice all the same adds no notice.
    SweepChunk.objects.filter(sweep=sweep).update(status="pending")
    Sweep.objects.filter(pk=sweep.pk).update(status="running")
    sweeps.run_sweep(sweep.pk)
    assert _notices() == sorted(HITS)


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_sweep_on_a_real_celery_worker_survives_a_killed_chunk(key_for, settings, monkeypatch):
    if not _reachable(REDIS_URL):
        if IN_CI:
            pytest.fail(f"Redis is required in CI at {REDIS_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_URL} (set ZILU_TEST_REDIS_URL)")
    from celery.contrib.testing.worker import start_worker

    from zilu.celery import app

    _publish_items(key_for)
    settings.ZILU_REVIEW_SWEEP_CHUNK = 2
    real = sweeps.run_chunk_id
    calls = {"n": 0}

    def flaky(chunk_id, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the second chunk dies after screening its first item

            def die(item):
                raise RuntimeError("worker lost")

            return real(chunk_id, on_item=die)
        return real(chunk_id, **kwargs)

    monkeypatch.setattr(sweeps, "run_chunk_id", flaky)
    queue = f"zilu-test-{uuid.uuid4().hex}"
    saved = {k: app.conf[k] for k in ("broker_url", "task_default_queue")}
    app.conf.broker_url = REDIS_URL
    app.conf.task_default_queue = queue
    app.__dict__.pop("amqp", None)  # its queues and routes are cached from the conf of the first worker started
    settings.BROKER_URL = REDIS_URL
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=20):
            with transaction.atomic():
                do_contribute(SystemActor("cli:tests"), "terms", NEW_TERM, reason="fake vaccines")
            sweep = _wait(lambda: Sweep.objects.first(), "no sweep started")
            # Four chunks of 2: three are screened, one dies and stays claimed by nobody.
            _wait(lambda: calls["n"] >= 4 and Sweep.objects.get(pk=sweep.pk).processed == 5, "the chunks did not run")
            time.sleep(0.5)
            sweep.refresh_from_db()
            assert sweep.status == "running" and sweep.processed == 5  # stuck after the killed chunk
            with transaction.atomic():
                assert sweeps.resume_stalled(now=timezone.now() + timedelta(minutes=5)) == 1
            _wait(lambda: Sweep.objects.get(pk=sweep.pk).status == "finished", "the resumed sweep did not finish")
        sweep.refresh_from_db()
        assert (sweep.processed, sweep.notices) == (7, 4)
        assert _notices() == sorted(HITS)
    finally:
        app.conf.update(saved)
        app.__dict__.pop("amqp", None)
        app._pool = None


def _wait(probe, message, seconds: float = 120.0):  # generous: CI machines and shared workstations are slow
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = probe()
        except OperationalError as exc:
            # SQLite's shared in-memory test database locks a whole table while the worker thread writes to it; the
            # probe reads again. Any other database error is a failure.
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            value = None
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(message)
