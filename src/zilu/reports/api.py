"""API of the reporting channel: report (anyone), look up (with the code), answer (the member concerned), route and
verify (the executing body), statistics (anyone). Reporter identity and contact appear only in the staff detail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id, Page
from zilu.core.errors import NotFound
from zilu.core.roles import Perm, require, signed_in
from zilu.filings.models import Site
from zilu.members.models import Member
from zilu.reports import abuse, actions, intake, reporter_email, routing, selectors
from zilu.reports.entrance import snippets_for
from zilu.reports.models import Category, Report, parse_tracking_number

router = Router(tags=["reports"])
PAGE_SIZE = 50


def client_of(request: HttpRequest, token: str = "", answer: str = "") -> abuse.Client:
    return abuse.Client(address=request.META.get("REMOTE_ADDR") or "", captcha_token=token, captcha_answer=answer)


class CategoryOut(Schema):
    value: str
    label: str
    response_working_days: int
    handled_by_executing_body: bool


class CaptchaOut(Schema):
    required: bool = Field(description="whether the next report from this address must carry an answer")
    token: str
    question: str = Field(description="arithmetic in Chinese numerals; answer in digits")


class ReportIn(Schema):
    category: str
    description: str = Field(description=f"what is harmful and why; {intake.MIN_DESCRIPTION}–5000 characters")
    target: str = Field("", description="web address, host name or app name where the information is")
    member: str = Field("", description="id of the member concerned, if known (see /members)")
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    captcha_token: str = ""
    captcha_answer: str = ""


class ReceiptOut(Schema):
    tracking_number: str
    lookup_code: str = Field(description="shown once; keep it to follow the report")
    status: str
    merged_into: str | None = None


class LookupIn(Schema):
    tracking_number: str
    lookup_code: str


class HistoryOut(Schema):
    status: str
    status_label: str
    note: str
    at: datetime


class PublicReportOut(Schema):
    tracking_number: str
    category: str
    category_label: str
    submitted_at: datetime
    status: str
    status_label: str
    merged_into: str | None
    handling_status: str
    handling_status_label: str
    finding: str
    finding_label: str
    public_outcome: str
    history: list[HistoryOut]


class EvidenceOut(Schema):
    label: str
    url: str
    content_type: str


class ResponseOut(Schema):
    action: str
    action_label: str
    explanation: str
    created_at: datetime
    evidence: list[EvidenceOut]


class MemberReportOut(Schema):
    id: int
    tracking_number: str
    category: str
    category_label: str
    target: str
    description: str
    status: str
    status_label: str
    created_at: datetime
    routed_at: datetime | None
    due_on: date | None
    very_overdue_on: date | None
    deadline_provisional: bool = Field(description="the dates lie beyond the official holiday calendar")
    overdue_tier: int
    overdue_label: str
    similar_reports: int
    finding: str
    finding_label: str
    finding_note: str
    public_outcome: str
    evidence: list[EvidenceOut]
    responses: list[ResponseOut]


class ResponseIn(Schema):
    action: str = Field(description="removed, corrected, not_harmful or not_ours")
    explanation: str


class StaffReportOut(MemberReportOut):
    member_id: int | None
    member_name: str
    matched_by: str
    duplicate_of: str | None
    reporter_username: str | None
    contact_name: str
    contact_phone: str
    contact_email: str
    contact_email_confirmed: bool = Field(description="the reporter confirmed the address and gets status e-mails")
    closed_at: datetime | None


class AssignIn(Schema):
    member_id: Id
    note: str = ""


class SendBackIn(Schema):
    reason: str


class VerifyIn(Schema):
    finding: str = Field(description="verified_true, partly_true, not_true or not_verifiable")
    public_outcome: str = Field(description="what the reporter and the public see")
    note: str = Field("", description="for the executing body and the member concerned")


class CountOut(Schema):
    key: str
    label: str
    count: int


class MemberCountOut(Schema):
    member: str
    number: str | None
    count: int


class StatisticsOut(Schema):
    total: int
    by_category: list[CountOut]
    by_status: list[CountOut]
    by_finding: list[CountOut]
    by_member: list[MemberCountOut]
    other_members: int = Field(description="reports about members each below the publication threshold")
    median_first_response_hours: float | None
    median_closure_hours: float | None
    open_overdue: int


def _by_tracking(number: str) -> int:
    pk = parse_tracking_number(number)
    if pk is None:
        raise NotFound()
    return pk


def _staff_out(report: Report) -> dict[str, Any]:
    view = selectors.member_view(report)
    view["description"] = report.description
    view["target"] = report.target
    return {
        **view,
        "member_id": report.member_id,
        "member_name": report.member.name if report.member else "",
        "matched_by": report.matched_by,
        "duplicate_of": report.duplicate_of.tracking_number if report.duplicate_of else None,
        "reporter_username": report.reporter.get_username() if report.reporter else None,
        "contact_name": report.contact_name,
        "contact_phone": report.contact_phone,
        "contact_email": report.contact_email,
        "contact_email_confirmed": report.emails_updates,
        "closed_at": report.closed_at,
    }


def _counts(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [{"key": r[key], "label": r["label"], "count": r["count"]} for r in rows]


# --- public ---------------------------------------------------------------------------------------------------------


@router.get("/categories", response=list[CategoryOut], auth=None)
def categories(request: HttpRequest) -> list[dict[str, Any]]:
    """The categories a report can have, with the member's response period in working days."""
    days = routing.response_days()
    return [
        {
            "value": value,
            "label": str(label),
            "response_working_days": days[value],
            "handled_by_executing_body": routing.goes_to_staff(value),
        }
        for value, label in Category.choices
    ]


@router.get("/captcha", response=CaptchaOut, auth=None)
def captcha(request: HttpRequest) -> dict[str, Any]:
    """A check question, and whether this address needs one for its next report."""
    token, question = abuse.new_challenge()
    return {"required": abuse.captcha_required(client_of(request)), "token": token, "question": question}


@router.post("", response={201: ReceiptOut}, auth=None)
def submit(
    request: HttpRequest,
    data: Form[ReportIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    """Report illegal or harmful information (anonymously or signed in; multipart form with optional `files`)."""
    receipt = actions.do_submit_report(
        request.user,
        data.dict(exclude={"captcha_token", "captcha_answer"}),
        files or [],
        client=client_of(request, data.captcha_token, data.captcha_answer),
    )
    return Status(
        201,
        {
            "tracking_number": receipt.tracking_number,
            "lookup_code": receipt.code,
            "status": receipt.report.status,
            "merged_into": receipt.duplicate_of.tracking_number if receipt.duplicate_of else None,
        },
    )


@router.post("/lookup", response=PublicReportOut, auth=None)
def lookup(request: HttpRequest, data: LookupIn) -> dict[str, Any]:
    """Follow a report with its tracking number and lookup code: status and public outcome only."""
    abuse.check_lookup_rate(client_of(request))
    return selectors.public_view(actions.lookup(data.tracking_number, data.lookup_code))


@router.get("/statistics", response=StatisticsOut, auth=None)
def statistics(request: HttpRequest) -> dict[str, Any]:
    """Published aggregates (per-member figures below the threshold are folded into `other_members`)."""
    stats = selectors.statistics_(public=True)
    return {
        **stats.__dict__,
        "by_category": _counts(stats.by_category, "category"),
        "by_status": _counts(stats.by_status, "status"),
        "by_finding": _counts(stats.by_finding, "finding"),
    }


# --- the member concerned -----------------------------------------------------------------------------------------


@router.get("/assigned", response=list[MemberReportOut], auth=SIGNED_IN)
def assigned(request: HttpRequest, status: str = "", page: Page = 1) -> list[dict[str, Any]]:
    """Reports routed to the caller's member (never the reporter's identity)."""
    qs = selectors.member_reports(signed_in(request))
    if status:
        qs = qs.filter(status=status)
    start = (page - 1) * PAGE_SIZE
    return [selectors.member_view(r) for r in qs[start : start + PAGE_SIZE]]


@router.get("/assigned/{tracking_number}", response=MemberReportOut, auth=SIGNED_IN)
def assigned_detail(request: HttpRequest, tracking_number: str) -> dict[str, Any]:
    return selectors.member_view(selectors.member_report(signed_in(request), _by_tracking(tracking_number)))


@router.post("/assigned/{tracking_number}/response", response={201: MemberReportOut}, auth=SIGNED_IN)
def respond(
    request: HttpRequest,
    tracking_number: str,
    data: Form[ResponseIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Status[dict[str, Any]]:
    """Record what was done about the report, with optional evidence (multipart form)."""
    user = signed_in(request)
    pk = _by_tracking(tracking_number)
    actions.do_respond(user, pk, data.action, data.explanation, files or [])
    report = Report.objects.get(pk=pk)
    return Status(201, selectors.member_view(report))


# --- the executing body -------------------------------------------------------------------------------------------


@router.get("/staff", response=list[StaffReportOut], auth=SIGNED_IN)
def staff_list(
    request: HttpRequest, status: str = "open", category: str = "", member: str = "", page: Page = 1
) -> list[dict[str, Any]]:
    """All reports for the executing body and the supervising department; `status` may be open, overdue or a status."""
    qs = selectors.filter_staff(
        selectors.staff_reports(signed_in(request)), {"status": status, "category": category, "member": member}
    )
    start = (page - 1) * PAGE_SIZE
    return [_staff_out(r) for r in qs[start : start + PAGE_SIZE]]


@router.get("/staff/{tracking_number}", response=StaffReportOut, auth=SIGNED_IN)
def staff_detail(request: HttpRequest, tracking_number: str) -> dict[str, Any]:
    return _staff_out(selectors.staff_report(signed_in(request), _by_tracking(tracking_number)))


@router.post("/staff/{tracking_number}/assign", response=StaffReportOut, auth=SIGNED_IN)
def assign(request: HttpRequest, tracking_number: str, data: AssignIn) -> dict[str, Any]:
    """Route a report held by the executing body to the member it concerns."""
    report = actions.do_assign(signed_in(request), _by_tracking(tracking_number), data.member_id, data.note)
    return _staff_out(report)


@router.post("/staff/{tracking_number}/send-back", response=StaffReportOut, auth=SIGNED_IN)
def send_back(request: HttpRequest, tracking_number: str, data: SendBackIn) -> dict[str, Any]:
    """Send a response back to the member: the rectification is not complete."""
    return _staff_out(actions.do_send_back(signed_in(request), _by_tracking(tracking_number), data.reason))


@router.post("/staff/{tracking_number}/verify", response=StaffReportOut, auth=SIGNED_IN)
def verify(request: HttpRequest, tracking_number: str, data: VerifyIn) -> dict[str, Any]:
    """Record the verification (查证属实 …) and close the report."""
    report = actions.do_verify(
        signed_in(request), _by_tracking(tracking_number), data.finding, data.note, data.public_outcome
    )
    return _staff_out(report)


@router.get("/mine", response=list[PublicReportOut], auth=SIGNED_IN)
def mine(request: HttpRequest) -> list[dict[str, Any]]:
    """The reports the signed-in caller filed."""
    user = signed_in(request)
    require(user, Perm.USE_INBOX)
    return [selectors.public_view(r) for r in Report.objects.filter(reporter=user).order_by("-created_at")[:200]]


# --- the report entrance (Art. 17) ------------------------------------------------------------------------------


class EntranceSiteOut(Schema):
    id: int
    name: str
    entrance_status: str = Field(description="unchecked, shown or missing")
    last_checked_at: datetime | None


class EntranceOut(Schema):
    member_number: str
    entrance_url: str = Field(description="opens the report form with the member preset")
    badge_url: str
    script_url: str
    html: str = Field(description="the badge with its link: no script")
    script: str = Field(description="one external script tag that draws the badge")
    text: str = Field(description="a plain text link")
    sites: list[EntranceSiteOut] = Field(description="the member's registered sites and what their last check found")


@router.get("/entrance", response=EntranceOut, auth=SIGNED_IN, summary="The member's report entrance snippets")
def entrance(request: HttpRequest) -> dict[str, Any]:
    require(request.user, Perm.RESPOND_TO_REPORTS)
    member = Member.objects.in_registry().filter(pk=getattr(request.user, "member_id", None)).first()
    if member is None:
        raise NotFound()
    snippets = snippets_for(member)
    sites = Site.objects.restrict(request.user).filter(member=member, status=Site.Status.ACTIVE)
    return {"member_number": member.number, **snippets.__dict__, "sites": list(sites)}


# --- the reporter's e-mail links --------------------------------------------------------------------------------


class EmailTokenIn(Schema):
    token: str = Field(max_length=500, description="from the link e-mailed to the reporter")


class EmailLinkOut(Schema):
    tracking_number: str
    email_updates: str = Field(description="confirmed or stopped")


@router.post("/email/confirm", response=EmailLinkOut, auth=None, summary="Confirm a reporter's e-mail address")
def confirm_email(request: HttpRequest, payload: EmailTokenIn) -> dict[str, str]:
    report = reporter_email.do_confirm_reporter_email(request.user, payload.token)
    return {"tracking_number": report.tracking_number, "email_updates": "confirmed"}


@router.post("/email/stop", response=EmailLinkOut, auth=None, summary="Stop a reporter's status e-mails")
def stop_email(request: HttpRequest, payload: EmailTokenIn) -> dict[str, str]:
    report = reporter_email.do_stop_reporter_email(request.user, payload.token)
    return {"tracking_number": report.tracking_number, "email_updates": "stopped"}
