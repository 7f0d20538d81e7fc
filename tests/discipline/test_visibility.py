"""Who sees what: case evidence only for the member concerned and the executing body; the public notice page shows
only what the decision publishes; the Art. 20 retaliation flag only for the supervising department; and the audit
entries of one full case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.discipline.helpers import API, FACTS, PUBLISHED_FACTS, REASONS, ok, open_case, png, post, propose
from zilu.core.models import AuditEntry, Notification, StoredFile
from zilu.discipline.models import Case
from zilu.oversight.actions import do_file_complaint

pytestmark = pytest.mark.django_db


def _proposed_with_evidence(people, as_) -> tuple[int, str]:
    staff = as_("staff")
    case_id = open_case(staff, people["member"].member_id, articles=["12(1)"])["id"]
    ok(staff.post(f"{API}/cases/{case_id}/evidence", {"files": [png("internal-evidence.png")]}))
    file_id = str(StoredFile.objects.get(original_name="internal-evidence.png").pk)
    return case_id, file_id


def test_case_evidence_is_invisible_to_other_members_and_the_public(people, as_):
    case_id, file_id = _proposed_with_evidence(people, as_)
    # Before the proposal the member does not see the investigation either.
    assert as_("member").get(f"/files/{file_id}").status_code == 404
    propose(as_("staff"), case_id, "criticism")
    assert as_("member").get(f"/files/{file_id}").status_code == 200
    assert as_("staff").get(f"/files/{file_id}").status_code == 200
    assert as_("supervisor").get(f"/files/{file_id}").status_code == 200
    for who in ("other_member", "public", "anonymous"):
        assert as_(who).get(f"/files/{file_id}").status_code == 404, who
    assert as_("other_member").get(f"{API}/cases/{case_id}").status_code == 404
    assert ok(as_("other_member").get(f"{API}/cases")) == []
    assert as_("other_member").get(f"/account/discipline/cases/{case_id}/").status_code == 404
    assert as_("public").get(f"/staff/discipline/cases/{case_id}/").status_code == 403
    assert [c["id"] for c in ok(as_("member").get(f"{API}/cases"))] == [case_id]


def test_the_public_notice_shows_only_what_the_decision_publishes(people, as_):
    case_id, _file_id = _proposed_with_evidence(people, as_)
    staff = as_("staff")
    propose(staff, case_id, "condemnation")
    ok(as_("member").post(f"{API}/cases/{case_id}/answer", {"text": "我方内部答复：涉及商业秘密的整改细节。"}))
    ok(post(staff, f"/cases/{case_id}/consider", {"text": "内部评议意见：答复不影响认定。"}))
    ok(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}))
    page = as_("anonymous").get("/sanctions/").content.decode()
    assert PUBLISHED_FACTS in page and "CP-2026-0001" in page and "第十二条第（一）项" in page
    assert "Industry condemnation" in page and timezone.localdate().isoformat() in page
    for private in (FACTS, REASONS, "商业秘密", "内部评议意见", "internal-evidence.png", people["staff"].username):
        assert private not in page, private
    notice = ok(as_("anonymous").get(f"{API}/notices"))[0]
    assert set(notice) == {"id", "audience", "measure", "member_name", "member_number", "articles", "articles_label",
                           "facts", "decision_reference", "decided_on", "published_on", "listed_until",
                           "deadline_provisional"}  # fmt: skip
    assert as_("anonymous").get(f"/sanctions/{notice['id']}/").status_code == 200


def test_notices_leave_the_list_after_the_listing_period(people, as_, settings):
    settings.ZILU_DISCIPLINE_LISTING_MONTHS = 1
    case_id = open_case(as_("staff"), people["member"].member_id)["id"]
    propose(as_("staff"), case_id, "criticism")
    Case.objects.filter(pk=case_id).update(response_due=timezone.localdate() - timedelta(days=1))
    ok(post(as_("staff"), f"/cases/{case_id}/silence"))
    ok(post(as_("staff"), f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}))
    from zilu.discipline.models import Notice

    notice = Notice.objects.get()
    assert notice.listed_until > timezone.localdate()
    assert list(Notice.objects.listed(notice.listed_until)) == [notice]
    assert list(Notice.objects.listed(notice.listed_until + timedelta(days=1))) == []


def test_the_retaliation_flag_is_for_the_supervising_department_only(people, as_):
    do_file_complaint(people["member"], target="decision", target_reference="DC-00000", subject="执行机构不公",
                      facts="执行机构工作人员处理举报不公。")  # fmt: skip
    staff = as_("staff")
    case_id = open_case(staff, people["member"].member_id)["id"]
    assert Case.objects.get(pk=case_id).supervisor_review is True
    # The staff: no trace of it, neither in the API, nor on the page, nor in the audit log.
    assert ok(staff.get(f"{API}/cases/{case_id}"))["supervisor_review"] is None
    assert 'id="supervisor-review"' not in staff.get(f"/staff/discipline/cases/{case_id}/").content.decode()
    assert staff.get("/staff/discipline/flagged/").status_code == 403
    assert staff.get(f"{API}/flagged").status_code == 403
    entries = AuditEntry.objects.filter(action__startswith="discipline.")
    assert entries.exists() and not any("supervisor_review" in str(e.after) for e in entries)
    assert not Notification.objects.filter(user=people["staff"], kind="discipline.case.flagged").exists()
    # The supervising department: the flag, the list, a notification.
    supervisor = as_("supervisor")
    assert ok(supervisor.get(f"{API}/cases/{case_id}"))["supervisor_review"] is True
    assert 'id="supervisor-review"' in supervisor.get(f"/staff/discipline/cases/{case_id}/").content.decode()
    assert [c["id"] for c in ok(supervisor.get(f"{API}/flagged"))] == [case_id]
    assert Case.objects.get(pk=case_id).reference in supervisor.get("/staff/discipline/flagged/").content.decode()
    assert Notification.objects.filter(user=people["supervisor"], kind="discipline.case.flagged").exists()
    # A member with no complaint is not flagged.
    other = open_case(staff, people["other_member"].member_id)["id"]
    assert ok(supervisor.get(f"{API}/cases/{other}"))["supervisor_review"] is False


def test_audit_entries_of_one_full_case(people, as_, capsys):
    """Every step writes an entry; the list below is the trail of a revocation that was appealed and upheld."""
    from tests.factories import VerifiedReportFactory

    staff, staff2, member = as_("staff"), as_("staff2"), as_("member")
    target = people["member"].member
    report = VerifiedReportFactory(member=target)
    case_id = open_case(staff, target.pk, source="reports", reports=[report.tracking_number])["id"]
    ok(staff.post(f"{API}/cases/{case_id}/evidence", {"files": [png()]}))
    propose(staff, case_id, "revocation")
    ok(member.post(f"{API}/cases/{case_id}/answer", {"text": "我方不服，已整改。", "files": [png("fix.png")]}))
    ok(post(staff, f"/cases/{case_id}/consider", {"text": "整改不足以消除不良影响。"}))
    ok(post(staff2, f"/cases/{case_id}/approve", {"text": "复核同意。"}))
    ok(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}))
    ok(member.post(f"{API}/cases/{case_id}/appeal", {"text": "处理过重。"}))
    ok(post(as_("staff3"), f"/cases/{case_id}/appeal-decision", {"outcome": "dismissed", "reasons": "维持原决定。"}))
    entries = AuditEntry.objects.filter(seq__gt=AuditEntry.objects.get(action="discipline.case.open").seq - 1)
    trail = [(e.seq, e.actor_label, e.role, e.action, e.object_repr) for e in entries.order_by("seq")]
    print("\n".join(" | ".join(str(x) for x in row) for row in trail))
    assert [row[3] for row in trail] == [
        "discipline.case.open",
        "discipline.case.add_evidence",
        "discipline.case.propose",
        "discipline.case.answer",
        "discipline.case.consider",
        "discipline.case.approve",
        "discipline.case.decide",
        "discipline.case.appeal",
        "discipline.case.decide_appeal",
        "discipline.case.final",
        "members.member.revoke",
        "discipline.notice.publish",
    ]
    assert {row[2] for row in trail} == {"staff", "member"}
