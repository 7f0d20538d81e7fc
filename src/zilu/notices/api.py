"""API of intellectual-property notices (Art. 12(3)): the right holder files and follows, the member answers, staff
and the supervising department read; public counts. Each side reads what the law forwards to it
(:func:`zilu.notices.selectors.present`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from zilu.core import workflow
from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id
from zilu.core.errors import Forbidden
from zilu.core.roles import Perm, has_perm, signed_in
from zilu.notices import actions, selectors
from zilu.notices.models import Notice

router = Router(tags=["notices"])


class NoticeFileOut(Schema):
    purpose: str = Field(description="proof, declaration or action")
    name: str
    url: str
    content_type: str


class IpNoticeOut(Schema):
    id: int
    number: int
    status: str
    status_label: str
    audience: str = Field(description="holder, member or staff: which view of the notice this is")
    member_id: int
    member_name: str
    member_number: str
    site_name: str
    location: str
    work: str
    right: str
    description: str
    holder_kind: str
    holder_name: str
    holder_id_number: str = Field(description="masked for the member when the holder is a person")
    holder_phone: str
    holder_email: str
    holder_address: str
    signature: str
    signed_at: datetime
    filed_by: str = Field(description="the sender's account: staff only")
    respond_by: date | None
    responded_at: datetime | None
    responded_late: bool
    measure: str
    measure_note: str
    forwarding: str
    user_ref: str = Field(description="the member's reference of its user: the member and staff only")
    declined_reason: str
    declarant_name: str
    declarant_contact: str
    declarant_address: str
    declaration: str
    declared_at: datetime | None
    wait_until: date | None = Field(description="last day to record a complaint or a suit")
    deadline_provisional: bool = Field(description="a deadline lies beyond the official holiday calendar")
    action: str
    action_authority: str
    action_reference: str
    action_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    files: list[NoticeFileOut]


class NoticeIn(Schema):
    member: str = Field("", description="member number of the member concerned, e.g. CP-2026-0001")
    location: str = Field("", description="http(s) address of the content, on one of the member's registered sites")
    work: str = ""
    right: str = Field("", description="copyright, trademark, patent or other")
    description: str = ""
    holder_kind: str = Field("", description="person or organization")
    holder_name: str = ""
    holder_id_number: str = Field("", description="resident ID number (person) or unified social credit code")
    holder_phone: str = ""
    holder_email: str = ""
    holder_address: str = ""
    signature: str = ""
    accept_liability: bool = Field(False, description="the sender answers for a wrong notice (art. 1195 para. 3)")


class MeasureIn(Schema):
    measure: str = Field(description="delete, block, disconnect or other")
    note: str = ""
    forwarding: str = Field("to_user", description="to_user, or published when the user cannot be reached")
    user_ref: str = Field("", description="the user's account in your system (counts repeat infringers)")


class NoticeReasonIn(Schema):
    reason: str = ""


class NoticeCountsOut(Schema):
    filed: int
    open: int
    measures_taken: int
    declined: int
    declarations: int
    complaints_or_suits: int
    measures_ended: int
    withdrawn: int


class RepeatOut(Schema):
    user: str
    notices: int


class FiguresOut(Schema):
    received: int
    measures_taken: int
    declined: int
    unanswered: int
    declarations: int
    complaints_or_suits: int
    measures_ended: int
    answered_late: int
    repeat_infringers: int
    repeat: list[RepeatOut]


def _read(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    notice = workflow.access(Notice.objects.restrict(request.user, "view"), notice_id)
    return selectors.present(notice, request.user)


@router.get("/stats", response=NoticeCountsOut, auth=None, summary="Public counts of notices (nothing else is public)")
def stats(request: HttpRequest) -> dict[str, int]:
    return selectors.public_counts()


@router.post("", response={201: IpNoticeOut}, auth=SIGNED_IN,
             summary="File a notice (multipart: the fields, and the proof of rights as `proof` files)")  # fmt: skip
def file_notice(
    request: HttpRequest, payload: Form[NoticeIn], proof: File[list[UploadedFile]] = None
) -> Status[dict[str, Any]]:
    notice = actions.do_file_notice(signed_in(request), payload.dict(), proof or [])
    return Status(201, selectors.present(notice, request.user))


@router.get("", response=list[IpNoticeOut], auth=SIGNED_IN, summary="Notices you may see")
def list_notices(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    user = request.user
    if not any(has_perm(user, p) for p in (Perm.FILE_IP_NOTICES, Perm.ANSWER_IP_NOTICES, Perm.VIEW_IP_NOTICES)):
        raise Forbidden()
    qs = Notice.objects.restrict(user, "view").select_related("member", "site", "filed_by")
    return [selectors.present(n, user) for n in (qs.filter(status=status) if status else qs)[:200]]


@router.get("/members/{member_id}/figures", response=FiguresOut, auth=SIGNED_IN,
            summary="A member's notice record and repeat infringers (the member itself, staff)")  # fmt: skip
def figures(request: HttpRequest, member_id: Id) -> dict[str, Any]:
    user = request.user
    if not (has_perm(user, Perm.VIEW_IP_NOTICES) or (
        has_perm(user, Perm.ANSWER_IP_NOTICES) and getattr(user, "member_id", None) == member_id
    )):  # fmt: skip
        raise Forbidden()
    return {**selectors.member_figures(member_id), "repeat": selectors.repeat_infringers(member_id)}


@router.get("/{notice_id}", response=IpNoticeOut, auth=SIGNED_IN)
def notice(request: HttpRequest, notice_id: Id) -> dict[str, Any]:
    return _read(request, notice_id)


@router.post("/{notice_id}/measure", response=IpNoticeOut, auth=SIGNED_IN,
             summary="The member: the measure taken, and the notice forwarded to the user")  # fmt: skip
def measure(request: HttpRequest, notice_id: Id, payload: MeasureIn) -> dict[str, Any]:
    actions.do_record_measure(signed_in(request), notice_id, measure=payload.measure, note=payload.note,
                              forwarding=payload.forwarding, user_ref=payload.user_ref)  # fmt: skip
    return _read(request, notice_id)


@router.post("/{notice_id}/decline", response=IpNoticeOut, auth=SIGNED_IN, summary="The member: no measure, why")
def decline(request: HttpRequest, notice_id: Id, payload: NoticeReasonIn) -> dict[str, Any]:
    actions.do_decline(signed_in(request), notice_id, payload.reason)
    return _read(request, notice_id)


@router.post("/{notice_id}/declaration", response=IpNoticeOut, auth=SIGNED_IN,
             summary="The member: its user's declaration of non-infringement (multipart: name, contact, address, "
                     "declaration, `evidence` files); forwarded to the right holder")  # fmt: skip
def declaration(
    request: HttpRequest, notice_id: Id, name: Form[str] = "", contact: Form[str] = "", address: Form[str] = "",
    declaration: Form[str] = "", evidence: File[list[UploadedFile]] = None,
) -> dict[str, Any]:  # fmt: skip
    actions.do_record_declaration(signed_in(request), notice_id, name=name, contact=contact, address=address,
                                  declaration=declaration, evidence=evidence or [])  # fmt: skip
    return _read(request, notice_id)


@router.post(
    "/{notice_id}/action",
    response=IpNoticeOut,
    auth=SIGNED_IN,
    summary="The right holder: it complained or sued (multipart: action, authority, reference, `proof`)",
)
def record_action(
    request: HttpRequest, notice_id: Id, action: Form[str] = "", authority: Form[str] = "",
    reference: Form[str] = "", proof: File[list[UploadedFile]] = None,
) -> dict[str, Any]:  # fmt: skip
    actions.do_record_action(signed_in(request), notice_id, action=action, authority=authority, reference=reference,
                             proof=proof or [])  # fmt: skip
    return _read(request, notice_id)


@router.post("/{notice_id}/withdraw", response=IpNoticeOut, auth=SIGNED_IN, summary="The right holder withdraws")
def withdraw(request: HttpRequest, notice_id: Id, payload: NoticeReasonIn) -> dict[str, Any]:
    actions.do_withdraw(signed_in(request), notice_id, payload.reason)
    return _read(request, notice_id)


def _pdf(request: HttpRequest, notice_id: int, which: str) -> HttpResponse:
    notice, pdf = actions.access_pdf(request.user, notice_id, which)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ip-{which}-{notice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/{notice_id}/notice.pdf", auth=SIGNED_IN, summary="PDF of the notice (Chinese)")
def notice_pdf(request: HttpRequest, notice_id: Id) -> HttpResponse:
    return _pdf(request, notice_id, "notice")


@router.get("/{notice_id}/declaration.pdf", auth=SIGNED_IN, summary="PDF of the declaration (Chinese)")
def declaration_pdf(request: HttpRequest, notice_id: Id) -> HttpResponse:
    return _pdf(request, notice_id, "declaration")
