"""Back-office pages of the kernel: users (superusers only), the audit log and API keys (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zilu.core.admin_site import ReadOnlyRoleAdmin
from zilu.core.audit import exclude_sealed
from zilu.core.models import ApiKey, AuditEntry, User
from zilu.core.roles import Perm, Role, has_perm


@admin.register(User)
class ZiluUserAdmin(UserAdmin):
    """Accounts and roles. Only superusers manage accounts."""

    list_display = ["username", "first_name", "role", "member", "is_active", "is_superuser"]
    list_filter = ["role", "is_active", "is_superuser"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Zilu role"), {"fields": ("role", "member", "phone")}),
    )

    def _allowed(self, request: HttpRequest) -> bool:
        return has_perm(request.user, Perm.MANAGE_USERS)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        # The supervising department's accounts are managed apart from the executing body (``zilu supervisors``,
        # see docs/workflows/oversight.md): the back office neither lists nor edits them.
        return super().get_queryset(request).exclude(role=Role.SUPERVISOR)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role":
            kwargs["choices"] = [(value, label) for value, label in Role.choices if value != Role.SUPERVISOR]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyRoleAdmin):
    """The audit log, read-only."""

    list_display = [
        "seq",
        "created_at",
        "actor_label",
        "role",
        "action",
        "object_type",
        "object_repr",
    ]
    list_filter = ["role", "object_type"]
    search_fields = ["action", "object_id", "actor_label", "request_id"]
    date_hierarchy = "created_at"

    def get_queryset(self, request: HttpRequest) -> Any:
        # The back office is the executing body's: sealed entries (Art. 20 complaints) are not listed, counted or
        # searchable here; the supervising department reads them on /staff/audit/.
        return exclude_sealed(super().get_queryset(request))


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyRoleAdmin):
    """Member API keys (hashes only), read-only."""

    list_display = ["name", "member", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    exclude = ["key_hash"]
