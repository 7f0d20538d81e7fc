"""The Art. 21 publication deadline beyond the official holiday calendar: computed provisionally, shown so (the
dashboard asks for the schedule), and recomputed by ``zilu calendar load``. (It replaces the deadline left empty
until the calendar learnt the year.)"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.calendar_helpers import forget_loaded_years, load_schedule
from tests.convention.helpers import draft
from zilu.convention.models import publication_deadline_for
from zilu.core import deadlines
from zilu.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget():
    forget_loaded_years()
    yield
    forget_loaded_years()


def test_publication_deadline_beyond_the_calendar_is_provisional_until_the_schedule_is_loaded(client_for, tmp_path):
    version = draft("越界", effective=deadlines.coverage()[1] - timedelta(days=5))
    expected = publication_deadline_for(version.effective_date)
    assert expected.provisional
    assert (version.publication_deadline, version.deadline_provisional) == (expected.day, True)
    staff = client_for("staff")
    listed = staff.get(f"/api/v1/convention/versions/{version.number}").json()
    assert (listed["publication_deadline"], listed["deadline_provisional"]) == (expected.day.isoformat(), True)
    assert 'class="provisional"' in staff.get(f"/staff/convention/v{version.number}/").content.decode()
    assert "ZILU_HOLIDAYS_FILE" in staff.get("/staff/").content.decode()  # the dashboard asks for the schedule

    assert "1 provisional deadline(s) settled" in load_schedule(tmp_path, expected.day)
    version.refresh_from_db()
    official = publication_deadline_for(version.effective_date)
    assert not official.provisional
    assert (version.publication_deadline, version.deadline_provisional) == (official.day, False)
    entry = AuditEntry.objects.get(action="core.deadline.recompute", object_type="convention.conventionversion")
    assert entry.after == {"publication_deadline": official.day.isoformat(), "deadline_provisional": False}
    assert 'class="provisional"' not in staff.get(f"/staff/convention/v{version.number}/").content.decode()
    assert "ZILU_HOLIDAYS_FILE" not in staff.get("/staff/").content.decode()
