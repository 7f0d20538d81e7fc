"""API of membership: applications, review decisions, signing, the registry, withdrawal and bulletins."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from zilu.core.apiauth import SIGNED_IN, session_auth
from zilu.core.apitypes import Id, Page
from zilu.core.errors import NotFound
from zilu.core.roles import Perm, require, signed_in
from zilu.core.workflow import access
from zilu.members import actions
from zilu.members.models import Application, Bulletin, Kind, Member

router = Router(tags=["members"])
PAGE_SIZE = 50


class ApplicationIn(Schema):
    kind: str = Field(description="unit or individual")
    name: str
    uscc: str = ""
    registered_address: str = ""
    legal_representative: str = ""
    responsible_person: str = ""
    resident_id: str = Field("", description="individuals only; never shown publicly")
    contact_phone: str
    statement: str = Field("", description="individuals: their work in the district's internet industry")


class ApplicationOut(Schema):
    id: int
    kind: str
    status: str
    name: str
    uscc: str
    registered_address: str
    legal_representative: str
    responsible_person: str
    contact_phone: str
    statement: str
    outside_changping: bool
    info_request: str
    decision_reason: str
    qualification_note: str
    member_number: str | None = Field(None, alias="member.number")
    created_at: datetime
    updated_at: datetime


class DecisionIn(Schema):
    reason: str = ""
    request: str = ""
    qualification_note: str = ""


@router.post("/applications", response={201: ApplicationOut}, auth=session_auth, summary="Apply to join (Art. 4)")
def apply(request: HttpRequest, payload: ApplicationIn) -> Status[Application]:
    return Status(201, actions.do_apply(signed_in(request), payload.dict()))


@router.get("/applications", response=list[ApplicationOut], auth=SIGNED_IN, summary="Applications you may see")
def applications(request: HttpRequest, status: str | None = None) -> list[Application]:
    qs = Application.objects.restrict(request.user).select_related("member")
    return list((qs.filter(status=status) if status else qs)[:500])


@router.get("/applications/{application_id}", response=ApplicationOut, auth=SIGNED_IN)
def application(request: HttpRequest, application_id: Id) -> Application:
    return access(Application.objects.restrict(request.user), application_id)


@router.put(
    "/applications/{application_id}", response=ApplicationOut, auth=session_auth, summary="Answer a request for info"
)
def update_application(request: HttpRequest, application_id: Id, payload: ApplicationIn) -> Application:
    return actions.do_update_application(signed_in(request), application_id, payload.dict())


@router.post("/applications/{application_id}/cancel", response=ApplicationOut, auth=session_auth)
def cancel_application(request: HttpRequest, application_id: Id) -> Application:
    return actions.do_cancel_application(signed_in(request), application_id)


@router.post("/applications/{application_id}/approve", response=ApplicationOut, auth=SIGNED_IN, summary="Staff")
def approve(request: HttpRequest, application_id: Id, payload: DecisionIn) -> Application:
    return actions.do_approve_application(
        signed_in(request), application_id, qualification_note=payload.qualification_note
    )


@router.post("/applications/{application_id}/reject", response=ApplicationOut, auth=SIGNED_IN, summary="Staff")
def reject(request: HttpRequest, application_id: Id, payload: DecisionIn) -> Application:
    return actions.do_reject_application(signed_in(request), application_id, reason=payload.reason)


@router.post("/applications/{application_id}/request-info", response=ApplicationOut, auth=SIGNED_IN, summary="Staff")
def request_info(request: HttpRequest, application_id: Id, payload: DecisionIn) -> Application:
    return actions.do_request_information(signed_in(request), application_id, request=payload.request)


class SignatureOut(Schema):
    member_number: str = Field(alias="member.number")
    convention_version: int = Field(alias="convention_version.number")
    convention_sha256: str
    signer_name: str
    signer_capacity: str
    signed_on: date


@router.post(
    "/applications/{application_id}/sign",
    response={201: SignatureOut},
    auth=session_auth,
    summary="Sign the version in force",
    description="multipart/form-data; `convention_sha256` must be the hash of the version in force "
    "(GET /api/v1/convention/current). Units upload `seal` (PNG/JPEG); delegates also `delegation_letter`.",
)
def sign(
    request: HttpRequest,
    application_id: Id,
    convention_sha256: Form[str],
    signer_name: Form[str],
    signer_capacity: Form[str],
    responsible_person: Form[str],
    contact_phone: Form[str],
    signed_on: Form[date | None] = None,
    seal: File[UploadedFile | None] = None,
    delegation_letter: File[UploadedFile | None] = None,
) -> Status[Any]:
    signature = actions.do_sign(
        signed_in(request),
        application_id,
        convention_sha256=convention_sha256,
        signer_name=signer_name,
        signer_capacity=signer_capacity,
        responsible_person=responsible_person,
        contact_phone=contact_phone,
        signed_on=signed_on,
        seal=seal,
        delegation_letter=delegation_letter,
    )
    return Status(201, signature)


class RegistryEntryOut(Schema):
    number: str
    name: str
    kind: str
    uscc: str = Field(description="units only; empty for individuals")
    joined_on: date
    status: str
    withdrawn_on: date | None
    revoked_on: date | None

    @staticmethod
    def resolve_uscc(obj: Member) -> str:
        return obj.uscc if obj.kind == Kind.UNIT else ""


class RegistryPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[RegistryEntryOut]


class RegistryFilter(Schema):
    q: str = ""
    status: str = ""
    kind: str = ""
    page: Page = 1


@router.get("/registry", response=RegistryPageOut, auth=None, summary="The public member registry")
def registry(request: HttpRequest, filters: Query[RegistryFilter]) -> dict[str, Any]:
    from django.db.models import Q

    qs = Member.objects.in_registry().order_by("number")
    if filters.q.strip():
        q = filters.q.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__iexact=q.upper()) | Q(number__iexact=q))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    count = qs.count()
    start = (filters.page - 1) * PAGE_SIZE
    return {
        "count": count,
        "page": filters.page,
        "pages": max(1, -(-count // PAGE_SIZE)),
        "results": list(qs[start : start + PAGE_SIZE]),
    }


@router.get("/registry/{number}", response=RegistryEntryOut, auth=None, summary="One member, public fields")
def registry_entry(request: HttpRequest, number: str) -> Member:
    member = Member.objects.in_registry().filter(number=number).first()
    if member is None:
        raise NotFound()
    return member


class WithdrawIn(Schema):
    effective_on: date
    reason: str = ""


class WithdrawalOut(Schema):
    notified_on: date
    effective_on: date
    member_status: str = Field(alias="member.status")


@router.post(
    "/me/withdraw",
    response={201: WithdrawalOut},
    auth=session_auth,
    summary="Notify withdrawal (Art. 23)",
    description="Needs a signed-in representative: an API key cannot withdraw its member.",
)
def withdraw(request: HttpRequest, payload: WithdrawIn) -> Status[Any]:
    return Status(201, actions.do_notify_withdrawal(signed_in(request), **payload.dict()))


class BulletinEntryOut(Schema):
    number: str
    name: str
    kind: str
    date: str


class BulletinOut(Schema):
    number: int
    period: str
    period_start: date
    period_end: date
    published_on: date
    content_sha256: str
    corrects: int | None = Field(None, alias="corrects.number")
    note: str
    joins: list[BulletinEntryOut] = Field(alias="entries.joins")
    withdrawals: list[BulletinEntryOut] = Field(alias="entries.withdrawals")

    @staticmethod
    def resolve_joins(obj: Bulletin) -> list[dict[str, Any]]:
        return list(obj.entries["joins"])

    @staticmethod
    def resolve_withdrawals(obj: Bulletin) -> list[dict[str, Any]]:
        return list(obj.entries["withdrawals"])


class BulletinIn(Schema):
    period: str
    corrects: Id | None = None
    note: str = ""


@router.get("/bulletins", response=list[BulletinOut], auth=None, summary="Published join/withdraw bulletins")
def bulletins(request: HttpRequest) -> list[Bulletin]:
    return list(Bulletin.objects.select_related("corrects")[:200])


@router.get("/bulletins/{number}", response=BulletinOut, auth=None)
def bulletin(request: HttpRequest, number: Id) -> Bulletin:
    found = Bulletin.objects.select_related("corrects").filter(number=number).first()
    if found is None:
        raise NotFound()
    return found


@router.post("/bulletins", response={201: BulletinOut}, auth=SIGNED_IN, summary="Publish a bulletin (staff)")
def publish_bulletin(request: HttpRequest, payload: BulletinIn) -> Status[Bulletin]:
    require(request.user, Perm.PUBLISH_BULLETINS)
    return Status(
        201,
        actions.do_publish_bulletin(signed_in(request), payload.period, corrects=payload.corrects, note=payload.note),
    )
