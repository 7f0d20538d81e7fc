"""Background work of the review queue: webhook deliveries and their retries, takedown sweeps and their resumption.

The tasks import ``review.webhooks`` and ``review.sweeps`` when they run: those modules (through ``review.actions``)
import the tasks to send them, so importing them here would be a cycle.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="zilu.review.deliver_webhook")
def deliver_webhook_task(delivery_id: int) -> str:
    """Try one webhook delivery (a failure schedules the retry itself)."""
    from zilu.review.webhooks import deliver

    return deliver(delivery_id)


@shared_task(name="zilu.review.retry_due_webhooks")
def retry_due_webhooks_task() -> int:
    """Attempt the deliveries whose retry is due (every minute, see core.scheduler.SCHEDULE)."""
    from zilu.review.webhooks import retry_due

    return retry_due()


@shared_task(name="zilu.review.sweep_chunk", acks_late=True, reject_on_worker_lost=True)
def sweep_chunk_task(chunk_id: int) -> bool:
    """Screen one chunk of a sweep. A worker killed mid-chunk loses nothing: the chunk's transaction rolls back and
    the chunk is given back to the queue (see zilu.review.sweeps); a second delivery finds it done."""
    from zilu.review.sweeps import run_chunk_id

    return run_chunk_id(chunk_id)


@shared_task(name="zilu.review.resume_sweeps")
def resume_sweeps_task() -> int:
    """Give back chunks whose worker died, and resume stalled sweeps (every 15 s, see core.scheduler.SCHEDULE)."""
    from zilu.review.sweeps import resume_stalled

    return resume_stalled()
