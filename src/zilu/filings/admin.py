"""Back-office pages of filings: read-only (every change goes through the actions and their pages)."""

from django.contrib import admin

from zilu.core.admin_site import ReadOnlyRoleAdmin
from zilu.filings.models import Site, Verification


@admin.register(Site)
class SiteAdmin(ReadOnlyRoleAdmin):
    """Registered websites and apps; members change them on /filings/."""

    list_display = ["name", "member", "kind", "icp_number", "psb_number", "status", "check_status", "last_checked_at"]
    list_filter = ["kind", "status", "check_status"]
    search_fields = ["name", "icp_number", "psb_number", "domains__name"]


@admin.register(Verification)
class VerificationAdmin(ReadOnlyRoleAdmin):
    list_display = ["site", "checked_at", "outcome", "http_status", "final_url"]
    list_filter = ["outcome"]
