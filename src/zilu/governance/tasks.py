"""Periodic work of convention governance: closing votes whose window has ended."""

from __future__ import annotations

from celery import shared_task

from zilu.governance.actions import close_due_votes


# The task keeps the name it had in the convention app, so that beat schedules and queued messages still find it.
@shared_task(name="zilu.convention.close_due_votes")
def close_due_votes_task() -> int:
    """Close and apply every vote whose window has ended (every few minutes, see core.scheduler.SCHEDULE)."""
    return close_due_votes()
