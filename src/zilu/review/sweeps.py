"""Takedown sweeps: when the shared banks gain entries, re-screen recently published items and notify new
block-level hits.

A sweep fixes its population when it starts (items published within ``ZILU_REVIEW_SWEEP_DAYS``, up to the highest
item id then) and splits it into chunks of ``ZILU_REVIEW_SWEEP_CHUNK`` consecutive item ids (``SweepChunk``), one
task each, so that every worker takes part. A worker claims a chunk (a short commit of its own: ``running``), then
screens it in one transaction that holds the chunk's row, creates the notices, marks the chunk ``done`` and adds
its counts to the sweep. So a chunk is counted exactly once, and a chunk interrupted by a killed worker rolls back
entirely: its row stays ``running`` with nobody holding it, and the ``resume_sweeps`` periodic task (every
``RESUME_EVERY`` seconds) gives such chunks back to the queue once their claim is older than ``CLAIM_TIMEOUT``. A
sweep that makes no progress at all for ``STALE`` (say, the broker lost its queue) has all its pending chunks sent
again. A notice is unique per item and set of hit entries, so even a chunk screened twice cannot duplicate one, and
a task delivered twice finds its chunk done and does nothing. The records (sweeps, chunks, notices) are written by
:mod:`zilu.review.actions.sweeps`; this module decides what to screen and screens it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.dispatch import receiver
from django.utils import timezone

from zilu.banks.service import bank_versions, get_screener
from zilu.banks.signals import entries_added
from zilu.core.actors import StaffActor
from zilu.core.system import SystemActor
from zilu.review.actions import (
    do_claim_chunk,
    do_complete_chunk,
    do_extend_sweep,
    do_finish_sweep,
    do_requeue_chunks,
    do_resend_chunks,
    do_start_sweep,
)
from zilu.review.models import ReviewItem, Sweep, SweepChunk

logger = logging.getLogger(__name__)
# A chunk takes a second or two; a claim this old whose row nobody holds belongs to a dead worker.
CLAIM_TIMEOUT = timedelta(seconds=15)
# A running sweep with pending chunks and no progress for this long has its pending chunks sent again.
STALE = timedelta(minutes=2)
RESUME_EVERY = 15.0  # seconds between runs of the resume task (core.scheduler.SCHEDULE)


def _published(window_days: int, now: datetime) -> QuerySet[ReviewItem]:
    return ReviewItem.objects.filter(
        status__in=ReviewItem.PUBLISHED, published_at__gte=now - timedelta(days=window_days)
    )


def start_sweep(actor: StaffActor, reason: str, *, window_days: int | None = None) -> Sweep:
    """Create a sweep over the items published within the window, split it into chunks and send them to the
    workers after commit. A sweep none of whose chunks has started yet absorbs a new request instead (a burst of
    approvals makes one sweep)."""
    window = settings.ZILU_REVIEW_SWEEP_DAYS if window_days is None else window_days
    now = timezone.now()
    with transaction.atomic():
        versions = dict(bank_versions())
        waiting = (
            Sweep.objects.select_for_update()
            .filter(status=Sweep.Status.RUNNING, processed=0, window_days=window)
            .exclude(chunks__status__in=[SweepChunk.Status.RUNNING, SweepChunk.Status.DONE])
            .first()
        )
        population = _published(window, now)
        upto = population.aggregate(m=Max("pk"))["m"] or 0
        if waiting is not None:
            fresh = list(
                population.filter(pk__gt=waiting.upto_item, pk__lte=upto).order_by("pk").values_list("pk", flat=True)
            )
            return do_extend_sweep(waiting, bank_versions=versions, upto_item=upto, ids=fresh)
        ids = list(population.filter(pk__lte=upto).order_by("pk").values_list("pk", flat=True))
        return do_start_sweep(
            actor, reason, bank_versions=versions, window_days=window, published_since=now - timedelta(days=window),
            upto_item=upto, ids=ids,
        )  # fmt: skip


def _signature(hits: list[dict[str, Any]]) -> str:
    keys = sorted({f"{h['kind']}:{h.get('entry') or h.get('label')}" for h in hits})
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()


def new_block_hits(item: ReviewItem, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Block-level hits of a fresh verdict that the item did not have as block-level hits when it was published."""
    known = {(h["kind"], h.get("entry")) for h in item.hits if h.get("suggestion") == "block"}
    return [h for h in hits if h.get("suggestion") == "block" and (h["kind"], h.get("entry")) not in known]


def run_chunk_id(chunk_id: int, *, on_item: Callable[[ReviewItem], None] | None = None) -> bool:
    """Claim and screen one chunk; returns whether this call did it. ``on_item`` is a test hook (called for each item
    inside the chunk's transaction, e.g. to simulate a worker dying mid-chunk)."""
    screener = get_screener()  # first, since building it can take a while
    claim = do_claim_chunk(chunk_id, f"{socket.gethostname()}:{os.getpid()}")
    if claim is None:
        return False
    with transaction.atomic():
        # Still ours: not given back (and claimed again by another worker) in the meantime.
        # of=("self",): lock the chunk's row only; the join would lock the sweep's row too, and every other
        # worker's SKIP LOCKED would then skip its own chunk.
        chunk = (
            SweepChunk.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("sweep")
            .filter(pk=chunk_id, status=SweepChunk.Status.RUNNING, claimed_at=claim)
            .first()
        )
        if chunk is None:
            return False
        sweep = chunk.sweep
        items = list(
            _published(sweep.window_days, sweep.created_at)
            .filter(pk__gte=chunk.first_item, pk__lte=chunk.last_item)
            .order_by("pk")
        )
        found = []
        verdicts = screener.screen_many([(item.text, item.title or None) for item in items]) if items else []
        for item, verdict in zip(items, verdicts, strict=True):
            if on_item is not None:
                on_item(item)
            fresh = new_block_hits(item, [hit.to_dict() for hit in verdict.hits])
            if fresh:
                found.append((item, fresh, _signature(fresh)))
        do_complete_chunk(chunk, processed=len(items), found=found)
    return True


def run_chunk(sweep_id: int, *, on_item: Callable[[ReviewItem], None] | None = None) -> bool:
    """Screen the next pending chunk of a sweep here; returns whether the sweep has more to do."""
    for chunk_id in SweepChunk.objects.filter(sweep_id=sweep_id, status=SweepChunk.Status.PENDING).values_list(
        "pk", flat=True
    )[:20]:
        if run_chunk_id(chunk_id, on_item=on_item):
            break
    return SweepChunk.objects.filter(sweep_id=sweep_id, status=SweepChunk.Status.PENDING).exists()


def run_sweep(
    sweep_id: int, *, budget_seconds: float | None = None, progress: Callable[[Sweep], None] | None = None
) -> bool:
    """Run the sweep's pending chunks here (the CLI, and the embedded default) until none is left or the time budget
    is spent, after giving back the chunks of dead workers; returns whether it is finished."""
    started = time.monotonic()
    release_dead_claims(sweep_id=sweep_id)
    while run_chunk(sweep_id):
        if progress is not None:
            progress(Sweep.objects.get(pk=sweep_id))
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            return False
    if progress is not None:
        progress(Sweep.objects.get(pk=sweep_id))
    return Sweep.objects.filter(pk=sweep_id, status=Sweep.Status.FINISHED).exists()


def release_dead_claims(*, now: datetime | None = None, sweep_id: int | None = None) -> list[int]:
    """Give back to the queue the chunks claimed more than ``CLAIM_TIMEOUT`` ago whose row no transaction holds:
    their worker died mid-chunk (the chunk's work rolled back with it). Returns their ids."""
    now = now or timezone.now()
    with transaction.atomic():
        dead = SweepChunk.objects.select_for_update(skip_locked=True).filter(
            status=SweepChunk.Status.RUNNING, claimed_at__lte=now - CLAIM_TIMEOUT
        )
        if sweep_id is not None:
            dead = dead.filter(sweep_id=sweep_id)
        ids = list(dead.values_list("pk", flat=True))
        if ids:
            do_requeue_chunks(ids)
            logger.warning("sweeps: %d chunk(s) of dead workers given back to the queue: %s", len(ids), ids)
    return ids


def resume_stalled(now: datetime | None = None) -> int:
    """Send again the chunks of dead workers, and every pending chunk of a sweep that has made no progress for a
    while (its messages were lost); finish a sweep with nothing left. Returns how many sweeps were touched."""
    now = now or timezone.now()
    touched: set[int] = set()
    released = release_dead_claims(now=now)
    to_send = list(released)
    for chunk in SweepChunk.objects.filter(pk__in=released).values("sweep_id"):
        touched.add(chunk["sweep_id"])
    for sweep in Sweep.objects.filter(status=Sweep.Status.RUNNING, updated_at__lte=now - STALE):
        pending = list(
            SweepChunk.objects.filter(sweep=sweep, status=SweepChunk.Status.PENDING).values_list("pk", flat=True)
        )
        touched.add(sweep.pk)
        if pending:
            to_send += [pk for pk in pending if pk not in to_send]
        elif not SweepChunk.objects.filter(sweep=sweep).exclude(status=SweepChunk.Status.DONE).exists():
            with transaction.atomic():
                locked = Sweep.objects.select_for_update().get(pk=sweep.pk)
                if locked.status == Sweep.Status.RUNNING:
                    do_finish_sweep(locked)
    if to_send:
        with transaction.atomic():
            do_resend_chunks(to_send, touched, now)
    return len(touched)


@receiver(entries_added)
def _on_entries_added(sender: Any, bank: str, **kwargs: Any) -> None:
    """The banks gained entries in service: sweep recently published items."""
    if bank in ("allow",):
        return  # allow-list words only ever remove hits
    if not _published(settings.ZILU_REVIEW_SWEEP_DAYS, timezone.now()).exists():
        return
    start_sweep(SystemActor("system:banks"), f"{bank} bank gained entries")
