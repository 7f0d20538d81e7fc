"""Pages of the reporting channel: the public form, receipt, lookup and statistics; the member's queue; the staff's
queue and verification."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zilu.banks import media
from zilu.core.csvexport import csv_response
from zilu.core.errors import DomainError
from zilu.core.files import files_of
from zilu.core.links import absolute_url
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import run_form_action
from zilu.reports import abuse, actions, routing, selectors, trends
from zilu.reports.api import client_of
from zilu.reports.forms import AssignForm, LookupForm, ReportForm, ResponseForm, SendBackForm, VerifyForm
from zilu.reports.models import Category, OverdueTier, Report, Status

RECEIPT_KEY = "zilu_report_receipt"


def _challenge(request: HttpRequest, form: ReportForm) -> dict[str, Any]:
    """A fresh check question for the form, when this address needs one."""
    if not abuse.captcha_required(client_of(request)):
        return {}
    token, question = abuse.new_challenge()
    form.initial["captcha_token"] = token
    if form.is_bound:
        data = form.data.copy()
        data["captcha_token"] = token
        data["captcha_answer"] = ""
        form.data = data
    return {"captcha_question": question}


def submit(request: HttpRequest) -> HttpResponse:
    """The public reporting form (Art. 17), reachable from every page's header; anonymous reports are welcome."""
    # Members link to /report/?member=<id> from their own sites (Art. 17: a prominent way to report).
    initial = {key: request.GET[key][:500] for key in ("member", "target", "category") if request.GET.get(key)}
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = data.pop("member")
        data["member"] = member.pk if member else None
        files = data.pop("files") or []
        client = client_of(request, data.pop("captcha_token", ""), data.pop("captcha_answer", ""))
        ok, receipt = run_form_action(request, form, actions.do_submit_report, request.user, data, files, client=client)
        if ok:
            request.session[RECEIPT_KEY] = {
                "number": receipt.tracking_number,
                "code": receipt.code,
                "merged_into": receipt.duplicate_of.tracking_number if receipt.duplicate_of else "",
                "with_member": receipt.report.status == Status.WITH_MEMBER,
                "due_on": str(receipt.report.due_on or ""),
                "due_provisional": receipt.report.deadline_provisional,
            }
            return redirect("reports:receipt")
    days = routing.response_days()
    return render(
        request,
        "reports/submit.html",
        {
            "form": form,
            **_challenge(request, form),
            "categories": [(label, days[value]) for value, label in Category.choices],
        },
        status=422 if request.method == "POST" else 200,
    )


def receipt(request: HttpRequest) -> HttpResponse:
    """The tracking number and the lookup code, shown once."""
    data = request.session.pop(RECEIPT_KEY, None)
    if not data:
        return redirect("reports:track")
    return render(request, "reports/receipt.html", {"receipt": data})


def track(request: HttpRequest) -> HttpResponse:
    """Follow a report with its tracking number and lookup code."""
    form = LookupForm(request.POST or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            abuse.check_lookup_rate(client_of(request))
            report = selectors.public_view(
                actions.lookup(form.cleaned_data["tracking_number"], form.cleaned_data["lookup_code"])
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    return render(request, "reports/track.html", {"form": form, "report": report})


def _bars(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    top = max([r["count"] for r in rows] + [1])
    return [{**r, "width": round(260 * r["count"] / top), "y": 24 * i} for i, r in enumerate(rows)]


def _trends() -> dict[str, Any]:
    """The charts' series: reports per month and category, median response and closure times per month."""
    return {"by_month": trends.by_month_and_category(), "times": trends.response_times_by_month()}


def statistics(request: HttpRequest) -> HttpResponse:
    """Public statistics: counts by category, status and member, and the median handling times."""
    stats = selectors.statistics_(public=True)
    return render(
        request,
        "reports/statistics.html",
        {
            "stats": stats,
            "category_bars": _bars(stats.by_category),
            "chart_height": 24 * len(stats.by_category),
            "public": True,
            **_trends(),
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The reports the signed-in person filed, with their status and outcome."""
    user = signed_in(request)
    reports = [selectors.public_view(r) for r in Report.objects.filter(reporter=user).order_by("-created_at")[:200]]
    return render(request, "reports/mine.html", {"reports": reports})


# --- member ----------------------------------------------------------------------------------------------------------


@login_required
def member_queue(request: HttpRequest) -> HttpResponse:
    """The member's reports to answer, overdue and soonest due first."""
    qs = selectors.member_reports(signed_in(request))
    status = request.GET.get("status", "open")
    qs = qs.open() if status == "open" else qs.filter(status=status) if status in Status.values else qs
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/member_queue.html",
        {
            "page": page,
            "rows": [selectors.member_view(r) for r in page],
            "status": status,
            "reporting_link": absolute_url(f"/report/?member={signed_in(request).member_id}"),
        },
    )


@login_required
def member_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    user = signed_in(request)
    report = selectors.member_report(user, report_id)
    form = ResponseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ok, _r = run_form_action(
            request,
            form,
            actions.do_respond,
            user,
            report.pk,
            form.cleaned_data["action"],
            form.cleaned_data["explanation"],
            form.cleaned_data["files"] or [],
        )
        if ok:
            messages.success(request, _("Your response is recorded."))
            if Report.objects.filter(pk=report.pk, member_id=user.member_id).exists():
                return redirect("reports:member_detail", report_id=report.pk)
            return redirect("reports:member_queue")
    return render(
        request,
        "reports/member_detail.html",
        {"report": selectors.member_view(report), "form": form, "can_respond": report.status == Status.WITH_MEMBER},
    )


@login_required
def member_export(request: HttpRequest) -> HttpResponse:
    """The member's reports as CSV (no reporter fields exist in it)."""
    rows = [selectors.member_view(r) for r in selectors.member_reports(signed_in(request))]
    return csv_response("reports.csv", selectors.MEMBER_CSV_COLUMNS, rows, private=True)


# --- staff -----------------------------------------------------------------------------------------------------------


@login_required
def staff_queue(request: HttpRequest) -> HttpResponse:
    """Every report: open ones first, filterable by status (open, overdue, …), category and member."""
    qs = selectors.filter_staff(selectors.staff_reports(signed_in(request)), request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/staff_queue.html",
        {
            "page": page,
            "status": request.GET.get("status", "open"),
            "statuses": Status.choices,
            "categories": Category.choices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def staff_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    user = signed_in(request)
    report = selectors.staff_report(user, report_id)
    return render(
        request,
        "reports/staff_detail.html",
        {
            "report": report,
            "view": selectors.member_view(report),
            "evidence": files_of(report, "evidence"),
            "image_matches": media.stored_matches(files_of(report, "evidence")),  # the image bank (issue 22)
            "duplicates": report.duplicates.order_by("created_at"),
            "can_handle": has_perm(user, Perm.HANDLE_REPORTS),
            "assign_form": AssignForm(prefix="assign", initial={"member": report.member_id}),
            "send_back_form": SendBackForm(prefix="send_back"),
            "verify_form": VerifyForm(prefix="verify"),
            "overdue": OverdueTier(report.overdue_tier).label,
        },
    )


STAFF_DECISIONS = {
    "assign": (AssignForm, _("The report is routed to the member.")),
    "send_back": (SendBackForm, _("The report is sent back to the member.")),
    "verify": (VerifyForm, _("The verification is recorded and the report closed.")),
}


@login_required
@require_POST
def staff_decide(request: HttpRequest, report_id: int, decision: str) -> HttpResponse:
    user = signed_in(request)
    require(user, Perm.HANDLE_REPORTS)
    if decision not in STAFF_DECISIONS:
        return redirect("reports:staff_detail", report_id=report_id)
    form_class, success = STAFF_DECISIONS[decision]
    form = form_class(request.POST, prefix=decision)
    if form.is_valid():
        data = form.cleaned_data
        if decision == "assign":
            ok, _r = run_form_action(request, form, actions.do_assign, user, report_id, data["member"].pk, data["note"])
        elif decision == "send_back":
            ok, _r = run_form_action(request, form, actions.do_send_back, user, report_id, data["reason"])
        else:
            ok, _r = run_form_action(
                request, form, actions.do_verify, user, report_id, data["finding"], data["note"], data["public_outcome"]
            )
        if ok:
            messages.success(request, str(success))
            return redirect("reports:staff_detail", report_id=report_id)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("reports:staff_detail", report_id=report_id)


@login_required
def staff_export(request: HttpRequest) -> HttpResponse:
    """The filtered reports as CSV, without contact details."""
    qs = selectors.filter_staff(selectors.staff_reports(signed_in(request)), request.GET)
    return csv_response(
        "reports.csv", selectors.STAFF_CSV_COLUMNS, [selectors.staff_row(r) for r in qs[:10000]], private=True
    )


@login_required
def staff_statistics(request: HttpRequest) -> HttpResponse:
    """The same statistics with every member's figure, for the executing body and the supervising department."""
    require(request.user, Perm.VIEW_REPORTS)
    stats = selectors.statistics_(public=False)
    return render(
        request,
        "reports/statistics.html",
        {
            "stats": stats,
            "category_bars": _bars(stats.by_category),
            "chart_height": 24 * len(stats.by_category),
            "public": False,
            **_trends(),
        },
    )
