"""Art. 18 after a decision, through the API and the pages, for every role: the decision and appeal-decision PDFs,
an appeal that varies the measure (lighter only, never more public), per-measure listing periods, and the
reinstatement of a revoked member after the waiting period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.discipline.helpers import API, PUBLISHED_FACTS, ok, open_case, post, propose
from tests.factories import VerifiedReportFactory
from tests.helpers import assert_problem
from zilu.core import deadlines
from zilu.core.models import AuditEntry, Notification
from zilu.discipline.actions import finalize_due_cases
from zilu.discipline.ladder import DEFAULT_LISTING_MONTHS, listing_months
from zilu.discipline.models import Case, Notice, Reinstatement
from zilu.members.models import Member

pytestmark = pytest.mark.django_db
ROLES = ("member", "other_member", "staff", "supervisor", "public", "anonymous")


def _decide(people, as_, measure: str) -> int:
    """A case against ``member`` decided with ``measure`` (heavy ones on a verified report, approved by staff2)."""
    staff = as_("staff")
    target = people["member"].member
    reports = [VerifiedReportFactory(member=target).tracking_number]
    case_id = open_case(staff, target.pk, source="reports", reports=reports)["id"]
    propose(staff, case_id, measure)
    Case.objects.filter(pk=case_id).update(response_due=timezone.localdate() - timedelta(days=1))
    ok(post(staff, f"/cases/{case_id}/silence"))
    if measure in ("internal_notice", "revocation"):
        ok(post(as_("staff2"), f"/cases/{case_id}/approve", {"text": "复核同意"}))
    assert ok(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}))["status"] == "decided"
    return case_id


def _appeal(as_, case_id: int) -> None:
    assert ok(as_("member").post(f"{API}/cases/{case_id}/appeal", {"text": "处理过重。"}))["status"] == "appealed"


def _revoke(people, as_) -> int:
    """The member's membership revoked by a final decision; returns the case id."""
    case_id = _decide(people, as_, "revocation")
    Case.objects.filter(pk=case_id).update(appeal_due=timezone.localdate() - timedelta(days=1))
    assert finalize_due_cases() == 1
    assert Member.objects.get(pk=people["member"].member_id).status == Member.Status.REVOKED
    return case_id


# ------------------------------------------------------------------------------------------------ PDFs


def test_decision_and_appeal_pdfs_for_every_role(people, as_):
    case_id = _decide(people, as_, "condemnation")
    expected = {"member": 200, "other_member": 404, "staff": 200, "supervisor": 200, "public": 404}
    for role, status in expected.items():
        response = as_(role).get(f"{API}/cases/{case_id}/decision.pdf")
        assert response.status_code == status, role
        page = as_(role).get(f"/discipline/cases/{case_id}/decision.pdf")
        assert page.status_code == status, role
        if status == 200:
            assert response.content.startswith(b"%PDF") and response["Content-Type"] == "application/pdf"
    assert as_("anonymous").get(f"{API}/cases/{case_id}/decision.pdf").status_code == 401
    assert as_("anonymous").get(f"/discipline/cases/{case_id}/decision.pdf").status_code == 302  # to sign in
    # No appeal decision yet.
    assert_problem(as_("member").get(f"{API}/cases/{case_id}/appeal-decision.pdf"), 404)
    _appeal(as_, case_id)
    ok(post(as_("staff3"), f"/cases/{case_id}/appeal-decision", {"outcome": "dismissed", "reasons": "维持原决定。"}))
    for role, status in expected.items():
        response = as_(role).get(f"{API}/cases/{case_id}/appeal-decision.pdf")
        assert response.status_code == status, role
        if status == 200:
            assert response.content.startswith(b"%PDF")
    page = as_("member").get(f"/account/discipline/cases/{case_id}/").content.decode()
    assert f"/discipline/cases/{case_id}/decision.pdf" in page and "appeal-decision.pdf" in page
    # A case not yet decided has no decision document.
    open_id = open_case(as_("staff"), people["member"].member_id)["id"]
    assert_problem(as_("staff").get(f"{API}/cases/{open_id}/decision.pdf"), 404)


def test_the_documents_are_deterministic_and_chinese():
    from zilu.discipline.documents import AppealDecisionData, DecisionData, render_appeal_decision, render_decision

    data = DecisionData(
        reference="DC-00001", member_name="示例网络科技有限公司", member_number="CP-2026-0001",
        articles_label="第十二条第（一）项", facts=PUBLISHED_FACTS, reasons="情节较重。", measure="condemnation",
        decided_on=date(2026, 3, 2), appeal_due=date(2026, 3, 16),
    )  # fmt: skip
    assert render_decision(data) == render_decision(data)
    appeal = AppealDecisionData(
        reference="DC-00001", member_name="示例", member_number="", decided_on=date(2026, 3, 2),
        original_measure="media_exposure", grounds="过重", outcome="varied", new_measure="criticism",
        reasons="情节较轻。", appeal_decided_on=date(2026, 3, 20),
    )  # fmt: skip
    assert render_appeal_decision(appeal).startswith(b"%PDF")


# ------------------------------------------------------------------------------------------------ varied appeals


def test_an_appeal_varies_a_published_measure_to_a_lighter_one(people, as_):
    case_id = _decide(people, as_, "media_exposure")
    notice = Notice.objects.get(case_id=case_id)
    _appeal(as_, case_id)
    staff3 = as_("staff3")
    body = {"outcome": "varied", "reasons": "情节较轻，改为行业批评。"}
    # Not heavier, not the same, not missing; the decider cannot vary its own decision.
    for measure in ("media_exposure", "internal_notice", "revocation", "bogus", ""):
        assert_problem(post(staff3, f"/cases/{case_id}/appeal-decision", {**body, "measure": measure}), 422)
    assert_problem(post(as_("staff"), f"/cases/{case_id}/appeal-decision", {**body, "measure": "criticism"}), 403)
    for role in ("member", "other_member", "supervisor", "public"):
        response = post(as_(role), f"/cases/{case_id}/appeal-decision", {**body, "measure": "criticism"})
        assert response.status_code in (403, 404), role
    assert post(as_("anonymous"), f"/cases/{case_id}/appeal-decision", body).status_code == 401

    varied = ok(post(staff3, f"/cases/{case_id}/appeal-decision", {**body, "measure": "criticism"}))
    assert (varied["status"], varied["appeal_outcome"], varied["measure"], varied["original_measure"]) == (
        "final", "varied", "criticism", "media_exposure",
    )  # fmt: skip
    notice.refresh_from_db()
    months = listing_months()
    assert notice.measure == "criticism" and notice.withdrawn_at is None
    assert notice.listed_until == deadlines.compute(notice.published_on, months=months["criticism"]).day
    assert [n["measure"] for n in ok(as_("anonymous").get(f"{API}/notices"))] == ["criticism"]
    assert "discipline.notice.vary" in AuditEntry.objects.values_list("action", flat=True)
    assert Notification.objects.filter(user=people["member"], kind="discipline.case.appeal_decided").exists()
    # The decision PDF keeps the measure first decided; the page shows both.
    page = as_("member").get(f"/account/discipline/cases/{case_id}/").content.decode()
    assert 'id="case-original-measure"' in page


def test_a_varied_revocation_publishes_the_lighter_measure_and_revokes_nothing(people, as_):
    case_id = _decide(people, as_, "revocation")
    _appeal(as_, case_id)
    page = as_("staff3").post(
        f"/staff/discipline/cases/{case_id}/appeal",
        {"appeal-outcome": "varied", "appeal-measure": "internal_notice", "appeal-reasons": "改为内部通报。"},
    )
    assert page.status_code == 302
    case = Case.objects.get(pk=case_id)
    assert (case.status, case.measure, case.original_measure, case.revoked_at) == (
        "final", "internal_notice", "revocation", None,
    )  # fmt: skip
    assert Member.objects.get(pk=people["member"].member_id).status == Member.Status.ACTIVE
    notice = Notice.objects.get(case_id=case_id)
    assert (notice.audience, notice.measure) == (Notice.Audience.MEMBERS, "internal_notice")
    assert ok(as_("anonymous").get(f"{API}/notices")) == []


def test_an_internal_notice_is_never_varied_into_a_public_measure(people, as_):
    case_id = _decide(people, as_, "internal_notice")
    _appeal(as_, case_id)
    body = {"outcome": "varied", "reasons": "改为批评。", "measure": "criticism"}
    problem = assert_problem(post(as_("staff3"), f"/cases/{case_id}/appeal-decision", body), 422)
    assert "public" in str(problem)
    assert Case.objects.get(pk=case_id).status == Case.Status.APPEALED


# ------------------------------------------------------------------------------------------------ listing periods


def test_listing_periods_are_per_measure(people, as_, settings):
    settings.ZILU_DISCIPLINE_LISTING_MONTHS = 0
    settings.ZILU_DISCIPLINE_LISTING_MONTHS_BY_MEASURE = "criticism=2"
    assert listing_months() == {**DEFAULT_LISTING_MONTHS, "criticism": 2}
    first = _decide(people, as_, "criticism")
    second = _decide(people, as_, "condemnation")
    today = timezone.localdate()
    assert Notice.objects.get(case_id=first).listed_until == deadlines.compute(today, months=2).day
    assert Notice.objects.get(case_id=second).listed_until == deadlines.compute(today, months=12).day
    # The former single setting, when set, replaces every default.
    settings.ZILU_DISCIPLINE_LISTING_MONTHS_BY_MEASURE = ""
    settings.ZILU_DISCIPLINE_LISTING_MONTHS = 3
    assert set(listing_months().values()) == {3}


def test_a_malformed_listing_table_names_the_setting(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.ZILU_DISCIPLINE_LISTING_MONTHS_BY_MEASURE = "criticism=0"
    with pytest.raises(ImproperlyConfigured, match="ZILU_DISCIPLINE_LISTING_MONTHS_BY_MEASURE"):
        listing_months()


# ------------------------------------------------------------------------------------------------ reinstatement


def test_reinstatement_end_to_end_through_the_api(people, as_, settings):
    settings.ZILU_DISCIPLINE_REINSTATEMENT_MONTHS = 6
    case_id = _revoke(people, as_)
    member = as_("member")
    member_id = people["member"].member_id
    eligibility = ok(member.get(f"{API}/reinstatements/eligibility"))
    until = deadlines.compute(timezone.localdate(), months=6).day
    assert eligibility == {"member_status": "revoked", "waiting_until": until.isoformat(), "may_apply": False}
    statement = {"statement": "已全面整改，删除全部虚假广告并建立审核制度。"}
    assert_problem(post(member, "/reinstatements", statement), 409)  # the waiting period is not over

    Member.objects.filter(pk=member_id).update(revoked_on=timezone.localdate() - timedelta(days=200))
    assert ok(member.get(f"{API}/reinstatements/eligibility"))["may_apply"] is True
    # Nobody else applies for it: not another member, not staff, not the public.
    for role in ("other_member", "staff", "supervisor", "public"):
        assert post(as_(role), "/reinstatements", statement).status_code in (403, 409), role
    assert post(as_("anonymous"), "/reinstatements", statement).status_code == 401
    application = ok(post(member, "/reinstatements", statement), 201)
    reference = Case.objects.get(pk=case_id).reference
    assert (application["status"], application["case_reference"]) == ("submitted", reference)
    assert_problem(post(member, "/reinstatements", statement), 409)  # one open application at a time
    assert Notification.objects.filter(user=people["staff"], kind="discipline.reinstatement.applied").exists()

    # Who sees it.
    aid = application["id"]
    visible = {"member": 200, "other_member": 404, "staff": 200, "supervisor": 200, "public": 404}
    for role, status in visible.items():
        assert as_(role).get(f"{API}/reinstatements/{aid}").status_code == status, role
    assert ok(as_("other_member").get(f"{API}/reinstatements")) == []
    assert as_("public").get(f"{API}/reinstatements").status_code == 403

    # Who decides: staff only, with reasons.
    decision = {"grant": True, "reasons": "整改到位，同意恢复。"}
    for role in ("member", "other_member", "supervisor", "public"):
        assert post(as_(role), f"/reinstatements/{aid}/decision", decision).status_code in (403, 404), role
    assert_problem(post(as_("staff"), f"/reinstatements/{aid}/decision", {"grant": True, "reasons": ""}), 422)
    granted = ok(post(as_("staff"), f"/reinstatements/{aid}/decision", decision))
    assert granted["status"] == "granted"
    restored = Member.objects.get(pk=member_id)
    assert (restored.status, restored.revoked_on, restored.revocation_reference) == ("active", None, "")
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "discipline.reinstatement.decide" in actions and "members.member.reinstate" in actions
    assert Notification.objects.filter(user=people["member"], kind="members.member.reinstated").exists()
    assert_problem(post(as_("staff"), f"/reinstatements/{aid}/decision", decision), 409)  # decided once
    assert_problem(post(member, "/reinstatements", statement), 409)  # no longer revoked


def test_a_refused_application_and_the_pages(people, as_):
    _revoke(people, as_)
    member_id = people["member"].member_id
    member = as_("member")
    page = member.get("/account/discipline/reinstatement").content.decode()
    assert 'id="reinstatement-status"' in page and "<form" not in page.split('id="reinstatement-status"')[1][:400]
    Member.objects.filter(pk=member_id).update(revoked_on=timezone.localdate() - timedelta(days=400))
    response = member.post("/account/discipline/reinstatement", {"statement": "已整改。"})
    assert response.status_code == 302
    application = Reinstatement.objects.get(member_id=member_id)
    # Pages for each role.
    expected = {"member": 403, "other_member": 403, "staff": 200, "supervisor": 200, "public": 403}
    for role, status in expected.items():
        assert as_(role).get("/staff/discipline/reinstatements/").status_code == status, role
        assert as_(role).get(f"/staff/discipline/reinstatements/{application.pk}/").status_code == status, role
    assert as_("anonymous").get("/staff/discipline/reinstatements/").status_code == 302
    staff_page = as_("staff").get(f"/staff/discipline/reinstatements/{application.pk}/").content.decode()
    assert "decide-grant" in staff_page
    supervisor_page = as_("supervisor").get(f"/staff/discipline/reinstatements/{application.pk}/").content.decode()
    assert "decide-grant" not in supervisor_page
    assert (
        as_("supervisor")
        .post(f"/staff/discipline/reinstatements/{application.pk}/", {"decide-grant": "grant", "decide-reasons": "x"})
        .status_code
        == 403
    )
    refusal = {"decide-grant": "refuse", "decide-reasons": "整改不足。"}
    response = as_("staff").post(f"/staff/discipline/reinstatements/{application.pk}/", refusal)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Reinstatement.Status.REFUSED
    assert Member.objects.get(pk=member_id).status == Member.Status.REVOKED
    assert Notification.objects.filter(user=people["member"], kind="discipline.reinstatement.refused").exists()
    # After a refusal the member may apply again.
    assert "<form" in member.get("/account/discipline/reinstatement").content.decode()
    # An active member has nothing to apply for.
    assert_problem(post(as_("other_member"), "/reinstatements", {"statement": "x"}), 409)
    assert ok(as_("other_member").get(f"{API}/reinstatements/eligibility"))["member_status"] == "active"
