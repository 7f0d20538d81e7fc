"""Background work: in-process after commit by default, a real Celery worker on Redis when a broker is set;
notifications land in the inbox and are e-mailed once."""

from __future__ import annotations

import os
import socket
import time
import uuid
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.db import transaction

from tests.conftest import IN_CI
from tests.factories import UserFactory
from zilu.core.models import Notification
from zilu.core.notify import notify
from zilu.core.roles import Role

REDIS_URL = os.environ.get("ZILU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.django_db
def test_notification_is_emailed_after_commit_in_process(django_capture_on_commit_callbacks):
    user = UserFactory(role=Role.PUBLIC, email="reader@example.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        (created,) = notify(user, "主题", "正文", url="/convention#art-17")
        assert mail.outbox == []  # nothing leaves before the commit
    created.refresh_from_db()
    assert created.emailed_at is not None
    assert [m.subject for m in mail.outbox] == ["主题"]
    assert mail.outbox[0].to == ["reader@example.invalid"]
    assert "/convention#art-17" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_for_a_rolled_back_transaction():
    user = UserFactory(role=Role.PUBLIC, email="reader@example.invalid")
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user, "不会发送")
        raise RuntimeError("roll back")
    assert mail.outbox == []
    assert not Notification.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_users_without_email_get_the_inbox_entry_only(django_capture_on_commit_callbacks):
    user = UserFactory(role=Role.PUBLIC, email="")
    inactive = UserFactory(role=Role.PUBLIC, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        created = notify([user, inactive], "仅站内")
    assert [n.user for n in created] == [user]
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_task_is_idempotent(django_capture_on_commit_callbacks):
    from zilu.core.tasks import send_notification_email

    user = UserFactory(role=Role.PUBLIC, email="reader@example.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        (created,) = notify(user, "一次")
    assert send_notification_email(created.pk) is False  # already sent
    assert len(mail.outbox) == 1


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_real_celery_worker_on_redis_runs_enqueued_task(settings):
    if not _reachable(REDIS_URL):
        if IN_CI:
            pytest.fail(f"Redis is required in CI at {REDIS_URL}")
        pytest.skip(f"Redis not reachable at {REDIS_URL} (set ZILU_TEST_REDIS_URL)")
    from celery.contrib.testing.worker import start_worker

    from zilu.celery import app

    queue = f"zilu-test-{uuid.uuid4().hex}"
    saved = {k: app.conf[k] for k in ("broker_url", "task_default_queue")}
    app.conf.broker_url = REDIS_URL
    app.conf.task_default_queue = queue
    app.__dict__.pop("amqp", None)  # its queues and routes are cached from the conf of the first worker started
    settings.BROKER_URL = REDIS_URL
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=20):
            user = UserFactory(role=Role.PUBLIC, email="worker@example.invalid")
            with transaction.atomic():
                (created,) = notify(user, "经由 Celery")
            # Wait on the outbox, not the database: on SQLite's shared in-memory test database a read in this thread
            # while the worker writes makes the worker's write fail ("table is locked"), which real databases do not.
            deadline = time.monotonic() + 60
            while not mail.outbox and time.monotonic() < deadline:
                time.sleep(0.1)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                time.sleep(0.5)  # the worker commits right after sending
                created.refresh_from_db()
                if created.emailed_at is not None:
                    break
        assert created.emailed_at is not None, "the worker did not run the task"
        assert [m.subject for m in mail.outbox] == ["经由 Celery"]
    finally:
        app.conf.update(saved)
        app.__dict__.pop("amqp", None)
        app._pool = None
