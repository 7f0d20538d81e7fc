"""A report in the browser: the public sends it with evidence and follows it, the member answers, the staff verify
it and the public sees the outcome (Art. 10, 12, 17)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import t
from tests.factories import SiteFactory
from tests.reports.helpers import PNG
from zilu.core.files import files_of
from zilu.core.models import Notification
from zilu.reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True)

DESCRIPTION = "该页面以高额返利为诱饵诱导用户转账，属于典型的刷单诈骗。"


def test_report_answer_verify_and_track(browse, users, member, tmp_path):
    SiteFactory(member=member, domains=["shop.example.com.cn"])
    shot = tmp_path / "shot.png"
    shot.write_bytes(PNG)

    # the public: the report button in the header, the form, the receipt
    public = browse("anonymous").open("/")
    public.click(t("Report illegal and harmful information"), role="link")
    assert public.path == "/report/"
    public.fill("category", "fraud").fill("target", "https://shop.example.com.cn/item/42")
    public.fill("description", DESCRIPTION).upload("files", shot)
    public.click(t("Send the report"))
    public.sees(t("Report received"))
    number = public.text("#tracking-number").strip()
    code = public.text("#lookup-code").strip()
    report = Report.objects.get()
    assert (report.tracking_number, report.status, report.member) == (number, "with_member", member)
    assert files_of(report, "evidence").count() == 1

    # the member: told in its inbox, its queue, the report, its answer
    rep = browse("member").open("/account/inbox/")
    notice = Notification.objects.get(user=users["member"], kind="reports.assigned")
    rep.sees(notice.subject)
    rep.open("/")
    rep.click(t("Reports to answer"), role="link")
    rep.sees(number)
    rep.page.get_by_role("row").filter(has_text=number).get_by_role("link", name=t("Open")).click()
    rep.page.wait_for_url(f"**/member/reports/{report.pk}/")
    rep.sees(DESCRIPTION, t("Record what you did"))
    rep.fill("action", "removed").fill("explanation", "已删除该商品页面并封禁发布账号。")
    rep.click(t("Send the response"))
    rep.sees(t("Your response is recorded."), "已删除该商品页面并封禁发布账号。")
    report.refresh_from_db()
    assert report.status == "responded" and report.first_response_at is not None

    # the staff: the queue, the detail with the member's response, the finding
    staff = browse("staff").open("/staff/reports/")
    staff.sees(number)
    staff.open(f"/staff/reports/{report.pk}/")
    staff.sees(t("Member's responses"), "已删除该商品页面并封禁发布账号。")
    staff.fill("verify-finding", "verified_true").fill("verify-public_outcome", "查证属实，相关信息已删除。")
    staff.click(t("Record the finding"))
    staff.sees(t("The verification is recorded and the report closed."))
    report.refresh_from_db()
    assert (report.status, report.finding) == ("closed", "verified_true")

    # the public follows it with the number and the code
    public.open("/report/track/")
    public.fill("tracking_number", number).fill("lookup_code", code)
    public.click(t("Look up"))
    public.sees(number, "查证属实，相关信息已删除。")
    assert public.text("#finding").strip() == report.get_finding_display()

    # the public statistics count it
    public.open("/reports/statistics/")
    public.sees(t("Statistics of reports"))


def test_a_report_form_with_errors_keeps_the_reporter_on_the_form(browse):
    public = browse("anonymous").open("/report/")
    public.fill("description", "太短")
    form = public.page.locator("form").filter(has=public.page.locator('[name="description"]'))
    # the browser's own checks know the required fields
    assert form.evaluate("f => f.checkValidity()") is False
    # and the server refuses the same form, on the same page, with the errors shown
    form.evaluate("f => { f.noValidate = true; }")
    public.click(t("Send the report"))
    assert public.path == "/report/"
    assert Report.objects.count() == 0
    public.sees(t("This field is required."))
