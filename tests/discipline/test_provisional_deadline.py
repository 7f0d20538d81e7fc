"""A member's windows beyond the official holiday calendar (the answer to a proposal, the appeal, the review of an
evaluation result) and the listing of a notice: computed provisionally and shown so; silence is not recorded, a
decision not made final and results not published while the window's last day is provisional, and the member's own
act is never refused on such a day; ``zilu calendar load`` recomputes them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.calendar_helpers import days_past_coverage, forget_loaded_years, load_schedule
from tests.discipline.helpers import API, PUBLISHED_FACTS, ok, open_case, post, propose
from tests.helpers import assert_problem
from zilu.core.models import AuditEntry, Notification
from zilu.discipline.actions import finalize_due_cases
from zilu.discipline.models import (
    Case,
    EvaluationRound,
    Notice,
    Participation,
    appeal_deadline,
    listing_deadline,
    response_deadline,
    review_deadline,
)

pytestmark = pytest.mark.django_db
NOT_KNOWN = "The end of the window is not known yet"
YESTERDAY = timezone.localdate() - timedelta(days=1)


@pytest.fixture(autouse=True)
def _beyond_the_calendar(settings):
    forget_loaded_years()  # after the conftest's assumed schedule
    days = days_past_coverage()
    settings.ZILU_DISCIPLINE_RESPONSE_DAYS = settings.ZILU_DISCIPLINE_APPEAL_DAYS = days
    settings.ZILU_EVALUATION_REVIEW_DAYS = days
    yield
    forget_loaded_years()


def marked(day) -> str:
    return f'<span class="provisional">{day.isoformat()} (provisional)</span>'


def test_no_silence_on_a_provisional_last_day_until_the_schedule_is_loaded(people, as_, tmp_path):
    staff, member = as_("staff"), as_("member")
    case_id = open_case(staff, people["member"].member_id)["id"]
    proposed = propose(staff, case_id, "criticism")
    expected = response_deadline(timezone.localdate())
    assert expected.provisional
    assert (proposed["response_due"], proposed["deadline_provisional"]) == (expected.day.isoformat(), True)
    assert marked(expected.day) in member.get(f"/account/discipline/cases/{case_id}/").content.decode()
    assert marked(expected.day) in member.get("/account/discipline/").content.decode()
    assert marked(expected.day) in staff.get(f"/staff/discipline/cases/{case_id}/").content.decode()
    note = Notification.objects.get(user=people["member"], kind="discipline.case.proposed")
    assert f"{expected.day.isoformat()} (provisional)" in note.body

    # the provisional last day has passed: silence is still not recorded, and the member may still answer
    Case.objects.filter(pk=case_id).update(response_due=YESTERDAY)
    assert NOT_KNOWN in assert_problem(post(staff, f"/cases/{case_id}/silence"), 409, "invalid_transition")["detail"]
    assert Case.objects.get(pk=case_id).status == "proposed"
    assert "answer-answer" in member.get(f"/account/discipline/cases/{case_id}/").content.decode()

    # the State Council's schedule: the window is recomputed from the day of the proposal, and is official
    assert "1 provisional deadline(s) settled" in load_schedule(tmp_path, expected.day)
    official = response_deadline(timezone.localdate())
    assert not official.provisional and official.day > expected.day  # the illustrative bridging days
    case = ok(staff.get(f"{API}/cases/{case_id}"))
    assert (case["response_due"], case["deadline_provisional"]) == (official.day.isoformat(), False)
    entry = AuditEntry.objects.get(action="core.deadline.recompute", object_type="discipline.case")
    assert entry.before == {"response_due": YESTERDAY.isoformat(), "deadline_provisional": True}
    assert entry.after == {"response_due": official.day.isoformat(), "deadline_provisional": False}
    assert 'class="provisional"' not in member.get(f"/account/discipline/cases/{case_id}/").content.decode()
    assert "may answer until" in assert_problem(post(staff, f"/cases/{case_id}/silence"), 409)["detail"]

    # once the official day has passed, silence is recorded
    Case.objects.filter(pk=case_id).update(response_due=YESTERDAY)
    assert ok(post(staff, f"/cases/{case_id}/silence"))["status"] == "considered"


def test_a_decision_is_not_final_on_a_provisional_appeal_day_and_the_member_may_still_appeal(people, as_, tmp_path):
    staff, member = as_("staff"), as_("member")
    member_id = people["member"].member_id
    case_id = open_case(staff, member_id)["id"]
    propose(staff, case_id, "criticism")
    Case.objects.filter(pk=case_id).update(response_due=YESTERDAY, deadline_provisional=False)  # an official day
    ok(post(staff, f"/cases/{case_id}/silence"))
    decided = ok(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}))
    appeal, listed = appeal_deadline(timezone.localdate()), listing_deadline(timezone.localdate(), "criticism")
    assert appeal.provisional and listed.provisional
    assert (decided["appeal_due"], decided["deadline_provisional"]) == (appeal.day.isoformat(), True)
    note = Notification.objects.get(user=people["member"], kind="discipline.case.decided")
    assert f"{appeal.day.isoformat()} (provisional)" in note.body
    page = member.get(f"/account/discipline/cases/{case_id}/").content.decode()
    assert marked(appeal.day) in page and marked(listed.day) in page
    notice = ok(as_("anonymous").get(f"{API}/notices"))[0]
    assert (notice["listed_until"], notice["deadline_provisional"]) == (listed.day.isoformat(), True)
    assert marked(listed.day) in as_("anonymous").get(f"/sanctions/{notice['id']}/").content.decode()
    # the strike counts until a provisional day too (computed, not stored)
    strike = ok(staff.get(f"{API}/members/{member_id}/record"))["strikes"][0]
    assert strike["deadline_provisional"] is True
    assert 'class="provisional"' in member.get("/account/discipline/").content.decode()

    # past the provisional last day: the decision does not become final, and the member's appeal is taken
    Case.objects.filter(pk=case_id).update(appeal_due=YESTERDAY)
    assert finalize_due_cases() == 0
    assert Case.objects.get(pk=case_id).status == "decided"
    Case.objects.filter(pk=case_id).update(appeal_due=YESTERDAY)  # the task recomputed it, still provisional
    assert ok(member.post(f"{API}/cases/{case_id}/appeal", {"text": "请求复核。"}))["status"] == "appealed"

    # the schedule settles the case and its notice, each with an audit entry
    assert "2 provisional deadline(s) settled" in load_schedule(tmp_path, listed.day)
    case, notice = Case.objects.get(pk=case_id), Notice.objects.get(case_id=case_id)
    official_appeal = appeal_deadline(case.decided_on)
    official_listing = listing_deadline(notice.published_on, notice.measure)
    assert (case.appeal_due, case.deadline_provisional) == (official_appeal.day, False)
    assert (notice.listed_until, notice.deadline_provisional) == (official_listing.day, False)
    settled = [
        e.object_type
        for e in AuditEntry.objects.filter(action="core.deadline.recompute")
        if e.after["deadline_provisional"] is False
    ]
    assert sorted(settled) == ["discipline.case", "discipline.notice"]
    assert not ok(staff.get(f"{API}/members/{member_id}/record"))["strikes"][0]["deadline_provisional"]


def test_results_are_not_published_on_a_provisional_review_day(people, as_, tmp_path):
    staff, member = as_("staff"), as_("member")
    evaluation = ok(post(staff, "/evaluations", {"year": timezone.localdate().year}), 201)
    computed = ok(post(staff, f"/evaluations/{evaluation['id']}/compute"))
    expected = review_deadline(timezone.localdate())
    assert expected.provisional
    assert (computed["review_until"], computed["deadline_provisional"]) == (expected.day.isoformat(), True)
    page = staff.get(f"/staff/discipline/evaluations/{evaluation['id']}/").content.decode()
    assert marked(expected.day) in page
    note = Notification.objects.filter(user=people["member"], kind="discipline.evaluation.result").get()
    assert f"{expected.day.isoformat()} (provisional)" in note.body

    # past the provisional last day: not published, and the member may still comment
    EvaluationRound.objects.filter(pk=evaluation["id"]).update(review_until=YESTERDAY)
    body = assert_problem(post(staff, f"/evaluations/{evaluation['id']}/publish"), 409, "invalid_transition")
    assert NOT_KNOWN in body["detail"]
    pid = Participation.objects.get(round_id=evaluation["id"], member_id=people["member"].member_id).pk
    ok(post(member, f"/participations/{pid}/comment", {"text": "请复核。"}))

    assert "1 provisional deadline(s) settled" in load_schedule(tmp_path, expected.day)
    round_ = EvaluationRound.objects.get(pk=evaluation["id"])
    official = review_deadline(round_.results_computed_on)
    assert (round_.review_until, round_.deadline_provisional) == (official.day, False)
    assert AuditEntry.objects.filter(action="core.deadline.recompute", object_type="discipline.evaluationround")
    EvaluationRound.objects.filter(pk=evaluation["id"]).update(review_until=YESTERDAY)
    assert ok(post(staff, f"/evaluations/{evaluation['id']}/publish"))["status"] == "published"
