"""No executing-body account (staff, superuser) can reach an Art. 20 complaint: not through any page, API, export,
back-office page, count, notification or the audit log. Plus the verifiable record: sealed audit entries, the
member's audit extract checked by ``zilu audit verify --file``, the daily published heads, and supervisor accounts
managed outside the back office."""

from __future__ import annotations

import itertools
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.disputes.helpers import client, number_members, post
from tests.helpers import assert_problem
from zilu.core import audit
from zilu.core.files import files_of
from zilu.core.models import AuditEntry, User
from zilu.core.roles import Role
from zilu.oversight.models import Complaint, PublishedHead

pytestmark = pytest.mark.django_db
API = "/api/v1/oversight"
SUBJECT = "投诉执行机构滥用职权"
FACTS = "执行机构工作人员索要好处费。"
EVIDENCE_NAME = "录音记录.txt"
EXECUTING_BODY = ("staff", "superuser")


@pytest.fixture
def case(users):
    """A complaint with evidence, under investigation, with a request for the executing body's explanation."""
    people = number_members(users)
    member, supervisor = client(people["member"]), client(people["supervisor"])
    upload = SimpleUploadedFile(EVIDENCE_NAME, "录音文字稿".encode(), content_type="text/plain")
    response = member.post(
        "/oversight/complaints/new",
        {"target": "act", "target_reference": "案件 2026-17", "subject": SUBJECT, "facts": FACTS, "evidence": upload},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    post(supervisor, f"{API}/complaints/{complaint.pk}/acknowledge")
    post(supervisor, f"{API}/complaints/{complaint.pk}/investigate")
    post(supervisor, f"{API}/complaints/{complaint.pk}/explanation-requests", {"questions": "请说明收费依据。"})
    return {
        "people": people,
        "complaint": complaint,
        "file": files_of(complaint, "evidence").get(),
        "secrets": [SUBJECT, FACTS, complaint.reference, EVIDENCE_NAME, "案件 2026-17", "oversight.complaint"],
    }


def _pages(case) -> dict[str, int]:
    cid, fid = case["complaint"].pk, case["file"].pk
    return {
        "/oversight/complaints/": 403,
        "/oversight/complaints/new": 403,
        f"/oversight/complaints/{cid}/": 404,
        "/oversight/complaints.csv": 403,
        f"/files/{fid}": 404,
        "/account/audit-extract.json": 403,
        f"{API}/complaints": 403,
        f"{API}/complaints?status=investigating": 403,
        f"{API}/complaints/{cid}": 404,
        f"{API}/audit-extract": 403,
        "/backoffice/oversight/complaint/": 404,
        "/backoffice/oversight/explanationrequest/": 404,
        # Pages the executing body does reach: none of them may show anything of the complaint.
        "/staff/": 200,
        "/staff/audit/": 200,
        "/staff/audit/?action=oversight": 200,
        "/api/v1/audit/entries?limit=500": 200,
        "/backoffice/": 200,
        "/backoffice/core/auditentry/": 200,
        "/backoffice/core/auditentry/?q=oversight": 200,
        "/staff/explanations/": 200,
        f"/staff/explanations/{case['complaint'].explanation_requests.get().pk}/": 200,
        "/api/v1/oversight/explanation-requests": 200,
        "/api/v1/notifications": 200,
        "/account/inbox/": 200,
        "/transparency/": 200,
    }


@pytest.mark.parametrize("role", EXECUTING_BODY)
def test_no_executing_body_page_api_export_or_count_reaches_a_complaint(case, role):
    c = client(case["people"][role])
    for path, expected in _pages(case).items():
        response = c.get(path)
        assert response.status_code == expected, (path, response.status_code)
        body = response.content.decode("utf-8", "replace")
        for secret in case["secrets"]:
            assert secret not in body, (path, secret)
        if expected == 403 and path.startswith("/api/"):
            assert_problem(response, 403, "forbidden")


@pytest.mark.parametrize("role", EXECUTING_BODY)
@pytest.mark.parametrize("step", ["acknowledge", "investigate", "explain", "conclude", "evidence"])
def test_no_executing_body_account_can_act_on_a_complaint(case, role, step):
    cid = case["complaint"].pk
    entries = AuditEntry.objects.count()
    c = client(case["people"][role])
    assert c.post(f"/oversight/complaints/{cid}/{step}", {"conclude-findings": "x"}).status_code == 404
    api_step = {"explain": "explanation-requests"}.get(step, step)
    if step == "evidence":
        upload = SimpleUploadedFile("more.txt", b"more", content_type="text/plain")
        response = c.post(f"{API}/complaints/{cid}/evidence", {"files": [upload]})
    else:
        response = post(c, f"{API}/complaints/{cid}/{api_step}", {"findings": "x", "questions": "q"})
    assert_problem(response, 403, "forbidden")
    assert AuditEntry.objects.count() == entries
    assert Complaint.objects.get().status == "investigating"


def test_audit_entries_are_sealed_for_the_executing_body_and_the_chain_still_checks(case):
    staff_entries = client(case["people"]["staff"]).get("/api/v1/audit/entries?limit=500").json()
    sealed = [e for e in staff_entries if e["action"] == "sealed"]
    assert len(sealed) == AuditEntry.objects.filter(action__startswith="oversight.").count() > 0
    assert all(e["actor_id"] is None and e["actor_label"] == "" and e["created_at"] is None for e in sealed)
    assert not any(e["object_type"].startswith("oversight") for e in staff_entries)
    # Every link holds across the sealed entries; every unsealed entry can be recomputed from what staff see.
    for previous, entry in itertools.pairwise(staff_entries):
        assert entry["prev_hash"] == previous["hash"]
    for entry in staff_entries:
        if entry["action"] != "sealed":
            assert audit.row_hash({**entry, "timestamp": entry["timestamp"]}) == entry["hash"]
    # The supervising department reads them in full; the complainant is not named in them even there.
    full = client(case["people"]["supervisor"]).get("/api/v1/audit/entries?limit=500").json()
    filed = next(e for e in full if e["action"] == "oversight.complaint.file")
    assert (filed["actor_id"], filed["actor_label"], filed["object_repr"]) == (None, "", case["complaint"].reference)
    assert SUBJECT not in json.dumps(full, ensure_ascii=False)


def test_member_downloads_its_audit_entries_and_verifies_them_offline(case, tmp_path, capsys):
    member = client(case["people"]["member"])
    response = member.get("/account/audit-extract.json")
    assert response.status_code == 200
    extract = json.loads(response.content)
    actions = [e["action"] for e in extract["entries"]]
    assert actions[:4] == [
        "oversight.complaint.file",
        "oversight.complaint.acknowledge",
        "oversight.complaint.investigate",
        "oversight.complaint.request_explanation",
    ]
    assert member.get(f"{API}/audit-extract").json()["entries"] == extract["entries"]
    path = tmp_path / "extract.json"
    path.write_bytes(response.content)
    call_command("audit", "verify", "--file", str(path))
    assert f"audit extract OK: {len(actions)} entries" in capsys.readouterr().out

    extract["entries"][1]["after"]["status"] = "concluded"  # a forged status
    path.write_text(json.dumps(extract, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=r"BROKEN \(changed\).*entry #"):
        call_command("audit", "verify", "--file", str(path))
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match="format"):
        call_command("audit", "verify", "--file", str(path))
    # Nobody but a member's representative downloads an extract.
    for role in ("public", "supervisor"):
        assert_problem(client(case["people"][role]).get(f"{API}/audit-extract"), 403)


def test_audit_head_is_published_daily(case):
    from zilu.oversight.tasks import publish_audit_head_task

    head = audit.head()
    assert publish_audit_head_task() == head.seq
    assert publish_audit_head_task() is None  # once a day
    published = PublishedHead.objects.get()
    assert (published.seq, published.hash) == (head.seq, head.hash)
    assert AuditEntry.objects.order_by("-seq").first().action == "transparency.head.publish"
    from django.test import Client

    assert head.hash in Client().get("/transparency/").content.decode()
    assert Client().get(f"{API}/published-heads").json()[0]["hash"] == head.hash
    call_command("audit", "verify", "--head", head.hash)


def test_supervisor_accounts_are_managed_by_the_cli_not_the_back_office(case, capsys):
    call_command("supervisors", "add", "dept-li", "--name", "李处长", "--email", "li@example.invalid")
    output = capsys.readouterr().out
    assert "created" in output and "password: " in output
    user = User.objects.get(username="dept-li")
    assert user.role == Role.SUPERVISOR and not user.is_superuser
    assert client(user).get(f"{API}/complaints").json()[0]["subject"] == SUBJECT
    with pytest.raises(CommandError):
        call_command("supervisors", "add", "dept-li")
    call_command("supervisors", "list")
    assert "dept-li" in capsys.readouterr().out

    admin = client(case["people"]["superuser"])
    listing = admin.get("/backoffice/core/user/").content.decode()
    assert "dept-li" not in listing and case["people"]["supervisor"].username not in listing
    assert admin.get(f"/backoffice/core/user/{user.pk}/change/").status_code == 302  # "does not exist" redirect
    form = admin.get(f"/backoffice/core/user/{case['people']['staff'].pk}/change/")
    assert 'value="supervisor"' not in form.content.decode()
    # Promoting someone through the back office is refused by the form's choices.
    assert AuditEntry.objects.filter(action="oversight.supervisor.add").count() == 1

    call_command("supervisors", "deactivate", "dept-li")
    user.refresh_from_db()
    assert not user.is_active
