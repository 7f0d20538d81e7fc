"""API of discipline after a decision (Art. 18): the decision PDFs and the reinstatement of a revoked member.
Mounted on the discipline router (``/api/v1/discipline``)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from zilu.core import workflow
from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id
from zilu.core.errors import Forbidden
from zilu.core.roles import Perm, has_perm, signed_in
from zilu.discipline import actions
from zilu.discipline.models import Reinstatement

router = Router(tags=["discipline"])


class ReinstatementOut(Schema):
    id: int
    reference: str
    member_id: int
    member_name: str = Field(alias="member.name")
    case_reference: str | None = Field(None, description="the decision that revoked the membership")
    revoked_on: date
    status: str
    statement: str
    applied_at: datetime
    decided_at: datetime | None
    reasons: str

    @staticmethod
    def resolve_case_reference(obj: Reinstatement) -> str | None:
        return obj.case.reference if obj.case_id else None


class ReinstatementIn(Schema):
    statement: str = Field(description="why the member should be reinstated, and what it rectified")


class ReinstatementDecisionIn(Schema):
    grant: bool
    reasons: str


class EligibilityOut(Schema):
    member_status: str
    waiting_until: date | None = Field(description="last day of the waiting period; the member may apply after it")
    may_apply: bool


def _pdf(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/cases/{case_id}/decision.pdf", auth=SIGNED_IN, summary="PDF of the sanction decision")
def decision_pdf(request: HttpRequest, case_id: Id) -> HttpResponse:
    case, pdf = actions.access_decision_pdf(request.user, case_id)
    return _pdf(pdf, f"decision-{case.reference}.pdf")


@router.get("/cases/{case_id}/appeal-decision.pdf", auth=SIGNED_IN, summary="PDF of the appeal decision")
def appeal_decision_pdf(request: HttpRequest, case_id: Id) -> HttpResponse:
    case, pdf = actions.access_appeal_decision_pdf(request.user, case_id)
    return _pdf(pdf, f"appeal-decision-{case.reference}.pdf")


@router.get("/reinstatements", response=list[ReinstatementOut], auth=SIGNED_IN,
            summary="Applications for reinstatement you may see")  # fmt: skip
def reinstatements(request: HttpRequest, status: str | None = None) -> list[Reinstatement]:
    if not (has_perm(request.user, Perm.VIEW_DISCIPLINE) or has_perm(request.user, Perm.ANSWER_DISCIPLINE)):
        raise Forbidden()
    qs = Reinstatement.objects.restrict(request.user, "view").select_related("member", "case")
    return list((qs.filter(status=status) if status else qs)[:200])


@router.get("/reinstatements/eligibility", response=EligibilityOut, auth=SIGNED_IN,
            summary="A member's representative: whether and from when the member may apply")  # fmt: skip
def eligibility(request: HttpRequest) -> dict[str, object]:
    user = signed_in(request)
    if not has_perm(user, Perm.ANSWER_DISCIPLINE) or user.member is None:
        raise Forbidden()
    return actions.reinstatement_eligibility(user.member)


@router.post("/reinstatements", response={201: ReinstatementOut}, auth=SIGNED_IN,
             summary="A revoked member applies for reinstatement")  # fmt: skip
def apply(request: HttpRequest, payload: ReinstatementIn) -> Status[Reinstatement]:
    return Status(201, actions.do_apply_for_reinstatement(signed_in(request), payload.statement))


@router.get("/reinstatements/{application_id}", response=ReinstatementOut, auth=SIGNED_IN)
def reinstatement(request: HttpRequest, application_id: Id) -> Reinstatement:
    return workflow.access(Reinstatement.objects.restrict(request.user, "view"), application_id)


@router.post("/reinstatements/{application_id}/decision", response=ReinstatementOut, auth=SIGNED_IN,
             summary="Staff: grant (the membership is restored) or refuse")  # fmt: skip
def decide(request: HttpRequest, application_id: Id, payload: ReinstatementDecisionIn) -> Reinstatement:
    return actions.do_decide_reinstatement(
        signed_in(request), application_id, grant=payload.grant, reasons=payload.reasons
    )
