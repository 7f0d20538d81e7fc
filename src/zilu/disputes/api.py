"""API of disputes (Art. 19): the parties' steps, the staff's mediation, and public aggregate counts."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Router, Schema, Status, UploadedFile

from zilu.core import workflow
from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id, Moment
from zilu.core.errors import Forbidden
from zilu.core.roles import Perm, has_perm, signed_in
from zilu.disputes import actions
from zilu.disputes.models import Dispute, Message, Session, public_counts

router = Router(tags=["disputes"])


class PartyOut(Schema):
    member_id: int
    member_name: str = Field(alias="member.name")
    member_number: str | None = Field(None, alias="member.number")
    side: str
    answer: str
    answered_at: datetime | None
    shares_thread: bool
    confirmed_agreement_at: datetime | None


class SessionOut(Schema):
    id: int
    starts_at: datetime
    place: str
    online_link: str
    minutes: str
    minutes_recorded_at: datetime | None


class DisputeOut(Schema):
    id: int
    number: int
    status: str
    subject: str
    facts: str
    request: str
    answer_due_on: date | None
    deadline_provisional: bool = Field(description="answer_due_on lies beyond the official holiday calendar")
    parties: list[PartyOut]
    mediation_requested_at: datetime | None
    mediator_id: int | None
    mediator_declaration: str
    mediator_declared_at: datetime | None
    mediator_disclosures: list[str] = Field(description="past cases the conflict check disclosed to the parties")
    referral_requested_at: datetime | None
    sessions: list[SessionOut]
    agreement_text: str
    settled_terms: str
    outcome_note: str
    thread_shared: bool
    created_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_parties(obj: Dispute) -> list:
        return list(obj.parties.select_related("member"))

    @staticmethod
    def resolve_sessions(obj: Dispute) -> list:
        return list(obj.sessions.all())


class DisputeIn(Schema):
    respondents: list[str] = Field(description="member numbers of the other parties, e.g. CP-2026-0002")
    subject: str
    facts: str
    request: str


class DisputeTextIn(Schema):
    text: str = ""


class MessageIn(Schema):
    body: str
    proposal: bool = False


class MessageOut(Schema):
    id: int
    author_id: int
    author_name: str = Field(alias="author.name")
    body: str
    is_proposal: bool
    accepted_by: list[int]
    created_at: datetime

    @staticmethod
    def resolve_accepted_by(obj: Message) -> list[int]:
        return [m.pk for m in obj.accepted_by.all()]


class ShareIn(Schema):
    share: bool


class MediatorIn(Schema):
    mediator_id: Id


class SessionIn(Schema):
    starts_at: Moment
    place: str = ""
    online_link: str = ""


class MinutesIn(Schema):
    minutes: str


class CountsOut(Schema):
    filed: int
    open: int
    mediation: int
    settled: int
    mediated: int
    failed: int
    withdrawn: int
    referred: int = Field(description="referred to people's mediation (Art. 16), whatever the outcome")


@router.get("/stats", response=CountsOut, auth=None, summary="Aggregate dispute counts (public; nothing else is)")
def stats(request: HttpRequest) -> dict[str, int]:
    return public_counts()


@router.post("", response={201: DisputeOut}, auth=SIGNED_IN, summary="File a dispute (a member, Art. 19)")
def file_dispute(request: HttpRequest, payload: DisputeIn) -> Status[Dispute]:
    dispute = actions.do_file_dispute(
        signed_in(request), subject=payload.subject, facts=payload.facts, request=payload.request,
        respondents=payload.respondents,
    )  # fmt: skip
    return Status(201, dispute)


@router.get("", response=list[DisputeOut], auth=SIGNED_IN, summary="Disputes you may see")
def list_disputes(request: HttpRequest, status: str | None = None) -> list[Dispute]:
    if not (has_perm(request.user, Perm.FILE_DISPUTES) or has_perm(request.user, Perm.VIEW_DISPUTES)):
        raise Forbidden()
    qs = Dispute.objects.restrict(request.user, "view").select_related("mediator")
    return list((qs.filter(status=status) if status else qs)[:200])


@router.get("/{dispute_id}", response=DisputeOut, auth=SIGNED_IN)
def dispute(request: HttpRequest, dispute_id: Id) -> Dispute:
    return workflow.access(Dispute.objects.restrict(request.user, "view"), dispute_id)


@router.post("/{dispute_id}/evidence", response=DisputeOut, auth=SIGNED_IN, summary="Add evidence (multipart)")
def add_evidence(request: HttpRequest, dispute_id: Id, files: File[list[UploadedFile]]) -> Dispute:
    return actions.do_add_evidence(signed_in(request), dispute_id, files)


@router.post("/{dispute_id}/answer", response=DisputeOut, auth=SIGNED_IN, summary="A respondent answers")
def answer(request: HttpRequest, dispute_id: Id, payload: DisputeTextIn) -> Dispute:
    actions.do_answer(signed_in(request), dispute_id, payload.text)
    return workflow.access(Dispute.objects.restrict(request.user, "view"), dispute_id)


@router.get("/{dispute_id}/messages", response=list[MessageOut], auth=SIGNED_IN, summary="The negotiation thread")
def thread(request: HttpRequest, dispute_id: Id) -> list[Message]:
    dispute = workflow.access(Dispute.objects.restrict(request.user, "view"), dispute_id)
    if not dispute.thread_visible_to(request.user):
        raise Forbidden()
    return list(dispute.messages.select_related("author").prefetch_related("accepted_by"))


@router.post("/{dispute_id}/messages", response={201: MessageOut}, auth=SIGNED_IN, summary="Write or propose terms")
def post_message(request: HttpRequest, dispute_id: Id, payload: MessageIn) -> Status[Message]:
    return Status(201, actions.do_post_message(signed_in(request), dispute_id, payload.body, proposal=payload.proposal))


@router.post("/{dispute_id}/messages/{message_id}/accept", response=DisputeOut, auth=SIGNED_IN)
def accept(request: HttpRequest, dispute_id: Id, message_id: Id) -> Dispute:
    return actions.do_accept_proposal(signed_in(request), dispute_id, message_id)


@router.post("/{dispute_id}/share", response=DisputeOut, auth=SIGNED_IN, summary="Consent to share the thread")
def share(request: HttpRequest, dispute_id: Id, payload: ShareIn) -> Dispute:
    actions.do_set_thread_sharing(signed_in(request), dispute_id, share=payload.share)
    return workflow.access(Dispute.objects.restrict(request.user, "view"), dispute_id)


@router.post("/{dispute_id}/mediation", response=DisputeOut, auth=SIGNED_IN, summary="Ask for mediation")
def request_mediation(request: HttpRequest, dispute_id: Id) -> Dispute:
    return actions.do_request_mediation(signed_in(request), dispute_id)


@router.post("/{dispute_id}/referral-request", response=DisputeOut, auth=SIGNED_IN,
             summary="A party asks for people's mediation (Art. 16)")  # fmt: skip
def request_referral(request: HttpRequest, dispute_id: Id) -> Dispute:
    return actions.do_request_referral(signed_in(request), dispute_id)


@router.post("/{dispute_id}/mediator", response=DisputeOut, auth=SIGNED_IN, summary="Staff: assign the mediator")
def assign(request: HttpRequest, dispute_id: Id, payload: MediatorIn) -> Dispute:
    return actions.do_assign_mediator(signed_in(request), dispute_id, payload.mediator_id)


@router.post("/{dispute_id}/declaration", response=DisputeOut, auth=SIGNED_IN, summary="Mediator: no conflict")
def declare(request: HttpRequest, dispute_id: Id, payload: DisputeTextIn) -> Dispute:
    return actions.do_declare_no_conflict(signed_in(request), dispute_id, payload.text)


@router.post("/{dispute_id}/sessions", response={201: SessionOut}, auth=SIGNED_IN, summary="Mediator: schedule")
def schedule(request: HttpRequest, dispute_id: Id, payload: SessionIn) -> Status[Session]:
    session = actions.do_schedule_session(
        signed_in(request), dispute_id, starts_at=payload.starts_at, place=payload.place,
        online_link=payload.online_link,
    )  # fmt: skip
    return Status(201, session)


@router.post("/{dispute_id}/sessions/{session_id}/minutes", response=SessionOut, auth=SIGNED_IN)
def minutes(request: HttpRequest, dispute_id: Id, session_id: Id, payload: MinutesIn) -> Session:
    return actions.do_record_minutes(signed_in(request), dispute_id, session_id, payload.minutes)


@router.post("/{dispute_id}/agreement", response=DisputeOut, auth=SIGNED_IN, summary="Mediator: the agreement")
def propose_agreement(request: HttpRequest, dispute_id: Id, payload: DisputeTextIn) -> Dispute:
    return actions.do_propose_agreement(signed_in(request), dispute_id, payload.text)


@router.post("/{dispute_id}/confirm", response=DisputeOut, auth=SIGNED_IN, summary="A party confirms the agreement")
def confirm(request: HttpRequest, dispute_id: Id) -> Dispute:
    return actions.do_confirm_agreement(signed_in(request), dispute_id)


@router.post("/{dispute_id}/fail", response=DisputeOut, auth=SIGNED_IN, summary="Mediator: mediation failed")
def fail(request: HttpRequest, dispute_id: Id, payload: DisputeTextIn) -> Dispute:
    return actions.do_record_failure(signed_in(request), dispute_id, payload.text)


@router.post("/{dispute_id}/withdraw", response=DisputeOut, auth=SIGNED_IN, summary="A party withdraws")
def withdraw(request: HttpRequest, dispute_id: Id, payload: DisputeTextIn) -> Dispute:
    return actions.do_withdraw(signed_in(request), dispute_id, payload.text)


@router.get("/{dispute_id}/agreement.pdf", auth=SIGNED_IN, summary="PDF copy of the confirmed agreement")
def agreement_pdf(request: HttpRequest, dispute_id: Id) -> HttpResponse:
    dispute, pdf = actions.access_agreement_pdf(request.user, dispute_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="mediation-agreement-{dispute.number}.pdf"'
    return response


# People's mediation (Art. 16) and the mediator's independence are in their own module.
from zilu.disputes.peoples_api import router as _peoples_router  # noqa: E402

router.add_router("", _peoples_router)
