"""Periodic work of the convention: closing votes whose window has ended."""

from __future__ import annotations

from celery import shared_task

from zilu.convention.actions import close_due_votes


@shared_task(name="zilu.convention.close_due_votes")
def close_due_votes_task() -> int:
    """Close and apply every vote whose window has ended (every few minutes, see core.scheduler.SCHEDULE)."""
    return close_due_votes()
