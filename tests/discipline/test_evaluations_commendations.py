"""Evaluations (评议) from the round to the published banded list, and commendations (评优) with the sanction
guard."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.discipline.helpers import API, PUBLISHED_FACTS, ok, open_case, post, propose
from tests.factories import VerifiedReportFactory
from tests.helpers import assert_problem
from zilu.core.models import AuditEntry
from zilu.discipline.checklist import ITEMS, compute
from zilu.discipline.models import Case, EvaluationRound, Participation

pytestmark = pytest.mark.django_db


def _decide_criticism(as_, member_id: int) -> None:
    staff = as_("staff")
    case_id = open_case(staff, member_id)["id"]
    propose(staff, case_id, "criticism")
    Case.objects.filter(pk=case_id).update(response_due=timezone.localdate() - timedelta(days=1))
    ok(post(staff, f"/cases/{case_id}/silence"))
    ok(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}))


def test_the_formula():
    result = compute(93, 95, verified_reports=1, late_responses=1, sanction_points=1)
    assert (result.assessment, result.report_deduction, result.sanction_deduction) == (Decimal("97.9"), 6, 5)
    assert (result.total, result.band) == (Decimal("86.9"), "good")
    assert compute(10, 95, verified_reports=9, late_responses=0, sanction_points=20).total == 0  # caps, floor 0
    assert compute(57, 95, verified_reports=0, late_responses=0, sanction_points=0).band == "satisfactory"


def test_a_round_from_self_assessment_to_the_published_bands(people, as_):
    staff, member = as_("staff"), as_("member")
    member_id = people["member"].member_id
    VerifiedReportFactory(member=people["member"].member)  # one report verified true in the period
    _decide_criticism(as_, member_id)  # one criticism (1 point) in the period
    evaluation = ok(post(staff, "/evaluations", {"year": timezone.localdate().year}), 201)
    assert_problem(post(staff, "/evaluations", {"year": timezone.localdate().year}), 409)  # one round per period
    mine = ok(member.get(f"{API}/participations"))
    assert [p["member_id"] for p in mine] == [member_id]
    pid = mine[0]["id"]
    assert_problem(as_("other_member").get(f"{API}/participations/{pid}"), 404)

    # The member answers the items of its kinds of service, on the page.
    form = member.get(f"/account/evaluations/{pid}/").content.decode()
    assert "A13" in form and "A12-5" in form
    info_items = [i for i in ITEMS if not i.kinds or "information" in i.kinds]
    data = {"service_kinds": ["information"]}
    data.update({f"answer_{i.code}": "yes" for i in info_items[1:]})
    response = member.post(f"/account/evaluations/{pid}/", data)
    assert response.status_code == 200 and "Answer this item." in response.content.decode()  # A7 missing
    data[f"answer_{info_items[0].code}"] = "partly"
    assert member.post(f"/account/evaluations/{pid}/", data).status_code == 302
    participation = Participation.objects.get(pk=pid)
    assert set(participation.answers) == {i.code for i in info_items} and "A13" not in participation.answers

    # The staff score every item, with a note where points are withheld.
    assert_problem(post(staff, f"/evaluations/{evaluation['id']}/compute"), 409)  # not scored yet
    scores = {i.code: {"points": i.points, "note": ""} for i in info_items}
    scores["A7"] = {"points": 8, "note": ""}
    body = assert_problem(post(staff, f"/participations/{pid}/scores", {"scores": scores}), 422)
    assert body["errors"][0]["field"] == "note_A7"
    scores["A7"]["note"] = "网络安全制度未覆盖全部子站。"
    ok(post(staff, f"/participations/{pid}/scores", {"scores": scores}))
    assert_problem(post(member, f"/participations/{pid}/scores", {"scores": scores}), 403)

    # Results: the member reviews them before the list is published.
    reviewed = ok(post(staff, f"/evaluations/{evaluation['id']}/compute"))
    assert reviewed["status"] == "review" and reviewed["review_until"]
    result = ok(member.get(f"{API}/participations/{pid}"))
    assert (result["verified_reports"], result["sanction_points"]) == (1, 1)
    assert (result["assessment"], result["total"], result["band"]) == ("97.9", "88.9", "good")
    other = Participation.objects.get(round_id=evaluation["id"], member_id=people["other_member"].member_id)
    assert other.band == "not_submitted"
    assert as_("anonymous").get(f"/evaluations/{evaluation['id']}/").status_code == 404
    ok(post(member, f"/participations/{pid}/comment", {"text": "对第七条扣分有异议，已补充制度文件。"}))
    assert_problem(post(staff, f"/evaluations/{evaluation['id']}/publish"), 409)  # the review window is open
    EvaluationRound.objects.filter(pk=evaluation["id"]).update(review_until=timezone.localdate() - timedelta(days=1))
    assert ok(post(staff, f"/evaluations/{evaluation['id']}/publish"))["status"] == "published"

    page = as_("anonymous").get(f"/evaluations/{evaluation['id']}/").content.decode()
    assert people["member"].member.name in page and "Good" in page and "88.9" not in page  # banded, not scored
    bands = {
        b["band"]: b["members"]
        for b in ok(as_("anonymous").get(f"{API}/evaluations/{evaluation['id']}/results"))["bands"]
    }
    assert bands["good"] == [people["member"].member.name]
    assert bands["not_submitted"] == [people["other_member"].member.name]
    actions = set(
        AuditEntry.objects.filter(action__startswith="discipline.evaluation").values_list("action", flat=True)
    )
    assert actions == {
        "discipline.evaluation." + a for a in ("open", "self_assess", "score", "compute", "comment", "publish")
    }


def test_an_evaluation_finding_opens_a_case(people, as_):
    staff = as_("staff")
    evaluation = ok(post(staff, "/evaluations", {"year": timezone.localdate().year}), 201)
    pid = Participation.objects.get(round_id=evaluation["id"], member_id=people["member"].member_id).pk
    case = open_case(staff, people["member"].member_id, source="evaluation", participation_id=pid)
    assert case["source"] == "evaluation"
    wrong = Participation.objects.get(round_id=evaluation["id"], member_id=people["other_member"].member_id).pk
    body = {"member_id": people["member"].member_id, "source": "evaluation", "facts": "评议发现", "articles": ["17"],
            "participation_id": wrong}  # fmt: skip
    body = assert_problem(post(staff, "/cases", body), 422)
    assert body["errors"][0]["field"] == "participation"


def test_nomination_review_and_public_commendation(people, as_):
    member, staff, staff2 = as_("member"), as_("staff"), as_("staff2")
    unit = ok(post(member, "/nominations", {"nominee_kind": "unit", "member_id": people["member"].member_id,
                                            "reasons": "积极落实先审后发制度。"}), 201)  # fmt: skip
    person = ok(post(staff, "/nominations", {"nominee_kind": "individual", "nominee_name": "李四",
                                             "member_id": people["other_member"].member_id,
                                             "reasons": "长期义务开展青少年网络素养教育。"}), 201)  # fmt: skip
    assert_problem(post(as_("public"), "/nominations", {"nominee_kind": "individual", "nominee_name": "王五",
                                                        "reasons": "热心。"}), 403)  # fmt: skip
    assert_problem(post(staff, f"/nominations/{person['id']}/decision", {"commend": True, "citation": "x"}), 403)
    assert_problem(post(member, f"/nominations/{unit['id']}/decision", {"commend": True, "citation": "x"}), 403)
    body = assert_problem(post(staff, f"/nominations/{unit['id']}/decision", {"commend": True}), 422)
    assert body["errors"][0]["field"] == "citation"
    ok(post(staff, f"/nominations/{unit['id']}/decision", {"commend": True, "citation": "践行公约、审核把关到位。"}))
    ok(post(staff2, f"/nominations/{person['id']}/decision", {"commend": False, "note": "材料不足。"}))
    page = as_("anonymous").get("/commendations/").content.decode()
    assert "践行公约、审核把关到位。" in page and "李四" not in page and "积极落实先审后发制度" not in page
    assert [c["nominee_name"] for c in ok(as_("anonymous").get(f"{API}/commendations"))] == [
        people["member"].member.name
    ]


def test_no_commendation_under_an_active_sanction(people, as_):
    staff = as_("staff")
    target = people["other_member"].member_id
    before = ok(post(as_("member"), "/nominations", {"nominee_kind": "unit", "member_id": target,
                                                     "reasons": "互助共进。"}), 201)  # fmt: skip
    _decide_criticism(as_, target)
    nomination = {"nominee_kind": "individual", "nominee_name": "赵六", "member_id": target, "reasons": "热心。"}
    body = assert_problem(post(as_("member"), "/nominations", nomination), 422)
    assert "active sanction" in body["errors"][0]["reason"]
    body = assert_problem(post(staff, f"/nominations/{before['id']}/decision", {"commend": True, "citation": "x"}), 422)
    assert "cannot be commended in this period" in body["errors"][0]["reason"]
    assert ok(as_("anonymous").get(f"{API}/commendations")) == []
    # Declining stays possible.
    assert ok(post(staff, f"/nominations/{before['id']}/decision", {"commend": False}))["status"] == "declined"
