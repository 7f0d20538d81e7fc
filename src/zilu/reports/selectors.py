"""What each audience may see of reports. Member and public views are built from explicit field lists, so the
reporter's account and contact details cannot slip into them; descriptions shown to members have the reporter's own
details and any phone number, e-mail address or ID number masked."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet

from zilu.core import workflow
from zilu.core.actors import Actor
from zilu.core.files import files_of
from zilu.core.masking import MASK, mask_contacts
from zilu.core.roles import Perm, has_perm, require
from zilu.reports.models import Category, Finding, MemberResponse, OverdueTier, Report, Status


def _reporter_strings(report: Report) -> list[str]:
    values = [report.contact_name, report.contact_phone, report.contact_email]
    if report.reporter is not None:
        user = report.reporter
        values += [user.username, user.get_full_name(), user.email, getattr(user, "phone", "")]
    return [v for v in (s.strip() for s in values if s) if len(v) >= 2]


def redact(text: str, report: Report) -> str:
    """``text`` with the reporter's own details and any contact-like number masked."""
    for value in sorted(_reporter_strings(report), key=len, reverse=True):
        text = text.replace(value, MASK)
    return mask_contacts(text)


# --- member -------------------------------------------------------------------------------------------------------


def member_reports(user: Actor) -> QuerySet[Report]:
    require(user, Perm.RESPOND_TO_REPORTS)
    return Report.objects.restrict(user, "view").order_by("status", "due_on", "created_at")


def member_report(user: Actor, report_id: int) -> Report:
    return workflow.access(member_reports(user), report_id)


def member_view(report: Report) -> dict[str, Any]:
    """A report as its member sees it: no reporter, no contact, description masked, evidence by position only."""
    evidence = [
        {"label": f"#{i}", "url": f"/files/{f.pk}", "content_type": f.content_type, "size": f.size}
        for i, f in enumerate(files_of(report, "evidence").order_by("created_at"), start=1)
    ]
    responses = [
        {
            "action": r.action,
            "action_label": str(r.get_action_display()),
            "explanation": r.explanation,
            "created_at": r.created_at,
            "evidence": [
                {"label": f.original_name, "url": f"/files/{f.pk}", "content_type": f.content_type}
                for f in files_of(r, "evidence")
            ],
        }
        for r in MemberResponse.objects.filter(report=report, member_id=report.member_id)
    ]
    return {
        "id": report.pk,
        "tracking_number": report.tracking_number,
        "category": report.category,
        "category_label": str(report.get_category_display()),
        "target": redact(report.target, report),
        "description": redact(report.description, report),
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "created_at": report.created_at,
        "routed_at": report.routed_at,
        "due_on": report.due_on,
        "very_overdue_on": report.very_overdue_on,
        "deadline_provisional": report.deadline_provisional,
        "overdue_tier": report.overdue_tier,
        "overdue_label": str(OverdueTier(report.overdue_tier).label),
        "similar_reports": report.duplicate_count,
        "finding": report.finding,
        "finding_label": str(report.get_finding_display()) if report.finding else "",
        "finding_note": report.finding_note,
        "public_outcome": report.public_outcome,
        "evidence": evidence,
        "responses": responses,
    }


MEMBER_CSV_COLUMNS = [
    "tracking_number", "category_label", "target", "description", "status_label", "created_at", "due_on",
    "overdue_label", "finding_label", "public_outcome",
]  # fmt: skip


# --- staff --------------------------------------------------------------------------------------------------------


def staff_reports(user: Actor) -> QuerySet[Report]:
    # The staff's pages show the reporter's contact details: a member must not reach them with its own reports.
    require(user, Perm.VIEW_REPORTS)
    return Report.objects.restrict(user, "view").select_related("member", "duplicate_of")


def staff_report(user: Actor, report_id: int) -> Report:
    return workflow.access(staff_reports(user), report_id)


def filter_staff(qs: QuerySet[Report], params: Any) -> QuerySet[Report]:
    status = params.get("status") or "open"
    if status == "open":
        qs = qs.open()
    elif status == "overdue":
        qs = qs.filter(status=Status.WITH_MEMBER, overdue_tier__gte=OverdueTier.OVERDUE)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if params.get("category") in Category.values:
        qs = qs.filter(category=params["category"])
    if str(params.get("member") or "").isdigit():
        qs = qs.filter(member_id=int(params["member"]))
    return qs.order_by("-overdue_tier", "due_on", "created_at")


STAFF_CSV_COLUMNS = [
    "tracking_number", "category", "member", "target", "status", "created_at", "due_on", "overdue_tier",
    "first_response_at", "finding", "closed_at", "duplicate_of",
]  # fmt: skip


def staff_row(report: Report) -> dict[str, Any]:
    """A report for the staff export: no contact details (those stay on the record's page)."""
    return {
        "tracking_number": report.tracking_number,
        "category": report.category,
        "member": report.member.name if report.member else "",
        "target": report.target,
        "status": report.status,
        "created_at": report.created_at.isoformat(),
        "due_on": report.due_on or "",
        "overdue_tier": report.overdue_tier,
        "first_response_at": report.first_response_at.isoformat() if report.first_response_at else "",
        "finding": report.finding,
        "closed_at": report.closed_at.isoformat() if report.closed_at else "",
        "duplicate_of": report.duplicate_of.tracking_number if report.duplicate_of else "",
    }


# --- public -------------------------------------------------------------------------------------------------------


def public_view(report: Report) -> dict[str, Any]:
    """What the reporter sees with the lookup code: status, history and the public outcome, nothing else."""
    shown = report.duplicate_of if report.status == Status.DUPLICATE and report.duplicate_of else report
    return {
        "tracking_number": report.tracking_number,
        "category": report.category,
        "category_label": str(report.get_category_display()),
        "submitted_at": report.created_at,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "merged_into": shown.tracking_number if shown is not report else None,
        "handling_status": shown.status,
        "handling_status_label": str(shown.get_status_display()),
        "finding": shown.finding,
        "finding_label": str(shown.get_finding_display()) if shown.finding else "",
        "public_outcome": shown.public_outcome,
        "history": [
            {"status": e.status, "status_label": str(Status(e.status).label), "note": e.note, "at": e.created_at}
            for e in shown.events.all()
        ],
    }


@dataclass
class Statistics:
    total: int
    by_category: list[dict[str, Any]]
    by_status: list[dict[str, Any]]
    by_finding: list[dict[str, Any]]
    by_member: list[dict[str, Any]]
    other_members: int
    median_first_response_hours: float | None
    median_closure_hours: float | None
    open_overdue: int


def _median_hours(deltas: list[timedelta]) -> float | None:
    if not deltas:
        return None
    return round(statistics.median(d.total_seconds() for d in deltas) / 3600, 1)


def statistics_(public: bool = True) -> Statistics:
    """Aggregates over all reports except merged duplicates. Public figures per member hide counts below
    ``ZILU_STATS_MIN_CELL``; no figure names a reporter or describes one report."""
    qs = Report.objects.exclude(status=Status.DUPLICATE)
    categories = Counter(dict(qs.values_list("category").annotate(n=Count("pk")).values_list("category", "n")))
    statuses = Counter(dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n")))
    findings = Counter(
        dict(qs.exclude(finding="").values_list("finding").annotate(n=Count("pk")).values_list("finding", "n"))
    )
    member_counts = list(
        qs.exclude(member__isnull=True)
        .values("member__name", "member__number")
        .annotate(n=Count("pk"))
        .order_by("-n", "member__number")
    )
    floor = int(settings.ZILU_STATS_MIN_CELL) if public else 1
    shown = [m for m in member_counts if m["n"] >= floor]
    hidden = sum(m["n"] for m in member_counts if m["n"] < floor)
    first = [
        b - a
        for a, b in qs.exclude(first_response_at=None)
        .exclude(routed_at=None)
        .values_list("routed_at", "first_response_at")
    ]
    closure = [b - a for a, b in qs.exclude(closed_at=None).values_list("created_at", "closed_at")]
    total = sum(categories.values())
    return Statistics(
        total=total,
        by_category=[
            {"category": value, "label": str(label), "count": categories.get(value, 0)}
            for value, label in Category.choices
        ],
        by_status=[
            {"status": value, "label": str(label), "count": statuses.get(value, 0)}
            for value, label in Status.choices
            if value != Status.DUPLICATE
        ],
        by_finding=[
            {"finding": value, "label": str(label), "count": findings.get(value, 0)} for value, label in Finding.choices
        ],
        by_member=[{"member": m["member__name"], "number": m["member__number"], "count": m["n"]} for m in shown],
        other_members=hidden,
        median_first_response_hours=_median_hours(first),
        median_closure_hours=_median_hours(closure),
        open_overdue=qs.filter(status=Status.WITH_MEMBER, overdue_tier__gte=OverdueTier.OVERDUE).count(),
    )


def can_view_all(user: Actor) -> bool:
    return has_perm(user, Perm.VIEW_REPORTS)
