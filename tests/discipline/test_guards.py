"""The guards of the sanctions ladder: no measure without a case and a proposal; no internal notice or revocation
without verified facts and a second approver; the appeal decided by someone else, once; the record's suggestion;
articles and reports checked; the strike configuration."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from tests.discipline.helpers import API, PUBLISHED_FACTS, REASONS, ok, open_case, png, post, propose
from tests.factories import MemberFactory, UserFactory, VerifiedReportFactory
from tests.helpers import assert_problem
from zilu.core.models import AuditEntry
from zilu.core.roles import Role
from zilu.discipline.ladder import DEFAULT_WEIGHTS, parse_table, strike_policy
from zilu.discipline.models import Case
from zilu.discipline.record import record_of
from zilu.members.models import Member

pytestmark = pytest.mark.django_db


def _to_considered(as_, case_id: int) -> None:
    Case.objects.filter(pk=case_id).update(response_due=timezone.localdate() - timedelta(days=1))
    ok(post(as_("staff"), f"/cases/{case_id}/silence"))


def _decided(as_, member_id: int, measure: str = "criticism", **extra) -> dict:
    staff = as_("staff")
    case_id = open_case(staff, member_id)["id"]
    propose(staff, case_id, measure, **extra)
    _to_considered(as_, case_id)
    return ok(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}))


def test_no_measure_without_a_case_and_a_proposal(people, as_):
    staff = as_("staff")
    case_id = open_case(staff, people["member"].member_id)["id"]
    entries = AuditEntry.objects.count()
    body = assert_problem(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}), 409)
    assert "cannot become" in body["detail"]
    assert_problem(post(staff, "/cases/999/decide", {"published_facts": PUBLISHED_FACTS}), 404)
    assert AuditEntry.objects.count() == entries
    # No route revokes a membership or publishes a sanction outside a case.
    assert as_("staff").post("/api/v1/members/revoke", {}).status_code == 404
    assert Member.objects.get(pk=people["member"].member_id).status == Member.Status.ACTIVE


def test_heavy_measures_need_verified_facts(people, as_):
    staff = as_("staff")
    case_id = open_case(staff, people["member"].member_id)["id"]
    for measure in ("internal_notice", "revocation"):
        body = assert_problem(post(staff, f"/cases/{case_id}/propose", {"measure": measure, "reasons": REASONS}), 422)
        assert body["errors"][0]["field"] == "measure"
    # Verifying the facts needs evidence.
    body = assert_problem(staff.post(f"{API}/cases/{case_id}/verify-facts", {"note": "电话核实。"}), 422)
    assert body["errors"][0]["field"] == "files"
    ok(staff.post(f"{API}/cases/{case_id}/evidence", {"files": [png()]}))
    assert ok(staff.post(f"{API}/cases/{case_id}/verify-facts", {"note": "依据截图核实。"}))["rests_on_verified_facts"]
    assert propose(staff, case_id, "internal_notice")["status"] == "proposed"


def test_heavy_measures_need_a_second_approver(people, as_, users):
    staff, staff2 = as_("staff"), as_("staff2")
    member = people["member"].member
    case_id = open_case(
        staff, member.pk, source="reports", reports=[VerifiedReportFactory(member=member).tracking_number]
    )["id"]
    propose(staff, case_id, "revocation")
    assert_problem(post(staff2, f"/cases/{case_id}/approve"), 409)  # not yet considered
    _to_considered(as_, case_id)
    assert_problem(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}), 409)
    assert_problem(post(staff, f"/cases/{case_id}/approve"), 403)  # the proposer
    assert_problem(post(as_("supervisor"), f"/cases/{case_id}/approve"), 403)  # reads, does not act
    assert_problem(post(as_("member"), f"/cases/{case_id}/approve"), 403)
    ok(post(staff2, f"/cases/{case_id}/approve"))
    assert_problem(post(staff2, f"/cases/{case_id}/approve"), 409)  # once
    assert ok(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}))["status"] == "decided"
    # A light measure needs no approval.
    other = open_case(staff, people["other_member"].member_id)["id"]
    propose(staff, other, "criticism")
    _to_considered(as_, other)
    assert_problem(post(staff2, f"/cases/{other}/approve"), 409)


def test_the_appeal_is_decided_by_someone_else_and_only_once(people, as_):
    decided = _decided(as_, people["member"].member_id)
    case_id = decided["id"]
    assert_problem(as_("other_member").post(f"{API}/cases/{case_id}/appeal", {"text": "冒名申诉。"}), 404)
    ok(as_("member").post(f"{API}/cases/{case_id}/appeal", {"text": "请求复核。"}))
    assert_problem(as_("member").post(f"{API}/cases/{case_id}/appeal", {"text": "再次申诉。"}), 409)
    body = assert_problem(
        post(as_("staff"), f"/cases/{case_id}/appeal-decision", {"outcome": "dismissed", "reasons": "x"}), 403
    )
    assert "other than the one who decided" in body["detail"]
    assert (
        ok(
            post(
                as_("staff2"), f"/cases/{case_id}/appeal-decision", {"outcome": "dismissed", "reasons": "维持原决定。"}
            )
        )["status"]
        == "final"
    )


def test_nobody_who_proposed_approved_or_decided_a_heavy_measure_decides_its_appeal(people, as_, users):
    staff, staff2 = as_("staff"), as_("staff2")
    member = people["member"].member
    case_id = open_case(
        staff, member.pk, source="reports", reports=[VerifiedReportFactory(member=member).tracking_number]
    )["id"]
    propose(staff, case_id, "revocation")
    _to_considered(as_, case_id)
    ok(post(staff2, f"/cases/{case_id}/approve"))  # staff2 is the second pair of eyes
    ok(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}))
    ok(as_("member").post(f"{API}/cases/{case_id}/appeal", {"text": "请求复核。"}))
    decision = {"outcome": "annulled", "reasons": "撤销原决定。"}
    for who in (staff, staff2):  # the proposer and decider, and the approver
        body = assert_problem(post(who, f"/cases/{case_id}/appeal-decision", decision), 403)
        assert "proposed or approved" in body["detail"]
    assert Case.objects.get(pk=case_id).status == "appealed"
    third = Client()
    third.force_login(UserFactory(role=Role.STAFF))
    assert ok(post(third, f"/cases/{case_id}/appeal-decision", decision))["status"] == "annulled"


def test_the_appeal_window(people, as_):
    case_id = _decided(as_, people["member"].member_id)["id"]
    Case.objects.filter(pk=case_id).update(appeal_due=timezone.localdate() - timedelta(days=1))
    body = assert_problem(as_("member").post(f"{API}/cases/{case_id}/appeal", {"text": "迟到的申诉。"}), 409)
    assert "window to appeal ended" in body["detail"]


def test_a_lighter_measure_than_the_record_suggests_needs_a_reason(people, as_, settings):
    member_id = people["member"].member_id
    _decided(as_, member_id, "media_exposure")  # 3 points: the record now suggests media exposure
    assert record_of(member_id).suggested == "media_exposure"
    staff = as_("staff")
    case_id = open_case(staff, member_id)["id"]
    body = assert_problem(post(staff, f"/cases/{case_id}/propose", {"measure": "criticism", "reasons": REASONS}), 422)
    assert body["errors"][0]["field"] == "lighter_reason" and "Media exposure" in body["errors"][0]["reason"]
    data = propose(staff, case_id, "criticism", lighter_reason="首次违反该条款，且已主动整改。")
    assert (data["suggested_measure"], data["lighter_reason"]) == ("media_exposure", "首次违反该条款，且已主动整改。")
    # The thresholds are configuration: with a higher bar, criticism is what the record suggests.
    settings.ZILU_DISCIPLINE_ESCALATION = "condemnation=5,media_exposure=8"
    assert record_of(member_id).suggested == "criticism"


def test_strikes_expire(people, as_, settings):
    member_id = people["member"].member_id
    _decided(as_, member_id, "criticism")
    today = timezone.localdate()
    assert record_of(member_id, today).points == 1
    assert record_of(member_id, date(today.year + 2, today.month, 1)).points == 0  # criticism: 12 months
    settings.ZILU_DISCIPLINE_EXPIRY_MONTHS = "criticism=36"
    assert record_of(member_id, date(today.year + 2, today.month, 1)).points == 1


def test_strike_tables_are_checked(settings):
    assert parse_table("X", "criticism=4, revocation=20", DEFAULT_WEIGHTS)["revocation"] == 20
    for bad in ("warning=1", "criticism=x", "criticism"):
        with pytest.raises(ImproperlyConfigured, match="X: bad entry"):
            parse_table("X", bad, DEFAULT_WEIGHTS)
    settings.ZILU_DISCIPLINE_EXPIRY_MONTHS = "criticism=0"
    with pytest.raises(ImproperlyConfigured, match="ZILU_DISCIPLINE_EXPIRY_MONTHS"):
        strike_policy()


@pytest.mark.parametrize(
    ("articles", "message"),
    [(["30"], "no Article 30"), (["3"], "not a self-discipline clause"), (["12(9)"], "no item 9"),
     (["第十二条"], "not an article reference"), ([], "at least one article")],
)  # fmt: skip
def test_articles_are_checked_against_the_version_in_force(people, as_, articles, message):
    body = assert_problem(
        post(as_("staff"), "/cases", {"member_id": people["member"].member_id, "source": "investigation",
                                      "facts": "事实", "articles": articles}), 422,
    )  # fmt: skip
    assert body["errors"][0]["field"] == "articles" and message in body["errors"][0]["reason"]
    assert not Case.objects.exists()


def test_reports_must_be_about_the_member_and_verified_true(people, as_):
    member = people["member"].member
    staff = as_("staff")
    elsewhere = VerifiedReportFactory(member=MemberFactory())
    unverified = VerifiedReportFactory(member=member, finding="not_true")
    for report, reason in ((elsewhere, "not about this member"), (unverified, "not closed as verified true")):
        body = assert_problem(
            post(staff, "/cases", {"member_id": member.pk, "source": "reports", "facts": "事实", "articles": ["17"],
                                   "reports": [report.tracking_number]}), 422,
        )  # fmt: skip
        assert reason in body["errors"][0]["reason"]
    body = assert_problem(post(staff, "/cases", {"member_id": member.pk, "source": "reports", "facts": "事实",
                                                 "articles": ["17"]}), 422)  # fmt: skip
    assert body["errors"][0]["field"] == "reports"


def test_only_staff_open_and_act(people, as_):
    for who, status in (("anonymous", 401), ("public", 403), ("member", 403), ("supervisor", 403)):
        response = post(as_(who), "/cases", {"member_id": people["member"].member_id, "source": "investigation",
                                             "facts": "事实", "articles": ["17"]})  # fmt: skip
        assert_problem(response, status)
    assert not Case.objects.exists()
