"""Back-office pages for members (read-mostly until the membership workflows land)."""

from django.contrib import admin

from zilu.core.admin_site import ReadOnlyRoleAdmin
from zilu.members.models import Member


@admin.register(Member)
class MemberAdmin(ReadOnlyRoleAdmin):
    """Members, read-only: changes go through the membership actions."""

    list_display = ["name", "kind", "uscc", "status", "joined_on"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "uscc"]
