"""API of discipline (Art. 18): cases and their steps, the member's record, sanction notices, evaluations and
commendations. Every route calls the action a page would call."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from zilu.core import workflow
from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id
from zilu.core.errors import Forbidden, NotFound, ValidationFailed
from zilu.core.files import files_of
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.discipline import actions
from zilu.discipline.checklist import Band
from zilu.discipline.models import Case, EvaluationRound, Nomination, Notice, Participation
from zilu.discipline.record import record_of
from zilu.members.models import Member
from zilu.reports.models import parse_tracking_number

router = Router(tags=["discipline"])


class FileOut(Schema):
    id: str
    name: str
    purpose: str
    url: str


class CaseOut(Schema):
    id: int
    reference: str
    member_id: int
    member_name: str = Field(alias="member.name")
    status: str
    source: str
    source_note: str
    articles: list[str]
    articles_label: str
    facts: str
    reports: list[str]
    rests_on_verified_facts: bool
    verification_note: str
    facts_verified_at: datetime | None
    measure: str
    reasons: str
    suggested_measure: str
    lighter_reason: str
    proposed_at: datetime | None
    response_due: date | None
    deadline_provisional: bool = Field(description="response_due or appeal_due is beyond the official holiday calendar")
    answer: str
    answered_at: datetime | None
    silent: bool
    consideration: str
    considered_at: datetime | None
    approved_at: datetime | None
    decided_on: date | None
    published_facts: str
    appeal_due: date | None
    appeal: str
    appealed_at: datetime | None
    appeal_outcome: str
    appeal_reasons: str
    original_measure: str = Field(description="the measure first decided, when the appeal varied it")
    revoked_at: datetime | None
    closing_note: str
    files: list[FileOut]
    supervisor_review: bool | None = Field(
        None, description="Art. 20 retaliation flag: for the supervising department only, null for everyone else"
    )
    created_at: datetime

    @staticmethod
    def resolve_reports(obj: Case) -> list[str]:
        return [r.tracking_number for r in obj.reports.all()]

    @staticmethod
    def resolve_files(obj: Case) -> list[dict[str, str]]:
        return [{"id": str(f.pk), "name": f.original_name, "purpose": f.purpose,
                 "url": reverse("protected_file", kwargs={"file_id": f.pk})} for f in files_of(obj)]  # fmt: skip

    @staticmethod
    def resolve_supervisor_review(obj: Case, context: dict[str, Any]) -> bool | None:
        return obj.supervisor_review if has_perm(context["request"].user, Perm.HANDLE_COMPLAINTS) else None


class OpenCaseIn(Schema):
    member_id: Id
    source: str = Field(description="reports, investigation, evaluation or filing_check")
    facts: str
    articles: list[str] = Field(description='e.g. ["12(1)", "17"]')
    reports: list[str] = Field(default_factory=list, description="tracking numbers of reports verified true")
    participation_id: Id | None = None
    source_note: str = ""


class TextIn(Schema):
    text: str = ""


class ProposeIn(Schema):
    measure: str = Field(description="criticism, condemnation, media_exposure, internal_notice or revocation")
    reasons: str
    lighter_reason: str = ""
    articles: list[str] | None = None


class CaseDecideIn(Schema):
    published_facts: str


class AppealDecisionIn(Schema):
    outcome: str = Field(description="dismissed, annulled or varied")
    reasons: str
    measure: str = Field("", description="varied: the lighter measure that replaces the decided one")


class StrikeOut(Schema):
    case: str
    measure: str
    points: int
    decided_on: date
    expires_on: date
    deadline_provisional: bool = Field(description="expires_on lies beyond the official holiday calendar")


class RecordOut(Schema):
    member_id: int
    points: int
    suggested: str
    strikes: list[StrikeOut]
    cases: list[CaseOut]


class DisciplineNoticeOut(Schema):
    id: int
    audience: str
    measure: str
    member_name: str
    member_number: str
    articles: list[str]
    articles_label: str
    facts: str
    decision_reference: str
    decided_on: date
    published_on: date
    listed_until: date
    deadline_provisional: bool = Field(description="listed_until lies beyond the official holiday calendar")


def _report_ids(numbers: list[str]) -> list[int]:
    ids = []
    for number in numbers:
        pk = parse_tracking_number(number)
        if pk is None:
            raise ValidationFailed(f"{number!r}: not a tracking number", field="reports")
        ids.append(pk)
    return ids


# ------------------------------------------------------------------------------------------------ cases


@router.get("/cases", response=list[CaseOut], auth=SIGNED_IN, summary="Cases you may see")
def list_cases(request: HttpRequest, status: str | None = None) -> list[Case]:
    if not (has_perm(request.user, Perm.VIEW_DISCIPLINE) or has_perm(request.user, Perm.ANSWER_DISCIPLINE)):
        raise Forbidden()
    qs = Case.objects.restrict(request.user, "view").select_related("member").prefetch_related("reports")
    return list((qs.filter(status=status) if status else qs)[:200])


@router.post("/cases", response={201: CaseOut}, auth=SIGNED_IN, summary="Staff: open a case")
def open_case(request: HttpRequest, payload: OpenCaseIn) -> Status[Case]:
    case = actions.do_open_case(
        signed_in(request), payload.member_id, source=payload.source, facts=payload.facts, articles=payload.articles,
        report_ids=_report_ids(payload.reports), participation_id=payload.participation_id,
        source_note=payload.source_note,
    )  # fmt: skip
    return Status(201, case)


@router.get("/cases/{case_id}", response=CaseOut, auth=SIGNED_IN)
def case(request: HttpRequest, case_id: Id) -> Case:
    return workflow.access(Case.objects.restrict(request.user, "view").select_related("member"), case_id)


@router.post("/cases/{case_id}/evidence", response=CaseOut, auth=SIGNED_IN, summary="Staff: add evidence")
def add_evidence(request: HttpRequest, case_id: Id, files: File[list[UploadedFile]]) -> Case:
    return actions.do_add_evidence(signed_in(request), case_id, files)


@router.post("/cases/{case_id}/verify-facts", response=CaseOut, auth=SIGNED_IN,
             summary="Staff: record the facts as verified (multipart: note, files)")  # fmt: skip
def verify_facts(request: HttpRequest, case_id: Id, note: Form[str], files: File[list[UploadedFile]] = None) -> Case:
    return actions.do_verify_facts(signed_in(request), case_id, note, files or [])


@router.post("/cases/{case_id}/propose", response=CaseOut, auth=SIGNED_IN, summary="Staff: propose a measure")
def propose(request: HttpRequest, case_id: Id, payload: ProposeIn) -> Case:
    return actions.do_propose(
        signed_in(request), case_id, measure=payload.measure, reasons=payload.reasons,
        lighter_reason=payload.lighter_reason, articles=payload.articles,
    )  # fmt: skip


@router.post("/cases/{case_id}/answer", response=CaseOut, auth=SIGNED_IN,
             summary="The member concerned answers (multipart: text, files)")  # fmt: skip
def answer(request: HttpRequest, case_id: Id, text: Form[str], files: File[list[UploadedFile]] = None) -> Case:
    return actions.do_answer(signed_in(request), case_id, text, files or [])


@router.post("/cases/{case_id}/silence", response=CaseOut, auth=SIGNED_IN, summary="Staff: the window passed")
def silence(request: HttpRequest, case_id: Id) -> Case:
    return actions.do_record_silence(signed_in(request), case_id)


@router.post("/cases/{case_id}/consider", response=CaseOut, auth=SIGNED_IN, summary="Staff: consider the answer")
def consider(request: HttpRequest, case_id: Id, payload: TextIn) -> Case:
    return actions.do_consider(signed_in(request), case_id, payload.text)


@router.post("/cases/{case_id}/approve", response=CaseOut, auth=SIGNED_IN, summary="Staff: second approval")
def approve(request: HttpRequest, case_id: Id, payload: TextIn) -> Case:
    return actions.do_approve(signed_in(request), case_id, payload.text)


@router.post("/cases/{case_id}/decide", response=CaseOut, auth=SIGNED_IN, summary="Staff: decide")
def decide(request: HttpRequest, case_id: Id, payload: CaseDecideIn) -> Case:
    return actions.do_decide(signed_in(request), case_id, published_facts=payload.published_facts)


@router.post("/cases/{case_id}/drop", response=CaseOut, auth=SIGNED_IN, summary="Staff: close without a measure")
def drop(request: HttpRequest, case_id: Id, payload: TextIn) -> Case:
    return actions.do_drop(signed_in(request), case_id, payload.text)


@router.post("/cases/{case_id}/appeal", response=CaseOut, auth=SIGNED_IN,
             summary="The member concerned appeals, once (multipart: text, files)")  # fmt: skip
def appeal(request: HttpRequest, case_id: Id, text: Form[str], files: File[list[UploadedFile]] = None) -> Case:
    return actions.do_appeal(signed_in(request), case_id, text, files or [])


@router.post("/cases/{case_id}/appeal-decision", response=CaseOut, auth=SIGNED_IN,
             summary="Staff other than the decider: decide the appeal")  # fmt: skip
def decide_appeal(request: HttpRequest, case_id: Id, payload: AppealDecisionIn) -> Case:
    return actions.do_decide_appeal(
        signed_in(request), case_id, outcome=payload.outcome, reasons=payload.reasons, measure=payload.measure
    )


@router.get("/flagged", response=list[CaseOut], auth=SIGNED_IN,
            summary="Supervising department: cases against members that recently complained (Art. 20)")  # fmt: skip
def flagged(request: HttpRequest) -> list[Case]:
    require(request.user, Perm.HANDLE_COMPLAINTS)
    return list(Case.objects.filter(supervisor_review=True).select_related("member").prefetch_related("reports"))


@router.get("/members/{member_id}/record", response=RecordOut, auth=SIGNED_IN,
            summary="A member's record: staff, the supervising department, the member itself")  # fmt: skip
def member_record(request: HttpRequest, member_id: Id) -> dict[str, Any]:
    own = has_perm(request.user, Perm.ANSWER_DISCIPLINE) and request.user.member_id == member_id
    if not (has_perm(request.user, Perm.VIEW_DISCIPLINE) or own):
        raise Forbidden()
    if not Member.objects.filter(pk=member_id).exists():
        raise NotFound()
    record = record_of(member_id)
    strikes = [{"case": s.case.reference, "measure": s.measure, "points": s.points, "decided_on": s.decided_on,
                "expires_on": s.expires_on, "deadline_provisional": s.provisional} for s in record.strikes]  # fmt: skip
    visible = Case.objects.restrict(request.user, "view").filter(member_id=member_id).select_related("member")
    return {"member_id": member_id, "points": record.points, "suggested": record.suggested, "strikes": strikes,
            "cases": list(visible.prefetch_related("reports"))}  # fmt: skip


# ------------------------------------------------------------------------------------------------ notices


@router.get("/notices", response=list[DisciplineNoticeOut], auth=None, summary="Public sanction notices now listed")
def notices(request: HttpRequest) -> list[Notice]:
    return list(Notice.objects.listed().filter(audience=Notice.Audience.PUBLIC))


@router.get("/notices/internal", response=list[DisciplineNoticeOut], auth=SIGNED_IN,
            summary="Internal notices: member representatives, staff, supervising department")  # fmt: skip
def internal_notices(request: HttpRequest) -> list[Notice]:
    require(request.user, Perm.READ_INTERNAL_NOTICES)
    member = getattr(request.user, "member", None)
    if not has_perm(request.user, Perm.VIEW_DISCIPLINE) and (member is None or member.status != Member.Status.ACTIVE):
        raise Forbidden()
    return list(Notice.objects.restrict(request.user, "view").filter(audience=Notice.Audience.MEMBERS))


# ------------------------------------------------------------------------------------------------ evaluations


class RoundOut(Schema):
    id: int
    number: int
    title: str
    period_start: date
    period_end: date
    status: str
    review_until: date | None
    deadline_provisional: bool = Field(description="review_until lies beyond the official holiday calendar")
    published_on: date | None
    items: list[dict[str, Any]]


class RoundIn(Schema):
    year: Annotated[int, Field(ge=2000, le=2099)] | None = None
    title: str = ""


class ParticipationOut(Schema):
    id: int
    round_id: int
    member_id: int
    member_name: str = Field(alias="member.name")
    service_kinds: list[str]
    answers: dict[str, Any]
    submitted_at: datetime | None
    scores: dict[str, Any]
    scored_at: datetime | None
    verified_reports: int
    late_responses: int
    sanction_points: int
    assessment: Decimal | None
    report_deduction: int
    sanction_deduction: int
    total: Decimal | None
    band: str
    member_comment: str


class SelfAssessmentIn(Schema):
    service_kinds: list[str] = Field(default_factory=list)
    answers: dict[str, dict[str, str]] = Field(description='{"A7": {"answer": "yes", "note": "..."}, ...}')


class ScoresIn(Schema):
    scores: dict[str, dict[str, Any]] = Field(description='{"A7": {"points": 8, "note": "..."}, ...}')


class BandOut(Schema):
    band: str
    members: list[str]


class ResultsOut(Schema):
    round: RoundOut
    bands: list[BandOut]


@router.get("/evaluations", response=list[RoundOut], auth=SIGNED_IN, summary="Staff: evaluation rounds")
def rounds(request: HttpRequest) -> list[EvaluationRound]:
    require(request.user, Perm.VIEW_DISCIPLINE)
    return list(EvaluationRound.objects.all())


@router.post("/evaluations", response={201: RoundOut}, auth=SIGNED_IN, summary="Staff: open a round")
def open_round(request: HttpRequest, payload: RoundIn) -> Status[EvaluationRound]:
    return Status(201, actions.do_open_round(signed_in(request), year=payload.year, title=payload.title))


@router.post("/evaluations/{round_id}/compute", response=RoundOut, auth=SIGNED_IN, summary="Staff: results")
def compute(request: HttpRequest, round_id: Id) -> EvaluationRound:
    return actions.do_compute_results(signed_in(request), round_id)


@router.post("/evaluations/{round_id}/publish", response=RoundOut, auth=SIGNED_IN, summary="Staff: publish")
def publish(request: HttpRequest, round_id: Id) -> EvaluationRound:
    return actions.do_publish_results(signed_in(request), round_id)


@router.get("/evaluations/{round_id}/results", response=ResultsOut, auth=None, summary="Published banded list")
def results(request: HttpRequest, round_id: Id) -> dict[str, Any]:
    found = EvaluationRound.objects.filter(pk=round_id, status=EvaluationRound.Status.PUBLISHED).first()
    if found is None:
        raise NotFound()
    rows = list(found.participations.select_related("member").order_by("member__name"))
    return {"round": found, "bands": [{"band": b, "members": [p.member.name for p in rows if p.band == b]}
                                      for b in Band.values]}  # fmt: skip


@router.get("/participations", response=list[ParticipationOut], auth=SIGNED_IN, summary="Participations you see")
def participations(request: HttpRequest) -> list[Participation]:
    if not (has_perm(request.user, Perm.VIEW_DISCIPLINE) or has_perm(request.user, Perm.SELF_ASSESS)):
        raise Forbidden()
    return list(Participation.objects.restrict(request.user, "view").select_related("member")[:500])


@router.get("/participations/{participation_id}", response=ParticipationOut, auth=SIGNED_IN)
def participation(request: HttpRequest, participation_id: Id) -> Participation:
    return workflow.access(
        Participation.objects.restrict(request.user, "view").select_related("round", "member"), participation_id
    )


@router.post("/participations/{participation_id}/self-assessment", response=ParticipationOut, auth=SIGNED_IN,
             summary="A member answers the checklist")  # fmt: skip
def self_assess(request: HttpRequest, participation_id: Id, payload: SelfAssessmentIn) -> Participation:
    return actions.do_submit_self_assessment(
        signed_in(request), participation_id, service_kinds=payload.service_kinds, answers=payload.answers
    )


@router.post("/participations/{participation_id}/scores", response=ParticipationOut, auth=SIGNED_IN,
             summary="Staff: score every item")  # fmt: skip
def scores(request: HttpRequest, participation_id: Id, payload: ScoresIn) -> Participation:
    return actions.do_score(signed_in(request), participation_id, payload.scores)


@router.post("/participations/{participation_id}/comment", response=ParticipationOut, auth=SIGNED_IN,
             summary="A member comments on its result during the review window")  # fmt: skip
def comment(request: HttpRequest, participation_id: Id, payload: TextIn) -> Participation:
    return actions.do_comment_result(signed_in(request), participation_id, payload.text)


# ------------------------------------------------------------------------------------------------ commendations


class NominationIn(Schema):
    nominee_kind: str = Field(description="unit or individual")
    reasons: str
    member_id: Id | None = None
    nominee_name: str = ""


class NominationOut(Schema):
    id: int
    year: int
    nominee_kind: str
    member_id: int | None
    nominee_name: str
    reasons: str
    status: str
    citation: str
    decided_on: date | None


class NominationDecisionIn(Schema):
    commend: bool
    citation: str = ""
    note: str = ""


class CommendationOut(Schema):
    id: int
    year: int
    nominee_kind: str
    nominee_name: str
    citation: str
    decided_on: date | None


@router.get("/commendations", response=list[CommendationOut], auth=None, summary="Public commendation notices")
def commendations(request: HttpRequest) -> list[Nomination]:
    return list(Nomination.objects.commended())


@router.get("/nominations", response=list[NominationOut], auth=SIGNED_IN, summary="Nominations you may see")
def nominations(request: HttpRequest) -> list[Nomination]:
    if not has_perm(request.user, Perm.VIEW_DISCIPLINE):
        require(request.user, Perm.NOMINATE)
    return list(Nomination.objects.restrict(request.user, "view")[:500])


@router.post("/nominations", response={201: NominationOut}, auth=SIGNED_IN, summary="Nominate (staff or a member)")
def nominate(request: HttpRequest, payload: NominationIn) -> Status[Nomination]:
    nomination = actions.do_nominate(
        signed_in(request), nominee_kind=payload.nominee_kind, reasons=payload.reasons, member_id=payload.member_id,
        nominee_name=payload.nominee_name,
    )  # fmt: skip
    return Status(201, nomination)


@router.post("/nominations/{nomination_id}/decision", response=NominationOut, auth=SIGNED_IN,
             summary="Staff other than the nominator: commend or not")  # fmt: skip
def decide_nomination(request: HttpRequest, nomination_id: Id, payload: NominationDecisionIn) -> Nomination:
    return actions.do_decide_nomination(
        signed_in(request), nomination_id, commend=payload.commend, citation=payload.citation, note=payload.note
    )


# Reinstatement and the decision PDFs (Art. 18, after a decision) are in their own module.
from zilu.discipline.reinstatement_api import router as _after_decision_router  # noqa: E402

router.add_router("", _after_decision_router)
