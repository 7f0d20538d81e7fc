"""Background work is enqueued here: one helper that enqueues after commit, and the outbox behind it.

With ``ZILU_BROKER_URL`` unset, a task runs in this process right after the transaction commits (the embedded
default). With it set, ``enqueue`` writes an :class:`~zilu.core.models.OutboxMessage` in the caller's transaction
and sends the task to Celery after the commit; a send that fails (broker down, process killed between commit and
send) is logged with the task's name and left in the outbox, which the periodic :func:`drain_outbox_task` sends
again. Either way the caller passes ids, never objects, and nothing is sent for a transaction that rolls back.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zilu.celery import app
from zilu.core import metrics
from zilu.core.models import OutboxMessage

logger = logging.getLogger(__name__)

__all__ = ["drain_outbox", "enqueue", "enqueue_many"]

# After a failed send this process leaves new messages to the outbox drain for a few seconds instead of making
# every request wait for the broker's connection timeout.
SEND_PAUSE_SECONDS = 5.0
_paused_until = 0.0
_pause_lock = threading.Lock()


def _metric(name: str, task_name: str) -> None:
    """Count an enqueue or a failed send in the process's metrics; counting must never break background work."""
    with contextlib.suppress(Exception):
        getattr(metrics, name)(task_name)


def _send(messages: Sequence[tuple[int, str, list[Any]]]) -> None:
    """Send outbox messages to the broker and mark the ones sent; stop at the first failure (the drain retries)."""
    global _paused_until

    if time.monotonic() < _paused_until:
        return  # the broker failed a moment ago: the drain sends these
    sent: list[int] = []
    failure: tuple[int, str, Exception] | None = None
    for pk, name, args in messages:
        try:
            app.send_task(name, args=args)
        except Exception as exc:  # kombu raises several types (OperationalError, OSError, ...)
            failure = (pk, name, exc)
            break
        sent.append(pk)
    try:
        if sent:
            OutboxMessage.objects.filter(pk__in=sent).update(sent_at=timezone.now())
        if failure is not None:
            failed_pk, failed_name, error = failure
            logger.error("could not send task %s (outbox message %s) to the broker: %s", failed_name, failed_pk, error)
            _metric("task_send_failed", failed_name)
            with _pause_lock:
                _paused_until = time.monotonic() + SEND_PAUSE_SECONDS
            OutboxMessage.objects.filter(pk=failed_pk).update(attempts=1, last_error=str(error)[:500])
    except Exception:  # the database went away after the commit: the drain sends them again (tasks are idempotent)
        logger.exception("could not mark outbox messages %s as sent", sent)


def enqueue(task: Any, *ids: Any) -> None:
    """Run ``task(*ids)`` after the current transaction commits: on Celery when a broker is set, else in-process."""
    enqueue_many(task, [ids])


def enqueue_many(task: Any, calls: Iterable[Sequence[Any]]) -> None:
    """Run ``task(*args)`` for each ``args`` of ``calls`` after the current transaction commits (one outbox write
    and one send round for all of them)."""
    calls = [list(args) for args in calls]
    if not calls:
        return
    if not settings.BROKER_URL:

        def run() -> None:
            for args in calls:
                result = task.apply(args=args)
                if result.failed():
                    logger.error("in-process task %s%r failed: %s", task.name, tuple(args), result.result)

        transaction.on_commit(run, robust=True)
        return

    if len(calls) == 1:
        rows = [OutboxMessage.objects.create(task=task.name, args=calls[0])]
    else:
        rows = OutboxMessage.objects.bulk_create([OutboxMessage(task=task.name, args=args) for args in calls])
        if any(row.pk is None for row in rows):  # a backend that returns no ids: the drain sends them
            return
    for _ in rows:
        _metric("task_enqueued", task.name)
    messages = [(row.pk, task.name, row.args) for row in rows]
    transaction.on_commit(lambda: _send(messages), robust=True)


def drain_outbox(*, older_than: float | None = None, limit: int = 1000) -> int:
    """Send the outbox messages still unsent after ``ZILU_OUTBOX_RESEND_AFTER`` seconds; forget the ones sent more
    than a day ago. Returns how many were sent.

    Each message is sent, then marked, outside any long transaction (a worker may already be running it): a crash
    in between sends it once more later, which idempotent tasks absorb; a message is never marked without being
    sent. One drain runs at a time (beat, or the in-process scheduler's single holder)."""

    if not settings.BROKER_URL:
        return 0
    wait = settings.ZILU_OUTBOX_RESEND_AFTER if older_than is None else older_than
    now = timezone.now()
    sent = 0
    rows = list(
        OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=now - timedelta(seconds=wait))
        .order_by("pk")
        .values_list("pk", "task", "args", "attempts")[:limit]
    )
    for pk, name, args, attempts in rows:
        try:
            app.send_task(name, args=args)
        except Exception as exc:
            logger.error("outbox: could not send task %s (message %s): %s", name, pk, exc)
            _metric("task_send_failed", name)
            OutboxMessage.objects.filter(pk=pk).update(attempts=attempts + 1, last_error=str(exc)[:500])
            break  # the broker is still down: the next drain tries again
        OutboxMessage.objects.filter(pk=pk).update(sent_at=timezone.now())
        sent += 1
    OutboxMessage.objects.filter(sent_at__lt=now - timedelta(days=1)).delete()
    if sent:
        logger.warning("outbox: sent %d message(s) that had not reached the broker", sent)
    return sent
