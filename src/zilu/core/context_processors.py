"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zilu.core.roles import Perm, has_perm, role_of


def zilu(request: HttpRequest) -> dict[str, Any]:
    """The viewer's role, what the header may link to, and the unread-notification count."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.filter(read_at__isnull=True).count()
    return {
        "viewer_role": role_of(user),
        "can_dashboard": has_perm(user, Perm.VIEW_DASHBOARD),
        "can_backoffice": has_perm(user, Perm.VIEW_BACKOFFICE),
        "can_api_keys": has_perm(user, Perm.MANAGE_API_KEYS),
        # Visitors see the entrance too: applying starts with creating an account.
        "can_apply": role_of(user) == "anonymous" or has_perm(user, Perm.APPLY_FOR_MEMBERSHIP),
        # A member's representative has a dashboard of its own member's record (portal.member_dashboard).
        "can_member_dashboard": has_perm(user, Perm.REPRESENT_MEMBER) and getattr(user, "member_id", None) is not None,
        "unread_notifications": unread,
    }
