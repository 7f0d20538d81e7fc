"""The one notification service: an in-app inbox entry per user, plus e-mail sent after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from zilu.core.errors import NotFound
from zilu.core.models import Notification, User
from zilu.core.roles import Role
from zilu.core.tasks import enqueue, send_notification_email


def notify(
    users: User | Iterable[User],
    subject: Any,
    body: Any = "",
    *,
    url: str = "",
    kind: str = "general",
) -> list[Notification]:
    """Put a message in each user's inbox and e-mail it after the transaction commits."""
    recipients = [users] if isinstance(users, User) else list(users)
    created = []
    with transaction.atomic():
        for user in recipients:
            if not user.is_active:
                continue
            notification = Notification.objects.create(
                user=user, subject=str(subject)[:200], body=str(body), url=url, kind=kind
            )
            created.append(notification)
            if user.email:
                enqueue(send_notification_email, notification.pk)
    return created


def executing_body_staff() -> QuerySet[User]:
    """The active accounts of the executing body (staff and the association's superusers), for notices to it."""
    return User.objects.filter(Q(role=Role.STAFF) | Q(is_superuser=True), is_active=True)


def do_mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one notification (or, with no id, all of them) of ``user`` as read. Returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        if not Notification.objects.filter(user=user, pk=notification_id).exists():
            raise NotFound()
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
