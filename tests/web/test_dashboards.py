"""The dashboards with charts: the public statistics, the staff dashboard and a member's own dashboard. The figures
shown (in the cards and in each chart's text-equivalent table) are those of the records the test creates."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories import SiteFactory, VerifiedReportFactory
from tests.members.helpers import current_version
from zilu.core import charts
from zilu.discipline.models import Case, EvaluationRound, Nomination, Participation
from zilu.reports import trends
from zilu.reports.models import Report
from zilu.review.models import ReviewItem


def figure(html: str, figure_id: str) -> str:
    match = re.search(rf'id="{figure_id}">([^<]*)<', html)
    assert match, figure_id
    return match.group(1).strip()


def chart(html: str, chart_id: str) -> str:
    match = re.search(rf'<figure class="chart" id="{chart_id}">(.*?)</figure>', html, re.S)
    assert match, chart_id
    return match.group(1)


def table_rows(chart_html: str) -> dict[str, list[str]]:
    """The text equivalent of a chart: row heading -> cells."""
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", chart_html, re.S):
        rows[row[0]] = re.findall(r"<td>(.*?)</td>", row[1])
    return rows


def report(member=None, *, category="fraud", months_ago=0, **fields):
    r = VerifiedReportFactory(member=member, category=category, **fields)
    if months_ago:
        moment = timezone.now().replace(day=15) - timedelta(days=31 * months_ago)
        Report.objects.filter(pk=r.pk).update(created_at=moment)
    return r


# ------------------------------------------------------------------------------------------------ the chart helper


def test_a_bar_chart_has_title_desc_and_a_table():
    html = charts.bar_chart("c", "各类举报", [("诈骗", 4), ("谣言<b>", 2)], value_heading="件数")
    assert '<svg class="chart-svg" role="img" aria-labelledby="c-title c-desc"' in html
    assert '<title id="c-title">各类举报</title>' in html
    assert '<desc id="c-desc">诈骗: 4; 谣言&lt;b&gt;: 2</desc>' in html
    assert "<b>" not in html  # labels are escaped
    assert table_rows(html) == {"诈骗": ["4"], "谣言&lt;b&gt;": ["2"]}
    assert "style=" not in html and "<script" not in html  # colours from the stylesheet, nothing inline


def test_a_line_chart_has_a_series_per_line_and_a_row_per_label():
    html = charts.line_chart("t", "每月", ["2026-01", "2026-02"], [("甲", [1, 3]), ("乙", [0, None])], unit=" h")
    assert html.count("<polyline") == 2
    assert table_rows(html) == {"2026-01": ["1 h", "0 h"], "2026-02": ["3 h", "—"]}
    assert '<desc id="t-desc">2026-01–2026-02 甲: 4 h; 乙: 0 h</desc>' in html


def test_an_empty_chart_says_so():
    assert "No data yet." in charts.bar_chart("e", "x", []) or "暂无" in charts.bar_chart("e", "x", [])


# ------------------------------------------------------------------------------------------------ public statistics


@pytest.mark.django_db
def test_public_statistics_show_the_trend_by_month_and_category(client, member):
    report(member, category="fraud")
    report(member, category="fraud")
    report(member, category="rumor")
    report(member, category="fraud", months_ago=2)
    html = client.get("/reports/statistics/").content.decode()
    assert figure(html, "figure-total") == "4"
    months = trends.month_labels()
    rows = table_rows(chart(html, "trend-chart"))
    assert list(rows) == months
    assert rows[months[-1]] == ["2", "1"]  # fraud, rumor (the categories' order)
    assert rows[months[-3]] == ["1", "0"]
    category_rows = table_rows(chart(html, "category-chart"))
    assert len(category_rows) == 11 and sorted(int(v[0]) for v in category_rows.values())[-2:] == [1, 3]


@pytest.mark.django_db
def test_public_statistics_chart_the_median_response_times(client, member):
    now = timezone.now()
    for hours in (2, 4, 9):
        report(member, routed_at=now - timedelta(hours=hours), first_response_at=now)
    html = client.get("/reports/statistics/").content.decode()
    assert figure(html, "figure-first-response") == "4.0"
    rows = table_rows(chart(html, "times-chart"))
    assert rows[trends.month_labels()[-1]][0] == "4 h"


# ------------------------------------------------------------------------------------------------ staff dashboard


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_the_staff_dashboard_charts_every_area(client_for, users, member, role):
    report(member, category="fraud")
    report(member, category="rumor", finding="not_true")
    report(member, months_ago=1)
    today = timezone.localdate()
    report(member, status="with_member", finding="", closed_at=None, due_on=today - timedelta(days=3), overdue_tier=1)
    report(member, status="with_member", finding="", closed_at=None, due_on=today - timedelta(days=30), overdue_tier=2)
    SiteFactory(member=member, check_status="unreachable")
    SiteFactory(member=member, check_status="ok")
    for n in range(3):
        ReviewItem.objects.create(
            member=member,
            external_id=f"p{n}",
            text="待审内容",
            status="held",
            suggestion="review",
            content_sha256="0" * 64,
        )
    html = client_for(role).get("/staff/").content.decode()
    assert figure(html, "figure-intake") == "5"
    assert figure(html, "figure-verified") == "3"
    assert figure(html, "figure-filing-failures") == "1"
    assert figure(html, "figure-review-backlog") == "3"
    assert [v[0] for v in table_rows(chart(html, "chart-overdue")).values()] == ["1", "1"]
    assert table_rows(chart(html, "chart-overdue-members")) == {member.name: ["2"]}
    findings = table_rows(chart(html, "chart-findings"))
    assert sorted(v[0] for v in findings.values()) == ["0", "0", "1", "2"]
    assert table_rows(chart(html, "chart-review-backlog")) == {member.name: ["3"]}
    assert sum(int(v[0]) for v in table_rows(chart(html, "chart-filings")).values()) == 2
    assert "<svg" in chart(html, "chart-intake")


# ------------------------------------------------------------------------------------------------ member dashboard


@pytest.mark.django_db
def test_a_member_sees_its_own_record(client_for, users, member):
    other = users["other_member"].member
    today = timezone.localdate()
    report(member)
    soon = report(member, status="with_member", finding="", closed_at=None, due_on=today + timedelta(days=3))
    report(member, status="with_member", finding="", closed_at=None, due_on=today - timedelta(days=2), overdue_tier=1)
    report(other)  # not ours
    Report.objects.filter(member=member).update(routed_at=timezone.now())
    SiteFactory(member=member, check_status="number_missing")
    rnd = EvaluationRound.objects.create(
        number=1, title="2026 年度评议", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), items=[]
    )
    Participation.objects.create(round=rnd, member=member, band="excellent")
    Nomination.objects.create(
        year=2026, nominee_kind="unit", nominee_name=member.name, member=member, reasons="表现突出",
        nominated_by=users["staff"], status="commended",
    )  # fmt: skip
    Case.objects.create(
        number=1, member=member, source="report", convention_version=current_version(), facts="经核查属实",
        status="final", measure="criticism", decided_on=today,
    )  # fmt: skip
    ReviewItem.objects.create(
        member=member, external_id="x", text="内容", status="held", suggestion="review", content_sha256="0" * 64
    )
    client = client_for("member")
    html = client.get("/member/").content.decode()
    assert figure(html, "figure-reports") == "3"
    assert figure(html, "figure-deadlines") == "2"
    assert figure(html, "figure-late-share") == "33%"
    assert figure(html, "figure-sanctions") == "1"
    assert figure(html, "figure-commendations") == "1"
    assert figure(html, "figure-filing-failures") == "1"
    assert figure(html, "figure-review-queue") == "1"
    assert 'id="figure-band">' in html and "—" not in figure(html, "figure-band")
    assert f'id="deadline-{soon.pk}"' in html
    assert table_rows(chart(html, "chart-member-reports"))[trends.month_labels()[-1]] == ["3"]
    assert client.get("/").content.decode().count('href="/member/"') == 1  # in the navigation


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("public", 403), ("staff", 403), ("supervisor", 403)])
def test_only_a_members_representative_has_a_member_dashboard(client_for, role, status):
    assert client_for(role).get("/member/").status_code == status
