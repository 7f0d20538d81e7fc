"""Complaints about the executing body to its supervising department (Art. 20): each step through the API and the
pages, each refusal, and the rule that no executing-body account (staff, superuser) can reach a complaint."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.disputes.helpers import client, number_members, post
from tests.helpers import assert_problem
from zilu.core.models import AuditEntry, Notification
from zilu.oversight.guard import retaliation_flag
from zilu.oversight.models import Complaint, ExplanationRequest

pytestmark = pytest.mark.django_db
API = "/api/v1/oversight"
SUBJECT = "执行机构违规处分某会员"
FACTS = "工作人员王某在未核实事实的情况下作出处分。"


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with translation.override("en"):
        yield


@pytest.fixture
def people(users):
    return number_members(users)


def file_complaint(c: Client, **overrides) -> dict:
    body = {
        "target": "staff_member",
        "target_reference": "昌自律处字〔2026〕3号",
        "staff_named": "王某",
        "subject": SUBJECT,
        "facts": FACTS,
        "request": "请主管部门调查。",
        **overrides,
    }
    response = post(c, f"{API}/complaints", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_complaint_handled_by_the_supervising_department_end_to_end(people):
    member, supervisor, staff = client(people["member"]), client(people["supervisor"]), client(people["staff"])
    complaint = file_complaint(member)
    cid = complaint["id"]
    assert complaint["status"] == "filed" and complaint["reference"].startswith("OV-")

    # It reaches the supervising department only: no notice and no e-mail to staff or superusers.
    assert Notification.objects.filter(user=people["supervisor"], kind="oversight.complaint.filed").count() == 1
    for role in ("staff", "superuser"):
        assert not Notification.objects.filter(user=people[role]).exists()
    assert all(people["staff"].email not in m.to and people["superuser"].email not in m.to for m in mail.outbox)

    # Handling: acknowledge, investigate, ask the executing body to explain.
    assert_problem(post(supervisor, f"{API}/complaints/{cid}/conclude", {"findings": "x"}), 409, "invalid_transition")
    assert post(supervisor, f"{API}/complaints/{cid}/acknowledge").json()["status"] == "acknowledged"
    assert_problem(post(supervisor, f"{API}/complaints/{cid}/acknowledge"), 409)
    assert_problem(post(supervisor, f"{API}/complaints/{cid}/explanation-requests", {"questions": "q"}), 409)
    assert post(supervisor, f"{API}/complaints/{cid}/investigate").json()["status"] == "investigating"
    assert_problem(post(supervisor, f"{API}/complaints/{cid}/explanation-requests", {"questions": " "}), 422)
    asked = post(supervisor, f"{API}/complaints/{cid}/explanation-requests", {"questions": "请说明处分依据。"})
    assert asked.status_code == 201
    rid = asked.json()["id"]

    # The staff see the request, naming only what they must answer: not the complaint, not the complainant.
    seen = staff.get(f"{API}/explanation-requests").json()
    assert [r["questions"] for r in seen] == ["请说明处分依据。"]
    assert seen[0]["disclosed_complainant"] == ""
    page = staff.get(f"/staff/explanations/{rid}/").content.decode()
    assert "请说明处分依据。" in page
    for secret in (SUBJECT, FACTS, people["member"].member.name, complaint["reference"]):
        assert secret not in page and secret not in str(seen)
    notice = Notification.objects.get(user=people["staff"], kind="oversight.explanation.requested")
    assert SUBJECT not in notice.subject + notice.body and people["member"].member.name not in notice.body

    # The staff answer once (the member cannot answer, the department reads the answer).
    assert_problem(post(member, f"{API}/explanation-requests/{rid}/answer", {"answer": "x"}), 403)
    assert post(staff, f"{API}/explanation-requests/{rid}/answer", {"answer": "依据公约第十八条。"}).status_code == 200
    assert_problem(post(staff, f"{API}/explanation-requests/{rid}/answer", {"answer": "again"}), 409)
    detail = supervisor.get(f"{API}/complaints/{cid}").json()
    assert detail["explanation_requests"][0]["answer"] == "依据公约第十八条。"

    # Conclusion with findings and corrections; the complainant follows the status.
    done = post(
        supervisor, f"{API}/complaints/{cid}/conclude", {"findings": "处分程序不当。", "corrections": "撤销处分。"}
    ).json()
    assert (done["status"], done["findings"], done["corrections"]) == ("concluded", "处分程序不当。", "撤销处分。")
    mine = member.get(f"{API}/complaints/{cid}").json()
    assert mine["status"] == "concluded" and mine["findings"] == "处分程序不当。"
    assert Notification.objects.filter(user=people["member"], kind="oversight.complaint").count() == 3
    # The required corrections reach the executing body as a request to answer, still without the complainant.
    correction = ExplanationRequest.objects.order_by("-id").first()
    assert "撤销处分。" in correction.questions and correction.disclosed_complainant == ""
    assert_problem(post(supervisor, f"{API}/complaints/{cid}/investigate"), 409)


def test_complaint_through_the_pages(people):
    member, supervisor = client(people["member"]), client(people["supervisor"])
    evidence = SimpleUploadedFile("处分书.txt", "处分决定书内容".encode(), content_type="text/plain")
    response = member.post(
        "/oversight/complaints/new",
        {"target": "decision", "target_reference": "/staff/decisions/3", "subject": SUBJECT, "facts": FACTS,
         "evidence": evidence, "discloses_identity": "on"},
    )  # fmt: skip
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/oversight/complaints/{complaint.pk}/"
    assert complaint.discloses_identity
    assert SUBJECT in member.get("/oversight/complaints/").content.decode()

    queue = supervisor.get("/oversight/complaints/").content.decode()
    assert SUBJECT in queue and people["member"].member.name in queue
    supervisor.post(f"/oversight/complaints/{complaint.pk}/acknowledge")
    supervisor.post(f"/oversight/complaints/{complaint.pk}/investigate")
    supervisor.post(f"/oversight/complaints/{complaint.pk}/explain", {"explain-questions": "请说明。"})
    request = ExplanationRequest.objects.get()
    # The complainant consented: the executing body is told who complained.
    staff_page = client(people["staff"]).get(f"/staff/explanations/{request.pk}/").content.decode()
    assert people["member"].member.name in staff_page and SUBJECT not in staff_page
    client(people["staff"]).post(f"/staff/explanations/{request.pk}/", {"answer": "已核实。"})
    request.refresh_from_db()
    assert request.answer == "已核实。" and request.answered_by == people["staff"]
    supervisor.post(f"/oversight/complaints/{complaint.pk}/conclude", {"conclude-findings": "投诉不成立。"})
    complaint.refresh_from_db()
    assert complaint.status == "concluded" and complaint.findings == "投诉不成立。"
    page = member.get(f"/oversight/complaints/{complaint.pk}/").content.decode()
    assert "投诉不成立。" in page and "Concluded" in page

    export = supervisor.get("/oversight/complaints.csv")
    assert export.status_code == 200 and SUBJECT in export.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("role", "body", "status", "field"),
    [
        ("anonymous", {}, 401, None),
        ("public", {}, 403, None),
        ("staff", {}, 403, None),
        ("superuser", {}, 403, None),
        ("supervisor", {}, 403, None),
        ("member", {"target": "rumour"}, 422, "target"),
        ("member", {"target": "staff_member", "staff_named": ""}, 422, "staff_named"),
        ("member", {"target_reference": ""}, 422, "target_reference"),
        ("member", {"facts": " "}, 422, "facts"),
    ],
)
def test_filing_refusals(people, role, body, status, field):
    c = Client() if role == "anonymous" else client(people[role])
    payload = {"target": "act", "target_reference": "x", "staff_named": "", "subject": "s", "facts": "f", **body}
    problem = assert_problem(post(c, f"{API}/complaints", payload), status)
    if field:
        assert problem["errors"][0]["field"] == field
    assert not Complaint.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="oversight.").exists()


@pytest.mark.parametrize("step", ["acknowledge", "investigate", "conclude", "explanation-requests"])
@pytest.mark.parametrize("role", ["member", "other_member", "staff", "superuser", "public"])
def test_only_the_department_handles(people, role, step):
    cid = file_complaint(client(people["member"]))["id"]
    response = post(client(people[role]), f"{API}/complaints/{cid}/{step}", {"findings": "f", "questions": "q"})
    assert_problem(response, 403, "forbidden")
    assert Complaint.objects.get().status == "filed"


def test_members_see_only_their_own_complaints(people):
    cid = file_complaint(client(people["member"]))["id"]
    other = client(people["other_member"])
    assert other.get(f"{API}/complaints").json() == []
    assert_problem(other.get(f"{API}/complaints/{cid}"), 404)
    assert other.get(f"/oversight/complaints/{cid}/").status_code == 404


def test_retaliation_flag(people):
    from datetime import timedelta

    from django.utils import timezone

    member = people["member"].member
    assert retaliation_flag(member) is False
    file_complaint(client(people["member"]))
    assert retaliation_flag(member) is True
    assert retaliation_flag(member.pk) is True
    assert retaliation_flag(people["other_member"].member) is False
    assert retaliation_flag(member, on=timezone.localdate() + timedelta(days=800)) is False
    assert retaliation_flag(member, months=1, on=timezone.localdate() + timedelta(days=20)) is True
