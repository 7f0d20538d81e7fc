"""Webhook deliveries to members' systems: HMAC-SHA256 signed, retried with exponential backoff, logged.

Each request carries ``X-Zilu-Event``, ``X-Zilu-Delivery`` (the delivery id: receivers drop repeats) and
``X-Zilu-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>``. A 2xx answer
delivers; anything else (or no answer within 10 s) is retried after 30 s, 1 min, 2 min, ... (at most 6 h apart) up
to ``ZILU_REVIEW_WEBHOOK_ATTEMPTS`` attempts. The HTTP call happens outside any transaction: a short transaction
takes the delivery (pushing ``next_attempt_at`` out as a lease, so two workers never send it at once), another
records the answer.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zilu.core.outbox import enqueue

logger = logging.getLogger(__name__)
TIMEOUT = 10.0
LEASE = timedelta(minutes=2)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 30 s doubled each time, at most 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Zilu-Signature`` header value for ``body``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: str, header: str, body: bytes, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does: check the HMAC and that the timestamp is recent (replays are refused)."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header)


def queue_delivery(member_id: int, event: str, payload: dict[str, Any], *, item: Any = None) -> Any:
    """Record a delivery for the member's webhook (none if it has no endpoint) and send it after the commit."""
    from zilu.review.models import Delivery, WebhookEndpoint
    from zilu.review.tasks import deliver_webhook_task

    if not WebhookEndpoint.objects.filter(member_id=member_id).exists():
        return None
    delivery = Delivery.objects.create(
        member_id=member_id, item=item, event=event, payload={"event": event, **payload},
        next_attempt_at=timezone.now(),
    )  # fmt: skip
    enqueue(deliver_webhook_task, delivery.pk)
    return delivery


def _address_allowed(url: str) -> str | None:
    """Why ``url`` may not receive a webhook (loopback, private or link-local addresses), or None."""
    if settings.ZILU_REVIEW_WEBHOOK_ALLOW_PRIVATE:
        return None
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        return f"cannot resolve {host}: {exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            return f"{host} resolves to a non-public address"
    return None


def _take(delivery_id: int) -> tuple[Any, Any] | None:
    from zilu.review.models import Delivery, WebhookEndpoint

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
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["next_attempt_at"])
        return delivery, endpoint


def _post(url: str, secret: str, delivery: Any) -> tuple[int | None, str]:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    refused = _address_allowed(url)
    if refused:
        return None, refused
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked when the endpoint is set)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "zilu-webhooks/1",
            "X-Zilu-Event": delivery.event,
            "X-Zilu-Delivery": str(delivery.pk),
            "X-Zilu-Signature": signature(secret, int(time.time()), body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        return None, str(exc)[:500]


def deliver(delivery_id: int) -> str:
    """Try one delivery now; returns its status afterwards (``pending`` means a retry is scheduled)."""
    from zilu.review.models import Delivery, DeliveryAttempt
    from zilu.review.tasks import deliver_webhook_task

    taken = _take(delivery_id)
    if taken is None:
        return "skipped"
    delivery, endpoint = taken
    started = time.monotonic()
    status_code, error = _post(endpoint.url, endpoint.secret, delivery)
    took = int((time.monotonic() - started) * 1000)
    ok = status_code is not None and 200 <= status_code < 300
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        DeliveryAttempt.objects.create(
            delivery=delivery, url=endpoint.url, status_code=status_code, error=error, duration_ms=took
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
    if delivery.status == Delivery.Status.PENDING:
        logger.info("webhook delivery %s failed (%s); retry at %s", delivery_id, error, delivery.next_attempt_at)
        if settings.BROKER_URL:
            deliver_webhook_task.apply_async(args=(delivery_id,), countdown=backoff(delivery.attempts).total_seconds())
        # Without a broker the periodic retry_due_webhooks task picks it up when it is due.
    return str(delivery.status)


def retry_due(now: Any = None) -> int:
    """Attempt every pending delivery whose time has come (periodic; also the safety net behind Celery)."""
    from zilu.review.models import Delivery

    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    for delivery_id in due:
        deliver(delivery_id)
    return len(due)
