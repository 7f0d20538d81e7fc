"""Periodic work of membership: withdrawals whose date has come, and the quarterly bulletin."""

from __future__ import annotations

from celery import shared_task

from zilu.core.system import SystemActor
from zilu.members.actions import apply_due_withdrawals, publish_due_bulletin


@shared_task(name="zilu.members.apply_due_withdrawals")
def apply_due_withdrawals_task() -> int:
    """Let notified withdrawals take effect on their date (hourly, see core.scheduler.SCHEDULE)."""
    return apply_due_withdrawals()


@shared_task(name="zilu.members.publish_due_bulletin")
def publish_due_bulletin_task() -> int | None:
    """Publish the previous quarter's join/withdraw bulletin if not yet done (checked every few hours, acts once a
    quarter)."""
    bulletin = publish_due_bulletin(SystemActor("system:scheduler"))
    return bulletin.number if bulletin else None
