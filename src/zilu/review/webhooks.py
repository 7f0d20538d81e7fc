"""Webhook deliveries to members' systems: HMAC-SHA256 signed, retried with exponential backoff, logged.

Each request carries ``X-Zilu-Event``, ``X-Zilu-Delivery`` (the delivery id: receivers drop repeats) and
``X-Zilu-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>``. A 2xx answer
delivers; anything else (or no answer within 10 s) is retried after 30 s, 1 min, 2 min, ... (at most 6 h apart) up
to ``ZILU_REVIEW_WEBHOOK_ATTEMPTS`` attempts. The HTTP call happens outside any transaction: a short transaction
takes the delivery (pushing ``next_attempt_at`` out as a lease, so two workers never send it at once), another
records the answer (both in :mod:`zilu.review.actions.deliveries`, which also queues deliveries).
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
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from zilu.review.actions import do_lease_delivery, do_record_attempt
from zilu.review.models import Delivery
from zilu.review.tasks import deliver_webhook_task

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


def _post(url: str, secret: str, delivery: Delivery) -> tuple[int | None, str]:
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
    taken = do_lease_delivery(delivery_id, LEASE)
    if taken is None:
        return "skipped"
    delivery, endpoint = taken
    started = time.monotonic()
    status_code, error = _post(endpoint.url, endpoint.secret, delivery)
    took = int((time.monotonic() - started) * 1000)
    delivery = do_record_attempt(
        delivery_id, url=endpoint.url, status_code=status_code, error=error, duration_ms=took, backoff=backoff
    )
    if delivery.status == Delivery.Status.PENDING:
        logger.info("webhook delivery %s failed (%s); retry at %s", delivery_id, error, delivery.next_attempt_at)
        if settings.BROKER_URL:
            deliver_webhook_task.apply_async(args=(delivery_id,), countdown=backoff(delivery.attempts).total_seconds())
        # Without a broker the periodic retry_due_webhooks task picks it up when it is due.
    return str(delivery.status)


def retry_due(now: datetime | None = None) -> int:
    """Attempt every pending delivery whose time has come (periodic; also the safety net behind Celery)."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    for delivery_id in due:
        deliver(delivery_id)
    return len(due)
