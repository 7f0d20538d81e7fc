"""Cases in the browser: a discipline case to its published decision (Art. 18), a dispute between members through
mediation to a confirmed agreement (Art. 19), and a complaint to the supervising department that the executing
body's staff never see (Art. 20)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.helpers import t
from tests.disputes.helpers import number_members
from tests.helpers import make_versions
from zilu.discipline.models import Case
from zilu.disputes.models import Dispute
from zilu.oversight.models import Complaint, ExplanationRequest

pytestmark = pytest.mark.django_db(transaction=True)

FACTS = "该会员网站首页长期刊登虚假返利广告，经举报核查属实。"
PUBLISHED_FACTS = "经查证属实：该会员网站刊登虚假返利广告。"


def test_discipline_case_from_opening_to_published_decision(browse, users):
    make_versions()
    people = number_members(users)
    target = people["member"].member

    staff = browse("staff").open("/staff/discipline/")
    staff.open("/staff/discipline/cases/new")
    staff.fill("member", target.number).fill("source", "investigation").fill("articles", "12(1), 17")
    staff.fill("facts", FACTS)
    staff.click(t("Open the case"))
    case = Case.objects.get()
    assert staff.path == f"/staff/discipline/cases/{case.pk}/" and case.status == "open"
    staff.sees(t("Case %(ref)s is opened.") % {"ref": case.reference}, FACTS)

    staff.fill("propose-measure", "criticism").fill("propose-reasons", "违反公约第十二条第（一）项。")
    staff.click(t("Propose the measure and tell the member"))
    case.refresh_from_db()
    assert case.status == "proposed"

    # the member reads the proposal in its own pages and answers
    member = browse("member").open("/account/discipline/")
    member.sees(case.reference)
    member.open(f"/account/discipline/cases/{case.pk}/")
    member.sees(FACTS, t("Your answer"))
    member.fill("answer-answer", "我方已删除广告并整改。")
    member.click(t("Send the answer"))
    case.refresh_from_db()
    assert case.status == "answered"

    staff.open(f"/staff/discipline/cases/{case.pk}/")
    staff.sees("我方已删除广告并整改。")
    staff.fill("consider-consideration", "整改属实，但不影响认定。")
    staff.click(t("Record the consideration"))
    staff.fill("decide-published_facts", PUBLISHED_FACTS)
    staff.click(t("Decide"), exact=True)
    case.refresh_from_db()
    assert case.status == "decided"

    # the public notice; the member may appeal
    public = browse("anonymous").open("/sanctions/")
    public.sees(PUBLISHED_FACTS, target.name)
    member.open(f"/account/discipline/cases/{case.pk}/")
    member.sees(t("Appeal"))


def test_dispute_with_mediation_to_a_confirmed_agreement(browse, users):
    people = number_members(users)
    claimant = browse("member").open("/disputes/")
    claimant.open("/disputes/new")
    claimant.fill("respondents", "CP-2026-0002").fill("subject", "域名使用争议")
    claimant.fill("facts", "对方长期使用与我方近似的域名，造成用户混淆。").fill("request", "请对方停止使用该域名。")
    claimant.click(t("File the dispute"))
    dispute = Dispute.objects.get()
    assert claimant.path == f"/disputes/{dispute.pk}/"
    claimant.sees(t("The dispute is filed. The other parties are notified."), "域名使用争议")

    respondent = browse("other_member").open("/disputes/")
    respondent.sees("域名使用争议")
    respondent.open(f"/disputes/{dispute.pk}/")
    respondent.fill("answer-answer", "该域名为我方先行注册。")
    respondent.click(t("Send the answer"))
    respondent.sees("该域名为我方先行注册。")

    claimant.open(f"/disputes/{dispute.pk}/")
    claimant.click(t("Ask the executing body to mediate"))
    dispute.refresh_from_db()
    assert dispute.status == "mediation_requested"

    # the staff assign a mediator, who declares no conflict, meets the parties and proposes the agreement
    staff = browse("staff").open("/staff/disputes/")
    staff.sees("域名使用争议")
    staff.open(f"/staff/disputes/{dispute.pk}/")
    staff.fill("assign-mediator", str(people["staff"].pk))
    staff.click(t("Assign the mediator"))
    staff.fill("declare-statement", "本人与各方无利害关系。")
    staff.click(t("Declare no conflict of interest"))
    starts = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    staff.fill("session-starts_at", starts).fill("session-online_link", "https://meet.example.cn/1")
    staff.click(t("Schedule a session"))
    staff.fill("agreement-text", "一、被申请人于三十日内停止使用该域名。")
    staff.click(t("Send the agreement for confirmation"))
    dispute.refresh_from_db()
    assert dispute.status == "agreement_proposed" and dispute.sessions.count() == 1

    for party in (claimant, respondent):
        party.open(f"/disputes/{dispute.pk}/")
        party.sees("一、被申请人于三十日内停止使用该域名。")
        party.click(t("Confirm the mediation agreement"))
    dispute.refresh_from_db()
    assert dispute.status == "mediated"
    claimant.open(f"/disputes/{dispute.pk}/")
    claimant.sees(dispute.get_status_display())
    link = claimant.page.get_by_role("link", name=t("PDF copy"))
    pdf = claimant.page.request.get(claimant.base_url + link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


def test_complaint_reaches_the_supervisor_and_not_the_staff(browse, users):
    number_members(users)
    subject, facts = "执行机构违规处分某会员", "工作人员王某在未核实事实的情况下作出处分。"

    member = browse("member").open("/oversight/complaints/")
    member.open("/oversight/complaints/new")
    member.fill("target", "staff_member").fill("target_reference", "昌自律处字〔2026〕3号")
    member.fill("staff_named", "王某").fill("subject", subject).fill("facts", facts)
    member.click(t("Send the complaint"))
    complaint = Complaint.objects.get()
    assert member.path == f"/oversight/complaints/{complaint.pk}/" and complaint.status == "filed"
    member.sees(subject, complaint.reference)

    supervisor = browse("supervisor").open("/oversight/complaints/")
    supervisor.sees(subject)
    supervisor.open(f"/oversight/complaints/{complaint.pk}/")
    supervisor.click(t("Acknowledge"), exact=True)
    supervisor.click(t("Open an investigation"))
    supervisor.fill("explain-questions", "请说明处分依据。")
    supervisor.click(t("Request the executing body's explanation"))
    complaint.refresh_from_db()
    assert complaint.status == "investigating"
    request = ExplanationRequest.objects.get()

    # the staff: the question only; the complaint itself is out of reach
    staff = browse("staff").open("/staff/explanations/")
    staff.does_not_see(subject, complaint.reference)
    staff.open(f"/staff/explanations/{request.pk}/")
    staff.sees("请说明处分依据。").does_not_see(subject, facts, complaint.reference)
    staff.fill("answer", "依据公约第十八条。")
    staff.click(t("Send the explanation"))
    staff.sees(t("Your explanation is sent to the supervising department."))
    staff.open("/oversight/complaints/", status=403)
    staff.open(f"/oversight/complaints/{complaint.pk}/", status=404)
    staff.does_not_see(subject)

    supervisor.open(f"/oversight/complaints/{complaint.pk}/")
    supervisor.sees("依据公约第十八条。")
    supervisor.fill("conclude-findings", "处分程序不当。").fill("conclude-corrections", "撤销处分。")
    supervisor.click(t("Conclude"), exact=True)
    complaint.refresh_from_db()
    assert complaint.status == "concluded"

    member.open(f"/oversight/complaints/{complaint.pk}/")
    member.sees("处分程序不当。", complaint.get_status_display())
