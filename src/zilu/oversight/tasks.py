"""Periodic work of oversight: publish the audit chain head once a day."""

from __future__ import annotations

from celery import shared_task

from zilu.core.system import SystemActor
from zilu.oversight.actions import publish_daily_head


@shared_task(name="zilu.oversight.publish_audit_head")
def publish_audit_head_task() -> int | None:
    """Publish today's audit head unless done (checked hourly, see core.scheduler.SCHEDULE; acts once a day)."""
    published = publish_daily_head(SystemActor("system:scheduler"))
    return published.seq if published else None
