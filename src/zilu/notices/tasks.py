"""Periodic work of the notices: measures whose period after a declaration passed without a complaint or suit end."""

from __future__ import annotations

from celery import shared_task

from zilu.notices.actions import end_due_measures


@shared_task(name="zilu.notices.end_due_measures")
def end_due_measures_task() -> int:
    """End the measures of notices whose waiting period passed (hourly, core.scheduler)."""
    return end_due_measures()
