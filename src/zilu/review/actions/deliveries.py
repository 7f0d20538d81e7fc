"""Records of webhook deliveries: queueing one, leasing it for an attempt, logging the attempt's answer.

The HTTP call itself is made by :mod:`zilu.review.webhooks`, outside any transaction. The delivery log is its own
record (``Delivery``, ``DeliveryAttempt``): these changes write no audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zilu.core.outbox import enqueue
from zilu.review.models import Delivery, DeliveryAttempt, ReviewItem, WebhookEndpoint
from zilu.review.tasks import deliver_webhook_task


def do_queue_delivery(
    member_id: int, event: str, payload: dict[str, Any], *, item: ReviewItem | None = None
) -> Delivery | None:
    """Record a delivery for the member's webhook (none if it has no endpoint) and send it after the commit."""
    if not WebhookEndpoint.objects.filter(member_id=member_id).exists():
        return None
    delivery = Delivery.objects.create(
        member_id=member_id, item=item, event=event, payload={"event": event, **payload},
        next_attempt_at=timezone.now(),
    )  # fmt: skip
    enqueue(deliver_webhook_task, delivery.pk)
    return delivery


def do_lease_delivery(delivery_id: int, lease: timedelta) -> tuple[Delivery, WebhookEndpoint] | None:
    """Take a pending, due delivery for one attempt, with the member's endpoint: its next attempt moves ``lease``
    ahead, so no other worker sends it meanwhile. None when it is delivered, given up, not due (or another worker
    holds it) or the member has no endpoint any more. Its own short transaction: the HTTP call happens outside."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        now = timezone.now()
        if delivery is None or delivery.status != Delivery.Status.PENDING:
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None  # not due yet, or another worker holds it
        endpoint = WebhookEndpoint.objects.filter(member_id=delivery.member_id).first()
        if endpoint is None:
            return None
        delivery.next_attempt_at = now + lease
        delivery.save(update_fields=["next_attempt_at"])
        return delivery, endpoint


def do_record_attempt(
    delivery_id: int,
    *,
    url: str,
    status_code: int | None,
    error: str,
    duration_ms: int,
    backoff: Callable[[int], timedelta],
) -> Delivery:
    """Log one attempt at a delivery: a 2xx answer delivers it; otherwise it is retried ``backoff(attempts)`` later,
    or given up after ``ZILU_REVIEW_WEBHOOK_ATTEMPTS`` attempts."""
    ok = status_code is not None and 200 <= status_code < 300
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        DeliveryAttempt.objects.create(
            delivery=delivery, url=url, status_code=status_code, error=error, duration_ms=duration_ms
        )
        delivery.attempts += 1
        now = timezone.now()
        if ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = Delivery.Status.DELIVERED, now, None
        elif delivery.attempts >= settings.ZILU_REVIEW_WEBHOOK_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
    return delivery
