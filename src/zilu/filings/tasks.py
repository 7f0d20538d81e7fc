"""Periodic work of filings: the daily check of every registered site's home page."""

from __future__ import annotations

from celery import shared_task

from zilu.filings.actions import verify_due_sites


@shared_task(name="zilu.filings.verify_due_sites")
def verify_due_sites_task() -> int:
    """Verify each active site not checked for about a day (see core.scheduler.SCHEDULE)."""
    return verify_due_sites()
