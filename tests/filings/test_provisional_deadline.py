"""The day to fix a failing site beyond the official holiday calendar: computed provisionally, shown so, never
"overdue" (nor listed for a discipline case) before the State Council's schedule confirms it, and recomputed by
``zilu calendar load``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests.calendar_helpers import days_past_coverage, forget_loaded_years, load_schedule
from tests.factories import SiteFactory
from tests.filings.servers import ICP, ICP_KEY, PSB, serve
from zilu.core.models import AuditEntry, Notification
from zilu.filings.models import Site, fix_deadline
from zilu.filings.selectors import repeated_failures

pytestmark = pytest.mark.django_db
API = "/api/v1/filings/sites"


@pytest.fixture(autouse=True)
def _setup(settings):
    forget_loaded_years()
    settings.LANGUAGE_CODE = "en"
    settings.ZILU_FILINGS_FETCH_TIMEOUT = 1
    settings.ZILU_FILINGS_ALLOW_HOSTS = ["127.0.0.1"]
    settings.ZILU_FILINGS_FIX_DAYS = days_past_coverage()  # ends past the calendar's coverage
    with translation.override("en"):
        yield
    forget_loaded_years()


@pytest.fixture(scope="module")
def server():
    with serve() as base:
        yield base


def test_fix_by_beyond_the_calendar_is_provisional_until_the_schedule_is_loaded(client_for, users, server, tmp_path):
    site = SiteFactory(
        member=users["member"].member, icp_number=ICP, icp_key=ICP_KEY, psb_number=PSB, home_url=server + "/none"
    )
    assert client_for("staff").post(f"{API}/{site.pk}/verify").json()["outcome"] == "number_missing"
    site.refresh_from_db()
    expected = fix_deadline(site.failing_since)
    assert expected.provisional and (site.fix_by, site.deadline_provisional) == (expected.day, True)

    # shown as provisional: the API, the site's page, the member's notice
    listed = client_for("member").get(API).json()
    assert [(s["fix_by"], s["deadline_provisional"]) for s in listed] == [(site.fix_by.isoformat(), True)]
    page = client_for("member").get(f"/filings/{site.pk}/").content.decode()
    assert f'<span class="provisional">{site.fix_by.isoformat()} (provisional)</span>' in page
    note = Notification.objects.get(user=users["member"], kind="filings.site.problem")
    assert f"{site.fix_by.isoformat()} (provisional)" in note.body

    # a provisional day that has passed makes the site neither overdue nor a candidate for a discipline case
    Site.objects.filter(pk=site.pk).update(fix_by=timezone.localdate() - timedelta(days=1))
    assert not repeated_failures().exists()
    assert "· overdue" not in client_for("staff").get(f"/filings/{site.pk}/").content.decode()

    # the State Council's schedule: recomputed from the day the site started failing, no longer provisional
    assert "1 provisional deadline(s) settled" in load_schedule(tmp_path, expected.day)
    site.refresh_from_db()
    official = fix_deadline(site.failing_since)
    assert not official.provisional and (site.fix_by, site.deadline_provisional) == (official.day, False)
    assert official.day > expected.day  # the bridging days of the illustrative schedule
    entry = AuditEntry.objects.get(action="core.deadline.recompute", object_type="filings.site")
    assert entry.object_id == str(site.pk)
    assert entry.before["deadline_provisional"] is True and entry.after["deadline_provisional"] is False
    assert entry.after["fix_by"] == official.day.isoformat()
    assert 'class="provisional"' not in client_for("member").get(f"/filings/{site.pk}/").content.decode()
    assert client_for("member").get(API).json()[0]["deadline_provisional"] is False
