"""State changes of the evaluations (评议, Art. 18): open a round, self-assess, score, compute the results (then the
members review them), comment, publish the banded list."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, calendars, deadlines, workflow
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import Duplicate, InvalidTransition, NotFound, ValidationFailed
from zilu.core.notify import executing_body_staff, notify
from zilu.core.numbering import next_number
from zilu.core.roles import Perm, require
from zilu.discipline.checklist import ITEMS, Answer, Band, ServiceKind, compute
from zilu.discipline.ladder import strike_policy
from zilu.discipline.models import Case, EvaluationRound, Participation, review_deadline
from zilu.members.models import Member
from zilu.reports.models import Report


def _own(actor: Actor, participation: Participation) -> None:
    require(actor, Perm.SELF_ASSESS)
    if participation.member_id != getattr(actor, "member_id", None):
        raise NotFound()


@transaction.atomic
def do_open_round(
    actor: StaffActor, *, year: int | None = None, period_start: date | None = None, period_end: date | None = None,
    title: str = "",
) -> EvaluationRound:  # fmt: skip
    """Open a round (yearly by default: the calendar year ``year``) and enrol every active member."""
    require(actor, Perm.RUN_EVALUATIONS)
    year = year or timezone.localdate().year
    start = period_start or date(year, 1, 1)
    end = period_end or date(year, 12, 31)
    if end < start:
        raise ValidationFailed(_("The period ends before it starts."), field="period_end")
    if EvaluationRound.objects.filter(period_start=start, period_end=end).exists():
        raise Duplicate(_("A round already evaluates this period."))
    evaluation = EvaluationRound.objects.create(
        number=next_number(EvaluationRound.objects.all()),
        title=(title or "").strip()[:200] or _("Evaluation of %(start)s to %(end)s") % {"start": start, "end": end},
        period_start=start,
        period_end=end,
        items=[item.as_dict() for item in ITEMS],
        opened_by_id=getattr(actor, "pk", None),
    )
    members = list(Member.objects.filter(status=Member.Status.ACTIVE))
    Participation.objects.bulk_create([Participation(round=evaluation, member=m) for m in members])
    audit.record(
        actor, "discipline.evaluation.open", evaluation,
        after={"period_start": start, "period_end": end, "members": len(members), "items": len(ITEMS)},
    )  # fmt: skip
    for participation in Participation.objects.filter(round=evaluation):
        notify(
            Member.objects.filter(pk=participation.member_id).active_representatives(),
            _("Evaluation: please complete your self-assessment"),
            evaluation.title,
            url=reverse("discipline:my_evaluation", kwargs={"participation_id": participation.pk}),
            kind="discipline.evaluation.opened",
        )
    return evaluation


@transaction.atomic
def do_submit_self_assessment(
    actor: Actor, participation_id: int, *, service_kinds: list[str], answers: dict[str, dict[str, str]]
) -> Participation:
    """A member answers the checklist items that fit its kinds of service (it may submit again until scored)."""
    participation = workflow.access(Participation.objects.restrict(actor, "change"), participation_id, for_update=True)
    _own(actor, participation)
    if participation.round.status != EvaluationRound.Status.OPEN:
        raise InvalidTransition(_("The round no longer takes self-assessments."))
    if participation.scored_at is not None:
        raise InvalidTransition(_("Your self-assessment is already scored."))
    kinds = sorted(set(service_kinds or []))
    if any(k not in ServiceKind.values for k in kinds):
        raise ValidationFailed(_("Choose kinds of service from the list."), field="service_kinds")
    if participation.member.kind == Member.Kind.VENUE and ServiceKind.ACCESS_VENUE not in kinds:
        kinds = sorted({*kinds, ServiceKind.ACCESS_VENUE.value})  # a venue member is one (Art. 13)
    participation.service_kinds = kinds
    clean: dict[str, dict[str, str]] = {}
    errors = []
    for item in participation.items():
        given = (answers or {}).get(item["code"]) or {}
        value = given.get("answer", "")
        if value not in Answer.values:
            errors.append({"field": f"answer_{item['code']}", "reason": _("Answer this item."), "code": "required"})
            continue
        clean[item["code"]] = {"answer": value, "note": str(given.get("note", "")).strip()[:2000]}
    if errors:
        raise ValidationFailed(_("Answer every item."), errors=errors)
    participation.answers = clean
    participation.submitted_at = timezone.now()
    participation.submitted_by = actor
    participation.save(update_fields=["service_kinds", "answers", "submitted_at", "submitted_by"])
    audit.record(
        actor, "discipline.evaluation.self_assess", participation,
        after={"round": participation.round.number, "service_kinds": kinds, "items": len(clean)},
    )  # fmt: skip
    return participation


def _result(participation: Participation) -> None:
    """Fill in the participation's figures and result by the documented formula (checklist.compute)."""
    evaluation, member = participation.round, participation.member
    period = (evaluation.period_start, evaluation.period_end)
    participation.verified_reports = (
        Report.objects.verified_true().filter(member=member, closed_at__date__range=period).count()
    )
    participation.late_responses = Report.objects.filter(
        member=member, overdue_tier__gte=1, routed_at__date__range=period
    ).count()
    weights = strike_policy().weights
    participation.sanction_points = sum(
        weights[m] for m in Case.objects.strikes().filter(member=member, decided_on__range=period).values_list(
            "measure", flat=True)
    )  # fmt: skip
    if participation.submitted_at is None:
        participation.assessment = participation.total = None
        participation.report_deduction = participation.sanction_deduction = 0
        participation.band = Band.NOT_SUBMITTED
        return
    items = participation.items()
    points = sum(int(participation.scores.get(i["code"], {}).get("points", 0)) for i in items)
    result = compute(
        points, sum(i["points"] for i in items), verified_reports=participation.verified_reports,
        late_responses=participation.late_responses, sanction_points=participation.sanction_points,
    )  # fmt: skip
    participation.assessment = result.assessment
    participation.report_deduction = result.report_deduction
    participation.sanction_deduction = result.sanction_deduction
    participation.total = result.total
    participation.band = result.band


RESULT_FIELDS = [
    "verified_reports", "late_responses", "sanction_points", "assessment", "report_deduction",
    "sanction_deduction", "total", "band",
]  # fmt: skip


@transaction.atomic
def do_score(actor: StaffActor, participation_id: int, scores: dict[str, dict[str, Any]]) -> Participation:
    """Staff score every item that applies, from 0 to its points, with a note wherever points are withheld. While
    the members review their results, a rescore recomputes the result."""
    require(actor, Perm.RUN_EVALUATIONS)
    participation = workflow.access(Participation.objects.restrict(actor, "change"), participation_id, for_update=True)
    if participation.round.status == EvaluationRound.Status.PUBLISHED:
        raise InvalidTransition(_("The results of this round are published."))
    if participation.submitted_at is None:
        raise InvalidTransition(_("The member has not submitted its self-assessment."))
    clean: dict[str, dict[str, Any]] = {}
    errors = []
    for item in participation.items():
        given = (scores or {}).get(item["code"]) or {}
        try:
            points = int(given.get("points"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            points = -1
        note = str(given.get("note", "") or "").strip()[:2000]
        if not 0 <= points <= item["points"]:
            errors.append({"field": f"points_{item['code']}", "code": "invalid",
                           "reason": _("Give 0 to %(n)d points.") % {"n": item["points"]}})  # fmt: skip
        elif points < item["points"] and not note:
            errors.append({"field": f"note_{item['code']}", "code": "required",
                           "reason": _("Say why points are withheld.")})  # fmt: skip
        else:
            clean[item["code"]] = {"points": points, "note": note}
    if errors:
        raise ValidationFailed(_("Score every item."), errors=errors)
    participation.scores = clean
    participation.scored_by_id = getattr(actor, "pk", None)
    participation.scored_at = timezone.now()
    fields = ["scores", "scored_by", "scored_at"]
    if participation.round.status == EvaluationRound.Status.REVIEW:
        _result(participation)
        fields += RESULT_FIELDS
    participation.save(update_fields=fields)
    audit.record(
        actor, "discipline.evaluation.score", participation,
        after={"round": participation.round.number, "points": sum(s["points"] for s in clean.values()),
               "total": participation.total},
    )  # fmt: skip
    return participation


@transaction.atomic
def do_compute_results(actor: StaffActor, round_id: int) -> EvaluationRound:
    """Compute every member's result and give the members ZILU_EVALUATION_REVIEW_DAYS working days to review it.
    Every submitted self-assessment must be scored first."""
    require(actor, Perm.RUN_EVALUATIONS)
    evaluation = workflow.access(EvaluationRound.objects.all(), round_id, for_update=True)
    workflow.check_transition(evaluation, EvaluationRound.Status.REVIEW)  # before the scores are checked
    participations = list(evaluation.participations.select_related("member", "round"))
    unscored = [p for p in participations if p.submitted_at is not None and not p.fully_scored]
    if unscored:
        raise InvalidTransition(_("%(n)d submitted self-assessments are not scored yet.") % {"n": len(unscored)})
    for participation in participations:
        _result(participation)
    Participation.objects.bulk_update(participations, RESULT_FIELDS)
    today = timezone.localdate()
    review = review_deadline(today)  # provisional beyond the official holiday calendar
    review_until = review.day
    changes = {"results_computed_on": today, "review_until": review_until, "deadline_provisional": review.provisional}
    workflow.transition(
        evaluation, EvaluationRound.Status.REVIEW, actor=actor, action="discipline.evaluation.compute",
        changes=changes, unaudited=tuple(changes),
        extra_after={"review_until": review_until,
                     "bands": {b: sum(1 for p in participations if p.band == b) for b in Band.values}},
    )  # fmt: skip
    for participation in participations:
        notify(
            participation.member.active_representatives(),
            _("Evaluation: your result is ready for review"),
            _("You may comment until %(date)s; the banded list is published afterwards.")
            % {"date": calendars.deadline_text(evaluation.review_until, evaluation.deadline_provisional)},
            url=reverse("discipline:my_evaluation", kwargs={"participation_id": participation.pk}),
            kind="discipline.evaluation.result",
        )
    return evaluation


@transaction.atomic
def do_comment_result(actor: Actor, participation_id: int, comment: str) -> Participation:
    """During the review window, the member comments on its result (the staff may rescore)."""
    participation = workflow.access(Participation.objects.restrict(actor, "change"), participation_id, for_update=True)
    _own(actor, participation)
    evaluation = participation.round
    if evaluation.status != EvaluationRound.Status.REVIEW:
        raise InvalidTransition(_("Results are commented on during the review window."))
    review_over = evaluation.review_until and deadlines.is_overdue(evaluation.review_until, timezone.localdate())
    if review_over and not evaluation.deadline_provisional:  # a provisional last day never closes the window
        raise InvalidTransition(_("The review window has ended."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed(_("Write your comment."), field="comment")
    participation.member_comment = comment[:4000]
    participation.commented_at = timezone.now()
    participation.save(update_fields=["member_comment", "commented_at"])
    audit.record(actor, "discipline.evaluation.comment", participation, after={"round": evaluation.number})
    url = reverse("discipline:evaluation", kwargs={"round_id": evaluation.pk})
    notify(executing_body_staff(), _("Evaluation: a member commented on its result"), participation.member.name,
           url=url, kind="discipline.evaluation.comment")  # fmt: skip
    return participation


@transaction.atomic
def do_publish_results(actor: StaffActor, round_id: int, *, today: date | None = None) -> EvaluationRound:
    """Publish the banded list once the members' review window has ended (never on a provisional last day: the
    official holiday calendar must confirm that the window is over)."""
    require(actor, Perm.RUN_EVALUATIONS)
    evaluation = workflow.access(EvaluationRound.objects.all(), round_id, for_update=True)
    workflow.check_transition(evaluation, EvaluationRound.Status.PUBLISHED)  # before the window is checked
    today = today or timezone.localdate()
    if not calendars.settle(evaluation, actor):
        raise InvalidTransition(
            _("The end of the window is not known yet: load the official holiday schedule (ZILU_HOLIDAYS_FILE).")
        )
    if evaluation.review_until is None or not deadlines.is_overdue(evaluation.review_until, today):
        raise InvalidTransition(
            _("The members review their results until %(date)s.")
            % {"date": evaluation.review_until.isoformat() if evaluation.review_until else "—"}
        )
    workflow.transition(
        evaluation, EvaluationRound.Status.PUBLISHED, actor=actor, action="discipline.evaluation.publish",
        changes={"published_on": today}, unaudited=("published_on",), extra_after={"published_on": today},
    )  # fmt: skip
    return evaluation
