"""The executing body's time to explain beyond the official holiday calendar: computed provisionally, shown so, and
recomputed by ``zilu calendar load``."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from tests.calendar_helpers import days_past_coverage, forget_loaded_years, load_schedule
from tests.disputes.helpers import client, number_members, post
from zilu.core.models import AuditEntry, Notification
from zilu.oversight import models as oversight_models
from zilu.oversight.models import explanation_deadline

pytestmark = pytest.mark.django_db
API = "/api/v1/oversight"


@pytest.fixture(autouse=True)
def _setup(settings, monkeypatch):
    forget_loaded_years()
    settings.LANGUAGE_CODE = "en"
    monkeypatch.setattr(oversight_models, "EXPLANATION_DAYS", days_past_coverage())  # past the calendar's coverage
    with translation.override("en"):
        yield
    forget_loaded_years()


def test_explanation_due_beyond_the_calendar_is_provisional_until_the_schedule_is_loaded(users, tmp_path):
    people = number_members(users)
    member, supervisor, staff = client(people["member"]), client(people["supervisor"]), client(people["staff"])
    body = {"target": "act", "target_reference": "举报处理", "subject": "处理迟缓", "facts": "举报久未处理。"}
    cid = post(member, f"{API}/complaints", body).json()["id"]
    post(supervisor, f"{API}/complaints/{cid}/acknowledge")
    post(supervisor, f"{API}/complaints/{cid}/investigate")
    asked = post(supervisor, f"{API}/complaints/{cid}/explanation-requests", {"questions": "请说明。"})
    assert asked.status_code == 201, asked.content
    expected = explanation_deadline(timezone.localdate())
    assert expected.provisional
    rid = asked.json()["id"]
    seen = staff.get(f"{API}/explanation-requests").json()
    assert [(r["due_on"], r["deadline_provisional"]) for r in seen] == [(expected.day.isoformat(), True)]
    marked = f'<span class="provisional">{expected.day.isoformat()} (provisional)</span>'
    assert marked in staff.get(f"/staff/explanations/{rid}/").content.decode()
    assert marked in staff.get("/staff/explanations/").content.decode()
    assert marked in supervisor.get(f"/oversight/complaints/{cid}/").content.decode()
    note = Notification.objects.get(user=people["staff"], kind="oversight.explanation.requested")
    assert f"{expected.day.isoformat()} (provisional)" in note.body

    assert "1 provisional deadline(s) settled" in load_schedule(tmp_path, expected.day)
    official = explanation_deadline(timezone.localdate())
    assert not official.provisional and official.day != expected.day
    seen = staff.get(f"{API}/explanation-requests").json()
    assert [(r["due_on"], r["deadline_provisional"]) for r in seen] == [(official.day.isoformat(), False)]
    entry = AuditEntry.objects.get(action="core.deadline.recompute", object_type="oversight.explanationrequest")
    assert entry.object_id == str(rid)
    assert entry.after == {"due_on": official.day.isoformat(), "deadline_provisional": False}
    assert 'class="provisional"' not in staff.get(f"/staff/explanations/{rid}/").content.decode()
