"""Periodic work of the banks: entries disabled until a date go back into service when it comes."""

from __future__ import annotations

from celery import shared_task

from zilu.banks.actions import enable_expired
from zilu.core.system import SystemActor


@shared_task(name="zilu.banks.enable_expired_entries")
def enable_expired_entries_task() -> int:
    """Re-enable entries whose disabling period has ended (every 5 minutes, see core.scheduler.SCHEDULE)."""
    return enable_expired(SystemActor("system:scheduler"))
