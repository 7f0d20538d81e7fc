"""Portal pages: home, the reporting entrance, and the staff dashboard that gathers every app's pending work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from zilu.convention.models import ConventionVersion
from zilu.core import audit
from zilu.core.roles import Perm, require
from zilu.members.models import Application, Member


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


def report(request: HttpRequest) -> HttpResponse:
    """The entrance for reporting harmful information (Art. 17). The full channel arrives with the reports issue."""
    return render(request, "portal/report.html")


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
            "no_deadline": [v for v in versions if v.status == "draft" and v.art21_deadline is None],
            "late": [v for v in versions if v.published_late],
            "current": ConventionVersion.objects.current(today),
            "members": Member.objects.filter(status=Member.Status.ACTIVE).count(),
            "member_counts": member_counts(),
            "head": audit.head(),
        },
    )


def member_counts() -> dict[str, int]:
    """Membership status counts, computed from the same records the registry lists."""
    registry = Member.objects.in_registry()
    counts = {status: registry.filter(status=status).count() for status in Member.Status.values}
    counts["pending"] = Application.objects.open().count()
    return counts
