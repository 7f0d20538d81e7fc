"""Periodic work of membership: withdrawals whose date has come, and the quarterly bulletin."""

from __future__ import annotations

from celery import shared_task

from zilu.core.system import SystemActor
from zilu.members.actions import apply_due_withdrawals
from zilu.members.bulletins import publish_due_bulletin


@shared_task(name="zilu.members.apply_due_withdrawals")
def apply_due_withdrawals_task() -> int:
    """Daily: let notified withdrawals take effect on their date."""
    return apply_due_withdrawals()


@shared_task(name="zilu.members.publish_due_bulletin")
def publish_due_bulletin_task() -> int | None:
    """Daily (it acts once a quarter): publish the previous quarter's join/withdraw bulletin if not yet done."""
    bulletin = publish_due_bulletin(SystemActor("system:scheduler"))
    return bulletin.number if bulletin else None
