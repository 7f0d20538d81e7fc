"""Periodic work of discipline: decisions whose appeal window ended become final."""

from __future__ import annotations

from celery import shared_task

from zilu.discipline.actions import finalize_due_cases


@shared_task(name="zilu.discipline.finalize_due_cases")
def finalize_due_cases_task() -> int:
    """Make final the decisions not appealed in time; a revocation then takes effect (hourly, core.scheduler)."""
    return finalize_due_cases()
