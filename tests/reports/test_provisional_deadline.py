"""A report's response dates beyond the official holiday calendar: computed provisionally, shown so, not marked
overdue (the tier counts against the member's evaluation) until ``zilu calendar load`` recomputes them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from tests.calendar_helpers import days_past_coverage, forget_loaded_years, load_schedule
from tests.factories import SiteFactory
from tests.reports.helpers import API, report_data
from zilu.core.models import AuditEntry, Notification
from zilu.reports.actions import mark_overdue
from zilu.reports.models import Report
from zilu.reports.routing import deadlines_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _beyond_the_calendar(settings):
    forget_loaded_years()  # after the conftest's assumed schedule
    settings.LANGUAGE_CODE = "en"
    settings.ZILU_REPORT_DEADLINES = f"fraud={days_past_coverage()}"
    with translation.override("en"):
        yield
    forget_loaded_years()


def test_response_dates_beyond_the_calendar_are_provisional_until_the_schedule_is_loaded(
    client_for, users, member, tmp_path
):
    SiteFactory(member=member, domains=["shop.example.com.cn"])
    anonymous = Client()
    sent = anonymous.post("/report/", report_data())
    assert sent.status_code == 302, sent.content
    report = Report.objects.get()
    expected = deadlines_for("fraud", timezone.localdate(report.routed_at))
    assert expected.provisional
    assert (report.due_on, report.very_overdue_on, report.deadline_provisional) == (
        expected.due_on, expected.very_overdue_on, True
    )  # fmt: skip
    assert 'class="provisional"' in anonymous.get("/report/received/").content.decode()
    rep = client_for("member")
    assert rep.get(f"{API}/assigned").json()[0]["deadline_provisional"] is True
    assert 'class="provisional"' in rep.get("/member/reports/").content.decode()
    assert 'class="provisional"' in rep.get(f"/member/reports/{report.pk}/").content.decode()
    assert 'class="provisional"' in client_for("staff").get(f"/staff/reports/{report.pk}/").content.decode()
    note = Notification.objects.get(user=users["member"], kind="reports.assigned")
    assert f"{report.due_on.isoformat()} (provisional)" in note.subject

    # past a provisional day: not overdue (the task recomputes the dates, still provisional)
    yesterday = timezone.localdate() - timedelta(days=1)
    Report.objects.filter(pk=report.pk).update(due_on=yesterday, very_overdue_on=yesterday)
    assert mark_overdue() == {"overdue": 0, "very_overdue": 0}
    report.refresh_from_db()
    assert (report.overdue_tier, report.due_on, report.deadline_provisional) == (0, expected.due_on, True)

    # the State Council's schedule settles them
    assert "1 provisional deadline(s) settled" in load_schedule(tmp_path, expected.very_overdue_on)
    official = deadlines_for("fraud", timezone.localdate(report.routed_at))
    assert not official.provisional and official.due_on > expected.due_on  # the illustrative bridging days
    report.refresh_from_db()
    assert (report.due_on, report.very_overdue_on, report.deadline_provisional) == (
        official.due_on, official.very_overdue_on, False
    )  # fmt: skip
    settled = AuditEntry.objects.filter(action="core.deadline.recompute", object_type="reports.report").last()
    assert settled.after == {
        "due_on": official.due_on.isoformat(),
        "very_overdue_on": official.very_overdue_on.isoformat(),
        "deadline_provisional": False,
    }
    assert rep.get(f"{API}/assigned").json()[0]["deadline_provisional"] is False
    assert mark_overdue(today=official.due_on + timedelta(days=1)) == {"overdue": 1, "very_overdue": 0}
