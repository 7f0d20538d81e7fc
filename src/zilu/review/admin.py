"""Back-office listing of sweeps (read-only). Members' submitted content is not listed here: only the member's own
reviewers read it, on the review pages."""

from django.contrib import admin

from zilu.core.admin_site import ReadOnlyRoleAdmin
from zilu.review.models import Sweep


@admin.register(Sweep)
class SweepAdmin(ReadOnlyRoleAdmin):
    """Takedown sweeps and their progress."""

    list_display = ["pk", "status", "reason", "processed", "total", "notices", "created_at", "finished_at"]
    list_filter = ["status"]
