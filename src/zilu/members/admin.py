"""Back-office pages of membership: read-only views (every change goes through the actions and their pages)."""

from django.contrib import admin

from zilu.core.admin_site import ReadOnlyRoleAdmin
from zilu.members.models import Application, Bulletin, Member, Signature, Withdrawal


@admin.register(Member)
class MemberAdmin(ReadOnlyRoleAdmin):
    """Members, read-only: changes go through the membership actions."""

    list_display = ["name", "kind", "uscc", "status", "joined_on"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "uscc"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyRoleAdmin):
    """Applications; decisions are taken on /staff/applications/."""

    list_display = ["name", "kind", "uscc", "status", "outside_changping", "created_at"]
    list_filter = ["status", "kind", "outside_changping"]
    search_fields = ["name", "uscc"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyRoleAdmin):
    list_display = ["member", "convention_version", "signer_name", "signer_capacity", "signed_on"]


@admin.register(Withdrawal)
class WithdrawalAdmin(ReadOnlyRoleAdmin):
    list_display = ["member", "notified_on", "effective_on", "applied_at"]


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyRoleAdmin):
    list_display = ["number", "period", "published_on", "corrects"]
