"""Background work: one helper that enqueues after commit, and the kernel's own tasks.

With ``ZILU_BROKER_URL`` unset, a task runs in this process right after the transaction commits (the embedded
default); with it set, the task goes to Celery. Either way the caller passes ids, never objects, and nothing is
sent for a transaction that rolls back.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def enqueue(task: Any, *ids: Any) -> None:
    """Run ``task(*ids)`` after the current transaction commits: on Celery when a broker is set, else in-process."""

    def run() -> None:
        if settings.BROKER_URL:
            task.delay(*ids)
            return
        result = task.apply(args=ids)
        if result.failed():
            logger.error("in-process task %s%r failed: %s", task.name, ids, result.result)

    transaction.on_commit(run, robust=True)


@shared_task(
    name="zilu.core.send_notification_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification to its user, once. Returns whether a message was sent."""
    from zilu.core.models import Notification

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("user").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None or not notification.user.email:
            return False
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{notification.url}"
        send_mail(notification.subject, body, None, [notification.user.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


@shared_task(name="zilu.core.clean_pending_uploads")
def clean_pending_uploads_task() -> int:
    """Remove uploads whose transaction rolled back (hourly, see core.scheduler.SCHEDULE)."""
    from zilu.core.files import clean_pending_uploads

    return clean_pending_uploads()
