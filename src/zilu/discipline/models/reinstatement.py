"""Reinstatement of a member whose membership was revoked (Art. 18, after a decision).

The convention names no period: a revoked member may apply once ``ZILU_DISCIPLINE_REINSTATEMENT_MONTHS`` months
(12 by default) have passed since the revocation (counted by ``core.deadlines``, Civil Code art. 202); the executing
body's staff grant or refuse the application with reasons; a grant restores the membership through the members
app's own action (:func:`zilu.members.actions.reinstatement.do_reinstate_membership`).

Who sees an application: the staff and the supervising department, and the representatives of the member concerned.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zilu.core import deadlines
from zilu.core.actors import Actor
from zilu.core.roles import Perm, has_perm
from zilu.core.workflow import RestrictedQuerySet


def waiting_period_end(revoked_on: date) -> deadlines.Deadline:
    """The last day of the waiting period after a revocation on ``revoked_on``; the member may apply the day after."""
    return deadlines.compute(revoked_on, months=int(settings.ZILU_DISCIPLINE_REINSTATEMENT_MONTHS))


class ReinstatementQuerySet(RestrictedQuerySet["Reinstatement"]):
    def visible_to(self, user: Actor) -> ReinstatementQuerySet:
        """Staff and the supervising department see all; a member's representatives see the member's own."""
        if has_perm(user, Perm.VIEW_DISCIPLINE):
            return self.all()
        member_id = getattr(user, "member_id", None)
        if member_id and has_perm(user, Perm.ANSWER_DISCIPLINE):
            return self.filter(member_id=member_id)
        return self.none()


class Reinstatement(models.Model):
    """A revoked member's application to be reinstated, and the executing body's decision on it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting the decision")
        GRANTED = "granted", _("Granted: the membership is restored")
        REFUSED = "refused", _("Refused")

    TRANSITIONS: dict[str, set[str]] = {
        Status.SUBMITTED: {Status.GRANTED, Status.REFUSED},
        Status.GRANTED: set(),
        Status.REFUSED: set(),
    }
    TRANSITION_ERROR = _("An application that is “%(status)s” cannot become “%(target)s”.")

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="reinstatements")
    # The decision that revoked the membership (its reference is on the member's record).
    case = models.ForeignKey("discipline.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_on = models.DateField(_("revoked on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    statement = models.TextField(_("why the member should be reinstated (rectification made)"))
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reasons = models.TextField(_("reasons of the decision"), blank=True)

    objects = ReinstatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("application for reinstatement")
        verbose_name_plural = _("applications for reinstatement")
        ordering = ["-applied_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The decision's reference, e.g. ``RI-00003`` (named in the member's restoration)."""
        return f"RI-{self.pk or 0:05d}"
