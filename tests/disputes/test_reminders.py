"""Reminders of late answers in disputes: the periodic task, through core.deadlines, once then at an interval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.disputes.helpers import FILE, client, file_dispute, number_members, post
from zilu.core.models import AuditEntry, Notification
from zilu.core.scheduler import SCHEDULE
from zilu.disputes.actions import remind_late_answers
from zilu.disputes.models import Dispute, DisputeParty
from zilu.disputes.tasks import remind_late_answers_task

pytestmark = pytest.mark.django_db
KIND = "disputes.dispute.answer_late"


@pytest.fixture
def people(users):
    return number_members(users)


def test_a_late_answer_is_reminded_once_then_at_the_interval(people, settings):
    settings.ZILU_DISPUTES_REMINDER_INTERVAL_DAYS = 7
    assert "zilu.disputes.tasks.remind_late_answers_task" in SCHEDULE
    did = file_dispute(client(people["member"]))["id"]
    today = timezone.localdate()
    assert remind_late_answers_task.apply().get() == 0  # not late yet
    Dispute.objects.filter(pk=did).update(answer_due_on=today)
    assert remind_late_answers() == 0  # the last day counts in full
    Dispute.objects.filter(pk=did).update(answer_due_on=today - timedelta(days=1))
    assert remind_late_answers_task.apply().get() == 1
    assert Notification.objects.filter(user=people["other_member"], kind=KIND).count() == 1
    assert Notification.objects.filter(user=people["member"], kind=KIND).count() == 1  # the claimant is told
    assert not Notification.objects.filter(user=people["third"], kind=KIND).exists()
    assert not Notification.objects.filter(user=people["staff"], kind=KIND).exists()
    assert remind_late_answers() == 0  # idempotent
    assert AuditEntry.objects.filter(action="disputes.dispute.answer_reminder").count() == 1
    # Again once the interval (counted by core.deadlines) has passed.
    party = DisputeParty.objects.filter(dispute_id=did, side="respondent")
    party.update(answer_reminded_at=timezone.now() - timedelta(days=3))
    assert remind_late_answers() == 0
    party.update(answer_reminded_at=timezone.now() - timedelta(days=30))
    assert remind_late_answers() == 1
    assert Notification.objects.filter(user=people["other_member"], kind=KIND).count() == 2
    # Once answered, or while the window's last day is provisional: no reminder.
    assert post(client(people["other_member"]), f"{FILE}/{did}/answer", {"text": "我方答复如下。"}).status_code == 200
    party.update(answer_reminded_at=timezone.now() - timedelta(days=30))
    assert remind_late_answers() == 0
    other = file_dispute(client(people["member"]), subject="第二件")["id"]
    Dispute.objects.filter(pk=other).update(answer_due_on=today - timedelta(days=1), deadline_provisional=True)
    assert remind_late_answers() == 0
    assert not DisputeParty.objects.filter(dispute_id=other, answer_reminded_at__isnull=False).exists()


def test_interval_zero_reminds_once_only(people, settings):
    settings.ZILU_DISPUTES_REMINDER_INTERVAL_DAYS = 0
    did = file_dispute(client(people["member"]))["id"]
    Dispute.objects.filter(pk=did).update(answer_due_on=timezone.localdate() - timedelta(days=1))
    assert remind_late_answers() == 1
    DisputeParty.objects.filter(dispute_id=did).update(answer_reminded_at=timezone.now() - timedelta(days=300))
    assert remind_late_answers() == 0
