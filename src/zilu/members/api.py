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
from zilu.members.bulletins import running_quarter
from zilu.members.models import UNIT_KINDS, Application, Bulletin, Member, VenueAssessment
from zilu.members.venues import VENUE_ITEMS

router = Router(tags=["members"])
PAGE_SIZE = 50


class ApplicationIn(Schema):
    kind: str = Field(description="unit, venue (an internet access venue, Art. 13) or individual")
    name: str
    uscc: str = ""
    registered_address: str = ""
    legal_representative: str = ""
    responsible_person: str = ""
    resident_id: str = Field("", description="individuals only; never shown publicly")
    contact_phone: str
    statement: str = Field("", description="individuals: their work in the district's internet industry")
    venue_name: str = Field("", description="venues only: the premises' name")
    venue_licence: str = Field("", description="venues only: 网络文化经营许可证 number, e.g. 京网文〔2019〕1234-567号")
    venue_address: str = Field("", description="venues only: the premises' address")
    venue_operator: str = Field("", description="venues only: who runs the premises")


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
    venue_name: str
    venue_licence: str
    venue_address: str
    venue_operator: str
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
    venue_name: str = Field(description="internet access venues only")
    venue_licence: str = Field(description="internet access venues only: 网络文化经营许可证 number")

    @staticmethod
    def resolve_uscc(obj: Member) -> str:
        return obj.uscc if obj.kind in UNIT_KINDS else ""


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
    interim: bool = Field(description="the running period as it stood on period_end; the final bulletin follows")
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
    interim: bool = Field(False, description="publish the running period as it stands today (Art. 23)")


class CurrentPeriodOut(Schema):
    period: str
    period_start: date
    as_of: date
    joins: list[BulletinEntryOut]
    withdrawals: list[BulletinEntryOut]


@router.get("/bulletins", response=list[BulletinOut], auth=None, summary="Published join/withdraw bulletins")
def bulletins(request: HttpRequest) -> list[Bulletin]:
    return list(Bulletin.objects.select_related("corrects")[:200])


@router.get(
    "/bulletins/current",
    response=CurrentPeriodOut,
    auth=None,
    summary="Joins and withdrawals of the running quarter so far (not a published bulletin)",
)
def current_period(request: HttpRequest) -> dict[str, Any]:
    return running_quarter()


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
        actions.do_publish_bulletin(
            signed_in(request), payload.period, corrects=payload.corrects, note=payload.note, interim=payload.interim
        ),
    )


# --- internet access venues (Art. 13) ---------------------------------------------------------------------------


class VenueAnswerIn(Schema):
    answer: str = Field(description="yes, partly or no")
    note: str = ""


class VenueAssessmentIn(Schema):
    opening_hours: str = Field(description="e.g. 08:00-24:00")
    session_limit_minutes: int = Field(ge=0, le=1440, description="continuous-use limit; 0 if none")
    filtering_system: str
    answers: dict[str, VenueAnswerIn] = Field(description="one per item code (GET /venue-items)")


class VenueAssessmentOut(Schema):
    id: int
    member_number: str | None = Field(alias="member.number")
    status: str
    opening_hours: str
    session_limit_minutes: int
    filtering_system: str
    answers: dict[str, dict[str, str]]
    submitted_at: datetime
    review_note: str
    reviewed_at: datetime | None


class VenueReviewIn(Schema):
    accept: bool
    note: str = ""


class VenueItemOut(Schema):
    code: str
    topic: str
    text: str


@router.get("/venue-items", response=list[VenueItemOut], auth=None, summary="Items of the venue self-assessment")
def venue_items(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": i.code, "topic": i.topic, "text": str(i.text)} for i in VENUE_ITEMS]


@router.post(
    "/venue-assessments",
    response={201: VenueAssessmentOut},
    auth=SIGNED_IN,
    summary="A venue submits its self-assessment (Art. 13)",
)
def submit_venue_assessment(request: HttpRequest, payload: VenueAssessmentIn) -> Status[VenueAssessment]:
    data = payload.dict()
    return Status(201, actions.do_submit_venue_assessment(signed_in(request), data))


@router.get("/venue-assessments", response=list[VenueAssessmentOut], auth=SIGNED_IN, summary="Self-assessments")
def venue_assessments(request: HttpRequest) -> list[VenueAssessment]:
    return list(VenueAssessment.objects.restrict(request.user).select_related("member")[:500])


@router.get("/venue-assessments/{assessment_id}", response=VenueAssessmentOut, auth=SIGNED_IN)
def venue_assessment(request: HttpRequest, assessment_id: Id) -> VenueAssessment:
    return access(VenueAssessment.objects.restrict(request.user).select_related("member"), assessment_id)


@router.post("/venue-assessments/{assessment_id}/review", response=VenueAssessmentOut, auth=SIGNED_IN, summary="Staff")
def review_venue_assessment(request: HttpRequest, assessment_id: Id, payload: VenueReviewIn) -> VenueAssessment:
    return actions.do_review_venue_assessment(
        signed_in(request), assessment_id, accept=payload.accept, note=payload.note
    )
