"""The periodic tasks run in-process when no broker is configured, and form Celery beat's schedule otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import MemberFactory, UserFactory
from zilu.core.roles import Role
from zilu.core.scheduler import SCHEDULE, beat_schedule, run_due, start_in_process_scheduler
from zilu.members.models import Member, Withdrawal


@pytest.mark.django_db
def test_run_due_applies_withdrawals_once_per_interval():
    member = MemberFactory(number="CP-2026-0100")
    rep = UserFactory(role=Role.MEMBER, member=member)
    today = timezone.localdate()
    Withdrawal.objects.create(
        member=member, notified_on=today - timedelta(days=3), effective_on=today - timedelta(days=1), notified_by=rep
    )
    last_run: dict[str, float] = {}
    ran = run_due(last_run, 1_000_000.0)
    assert set(ran) == set(SCHEDULE)
    member.refresh_from_db()
    assert member.status == Member.Status.WITHDRAWN and member.withdrawn_on == today - timedelta(days=1)
    assert run_due(last_run, 1_000_010.0) == []  # not due again yet


def test_beat_schedule_names_the_registered_tasks():
    """Every scheduled path is a registered Celery task, under its own name, and the core ones are there."""
    from django.utils.module_loading import import_string

    from zilu.celery import app

    schedule = beat_schedule()
    names = {entry["task"] for entry in schedule.values()}
    assert len(names) == len(SCHEDULE)
    for path, entry in schedule.items():
        assert entry["task"] == import_string(path).name
        assert entry["task"] in app.tasks, entry["task"]
    assert {
        "zilu.members.apply_due_withdrawals",
        "zilu.members.publish_due_bulletin",
        "zilu.convention.close_due_votes",
        "zilu.core.clean_pending_uploads",
        "zilu.reports.mark_overdue",
    } <= names


def test_no_in_process_scheduler_when_a_broker_runs_beat(settings):
    settings.BROKER_URL = "redis://127.0.0.1:6379/0"
    assert start_in_process_scheduler() is None
