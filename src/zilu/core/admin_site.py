"""The back office: Django admin, themed, in Chinese, and driven by Zilu's role table rather than Django's
per-model permissions. Workflows never depend on it: its pages are read-only views except where a ModelAdmin
calls an action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import apps as admin_apps
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
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

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """No second sign-in form: Django's admin form checks passwords without the login throttle and admits by
        ``is_staff``, not the role table. Visitors go to the site's sign-in page; signed-in users without the
        back-office right get 403."""
        from django.contrib.auth.views import redirect_to_login  # not at module level: imports the User model

        index = reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return HttpResponseRedirect(index)
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or index)


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
