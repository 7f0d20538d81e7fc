"""Takedown sweeps: when the shared banks gain entries, re-screen recently published items and notify new
block-level hits.

A sweep fixes its population when it starts (items published within ``ZILU_REVIEW_SWEEP_DAYS``, up to the highest
item id then) and works through it in chunks of ``ZILU_REVIEW_SWEEP_CHUNK`` items in id order. Each chunk runs in one
transaction that locks the sweep row, screens the items after ``cursor``, creates the notices and moves ``cursor``
and ``processed``: a chunk interrupted by a killed worker rolls back entirely and is done again by whoever resumes
(the ``resume_sweeps`` periodic task, ``zilu review sweep --resume``, or Celery redelivering the late-acknowledged
task). A notice is unique per item and set of hit entries, so even a chunk done twice cannot duplicate one.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.dispatch import receiver
from django.utils import timezone

from zilu.banks.service import bank_versions, get_screener
from zilu.banks.signals import entries_added
from zilu.core import audit
from zilu.core.tasks import enqueue
from zilu.review.models import ReviewItem, Sweep, TakedownNotice
from zilu.review.webhooks import queue_delivery

logger = logging.getLogger(__name__)
STALE = timedelta(minutes=2)  # a running sweep untouched this long is resumed by the periodic task


def _published(window_days: int, now: Any) -> Any:
    return ReviewItem.objects.filter(
        status__in=ReviewItem.PUBLISHED, published_at__gte=now - timedelta(days=window_days)
    )


def start_sweep(actor: Any, reason: str, *, window_days: int | None = None) -> Sweep:
    """Create a sweep over the items published within the window, and run it in the background after commit.
    A sweep that has not started yet absorbs a new request instead (a burst of approvals makes one sweep)."""
    from zilu.review.tasks import sweep_task

    window = settings.ZILU_REVIEW_SWEEP_DAYS if window_days is None else window_days
    now = timezone.now()
    with transaction.atomic():
        versions = dict(bank_versions())
        waiting = Sweep.objects.select_for_update().filter(status=Sweep.Status.RUNNING, cursor=0, processed=0).first()
        population = _published(window, now)
        upto = population.aggregate(m=Max("pk"))["m"] or 0
        if waiting is not None and waiting.window_days == window:
            waiting.bank_versions, waiting.upto_item = versions, max(upto, waiting.upto_item)
            waiting.total = population.filter(pk__lte=waiting.upto_item).count()
            waiting.save(update_fields=["bank_versions", "upto_item", "total", "updated_at"])
            return waiting
        sweep = Sweep.objects.create(
            reason=reason[:200], bank_versions=versions, window_days=window,
            published_since=now - timedelta(days=window), upto_item=upto,
            total=population.filter(pk__lte=upto).count(), started_by=str(actor)[:200],
        )  # fmt: skip
        audit.record(actor, "review.sweep.start", sweep, after={"reason": reason, "total": sweep.total,
                                                                 "window_days": window})  # fmt: skip
        enqueue(sweep_task, sweep.pk)
    return sweep


def _signature(hits: list[dict[str, Any]]) -> str:
    keys = sorted({f"{h['kind']}:{h.get('entry') or h.get('label')}" for h in hits})
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()


def new_block_hits(item: ReviewItem, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Block-level hits of a fresh verdict that the item did not have as block-level hits when it was published."""
    known = {(h["kind"], h.get("entry")) for h in item.hits if h.get("suggestion") == "block"}
    return [h for h in hits if h.get("suggestion") == "block" and (h["kind"], h.get("entry")) not in known]


def run_chunk(sweep_id: int, *, chunk: int | None = None, on_item: Callable[[ReviewItem], None] | None = None) -> bool:
    """Screen the next chunk of a sweep; returns whether the sweep has more to do. ``on_item`` is a test hook
    (called for each item inside the chunk's transaction, e.g. to simulate a worker dying mid-chunk)."""
    size = chunk or settings.ZILU_REVIEW_SWEEP_CHUNK
    screener = get_screener()
    with transaction.atomic():
        sweep = Sweep.objects.select_for_update().filter(pk=sweep_id).first()
        if sweep is None or sweep.status != Sweep.Status.RUNNING:
            return False
        items = list(
            _published(sweep.window_days, sweep.created_at)
            .filter(pk__gt=sweep.cursor, pk__lte=sweep.upto_item)
            .order_by("pk")[:size]
        )
        created = []
        verdicts = screener.screen_many([(item.text, item.title or None) for item in items]) if items else []
        for item, verdict in zip(items, verdicts, strict=True):
            if on_item is not None:
                on_item(item)
            fresh = new_block_hits(item, [hit.to_dict() for hit in verdict.hits])
            if not fresh:
                continue
            notice, made = TakedownNotice.objects.get_or_create(
                item=item, signature=_signature(fresh), defaults={"member_id": item.member_id, "sweep": sweep,
                                                                   "hits": fresh},
            )  # fmt: skip
            if made:
                created.append(notice)
        if items:
            sweep.cursor = items[-1].pk
            sweep.processed += len(items)
        sweep.notices += len(created)
        more = len(items) == size
        if not more:
            sweep.status, sweep.finished_at = Sweep.Status.FINISHED, timezone.now()
        sweep.save(update_fields=["cursor", "processed", "notices", "status", "finished_at", "updated_at"])
        for notice in created:
            queue_delivery(notice.member_id, "review.takedown", _notice_payload(notice), item=notice.item)
        if not more:
            audit.record(None, "review.sweep.finish", sweep, after={"processed": sweep.processed,
                                                                    "notices": sweep.notices})  # fmt: skip
    return more


def _notice_payload(notice: TakedownNotice) -> dict[str, Any]:
    return {
        "external_id": notice.item.external_id,
        "notice_id": notice.pk,
        "reason": "new block-level hits in the shared banks",
        "hits": notice.hits,
    }


def run_sweep(
    sweep_id: int, *, budget_seconds: float | None = None, progress: Callable[[Sweep], None] | None = None
) -> bool:
    """Run chunks until the sweep is finished or the time budget is spent; returns whether it is finished."""
    started = time.monotonic()
    while run_chunk(sweep_id):
        if progress is not None:
            progress(Sweep.objects.get(pk=sweep_id))
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            return False
    if progress is not None:
        progress(Sweep.objects.get(pk=sweep_id))
    return True


def resume_stalled(now: Any = None) -> int:
    """Re-enqueue running sweeps nobody has touched for a while (their worker died). Returns how many."""
    from zilu.review.tasks import sweep_task

    now = now or timezone.now()
    stalled = list(
        Sweep.objects.filter(status=Sweep.Status.RUNNING, updated_at__lte=now - STALE).values_list("pk", flat=True)
    )
    for sweep_id in stalled:
        with transaction.atomic():
            enqueue(sweep_task, sweep_id)
    return len(stalled)


@receiver(entries_added)
def _on_entries_added(sender: Any, bank: str, **kwargs: Any) -> None:
    """The banks gained entries in service: sweep recently published items."""
    from zilu.core.system import SystemActor

    if bank in ("allow",):
        return  # allow-list words only ever remove hits
    if not _published(settings.ZILU_REVIEW_SWEEP_DAYS, timezone.now()).exists():
        return
    start_sweep(SystemActor("system:banks"), f"{bank} bank gained entries")
