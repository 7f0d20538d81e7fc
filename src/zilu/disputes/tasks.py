"""Periodic work of disputes: reminders of late answers."""

from __future__ import annotations

from celery import shared_task

from zilu.disputes.actions import remind_late_answers


@shared_task(name="zilu.disputes.remind_late_answers")
def remind_late_answers_task() -> int:
    """Remind respondents whose answer is late, and the claimants (hourly, core.scheduler; idempotent)."""
    return remind_late_answers()
