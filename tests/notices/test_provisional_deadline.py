"""The right holder's period beyond the official holiday calendar: computed provisionally, shown so, the measures are
not ended on a provisional day, and ``zilu calendar load`` recomputes it; then the sweep ends them on time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests.calendar_helpers import days_past_coverage, forget_loaded_years, load_schedule
from tests.notices.helpers import API, client, declaration_form, filed, post_json
from zilu.core.models import AuditEntry, Notification
from zilu.notices.actions import end_due_measures
from zilu.notices.models import Notice, wait_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings):
    forget_loaded_years()
    settings.LANGUAGE_CODE = "en"
    settings.ZILU_NOTICES_WAIT_DAYS = days_past_coverage()  # ends past the calendar's coverage
    with translation.override("en"):
        yield
    forget_loaded_years()


def test_the_period_beyond_the_calendar_is_provisional_until_the_schedule_is_loaded(people, tmp_path):
    holder, member = client(people["holder"]), client(people["member"])
    nid = filed(holder)["id"]
    post_json(member, f"{API}/{nid}/measure", {"measure": "delete"})
    declared = member.post(f"{API}/{nid}/declaration", declaration_form()).json()
    expected = wait_deadline(timezone.localdate())
    assert expected.provisional
    assert (declared["wait_until"], declared["deadline_provisional"]) == (expected.day.isoformat(), True)
    note = Notification.objects.get(user=people["holder"], kind="notices.notice.declaration")
    assert f"{expected.day.isoformat()} (provisional)" in note.body
    page = holder.get(f"/notices/{nid}/").content.decode()
    assert f'<span class="provisional">{expected.day.isoformat()} (provisional)</span>' in page

    # the sweep never ends measures on a provisional day (the stored day recomputes to the same future day)
    Notice.objects.filter(pk=nid).update(wait_until=timezone.localdate() - timedelta(days=1))
    assert end_due_measures() == 0
    assert Notice.objects.get(pk=nid).status == "declaration_forwarded"

    # the State Council's schedule: recomputed from the forwarding day, no longer provisional
    assert "1 provisional deadline(s) settled" in load_schedule(tmp_path, expected.day)
    official = wait_deadline(timezone.localdate())
    notice = Notice.objects.get(pk=nid)
    assert (notice.wait_until, notice.deadline_provisional) == (official.day, False)
    assert AuditEntry.objects.filter(action="core.deadline.recompute", object_type="notices.notice").exists()
    assert end_due_measures(today=official.day) == 0
    assert end_due_measures(today=official.day + timedelta(days=1)) == 1
    assert Notice.objects.get(pk=nid).status == "ended"
