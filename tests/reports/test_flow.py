"""The whole path of a report through the API and the pages: report → lookup → member queue → response → overdue
marking → staff verification → public outcome (Art. 10, 12, 17)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import MemberFactory, SiteFactory
from tests.helpers import assert_problem
from tests.reports.helpers import API, lookup_api, png, report_data, submit_ok
from zilu.core import deadlines
from zilu.core.models import AuditEntry, Notification
from zilu.reports.actions import mark_overdue
from zilu.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(member):
    return SiteFactory(member=member, domains=["shop.example.com.cn"])


def test_the_whole_path_through_the_api(client_for, users, member, site):
    anonymous = Client()
    receipt = submit_ok(anonymous, files=[png()])
    assert receipt["tracking_number"].startswith("JB")
    assert receipt["status"] == "with_member"
    report = Report.objects.get()
    assert report.member == member and report.matched_by == "domain"
    assert report.reporter is None
    assert report.due_on == deadlines.add_working_days(timezone.localdate(report.routed_at), 2)
    assert report.very_overdue_on == deadlines.add_working_days(report.due_on, 2)

    # the reporter follows it
    followed = lookup_api(anonymous, receipt["tracking_number"], receipt["lookup_code"])
    assert followed.status_code == 200
    assert followed.json()["handling_status"] == "with_member"

    # the member's queue has it; another member's does not
    rep = client_for("member")
    queue = rep.get(f"{API}/assigned")
    assert [r["tracking_number"] for r in queue.json()] == [receipt["tracking_number"]]
    assert client_for("other_member").get(f"{API}/assigned").json() == []
    item = queue.json()[0]
    assert item["due_on"] == report.due_on.isoformat()
    assert len(item["evidence"]) == 1
    assert Notification.objects.filter(user=users["member"], kind="reports.assigned").count() == 1

    # it answers
    answered = rep.post(
        f"{API}/assigned/{receipt['tracking_number']}/response",
        {"action": "removed", "explanation": "已删除该商品页面并封禁发布账号。", "files": [png("after.png")]},
    )
    assert answered.status_code == 201, answered.content
    assert answered.json()["status"] == "responded"
    assert answered.json()["responses"][0]["action"] == "removed"
    report.refresh_from_db()
    assert report.first_response_at is not None

    # the staff send it back once, then verify it
    staff = client_for("staff")
    back = staff.post(
        f"{API}/staff/{receipt['tracking_number']}/send-back", {"reason": "同类页面仍可访问。"}, "application/json"
    )
    assert back.status_code == 200 and back.json()["status"] == "with_member"
    rep.post(
        f"{API}/assigned/{receipt['tracking_number']}/response",
        {"action": "removed", "explanation": "已清理全部同类页面。"},
    )
    verified = staff.post(
        f"{API}/staff/{receipt['tracking_number']}/verify",
        {"finding": "verified_true", "public_outcome": "查证属实，相关信息已删除。", "note": "复核无残留"},
        "application/json",
    )
    assert verified.status_code == 200, verified.content
    report.refresh_from_db()
    assert (report.status, report.finding) == ("closed", "verified_true")
    assert Report.objects.verified_true().get() == report
    assert report.verified_by == users["staff"]

    # the public outcome
    outcome = lookup_api(anonymous, receipt["tracking_number"], receipt["lookup_code"]).json()
    assert outcome["handling_status"] == "closed"
    assert outcome["finding"] == "verified_true"
    assert outcome["public_outcome"] == "查证属实，相关信息已删除。"
    assert [h["status"] for h in outcome["history"]] == [
        "with_member",
        "responded",
        "with_member",
        "responded",
        "closed",
    ]

    stats = anonymous.get(f"{API}/statistics").json()
    assert stats["total"] == 1
    assert {c["key"]: c["count"] for c in stats["by_finding"]}["verified_true"] == 1
    assert stats["median_first_response_hours"] is not None

    actions = list(AuditEntry.objects.filter(object_type="reports.report").values_list("action", flat=True))
    assert actions == [
        "reports.submit", "reports.respond", "reports.send_back", "reports.respond", "reports.verify"
    ]  # fmt: skip


def test_overdue_tiers_move_with_time_and_notify_once(client_for, users, member, site):
    submit_ok(Client())
    report = Report.objects.get()
    staff_before = Notification.objects.filter(user=users["staff"], kind="reports.overdue").count()

    assert mark_overdue(today=report.due_on) == {"overdue": 0, "very_overdue": 0}  # the last day is still in time
    assert mark_overdue(today=report.due_on + timedelta(days=1)) == {"overdue": 1, "very_overdue": 0}
    assert mark_overdue(today=report.due_on + timedelta(days=1)) == {"overdue": 0, "very_overdue": 0}
    report.refresh_from_db()
    assert report.overdue_tier == 1
    assert Notification.objects.filter(user=users["member"], kind="reports.overdue").count() == 1

    listed = client_for("staff").get(f"{API}/staff", {"status": "overdue"}).json()
    assert [r["tracking_number"] for r in listed] == [report.tracking_number]
    dashboard = client_for("staff").get("/staff/")
    assert report.tracking_number in dashboard.content.decode()

    assert mark_overdue(today=report.very_overdue_on + timedelta(days=1)) == {"overdue": 0, "very_overdue": 1}
    report.refresh_from_db()
    assert report.overdue_tier == 2
    assert Notification.objects.filter(user=users["staff"], kind="reports.overdue").count() == staff_before + 2
    member_view = client_for("member").get(f"{API}/assigned/{report.tracking_number}").json()
    assert member_view["overdue_tier"] == 2


def test_a_response_stops_the_clock(client_for, member, site):
    receipt = submit_ok(Client())
    client_for("member").post(
        f"{API}/assigned/{receipt['tracking_number']}/response",
        {"action": "corrected", "explanation": "已更正商品描述并下架。"},
    )
    report = Report.objects.get()
    assert mark_overdue(today=report.very_overdue_on + timedelta(days=3)) == {"overdue": 0, "very_overdue": 0}


def test_a_report_about_no_member_stays_with_staff_until_routed(client_for, users, member):
    receipt = submit_ok(Client(), target="https://unknown.example.org/x")
    assert receipt["status"] == "staff_queue"
    assert Notification.objects.filter(user=users["staff"], kind="reports.new").exists()
    assert client_for("member").get(f"{API}/assigned").json() == []

    staff = client_for("staff")
    routed = staff.post(
        f"{API}/staff/{receipt['tracking_number']}/assign", {"member_id": member.pk}, "application/json"
    )
    assert routed.status_code == 200 and routed.json()["status"] == "with_member"
    assert routed.json()["matched_by"] == "staff"
    assert len(client_for("member").get(f"{API}/assigned").json()) == 1


def test_the_reporter_may_name_the_member(member):
    receipt = submit_ok(Client(), target="某某App", member=str(member.pk))
    report = Report.objects.get(pk=int(receipt["tracking_number"][2:]))
    assert (report.member, report.matched_by, report.status) == (member, "reporter", "with_member")


def test_misconduct_goes_to_the_executing_body_even_with_a_member(member, site):
    receipt = submit_ok(Client(), category="misconduct", description="该企业拒不执行公约要求，多次被投诉仍未整改。")
    report = Report.objects.get()
    assert receipt["status"] == "staff_queue" and report.member == member


def test_not_ours_returns_the_report_to_staff(client_for, member, site):
    receipt = submit_ok(Client())
    rep = client_for("member")
    answered = rep.post(
        f"{API}/assigned/{receipt['tracking_number']}/response",
        {"action": "not_ours", "explanation": "该域名已于去年转让，不属于本公司。"},
    )
    assert answered.status_code == 201 and answered.json()["status"] == "staff_queue"
    report = Report.objects.get()
    assert report.status == "staff_queue" and report.member is None
    assert rep.get(f"{API}/assigned").json() == []


def test_refused_transitions(client_for, member, site):
    receipt = submit_ok(Client())
    number = receipt["tracking_number"]
    staff = client_for("staff")
    send_back = staff.post(f"{API}/staff/{number}/send-back", {"reason": "x"}, "application/json")
    assert_problem(send_back, 409, "invalid_transition")
    verify = {"finding": "not_true", "public_outcome": "经核查，举报内容不属实。"}
    assert staff.post(f"{API}/staff/{number}/verify", verify, "application/json").status_code == 200
    assert_problem(staff.post(f"{API}/staff/{number}/verify", verify, "application/json"), 409, "invalid_transition")
    late = client_for("member").post(
        f"{API}/assigned/{number}/response", {"action": "removed", "explanation": "已删除该商品页面及其副本。"}
    )
    assert_problem(late, 409, "invalid_transition")


def test_verification_needs_a_finding_and_an_outcome(client_for, member, site):
    number = submit_ok(Client())["tracking_number"]
    response = client_for("staff").post(
        f"{API}/staff/{number}/verify", {"finding": "maybe", "public_outcome": ""}, "application/json"
    )
    body = assert_problem(response, 422, "validation_error")
    assert {e["field"] for e in body["errors"]} == {"finding", "public_outcome"}


def test_the_whole_path_through_the_pages(client_for, users, member, site):
    anonymous = Client()
    form = client_for("anonymous").get("/report/")
    assert form.status_code == 200 and 'id="report-form"' in form.content.decode()
    sent = anonymous.post("/report/", {**report_data(), "files": [png()]})
    assert sent.status_code == 302 and sent["Location"] == "/report/received/"
    receipt_page = anonymous.get("/report/received/").content.decode()
    report = Report.objects.get()
    assert report.tracking_number in receipt_page
    code = receipt_page.split('id="lookup-code">')[1].split("<")[0]
    assert anonymous.get("/report/received/").status_code == 302  # the code is shown once

    tracked = anonymous.post("/report/track/", {"tracking_number": report.tracking_number, "lookup_code": code})
    assert 'id="report-status"' in tracked.content.decode()
    wrong = anonymous.post("/report/track/", {"tracking_number": report.tracking_number, "lookup_code": "AAAAA-AAAAA"})
    assert 'id="report-status"' not in wrong.content.decode()

    rep = client_for("member")
    assert report.tracking_number in rep.get("/member/reports/").content.decode()
    detail = rep.get(f"/member/reports/{report.pk}/")
    assert detail.status_code == 200
    answered = rep.post(
        f"/member/reports/{report.pk}/", {"action": "removed", "explanation": "已删除该商品页面并封禁账号。"}
    )
    assert answered.status_code == 302
    report.refresh_from_db()
    assert report.status == "responded"

    staff = client_for("staff")
    assert report.tracking_number in staff.get("/staff/reports/").content.decode()
    assert staff.get(f"/staff/reports/{report.pk}/").status_code == 200
    closed = staff.post(
        f"/staff/reports/{report.pk}/verify",
        {"verify-finding": "partly_true", "verify-public_outcome": "部分属实，已督促整改。", "verify-note": ""},
    )
    assert closed.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.finding) == ("closed", "partly_true")
    final = anonymous.post("/report/track/", {"tracking_number": report.tracking_number, "lookup_code": code})
    assert "部分属实，已督促整改。" in final.content.decode()
    stats = anonymous.get("/reports/statistics/")
    assert stats.status_code == 200 and 'id="category-chart"' in stats.content.decode()


def test_a_signed_in_reporter_sees_their_reports(client_for, users, member, site):
    client = client_for("public")
    submit_ok(client)
    mine = client.get(f"{API}/mine").json()
    assert len(mine) == 1
    assert Report.objects.get().reporter == users["public"]
    page = client.get("/account/reports/")
    assert mine[0]["tracking_number"] in page.content.decode()


def test_public_statistics_hide_small_member_counts(client_for, settings, member, site):
    settings.ZILU_STATS_MIN_CELL = 2
    other = MemberFactory()
    SiteFactory(member=other, domains=["other.example.com.cn"])
    for i in range(2):
        submit_ok(
            Client(),
            description=f"第{i}条：该页面以高额返利诱导转账，内容各不相同{i * 7}。",
            category=["fraud", "rumor"][i],
        )
    submit_ok(Client(), target="https://other.example.com.cn/", description="另一个网站上的赌博广告链接信息。")
    stats = Client().get(f"{API}/statistics").json()
    assert [m["member"] for m in stats["by_member"]] == [member.name]
    assert stats["other_members"] == 1
    full = client_for("staff").get("/staff/reports/statistics/").content.decode()
    assert other.name in full


def test_a_member_can_link_to_a_prefilled_form(member):
    page = Client().get(f"/report/?member={member.pk}&target=https://shop.example.com.cn/&category=fraud")
    body = page.content.decode()
    assert f'<option value="{member.pk}" selected>' in body
    assert 'value="https://shop.example.com.cn/"' in body
