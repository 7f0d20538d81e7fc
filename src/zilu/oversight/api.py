"""API of oversight (Art. 20): complaints (complainants and the supervising department only), requests for an
explanation (which the executing body answers), a member's audit extract and the published audit heads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status, UploadedFile

from zilu.core import workflow
from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id
from zilu.core.errors import Forbidden
from zilu.core.roles import Perm, has_perm, signed_in
from zilu.oversight import actions
from zilu.oversight.models import Complaint, ExplanationRequest, PublishedHead

router = Router(tags=["oversight"])


class ExplanationOut(Schema):
    """What the executing body sees of a complaint: the request, nothing more."""

    id: int
    questions: str
    due_on: date | None
    deadline_provisional: bool = Field(description="due_on lies beyond the official holiday calendar")
    requested_at: datetime
    disclosed_complainant: str = Field(description="empty unless the complainant consented to be named")
    answer: str
    answered_at: datetime | None


class ComplaintOut(Schema):
    id: int
    reference: str
    status: str
    target: str
    target_reference: str
    staff_named: str
    subject: str
    facts: str
    request: str
    discloses_identity: bool
    complainant_id: int
    complainant_name: str = Field(alias="complainant.name")
    created_at: datetime
    acknowledged_at: datetime | None
    investigation_started_at: datetime | None
    findings: str
    corrections: str
    concluded_at: datetime | None
    explanation_requests: list[ExplanationOut]

    @staticmethod
    def resolve_explanation_requests(obj: Complaint) -> list:
        return list(obj.explanation_requests.all())


class ComplaintIn(Schema):
    target: str = Field(description="decision, act or staff_member")
    target_reference: str = Field(description="the decision or case concerned, or a link to it")
    staff_named: str = ""
    subject: str
    facts: str
    request: str = ""
    discloses_identity: bool = Field(False, description="consent to the executing body learning who complained")


class QuestionsIn(Schema):
    questions: str


class ConcludeIn(Schema):
    findings: str
    corrections: str = ""


class AnswerIn(Schema):
    answer: str


class HeadOut(Schema):
    day: date
    seq: int
    hash: str
    signature: dict[str, Any] = Field(
        description="the head signed with the platform's Ed25519 key (GET /api/v1/banks/public-key): keep it; "
        "`zilu audit verify --head FILE` checks the chain against a file of these; empty for heads published before "
        "heads were signed"
    )


def _complaints_area(request: HttpRequest) -> None:
    if not (has_perm(request.user, Perm.FILE_COMPLAINTS) or has_perm(request.user, Perm.HANDLE_COMPLAINTS)):
        raise Forbidden()


@router.post("/complaints", response={201: ComplaintOut}, auth=SIGNED_IN, summary="Complain (a member, Art. 20)")
def file_complaint(request: HttpRequest, payload: ComplaintIn) -> Status[Complaint]:
    return Status(201, actions.do_file_complaint(signed_in(request), **payload.dict()))


@router.get(
    "/complaints",
    response=list[ComplaintOut],
    auth=SIGNED_IN,
    summary="Complaints: your member's, or all for the supervising department",
    description="The executing body's staff and superusers get 403: they may not list or count complaints.",
)
def complaints(request: HttpRequest, status: str | None = None) -> list[Complaint]:
    _complaints_area(request)
    qs = (
        Complaint.objects.restrict(request.user, "view")
        .select_related("complainant")
        .prefetch_related("explanation_requests")
    )
    return list((qs.filter(status=status) if status else qs)[:500])


@router.get("/complaints/{complaint_id}", response=ComplaintOut, auth=SIGNED_IN)
def complaint(request: HttpRequest, complaint_id: Id) -> Complaint:
    return workflow.access(Complaint.objects.restrict(request.user, "view"), complaint_id)


@router.post("/complaints/{complaint_id}/evidence", response=ComplaintOut, auth=SIGNED_IN, summary="Add evidence")
def add_evidence(request: HttpRequest, complaint_id: Id, files: File[list[UploadedFile]]) -> Complaint:
    return actions.do_add_evidence(signed_in(request), complaint_id, files)


@router.post("/complaints/{complaint_id}/acknowledge", response=ComplaintOut, auth=SIGNED_IN, summary="Department")
def acknowledge(request: HttpRequest, complaint_id: Id) -> Complaint:
    return actions.do_acknowledge(signed_in(request), complaint_id)


@router.post("/complaints/{complaint_id}/investigate", response=ComplaintOut, auth=SIGNED_IN, summary="Department")
def investigate(request: HttpRequest, complaint_id: Id) -> Complaint:
    return actions.do_investigate(signed_in(request), complaint_id)


@router.post(
    "/complaints/{complaint_id}/explanation-requests",
    response={201: ExplanationOut},
    auth=SIGNED_IN,
    summary="Department: ask the executing body to explain",
)
def request_explanation(request: HttpRequest, complaint_id: Id, payload: QuestionsIn) -> Status[ExplanationRequest]:
    return Status(201, actions.do_request_explanation(signed_in(request), complaint_id, payload.questions))


@router.post("/complaints/{complaint_id}/conclude", response=ComplaintOut, auth=SIGNED_IN, summary="Department")
def conclude(request: HttpRequest, complaint_id: Id, payload: ConcludeIn) -> Complaint:
    return actions.do_conclude(
        signed_in(request), complaint_id, findings=payload.findings, corrections=payload.corrections
    )


def _explanations_area(request: HttpRequest) -> None:
    if not (has_perm(request.user, Perm.ANSWER_EXPLANATIONS) or has_perm(request.user, Perm.HANDLE_COMPLAINTS)):
        raise Forbidden()


@router.get("/explanation-requests", response=list[ExplanationOut], auth=SIGNED_IN, summary="Requests to answer")
def explanation_requests(request: HttpRequest) -> list[ExplanationRequest]:
    _explanations_area(request)
    return list(ExplanationRequest.objects.restrict(request.user, "view")[:500])


@router.get("/explanation-requests/{request_id}", response=ExplanationOut, auth=SIGNED_IN)
def explanation_request(request: HttpRequest, request_id: Id) -> ExplanationRequest:
    _explanations_area(request)
    return workflow.access(ExplanationRequest.objects.restrict(request.user, "view"), request_id)


@router.post(
    "/explanation-requests/{request_id}/answer", response=ExplanationOut, auth=SIGNED_IN, summary="Executing body"
)
def answer(request: HttpRequest, request_id: Id, payload: AnswerIn) -> ExplanationRequest:
    return actions.do_answer_explanation(signed_in(request), request_id, payload.answer)


@router.get(
    "/audit-extract",
    auth=SIGNED_IN,
    summary="The audit entries that concern your member, with their hashes",
    description="Check the file offline with `zilu audit verify --file FILE`.",
)
def audit_extract(request: HttpRequest) -> dict[str, Any]:
    return actions.access_member_extract(signed_in(request))


@router.get("/published-heads", response=list[HeadOut], auth=None, summary="Audit heads published daily (public)")
def published_heads(request: HttpRequest) -> list[PublishedHead]:
    return list(PublishedHead.objects.all()[:366])
