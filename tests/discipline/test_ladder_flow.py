"""Each measure of the ladder end to end through the API and the pages: case → proposal → the member's answer (or
silence past the window) → decision → publication or restricted notice → appeal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.discipline.helpers import API, PUBLISHED_FACTS, ok, open_case, png, post, propose
from tests.factories import VerifiedReportFactory
from tests.helpers import assert_problem
from zilu.core.models import AuditEntry, Notification
from zilu.discipline.actions import finalize_due_cases
from zilu.discipline.models import Case, Notice
from zilu.members.models import Member

pytestmark = pytest.mark.django_db

HEAVY = {"internal_notice", "revocation"}
ANSWERED = {"condemnation", "media_exposure", "revocation"}  # the others go through silence past the window


def _answer_or_silence(people, as_, case_id: int, measure: str) -> None:
    staff, member = as_("staff"), as_("member")
    if measure in ANSWERED:
        data = ok(
            member.post(f"{API}/cases/{case_id}/answer", {"text": "我方已删除广告并整改。", "files": [png("fix.png")]})
        )
        assert data["status"] == "answered"
        assert [f["purpose"] for f in data["files"] if f["name"] == "fix.png"] == ["answer"]
        assert (
            ok(post(staff, f"/cases/{case_id}/consider", {"text": "整改属实，但不影响认定。"}))["status"]
            == "considered"
        )
    else:
        assert_problem(post(staff, f"/cases/{case_id}/silence"), 409)  # the window is still open
        Case.objects.filter(pk=case_id).update(response_due=timezone.localdate() - timedelta(days=1))
        response = member.post(f"{API}/cases/{case_id}/answer", {"text": "迟到的答复。"})
        assert_problem(response, 409)  # too late to answer
        data = ok(post(staff, f"/cases/{case_id}/silence"))
        assert (data["status"], data["silent"]) == ("considered", True)


@pytest.mark.parametrize("measure", ["criticism", "condemnation", "media_exposure", "internal_notice", "revocation"])
def test_each_measure_end_to_end(people, as_, measure):
    staff, staff2, member = as_("staff"), as_("staff2"), as_("member")
    target = people["member"].member
    reports = [VerifiedReportFactory(member=target).tracking_number] if measure == "internal_notice" else []
    case = open_case(staff, target.pk, source="reports" if reports else "investigation", reports=reports)
    case_id = case["id"]
    assert case["status"] == "open" and case["reports"] == reports
    assert_problem(member.get(f"{API}/cases/{case_id}"), 404)  # the investigation is internal until a proposal

    if measure == "revocation":  # facts verified in the case itself, on evidence
        data = ok(staff.post(f"{API}/cases/{case_id}/verify-facts", {"note": "现场取证，截图为证。", "files": [png()]}))
        assert data["rests_on_verified_facts"] is True

    proposal = propose(staff, case_id, measure)
    assert (proposal["status"], proposal["measure"], proposal["suggested_measure"]) == (
        "proposed",
        measure,
        "criticism",
    )
    assert proposal["response_due"] is not None
    assert Notification.objects.filter(user=people["member"], kind="discipline.case.proposed").count() == 1
    assert ok(member.get(f"{API}/cases/{case_id}"))["measure"] == measure

    _answer_or_silence(people, as_, case_id, measure)

    if measure in HEAVY:
        assert_problem(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}), 409)
        assert_problem(post(staff, f"/cases/{case_id}/approve", {"text": "同意"}), 403)  # the proposer
        assert ok(post(staff2, f"/cases/{case_id}/approve", {"text": "复核同意"}))["approved_at"]

    decided = ok(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}))
    assert decided["status"] == "decided" and decided["appeal_due"]
    public_page = as_("anonymous").get("/sanctions/").content.decode()
    public_api = ok(as_("anonymous").get(f"{API}/notices"))

    if measure in {"criticism", "condemnation", "media_exposure"}:
        assert PUBLISHED_FACTS in public_page and target.name in public_page
        assert [(n["measure"], n["member_number"], n["articles_label"]) for n in public_api] == [
            (measure, "CP-2026-0001", "第十二条第（一）项、第十七条")
        ]
    else:
        assert PUBLISHED_FACTS not in public_page and public_api == []
    if measure == "internal_notice":
        notice = Notice.objects.get(case_id=case_id)
        assert PUBLISHED_FACTS in as_("other_member").get("/sanctions/internal/").content.decode()
        assert [n["id"] for n in ok(as_("other_member").get(f"{API}/notices/internal"))] == [notice.pk]
        assert as_("public").get("/sanctions/internal/").status_code == 403
        assert as_("anonymous").get(f"/sanctions/{notice.pk}/").status_code == 404
        assert as_("public").get(f"/sanctions/{notice.pk}/").status_code == 404
        assert as_("other_member").get(f"/sanctions/{notice.pk}/").status_code == 200
        assert Notification.objects.filter(user=people["other_member"], kind="discipline.notice.internal").exists()
    if measure == "revocation":  # it takes effect only once final
        assert Member.objects.get(pk=target.pk).status == Member.Status.ACTIVE

    # The appeal: once, decided by someone other than the decider.
    page = member.get(f"/account/discipline/cases/{case_id}/").content.decode()
    assert "You may appeal this decision once" in page
    response = member.post(f"/account/discipline/cases/{case_id}/appeal", {"appeal-grounds": "事实认定有误。"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case_id).status == Case.Status.APPEALED
    assert_problem(member.post(f"{API}/cases/{case_id}/appeal", {"text": "再次申诉"}), 409)
    assert_problem(post(staff, f"/cases/{case_id}/appeal-decision", {"outcome": "annulled", "reasons": "x"}), 403)

    if measure == "revocation":
        final = ok(
            post(as_("staff3"), f"/cases/{case_id}/appeal-decision", {"outcome": "dismissed", "reasons": "维持。"})
        )
        assert final["status"] == "final" and final["revoked_at"]
        revoked = Member.objects.get(pk=target.pk)
        assert (revoked.status, revoked.revocation_reference) == (Member.Status.REVOKED, final["reference"])
        assert [n["measure"] for n in ok(as_("anonymous").get(f"{API}/notices"))] == ["revocation"]
    else:
        annulled = ok(
            post(as_("staff3"), f"/cases/{case_id}/appeal-decision", {"outcome": "annulled", "reasons": "证据不足。"})
        )
        assert annulled["status"] == "annulled"
        assert PUBLISHED_FACTS not in as_("anonymous").get("/sanctions/").content.decode()
        assert Notice.objects.get(case_id=case_id).withdrawn_at is not None
    actions = list(AuditEntry.objects.filter(object_type="discipline.case", object_id=str(case_id))
                   .values_list("action", flat=True))  # fmt: skip
    assert actions[0] == "discipline.case.open" and "discipline.case.decide" in actions
    assert actions[-1] in {"discipline.case.final", "discipline.case.decide_appeal"}


def test_revocation_takes_effect_when_the_appeal_window_passes(people, as_):
    """Not appealed in time: the periodic task makes the decision final, revokes and publishes."""
    staff, staff2 = as_("staff"), as_("staff2")
    target = people["member"].member
    case_id = open_case(
        staff, target.pk, source="reports", reports=[VerifiedReportFactory(member=target).tracking_number]
    )["id"]
    propose(staff, case_id, "revocation")
    Case.objects.filter(pk=case_id).update(response_due=timezone.localdate() - timedelta(days=1))
    ok(post(staff, f"/cases/{case_id}/silence"))
    ok(post(staff2, f"/cases/{case_id}/approve"))
    decided = ok(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}))
    due = timezone.datetime.fromisoformat(decided["appeal_due"]).date()
    assert finalize_due_cases(today=due) == 0  # the last day of the window counts
    assert finalize_due_cases(today=due + timedelta(days=1)) == 1
    assert Member.objects.get(pk=target.pk).status == Member.Status.REVOKED
    assert Case.objects.get(pk=case_id).status == Case.Status.FINAL
    assert_problem(as_("member").post(f"{API}/cases/{case_id}/appeal", {"text": "太迟了"}), 409)
    assert "revocation" in [n["measure"] for n in ok(as_("anonymous").get(f"{API}/notices"))]
    assert finalize_due_cases(today=due + timedelta(days=2)) == 0  # idempotent


def test_the_staff_pages_walk_a_case(people, as_):
    """The same steps through the back-office pages: open, propose, silence, decide."""
    staff = as_("staff")
    response = staff.post("/staff/discipline/cases/new", {
        "member": "CP-2026-0001", "source": "investigation", "articles": "9", "facts": "标题党：标题与内容严重不符。",
        "evidence": [png("page.png")],
    })  # fmt: skip
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/discipline/cases/{case.pk}/"
    assert staff.post(f"/staff/discipline/cases/{case.pk}/propose", {
        "propose-measure": "criticism", "propose-reasons": "违反第九条。", "propose-articles": "9",
    }).status_code == 302  # fmt: skip
    case.refresh_from_db()
    assert case.status == Case.Status.PROPOSED
    Case.objects.filter(pk=case.pk).update(response_due=timezone.localdate() - timedelta(days=1))
    staff.post(f"/staff/discipline/cases/{case.pk}/silence")
    staff.post(f"/staff/discipline/cases/{case.pk}/decide", {"decide-published_facts": "标题与内容严重不符。"})
    case.refresh_from_db()
    assert case.status == Case.Status.DECIDED
    page = staff.get(f"/staff/discipline/cases/{case.pk}/").content.decode()
    assert "Industry criticism" in page and "page.png" in page
    assert "标题与内容严重不符。" in as_("anonymous").get("/sanctions/").content.decode()
    record = staff.get("/staff/discipline/members/CP-2026-0001/").content.decode()
    assert case.reference in record and "Active points: 1" in record


def test_repeated_filing_failures_open_a_case_from_the_filings_page(people, as_):
    """The filings staff page links to a prefilled form; the case records its source."""
    from tests.factories import SiteFactory

    site = SiteFactory(member=people["member"].member, name="Example shop", check_status="number_missing")
    link = "/staff/discipline/cases/new?member=CP-2026-0001&amp;source=filing_check&amp;note=Example%20shop"
    assert link in as_("staff").get(f"/filings/{site.pk}/").content.decode()
    assert "open-discipline-case" not in as_("member").get(f"/filings/{site.pk}/").content.decode()
    form = as_("staff").get("/staff/discipline/cases/new?member=CP-2026-0001&source=filing_check&note=Example+shop")
    body = form.content.decode()
    assert 'value="CP-2026-0001"' in body and 'value="Example shop"' in body
    case = open_case(as_("staff"), people["member"].member_id, source="filing_check", articles=["12(5)"],
                     source_note="Example shop")  # fmt: skip
    assert (case["source"], case["source_note"], case["articles_label"]) == (
        "filing_check",
        "Example shop",
        "第十二条第（五）项",
    )
