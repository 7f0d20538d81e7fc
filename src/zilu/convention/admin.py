"""Back-office listing of convention versions (read-only: changes go through the staff pages and actions)."""

from django.contrib import admin

from zilu.convention.models import ConventionVersion
from zilu.core.admin_site import ReadOnlyRoleAdmin


@admin.register(ConventionVersion)
class ConventionVersionAdmin(ReadOnlyRoleAdmin):
    """Convention versions."""

    list_display = [
        "number",
        "title",
        "status",
        "effective_date",
        "publication_deadline",
        "published_on",
    ]
    list_filter = ["status"]
    exclude = ["structure"]
