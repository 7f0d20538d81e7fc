"""The kernel's own tasks. Work is enqueued with :func:`zilu.core.outbox.enqueue`; the notification e-mail task is
defined beside the notification service (:mod:`zilu.core.notify`) and registered from here, where the worker looks."""

from __future__ import annotations

from celery import shared_task

from zilu.core.files import clean_pending_uploads
from zilu.core.notify import send_notification_email
from zilu.core.outbox import drain_outbox

__all__ = ["clean_pending_uploads_task", "drain_outbox_task", "send_notification_email"]


@shared_task(name="zilu.core.drain_outbox")
def drain_outbox_task() -> int:
    """Send what the outbox still holds (every 15 seconds, see core.scheduler.SCHEDULE)."""
    return drain_outbox()


@shared_task(name="zilu.core.clean_pending_uploads")
def clean_pending_uploads_task() -> int:
    """Remove uploads whose transaction rolled back (hourly, see core.scheduler.SCHEDULE)."""

    return clean_pending_uploads()
