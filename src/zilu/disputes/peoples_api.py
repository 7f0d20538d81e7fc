"""API of people's mediation (Art. 16) and of the mediator's independence; mounted on the disputes router
(``/api/v1/disputes``). Thin: each route calls the action the page calls."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from zilu.core import workflow
from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id
from zilu.core.errors import Forbidden
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.disputes import actions
from zilu.disputes.models import Dispute
from zilu.disputes.peoples import Committee, MediatorChallenge, Referral

router = Router(tags=["disputes"])


class CommitteeOut(Schema):
    id: int
    name: str
    address: str
    phone: str
    active: bool


class CommitteeIn(Schema):
    name: str
    address: str = ""
    phone: str = ""


class ReferralOut(Schema):
    dispute_id: int
    committee: CommitteeOut
    ground: str
    note: str
    status: str
    referred_on: date
    outcome_on: date | None
    outcome_note: str
    confirmation_due: date | None = Field(description="last day to apply for judicial confirmation (30 days)")
    court: str
    confirmation_filed_on: date | None
    confirmation_result_on: date | None
    confirmation_note: str


class ReferIn(Schema):
    committee_id: Id
    note: str = ""


class JudicialIn(Schema):
    court: str
    filed_on: date


class RulingIn(Schema):
    confirmed: bool
    ruled_on: date
    note: str = ""


class ChallengeOut(Schema):
    id: int
    mediator_id: int
    kind: str
    raised_by_id: int | None
    reason: str
    status: str
    decision_note: str


class PeoplesReasonIn(Schema):
    reason: str


class ObjectionDecisionIn(Schema):
    uphold: bool
    note: str


@router.get("/peoples-mediation/committees", response=list[CommitteeOut], auth=SIGNED_IN,
            summary="People's mediation committees (staff, supervising department, members)")  # fmt: skip
def committees(request: HttpRequest) -> list[Committee]:
    if not (has_perm(request.user, Perm.VIEW_DISPUTES) or has_perm(request.user, Perm.FILE_DISPUTES)):
        raise Forbidden()
    return list(Committee.objects.all())


@router.post(
    "/peoples-mediation/committees", response={201: CommitteeOut}, auth=SIGNED_IN, summary="Staff: add a committee"
)
def add_committee(request: HttpRequest, payload: CommitteeIn) -> Status[Committee]:
    return Status(201, actions.do_add_committee(signed_in(request), payload.name, payload.address, payload.phone))


@router.get("/{dispute_id}/referral", response=ReferralOut, auth=SIGNED_IN, summary="The referral and its outcome")
def referral(request: HttpRequest, dispute_id: Id) -> Referral:
    dispute = workflow.access(Dispute.objects.restrict(request.user, "view"), dispute_id)
    return workflow.access(Referral.objects.select_related("committee"), dispute=dispute)


@router.post("/{dispute_id}/referral", response={201: ReferralOut}, auth=SIGNED_IN,
             summary="Staff: refer to a people's mediation committee")  # fmt: skip
def refer(request: HttpRequest, dispute_id: Id, payload: ReferIn) -> Status[Referral]:
    return Status(201, actions.do_refer(signed_in(request), dispute_id, committee_id=payload.committee_id,
                                        note=payload.note))  # fmt: skip


@router.post("/{dispute_id}/referral/outcome", response=ReferralOut, auth=SIGNED_IN,
             summary="Staff: the committee's outcome (multipart: agreed, note, on, files = the agreement)")  # fmt: skip
def outcome(
    request: HttpRequest, dispute_id: Id, agreed: Form[bool], note: Form[str], on: Form[date | None] = None,
    files: File[list[UploadedFile]] = None,
) -> Referral:  # fmt: skip
    return actions.do_record_committee_outcome(
        signed_in(request), dispute_id, agreed=agreed, note=note, on=on, files=files or []
    )


@router.post("/{dispute_id}/referral/judicial-confirmation", response=ReferralOut, auth=SIGNED_IN,
             summary="A party or staff: judicial confirmation requested (司法确认)")  # fmt: skip
def judicial(request: HttpRequest, dispute_id: Id, payload: JudicialIn) -> Referral:
    return actions.do_request_judicial_confirmation(
        signed_in(request), dispute_id, court=payload.court, filed_on=payload.filed_on
    )


@router.post("/{dispute_id}/referral/ruling", response=ReferralOut, auth=SIGNED_IN,
             summary="A party or staff: the court's ruling")  # fmt: skip
def ruling(request: HttpRequest, dispute_id: Id, payload: RulingIn) -> Referral:
    return actions.do_record_judicial_ruling(
        signed_in(request), dispute_id, confirmed=payload.confirmed, ruled_on=payload.ruled_on, note=payload.note
    )


@router.get("/{dispute_id}/referral-letter.pdf", auth=SIGNED_IN, summary="PDF of the referral letter")
def referral_letter(request: HttpRequest, dispute_id: Id) -> HttpResponse:
    dispute, pdf = actions.access_referral_letter(request.user, dispute_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="referral-letter-{dispute.number}.pdf"'
    return response


@router.get("/{dispute_id}/challenges", response=list[ChallengeOut], auth=SIGNED_IN,
            summary="Recusals of and objections to the mediator")  # fmt: skip
def challenges(request: HttpRequest, dispute_id: Id) -> list[MediatorChallenge]:
    dispute = workflow.access(Dispute.objects.restrict(request.user, "view"), dispute_id)
    return list(dispute.challenges.all())


@router.post("/{dispute_id}/recusal", response={201: ChallengeOut}, auth=SIGNED_IN, summary="Mediator: recuse")
def recuse(request: HttpRequest, dispute_id: Id, payload: PeoplesReasonIn) -> Status[MediatorChallenge]:
    return Status(201, actions.do_recuse(signed_in(request), dispute_id, payload.reason))


@router.post("/{dispute_id}/objections", response={201: ChallengeOut}, auth=SIGNED_IN,
             summary="A party objects to the mediator")  # fmt: skip
def object_to_mediator(request: HttpRequest, dispute_id: Id, payload: PeoplesReasonIn) -> Status[MediatorChallenge]:
    return Status(201, actions.do_object_to_mediator(signed_in(request), dispute_id, payload.reason))


@router.post("/{dispute_id}/objections/{challenge_id}/decision", response=ChallengeOut, auth=SIGNED_IN,
             summary="Staff other than the mediator: decide the objection")  # fmt: skip
def decide_objection(
    request: HttpRequest, dispute_id: Id, challenge_id: Id, payload: ObjectionDecisionIn
) -> MediatorChallenge:
    user = signed_in(request)
    require(user, Perm.MEDIATE_DISPUTES)
    return actions.do_decide_objection(user, dispute_id, challenge_id, uphold=payload.uphold, note=payload.note)
