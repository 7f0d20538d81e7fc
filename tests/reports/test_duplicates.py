"""The duplicate search: near-identical reports on the same target are merged, by the same rule on SQLite (compared
in Python) and PostgreSQL (the database drops the clear misses first): the earliest identical text, else the newest
near-identical one among the target's hundred newest reports of the window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.reports.helpers import submit_ok
from zilu.reports import abuse
from zilu.reports.intake import CANDIDATES
from zilu.reports.models import Report

pytestmark = pytest.mark.django_db

TEXT = "该页面以高额返利为诱饵诱导用户转账，涉及金额约12345元，属于典型的刷单诈骗。"
NEAR = "该页面以高额返利为诱饵诱导用户转账，涉及金额约12346元，属于典型的刷单诈骗。"
NEARER = "该页面以高额返利为诱饵诱导用户转账，涉及金额约12347元，属于典型的刷单诈骗。"


@pytest.fixture(autouse=True)
def _open_intake(settings):
    settings.ZILU_REPORT_CAPTCHA_AFTER = -1
    settings.ZILU_REPORT_RATE_LIMIT = 0


def test_the_texts_are_near_but_not_identical():
    assert abuse.fingerprint(TEXT) != abuse.fingerprint(NEAR) != abuse.fingerprint(NEARER)
    assert abuse.similarity(TEXT, NEAR) >= 0.8 and abuse.similarity(TEXT, NEARER) >= 0.8


def test_a_near_identical_text_is_merged_and_a_different_one_is_not(member):
    first = submit_ok(Client(), target="", member=str(member.pk), description=TEXT)
    again = submit_ok(Client(), target="", member=str(member.pk), description=NEAR)
    assert again["status"] == "duplicate" and again["merged_into"] == first["tracking_number"]
    other = submit_ok(Client(), target="", member=str(member.pk), description="同一会员的另一个页面售卖违禁药品。")
    assert other["status"] == "with_member"
    stored = Report.objects.get(pk=int(again["tracking_number"][2:]))
    assert stored.description_folded == abuse.normalise(NEAR)


def test_a_target_named_in_another_case_is_the_same_target():
    first = submit_ok(Client(), category="other", target="Some Unknown App", description=TEXT)
    again = submit_ok(Client(), category="other", target="SOME UNKNOWN APP", description=NEAR)
    assert again["merged_into"] == first["tracking_number"]


def _older_reports(member, count: int, *, days_ago: float) -> None:
    created = timezone.now() - timedelta(days=days_ago)
    reports = Report.objects.bulk_create(
        Report(
            lookup_hash=f"{i:064x}",
            category="fraud",
            member=member,
            status="with_member",
            description=f"第{i}号举报：另一个页面涉嫌赌博，编号{i * 7919}。",
            fingerprint=abuse.fingerprint(f"第{i}号举报：另一个页面涉嫌赌博，编号{i * 7919}。"),
        )
        for i in range(count)
    )
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(created_at=created)


def test_only_the_targets_hundred_newest_reports_are_compared(member):
    # a report stored before description_folded existed (NULL): the search folds it itself
    original = Report.objects.create(
        lookup_hash="0" * 64,
        category="fraud",
        member=member,
        status="with_member",
        description=TEXT,
        fingerprint=abuse.fingerprint(TEXT),
    )
    Report.objects.filter(pk=original.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert Report.objects.get(pk=original.pk).description_folded is None
    _older_reports(member, CANDIDATES - 1, days_ago=2)
    merged = submit_ok(Client(), target="", member=str(member.pk), description=NEAR)
    assert merged["merged_into"] == original.tracking_number

    _older_reports(member, 1, days_ago=1)  # now a hundred newer reports (the merged one is not a candidate)
    alone = submit_ok(Client(), target="", member=str(member.pk), description=NEARER)
    assert alone["status"] == "with_member"
