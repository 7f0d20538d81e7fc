"""Portal pages: home, the staff dashboard that gathers every app's pending work, a member's own dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from zilu.convention.models import ConventionVersion
from zilu.core import audit
from zilu.core.errors import NotFound
from zilu.core.roles import Perm, require, signed_in
from zilu.filings.selectors import repeated_failures
from zilu.members.models import Application, Member
from zilu.portal import dashboards
from zilu.reports.models import OverdueTier, Report, Status


def home(request: HttpRequest) -> HttpResponse:
    """The public home page: the convention in force, with an anchor per article."""
    version = ConventionVersion.objects.current()
    return render(
        request,
        "portal/home.html",
        {
            "version": version,
            "parsed": version.parsed if version else None,
            "member_count": Member.objects.filter(status=Member.Status.ACTIVE).count(),
        },
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Staff and supervising department: what needs attention, starting with Art. 21 publication deadlines."""
    require(request.user, Perm.VIEW_DASHBOARD)
    today = timezone.localdate()
    versions = list(ConventionVersion.objects.order_by("-number"))
    return render(
        request,
        "portal/dashboard.html",
        {
            "today": today,
            "versions": versions,
            "overdue": [v for v in versions if v.publication_overdue(today)],
            "no_deadline": [v for v in versions if v.status == "draft" and v.deadline_provisional],
            "late": [v for v in versions if v.published_late],
            "current": ConventionVersion.objects.current(today),
            "members": Member.objects.filter(status=Member.Status.ACTIVE).count(),
            "member_counts": member_counts(),
            "head": audit.head(),
            "filing_failures": list(repeated_failures()[:50]),
            "figures": dashboards.staff_figures(signed_in(request)),
            **report_attention(),
        },
    )


@login_required
def member_dashboard(request: HttpRequest) -> HttpResponse:
    """A member's representative: its member's reports and deadlines, evaluation, sanctions and commendations,
    filings and review-queue usage."""
    require(request.user, Perm.REPRESENT_MEMBER)
    member = signed_in(request).member
    if member is None:
        raise NotFound()
    return render(request, "portal/member_dashboard.html", {"member": member, **dashboards.member_figures(member)})


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for on every site whatever the page links: the static icon."""
    return redirect(static("zilu/favicon.ico"), permanent=True)


def report_attention() -> dict[str, object]:
    """Reports: open counts by where they wait, and the overdue ones, most overdue first."""
    open_reports = Report.objects.open()
    return {
        "report_counts": {
            "staff_queue": open_reports.filter(status=Status.STAFF_QUEUE).count(),
            "with_member": open_reports.filter(status=Status.WITH_MEMBER).count(),
            "responded": open_reports.filter(status=Status.RESPONDED).count(),
        },
        "overdue_reports": list(
            open_reports.filter(status=Status.WITH_MEMBER, overdue_tier__gte=OverdueTier.OVERDUE)
            .select_related("member")
            .order_by("-overdue_tier", "due_on")[:50]
        ),
    }


def member_counts() -> dict[str, int]:
    """Membership status counts, computed from the same records the registry lists."""
    registry = Member.objects.in_registry()
    counts = {status: registry.filter(status=status).count() for status in Member.Status.values}
    counts["pending"] = Application.objects.open().count()
    return counts
