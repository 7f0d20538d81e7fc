"""The one notification service: an in-app inbox entry per user, plus e-mail sent after commit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from zilu.core.errors import NotFound
from zilu.core.links import absolute_url
from zilu.core.models import Notification, User
from zilu.core.outbox import enqueue
from zilu.core.roles import Role


@contextmanager
def site_language() -> Iterator[None]:
    """Build stored text (notifications, documents) in the site's language, whatever the request's language is.

    Messages are stored and read later, by people whose language is the site's, so the language of the request that
    caused them (an English API client, say) must not leak into them. :func:`notify` renders lazy text in it itself;
    wrap the building of eagerly translated text (``gettext(...) % {...}``) in this.
    """
    with translation.override(settings.LANGUAGE_CODE):
        yield


def notify(
    users: User | Iterable[User],
    subject: Any,
    body: Any = "",
    *,
    url: str = "",
    kind: str = "general",
) -> list[Notification]:
    """Put a message in each user's inbox and e-mail it after the transaction commits.

    ``subject`` and ``body`` may be lazy translations: they are rendered in the site's language.
    """
    recipients = [users] if isinstance(users, User) else list(users)
    created = []
    with site_language():
        subject, body = str(subject), str(body)
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


def supervising_department() -> QuerySet[User]:
    """The active accounts of the supervising department (never a superuser of the association), for notices to it."""
    return User.objects.filter(role=Role.SUPERVISOR, is_active=True, is_superuser=False)


def do_mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one notification (or, with no id, all of them) of ``user`` as read. Returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        if not Notification.objects.filter(user=user, pk=notification_id).exists():
            raise NotFound()
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


@shared_task(
    name="zilu.core.send_notification_email",
    autoretry_for=(OSError, OperationalError, InterfaceError),  # the mail server, or the database, away a moment
    retry_backoff=True,
    max_retries=12,
)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification to its user, once. Returns whether a message was sent."""

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("user").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None or not notification.user.email:
            return False
        text, html = render_email(notification)
        message = EmailMultiAlternatives(notification.subject, text, None, [notification.user.email])
        message.attach_alternative(html, "text/html")
        message.send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def render_email(notification: Notification) -> tuple[str, str]:
    """The e-mail of a notification as plain text and HTML, in the site's language, every link absolute (built from
    ``ZILU_BASE_URL``: a relative link does not open from a mail client)."""
    with site_language():
        context = {
            "user": notification.user,
            "subject": notification.subject,
            "body": notification.body,
            "link": absolute_url(notification.url) if notification.url else "",
            "home": absolute_url("/"),
            "inbox": absolute_url(reverse("inbox")),
            "account": absolute_url(reverse("account")),
            "language": settings.LANGUAGE_CODE,
        }
        return (
            render_to_string("core/email/notification.txt", context),
            render_to_string("core/email/notification.html", context),
        )
