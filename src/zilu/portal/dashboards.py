"""The figures behind the dashboards: the staff's (and the supervising department's) overview of every app, and a
member's view of its own record. A few grouped queries each; the charts are drawn by :mod:`zilu.core.charts`.

Every figure about records a role may not list goes through the records' own ``visible_to`` (disputes before
mediation, for instance, are not the executing body's to count).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core.models import User
from zilu.discipline.models import Case, Nomination, Participation
from zilu.disputes.models import Dispute
from zilu.filings.models import Site
from zilu.members.models import Member
from zilu.reports import trends
from zilu.reports.models import Finding, OverdueTier, Report, Status
from zilu.review.models import ReviewItem

_30_DAYS = timedelta(days=30)
OPEN_CASE_STATUSES = (
    Case.Status.OPEN,
    Case.Status.PROPOSED,
    Case.Status.ANSWERED,
    Case.Status.CONSIDERED,
    Case.Status.DECIDED,
    Case.Status.APPEALED,
)
OPEN_DISPUTE_STATUSES = (
    Dispute.Status.OPEN,
    Dispute.Status.MEDIATION_REQUESTED,
    Dispute.Status.MEDIATING,
    Dispute.Status.AGREEMENT_PROPOSED,
)
SANCTION_STATUSES = (Case.Status.DECIDED, Case.Status.APPEALED, Case.Status.FINAL)
FAILED_CHECKS = (Site.CheckStatus.UNREACHABLE, Site.CheckStatus.NUMBER_MISSING, Site.CheckStatus.NUMBER_MISMATCH)


def _by_choice(
    counts: dict[str, int], choices: list[tuple[str, Any]], keep: tuple[str, ...] = ()
) -> list[tuple[str, int]]:
    """``(label, count)`` per choice, in the choices' order; only ``keep`` ones when given."""
    return [(str(label), counts.get(value, 0)) for value, label in choices if not keep or value in keep]


def _counts(qs: Any, field: str) -> dict[str, int]:
    return dict(qs.values_list(field).annotate(n=Count("pk")).order_by().values_list(field, "n"))


def staff_figures(user: User) -> dict[str, Any]:
    """Intake, overdue reports, verification outcomes, open discipline cases and mediation, failing filing checks,
    the review queues' backlog."""
    intake = trends.by_month_and_category()
    reports = Report.objects.exclude(status=Status.DUPLICATE)
    open_reports = Report.objects.open()
    overdue = open_reports.filter(status=Status.WITH_MEMBER, overdue_tier__gte=OverdueTier.OVERDUE)
    overdue_by_member = list(
        overdue.values_list("member__name").annotate(n=Count("pk")).order_by("-n", "member__name")[:10]
    )
    findings = _counts(reports.exclude(finding=""), "finding")
    cases = _counts(Case.objects.visible_to(user).filter(status__in=OPEN_CASE_STATUSES), "status")
    disputes = _counts(Dispute.objects.visible_to(user).filter(status__in=OPEN_DISPUTE_STATUSES), "status")
    checks = _counts(Site.objects.filter(status=Site.Status.ACTIVE), "check_status")
    backlog = list(
        ReviewItem.objects.filter(status__in=ReviewItem.QUEUE)
        .values_list("member__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "member__name")[:10]
    )
    return {
        "intake": intake,
        "intake_total": sum(intake["totals"]),
        "overdue_tiers": [
            (str(OverdueTier.OVERDUE.label), overdue.filter(overdue_tier=OverdueTier.OVERDUE).count()),
            (str(OverdueTier.VERY_OVERDUE.label), overdue.filter(overdue_tier=OverdueTier.VERY_OVERDUE).count()),
        ],
        "overdue_by_member": overdue_by_member,
        "findings": _by_choice(findings, Finding.choices),
        "verified_total": sum(findings.values()),
        "open_cases": _by_choice(cases, Case.Status.choices, OPEN_CASE_STATUSES),
        "open_cases_total": sum(cases.values()),
        "open_disputes": _by_choice(disputes, Dispute.Status.choices, OPEN_DISPUTE_STATUSES),
        "open_disputes_total": sum(disputes.values()),
        "filing_checks": _by_choice(checks, Site.CheckStatus.choices),
        "filing_failures_total": sum(checks.get(s, 0) for s in FAILED_CHECKS),
        "review_backlog": backlog,
        "review_backlog_total": ReviewItem.objects.filter(status__in=ReviewItem.QUEUE).count(),
    }


def member_figures(member: Member) -> dict[str, Any]:
    """A member's own record: its reports and their deadlines, the share answered late, its evaluation band,
    sanctions and commendations, its filings' checks and its use of the review queue."""
    today = timezone.localdate()
    reports = Report.objects.filter(member=member).exclude(status=Status.DUPLICATE)
    routed = reports.exclude(routed_at=None)
    statuses = _counts(reports, "status")
    labels = trends.month_labels()
    per_month: Counter[str] = Counter()
    for created in reports.filter(created_at__gte=trends.month_start(labels[0])).values_list("created_at", flat=True):
        per_month[trends.month_of(created)] += 1
    late = routed.filter(overdue_tier__gte=OverdueTier.OVERDUE).count()
    routed_count = routed.count()
    deadlines = list(reports.filter(status=Status.WITH_MEMBER).exclude(due_on=None).order_by("due_on", "pk")[:20])
    participation = (
        Participation.objects.filter(member=member)
        .exclude(band="")
        .select_related("round")
        .order_by("-round__number")
        .first()
    )
    sanctions = list(
        Case.objects.filter(member=member, status__in=SANCTION_STATUSES).exclude(measure="").order_by("-decided_on")
    )
    commendations = list(
        Nomination.objects.filter(member=member, status=Nomination.Status.COMMENDED).order_by("-year", "-pk")
    )
    sites = list(Site.objects.filter(member=member, status=Site.Status.ACTIVE).order_by("name"))
    checks = Counter(site.check_status for site in sites)
    review = _counts(ReviewItem.objects.filter(member=member, created_at__gte=timezone.now() - _30_DAYS), "status")
    return {
        "today": today,
        "report_statuses": _by_choice(statuses, [c for c in Status.choices if c[0] != Status.DUPLICATE]),
        "reports_total": sum(statuses.values()),
        "months": labels,
        "per_month": [(_("Reports"), [per_month.get(m, 0) for m in labels])],
        "deadlines": deadlines,
        "routed": routed_count,
        "late": late,
        "late_share": round(100 * late / routed_count) if routed_count else None,
        "participation": participation,
        "sanctions": sanctions,
        "commendations": commendations,
        "sites": sites,
        "filing_checks": _by_choice(dict(checks), Site.CheckStatus.choices),
        "filing_failures": sum(checks.get(s, 0) for s in FAILED_CHECKS),
        "review_usage": _by_choice(review, ReviewItem.Status.choices),
        "review_total": sum(review.values()),
        "review_in_queue": ReviewItem.objects.filter(member=member, status__in=ReviewItem.QUEUE).count(),
    }
