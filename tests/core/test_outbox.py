"""One Celery app in every process, and the outbox: a task whose send fails is kept and sent again later."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
import uuid

import pytest
from django.core import mail
from django.db import transaction

from tests.factories import UserFactory
from tests.processes import base_env, require_redis
from zilu.core import outbox
from zilu.core.models import Notification, OutboxMessage
from zilu.core.notify import notify
from zilu.core.roles import Role

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1

PROBE = """
import json, threading
from zilu.core.tasks import send_notification_email as task
seen = {}
def look():
    seen["thread"] = [task.app.main, task.app.conf.broker_url]
thread = threading.Thread(target=look)
thread.start()
thread.join()
seen["main"] = [task.app.main, task.app.conf.broker_url]
print(json.dumps(seen))
"""


@pytest.mark.parametrize("how", ["django.setup", "manage shell"])
def test_every_process_sends_to_the_configured_broker(tmp_path, how):
    """Not only `zilu worker`: a command, a shell or a web thread binds tasks to Zilu's app and ZILU_BROKER_URL
    (before, they bound to Celery's default app, which sends to amqp://guest@localhost//)."""
    broker = "redis://127.0.0.1:6390/3"
    env = base_env(tmp_path / "var", ZILU_BROKER_URL=broker)
    if how == "django.setup":
        argv = [sys.executable, "-c", "import django, os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'zilu.settings'\n"
                "django.setup()\n" + PROBE]  # fmt: skip
    else:
        argv = [sys.executable, "-m", "zilu", "manage", "shell", "-c", PROBE]
    result = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {"thread": ["zilu", broker], "main": ["zilu", broker]}


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_tasks_run_in_process_and_nothing_is_kept(settings):
    settings.BROKER_URL = None
    user = UserFactory(role=Role.PUBLIC, email="reader@example.invalid")
    with transaction.atomic():
        notify(user, "进程内")
    assert [m.subject for m in mail.outbox] == ["进程内"]
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_nothing_in_the_outbox(settings):
    settings.BROKER_URL = DEAD_BROKER
    user = UserFactory(role=Role.PUBLIC, email="reader@example.invalid")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user, "不会发送")
        assert OutboxMessage.objects.count() == 1  # written with the change...
        raise RuntimeError("roll back")
    assert not OutboxMessage.objects.exists()  # ...and gone with it


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_send_that_fails_stays_in_the_outbox_and_the_drain_sends_it_later(settings, caplog, monkeypatch):
    redis_url = require_redis()
    from celery.contrib.testing.worker import start_worker

    from zilu.celery import app

    saved = {k: app.conf[k] for k in ("broker_url", "task_default_queue")}

    def point_at(url: str) -> None:
        app.conf.broker_url = url
        app.__dict__.pop("amqp", None)  # queues, routes and producer pool are cached from the first use
        app._pool = None
        settings.BROKER_URL = url

    app.conf.task_default_queue = f"zilu-test-{uuid.uuid4().hex}"
    monkeypatch.setattr(outbox, "_paused_until", 0.0)
    try:
        point_at(DEAD_BROKER)
        user = UserFactory(role=Role.PUBLIC, email="outbox@example.invalid")
        with caplog.at_level(logging.ERROR, logger="zilu.core.outbox"), transaction.atomic():
            (created,) = notify(user, "经由发件箱")
        row = OutboxMessage.objects.get()
        assert (row.task, row.args, row.sent_at, row.attempts) == (
            "zilu.core.send_notification_email",
            [created.pk],
            None,
            1,
        )
        assert row.last_error
        assert "could not send task zilu.core.send_notification_email" in caplog.text
        # Right after a failure, new messages wait for the drain instead of making requests wait for the broker.
        started = time.monotonic()
        with transaction.atomic():
            notify(user, "稍后发送")
        assert time.monotonic() - started < 1.0
        assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2
        # Still down: the drain keeps them.
        assert outbox.drain_outbox(older_than=0) == 0
        assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2

        point_at(redis_url)  # the broker is back: the drain sends them, and a worker started later runs them
        assert outbox.drain_outbox(older_than=0) == 2
        with start_worker(app, perform_ping_check=False, shutdown_timeout=20):
            deadline = time.monotonic() + 60
            while len(mail.outbox) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1)  # the worker commits right after sending
        assert sorted(m.subject for m in mail.outbox) == ["稍后发送", "经由发件箱"]
        assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
        assert Notification.objects.filter(user=user, emailed_at__isnull=False).count() == 2
        assert outbox.drain_outbox(older_than=0) == 0  # nothing is sent twice
    finally:
        app.conf.update(saved)
        app.__dict__.pop("amqp", None)
        app._pool = None
