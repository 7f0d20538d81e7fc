"""Periodic work of the reporting channel: overdue tiers; the reporters' e-mails (``reporter_email``)."""

from __future__ import annotations

from celery import shared_task

from zilu.core.system import SystemActor
from zilu.reports.actions import mark_overdue
from zilu.reports.reporter_email import send_confirmation_task, send_update_task  # registered with the worker


@shared_task(name="zilu.reports.mark_overdue")
def mark_overdue_task() -> dict[str, int]:
    """Mark reports overdue (1× the period) and very overdue (2×), once each (hourly, see core.scheduler)."""
    return mark_overdue(actor=SystemActor("system:scheduler"))


__all__ = ["mark_overdue_task", "send_confirmation_task", "send_update_task"]
