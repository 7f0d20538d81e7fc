"""Records of takedown sweeps: starting one (audited), its chunks claimed, completed with their notices, given back
and sent again, and finishing it (audited). The screening itself is done by :mod:`zilu.review.sweeps`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from zilu.core import audit
from zilu.core.actors import StaffActor
from zilu.core.outbox import enqueue_many
from zilu.review.actions.deliveries import do_queue_delivery
from zilu.review.models import ReviewItem, Sweep, SweepChunk, TakedownNotice
from zilu.review.tasks import sweep_chunk_task


def _add_chunks(sweep: Sweep, ids: list[int]) -> list[SweepChunk]:
    """Split ``ids`` (ascending) into chunks of ``ZILU_REVIEW_SWEEP_CHUNK`` and send one task each after commit."""
    size = max(1, int(settings.ZILU_REVIEW_SWEEP_CHUNK))
    ranges = [(ids[i], ids[min(i + size, len(ids)) - 1]) for i in range(0, len(ids), size)]
    chunks = SweepChunk.objects.bulk_create([SweepChunk(sweep=sweep, first_item=lo, last_item=hi) for lo, hi in ranges])
    if any(chunk.pk is None for chunk in chunks):  # a backend that returns no ids from bulk inserts
        chunks = list(SweepChunk.objects.filter(sweep=sweep, status=SweepChunk.Status.PENDING))
    enqueue_many(sweep_chunk_task, [(chunk.pk,) for chunk in chunks])
    return chunks


def do_start_sweep(
    actor: StaffActor,
    reason: str,
    *,
    bank_versions: dict[str, int],
    window_days: int,
    published_since: datetime,
    upto_item: int,
    ids: list[int],
) -> Sweep:
    """Record a sweep over the published items ``ids`` (its population, fixed now) and send its chunks to the
    workers after commit; a sweep with nothing to screen is finished at once."""
    sweep = Sweep.objects.create(
        reason=reason[:200], bank_versions=bank_versions, window_days=window_days, published_since=published_since,
        upto_item=upto_item, total=len(ids), started_by=str(actor)[:200],
    )  # fmt: skip
    audit.record(actor, "review.sweep.start", sweep, after={"reason": reason, "total": sweep.total,
                                                             "window_days": window_days})  # fmt: skip
    if ids:
        _add_chunks(sweep, ids)
    else:
        do_finish_sweep(sweep)
    return sweep


def do_extend_sweep(sweep: Sweep, *, bank_versions: dict[str, int], upto_item: int, ids: list[int]) -> Sweep:
    """A sweep none of whose chunks has started absorbs a new request: the newer bank versions, and the items
    published since it started (``ids``, in chunks of their own)."""
    sweep.bank_versions, sweep.upto_item = bank_versions, max(upto_item, sweep.upto_item)
    sweep.total += len(ids)
    sweep.save(update_fields=["bank_versions", "upto_item", "total", "updated_at"])
    if ids:
        _add_chunks(sweep, ids)
    return sweep


def do_finish_sweep(sweep: Sweep) -> None:
    """Mark a sweep whose chunks are all done as finished (the caller holds its row)."""
    sweep.status, sweep.finished_at = Sweep.Status.FINISHED, timezone.now()
    sweep.save(update_fields=["status", "finished_at", "updated_at"])
    audit.record(None, "review.sweep.finish", sweep, after={"processed": sweep.processed, "notices": sweep.notices})


def do_claim_chunk(chunk_id: int, worker: str) -> datetime | None:
    """Mark a pending chunk as taken by ``worker`` (its own commit) and return the claim's time, which is also its
    token; None if the chunk is done or another worker has it."""
    now = timezone.now()
    claimed = SweepChunk.objects.filter(pk=chunk_id, status=SweepChunk.Status.PENDING).update(
        status=SweepChunk.Status.RUNNING, claimed_at=now, claimed_by=worker[:100]
    )
    return now if claimed == 1 else None


def do_complete_chunk(
    chunk: SweepChunk, *, processed: int, found: list[tuple[ReviewItem, list[dict[str, Any]], str]]
) -> Sweep:
    """Record a screened chunk, in the transaction that holds its row: a takedown notice for each item with new
    block-level hits (``found``: item, hits, their signature; once per item and signature, however often the chunk
    is screened), the chunk done, its counts added to the sweep, the notices delivered to the members' webhooks,
    and the sweep finished when no chunk is left."""
    created = []
    for item, hits, signature in found:
        notice, made = TakedownNotice.objects.get_or_create(
            item=item, signature=signature,
            defaults={"member_id": item.member_id, "sweep": chunk.sweep, "hits": hits},
        )  # fmt: skip
        if made:
            created.append(notice)
    chunk.status, chunk.done_at = SweepChunk.Status.DONE, timezone.now()
    chunk.processed, chunk.notices, chunk.attempts = processed, len(created), chunk.attempts + 1
    chunk.save(update_fields=["status", "done_at", "processed", "notices", "attempts"])
    # The sweep's row last and briefly: chunks finishing at once add their counts one after the other, and the
    # last one to commit sees no chunk left and finishes the sweep.
    sweep = Sweep.objects.select_for_update().get(pk=chunk.sweep_id)
    sweep.processed += processed
    sweep.notices += len(created)
    sweep.save(update_fields=["processed", "notices", "updated_at"])
    for notice in created:
        do_queue_delivery(notice.member_id, "review.takedown", _notice_payload(notice), item=notice.item)
    left = SweepChunk.objects.filter(sweep=sweep).exclude(status=SweepChunk.Status.DONE).exists()
    if not left and sweep.status == Sweep.Status.RUNNING:
        do_finish_sweep(sweep)
    return sweep


def _notice_payload(notice: TakedownNotice) -> dict[str, Any]:
    return {
        "external_id": notice.item.external_id,
        "notice_id": notice.pk,
        "reason": "new block-level hits in the shared banks",
        "hits": notice.hits,
    }


def do_requeue_chunks(chunk_ids: list[int]) -> None:
    """Give chunks claimed by dead workers back to the queue (their work rolled back with the worker)."""
    SweepChunk.objects.filter(pk__in=chunk_ids).update(status=SweepChunk.Status.PENDING, claimed_at=None)


def do_resend_chunks(chunk_ids: list[int], sweep_ids: set[int], now: datetime) -> None:
    """Send the chunks again to the workers after commit, and note on their sweeps that they were resent (a sweep
    counts as stalled again only a while after this)."""
    enqueue_many(sweep_chunk_task, [(pk,) for pk in chunk_ids])
    Sweep.objects.filter(pk__in=sweep_ids).update(updated_at=now)
