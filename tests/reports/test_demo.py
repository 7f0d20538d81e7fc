"""The demo's sample reports: made through the real actions, once."""

from __future__ import annotations

import pytest

from zilu.core.system import SystemActor
from zilu.portal.bootstrap import ensure_convention_v1, ensure_demo_accounts, ensure_demo_reports
from zilu.reports.models import Report

pytestmark = pytest.mark.django_db


def test_demo_reports_are_created_once_and_reach_the_demo_member(client_for):
    actor = SystemActor("cli:tests")
    ensure_convention_v1(actor)
    ensure_demo_accounts(actor)
    assert ensure_demo_reports(actor) == 3
    assert ensure_demo_reports(actor) == 0
    statuses = sorted(Report.objects.values_list("status", flat=True))
    assert statuses == ["responded", "staff_queue", "with_member"]
    assert Report.objects.filter(member__representatives__username="member").count() == 2
