"""Background work of the review queue: webhook deliveries and their retries, takedown sweeps and their resumption."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

SWEEP_BUDGET_SECONDS = 30.0  # with a broker, a sweep task works this long, then hands over to a fresh task


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


@shared_task(name="zilu.review.sweep", acks_late=True, reject_on_worker_lost=True)
def sweep_task(sweep_id: int) -> bool:
    """Work through a sweep in chunks. With a broker, hand over to a new task after a while so one sweep does not
    hold a worker for hours; a worker killed mid-chunk loses nothing (the chunk rolls back and is redone)."""
    from zilu.core.tasks import enqueue
    from zilu.review.sweeps import run_sweep

    finished = run_sweep(sweep_id, budget_seconds=SWEEP_BUDGET_SECONDS if settings.BROKER_URL else None)
    if not finished:
        from django.db import transaction

        with transaction.atomic():
            enqueue(sweep_task, sweep_id)
    return finished


@shared_task(name="zilu.review.resume_sweeps")
def resume_sweeps_task() -> int:
    """Resume sweeps whose worker died (every few minutes, see core.scheduler.SCHEDULE)."""
    from zilu.review.sweeps import resume_stalled

    return resume_stalled()
