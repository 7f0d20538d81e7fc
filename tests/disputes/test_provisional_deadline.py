"""The respondents' time to answer beyond the official holiday calendar: computed provisionally, shown so, an answer
past a provisional day is not marked late, and ``zilu calendar load`` recomputes the day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests.calendar_helpers import days_past_coverage, forget_loaded_years, load_schedule
from tests.disputes.helpers import FILE, client, file_dispute, number_members, post
from zilu.core.models import AuditEntry, Notification
from zilu.disputes import models as dispute_models
from zilu.disputes.models import Dispute, answer_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings, monkeypatch):
    forget_loaded_years()
    settings.LANGUAGE_CODE = "en"
    monkeypatch.setattr(dispute_models, "ANSWER_DAYS", days_past_coverage())  # ends past the calendar's coverage
    with translation.override("en"):
        yield
    forget_loaded_years()


def test_answer_period_beyond_the_calendar_is_provisional_until_the_schedule_is_loaded(users, tmp_path):
    people = number_members(users)
    claimant, respondent = client(people["member"]), client(people["other_member"])
    filed = file_dispute(claimant)
    expected = answer_deadline(timezone.localdate())
    assert expected.provisional
    assert (filed["answer_due_on"], filed["deadline_provisional"]) == (expected.day.isoformat(), True)
    page = respondent.get(f"/disputes/{filed['id']}/").content.decode()
    assert f'<span class="provisional">{expected.day.isoformat()} (provisional)</span>' in page
    note = Notification.objects.get(user=people["other_member"], kind="disputes.dispute.filed")
    assert f"{expected.day.isoformat()} (provisional)" in note.body

    # past a provisional day, an answer is still taken and not marked late
    Dispute.objects.filter(pk=filed["id"]).update(answer_due_on=timezone.localdate() - timedelta(days=1))
    assert post(respondent, f"{FILE}/{filed['id']}/answer", {"text": "我方不同意。"}).status_code == 200
    assert AuditEntry.objects.get(action="disputes.dispute.answer").after == {"late": False}

    # the State Council's schedule: recomputed from the filing day, no longer provisional
    assert "1 provisional deadline(s) settled" in load_schedule(tmp_path, expected.day)
    official = answer_deadline(timezone.localdate())
    assert not official.provisional and official.day > expected.day  # the illustrative bridging days
    dispute = claimant.get(f"{FILE}/{filed['id']}").json()
    assert (dispute["answer_due_on"], dispute["deadline_provisional"]) == (official.day.isoformat(), False)
    entry = AuditEntry.objects.get(action="core.deadline.recompute", object_type="disputes.dispute")
    assert entry.object_id == str(filed["id"])
    assert entry.before == {"answer_due_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
                            "deadline_provisional": True}  # fmt: skip
    assert entry.after == {"answer_due_on": official.day.isoformat(), "deadline_provisional": False}
    assert 'class="provisional"' not in respondent.get(f"/disputes/{filed['id']}/").content.decode()


def test_an_answer_past_the_official_day_is_marked_late(users):
    people = number_members(users)
    filed = file_dispute(client(people["member"]))
    Dispute.objects.filter(pk=filed["id"]).update(
        answer_due_on=timezone.localdate() - timedelta(days=1), deadline_provisional=False
    )
    answered = post(client(people["other_member"]), f"{FILE}/{filed['id']}/answer", {"text": "迟到的答复。"})
    assert answered.status_code == 200
    assert AuditEntry.objects.get(action="disputes.dispute.answer").after == {"late": True}
