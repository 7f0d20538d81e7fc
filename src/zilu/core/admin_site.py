"""The back office: Django admin, themed, in Chinese, and driven by Zilu's role table rather than Django's
per-model permissions. Workflows never depend on it: its pages are read-only views except where a ModelAdmin
calls an action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import apps as admin_apps
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zilu.core.roles import Perm, has_perm


class ZiluAdminSite(admin.AdminSite):
    """Executing-body staff and superusers may enter; the role table decides, not ``is_staff``."""

    site_header = _("Changping Internet Industry Self-Discipline Convention · Back office")
    site_title = _("Zilu back office")
    index_title = _("Executing body back office")
    site_url = "/staff/"

    def has_permission(self, request: HttpRequest) -> bool:
        return has_perm(request.user, Perm.VIEW_BACKOFFICE)


class ReadOnlyRoleAdmin(admin.ModelAdmin):
    """Viewable by back-office users; no add, change or delete (state changes go through actions)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_perm(request.user, Perm.VIEW_BACKOFFICE)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_perm(request.user, Perm.VIEW_BACKOFFICE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ZiluAdminConfig(admin_apps.AdminConfig):
    """Django admin, with Zilu's role-aware site as the default site."""

    default_site = "zilu.core.admin_site.ZiluAdminSite"
