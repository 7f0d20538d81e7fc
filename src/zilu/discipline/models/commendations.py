"""Commendations (评优, Art. 18): nominations of member units or individuals, by the staff or by members, with
reasons; a review decision; and the public commendation notice. A member under an active sanction cannot be
commended while the sanction counts on its record (see :func:`zilu.discipline.record.active_strikes`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zilu.core.actors import Actor
from zilu.core.roles import Perm, has_perm
from zilu.core.workflow import RestrictedQuerySet


class NominationQuerySet(RestrictedQuerySet["Nomination"]):
    def visible_to(self, user: Actor) -> NominationQuerySet:
        """Staff and the supervising department see every nomination; others the ones they made."""
        if has_perm(user, Perm.VIEW_DISCIPLINE):
            return self.all()
        if getattr(user, "is_authenticated", False) and getattr(user, "pk", None):
            return self.filter(nominated_by=user)
        return self.none()

    def commended(self) -> NominationQuerySet:
        """The public commendation notices."""
        return self.filter(status=Nomination.Status.COMMENDED)


class Nomination(models.Model):
    """A nomination for commendation, and (when commended) its public notice."""

    class NomineeKind(models.TextChoices):
        UNIT = "unit", _("A member unit")
        INDIVIDUAL = "individual", _("An individual")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated, awaiting review")
        COMMENDED = "commended", _("Commended")
        DECLINED = "declined", _("Not commended")

    TRANSITIONS: dict[str, set[str]] = {
        Status.NOMINATED: {Status.COMMENDED, Status.DECLINED},
        Status.COMMENDED: set(),
        Status.DECLINED: set(),
    }
    TRANSITION_ERROR = _("This nomination is already decided.")

    year = models.PositiveIntegerField(_("year"))
    nominee_kind = models.CharField(_("nominee"), max_length=20, choices=NomineeKind.choices)
    # The member unit nominated, or for an individual the member it belongs to (or the individual member itself).
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="nominations"
    )
    nominee_name = models.CharField(_("name of the nominee"), max_length=200)
    reasons = models.TextField(_("reasons"))
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOMINATED)
    citation = models.TextField(_("public citation"), blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_at = models.DateTimeField(_("nominated at"), auto_now_add=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Nomination {self.pk} · {self.nominee_name}"
