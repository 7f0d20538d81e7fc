"""API of filings: a member's websites and apps, their checks, the verify button (Art. 12(5))."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id
from zilu.core.errors import Forbidden
from zilu.core.roles import Perm, has_perm, signed_in
from zilu.core.workflow import access
from zilu.filings import actions
from zilu.filings.models import Site, Verification

router = Router(tags=["filings"])


class SiteIn(Schema):
    kind: str = Field(description="website or app")
    name: str
    domains: list[str] = Field(default_factory=list, description="websites: at least one; subdomains are covered")
    home_url: str = Field("", description="the page showing the numbers; default https:// on the first domain")
    icp_number: str = Field(description="京ICP备12345678号-1 or 京ICP证123456号")
    psb_number: str = Field("", description="京公网安备11011402000001号; required for websites")
    responsible_person: str
    responsible_phone: str = ""


class SitePatch(Schema):
    name: str | None = None
    domains: list[str] | None = None
    home_url: str | None = None
    icp_number: str | None = None
    psb_number: str | None = None
    responsible_person: str | None = None
    responsible_phone: str | None = None


class SiteOut(Schema):
    id: int
    member_id: int
    member_name: str = Field(alias="member.name")
    kind: str
    name: str
    domains: list[str] = Field(alias="domain_names")
    home_url: str
    icp_number: str
    psb_number: str
    responsible_person: str
    status: str
    check_status: str
    entrance_status: str = Field(description="Art. 17: unchecked, shown or missing (the member's report entrance)")
    last_checked_at: datetime | None
    consecutive_failures: int
    fix_by: date | None
    deadline_provisional: bool = Field(description="fix_by lies beyond the official holiday calendar")


class VerificationOut(Schema):
    id: int
    site_id: int
    checked_at: datetime
    outcome: str
    url: str
    final_url: str
    http_status: int | None
    detail: str
    excerpt: str
    found_numbers: list[str]
    entrance: str = Field(description="shown or missing; empty when the page could not be read")


def _require_list(request: HttpRequest) -> None:
    if not (has_perm(request.user, Perm.VIEW_FILINGS) or has_perm(request.user, Perm.REGISTER_FILINGS)):
        raise Forbidden()


@router.get("/sites", response=list[SiteOut], auth=SIGNED_IN, summary="Registered websites and apps you may see")
def sites(request: HttpRequest, check_status: str | None = None, status: str | None = None) -> list[Site]:
    _require_list(request)
    qs = Site.objects.restrict(request.user).select_related("member").prefetch_related("domains")
    if check_status:
        qs = qs.filter(check_status=check_status)
    if status:
        qs = qs.filter(status=status)
    return list(qs[:1000])


@router.post("/sites", response={201: SiteOut}, auth=SIGNED_IN, summary="Register a website or app (Art. 12(5))")
def register(request: HttpRequest, payload: SiteIn) -> Status[Site]:
    return Status(201, actions.do_register_site(signed_in(request), payload.dict()))


@router.get("/sites/{site_id}", response=SiteOut, auth=SIGNED_IN)
def site(request: HttpRequest, site_id: Id) -> Site:
    return access(Site.objects.restrict(request.user).select_related("member"), site_id)


@router.patch("/sites/{site_id}", response=SiteOut, auth=SIGNED_IN, summary="Update a site's record")
def update(request: HttpRequest, site_id: Id, payload: SitePatch) -> Site:
    return actions.do_update_site(signed_in(request), site_id, payload.dict(exclude_none=True))


@router.post("/sites/{site_id}/close", response=SiteOut, auth=SIGNED_IN, summary="Close a site no longer run")
def close(request: HttpRequest, site_id: Id) -> Site:
    return actions.do_close_site(signed_in(request), site_id)


@router.post(
    "/sites/{site_id}/verify", response=VerificationOut, auth=SIGNED_IN, summary="Check the home page's numbers now"
)
def verify(request: HttpRequest, site_id: Id) -> Verification:
    return actions.do_verify_site(signed_in(request), site_id)


@router.get("/sites/{site_id}/verifications", response=list[VerificationOut], auth=SIGNED_IN)
def verifications(request: HttpRequest, site_id: Id) -> list[Verification]:
    return list(access(Site.objects.restrict(request.user), site_id).verifications.all()[:100])
