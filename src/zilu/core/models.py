"""Models of the shared kernel."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zilu.core.querysets import RestrictedQuerySet
from zilu.core.roles import Role

if TYPE_CHECKING:
    from zilu.core.actors import Actor


class User(AbstractUser):
    """A person who signs in. A member representative is linked to exactly one member (unit or individual)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PUBLIC)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representatives",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        # django-stubs types the inherited verbose_name as str, not as a lazy translation
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
        constraints = [
            models.CheckConstraint(
                name="core_user_member_iff_member_role",
                condition=(Q(role=Role.MEMBER) & Q(member__isnull=False))
                | (~Q(role=Role.MEMBER) & Q(member__isnull=True)),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AuditEntry(models.Model):
    """One append-only, hash-chained record of a state change.

    ``hash`` is SHA-256 over the canonical JSON of the entry's content and ``prev_hash`` (the previous entry's
    hash), so changing, deleting, inserting or reordering rows breaks the chain (``zilu audit verify``). On
    PostgreSQL a trigger refuses UPDATE and DELETE on the table. The actor is kept as plain values, not a foreign
    key, so that nothing ever needs to update an entry.
    """

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class Notification(models.Model):
    """An in-app message to one user; also e-mailed when the user has an address."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=50, default="general")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="core_notif_user_read")]

    def __str__(self) -> str:
        return self.subject


class ApiKeyQuerySet(RestrictedQuerySet["ApiKey"]):
    """API keys, restricted by who may see them (``restrict(actor)``)."""

    def visible_to(self, actor: Actor) -> ApiKeyQuerySet:
        """A member representative sees its own member's keys; nobody else sees any."""
        member_id = getattr(actor, "member_id", None)
        if getattr(actor, "is_authenticated", False) and getattr(actor, "role", None) == Role.MEMBER and member_id:
            return self.filter(member_id=member_id)
        return self.none()


class ApiKey(models.Model):
    """A member system's credential for the API. Only a SHA-256 of the secret is stored."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="api_keys")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class StoredFile(models.Model):
    """An uploaded file attached to a record. Stored under a random name outside any web root and served only
    through the protected-file view, which asks the owning record's access rule (see ``core.files``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    owner_id = models.CharField(max_length=64)
    purpose = models.CharField(_("purpose"), max_length=50)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=100, unique=True)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="core_file_owner")]

    def __str__(self) -> str:
        return self.original_name


class OutboxMessage(models.Model):
    """A background task to send to the broker, written in the same transaction as the change that asks for it.

    After the commit the message is sent and marked ``sent_at``; if the broker was unreachable, or the process died
    between the commit and the send, the periodic drain (``zilu.core.outbox.drain_outbox``) sends it later. So work
    that must not be lost (notifications, webhook deliveries, sweeps) survives a broker outage. A message can be sent
    twice (sent, then the process dies before marking it), so every task is idempotent.
    """

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="core_outbox_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)!r}"


class CacheEntry(models.Model):
    """The table of Django's database cache (``zilu_cache``), the embedded default's cache shared by every process of
    one installation (see ``CACHES`` in settings). Declared as a model so that migrations create it: the columns are
    those of ``manage.py createcachetable``. Nothing in Zilu reads it through the ORM."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "zilu_cache"
        verbose_name = _("cache entry")
        verbose_name_plural = _("cache entries")

    def __str__(self) -> str:
        return self.cache_key


class HolidayYear(models.Model):
    """One year of the State Council's holiday schedule (放假安排), loaded with ``zilu calendar load`` for a year the
    ``chinese_calendar`` package does not know yet. Stored so that every process of the installation uses it (see
    :mod:`zilu.core.calendars`); the days are ISO dates mapped to the holiday's name."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    holidays = models.JSONField(_("days off"), default=dict)
    workdays = models.JSONField(_("adjusted working days"), default=dict)
    source = models.CharField(_("source"), max_length=300, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
