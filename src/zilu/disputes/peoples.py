"""Models of people's mediation (人民调解, Art. 16) and of the mediator's independence.

- :class:`Committee`: the people's mediation committees (人民调解委员会) a dispute can be referred to. A list the
  executing body's staff keep (back office and API), since the same few committees (the district's, the
  sub-districts', an industry committee) take every referral and the referral letter needs their exact name.
- :class:`Referral`: one per dispute. The executing body refers a dispute it could not settle, or whose party asked
  for it, with a referral letter (PDF); it records the committee's outcome (agreement, with the agreement document
  uploaded, or failure) and, for an agreement, the parties' request for judicial confirmation (司法确认) to a people's
  court within 30 days (People's Mediation Law art. 33; the day is computed by ``core.deadlines``).
- :class:`MediatorChallenge`: a recusal by the association's mediator, or a party's objection to it, and its outcome.

They live with the dispute (``disputes.models`` imports them), under the dispute's confidentiality: whoever may see
the dispute sees its referral and challenges; nobody else.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zilu.core import deadlines

#: Days the parties have to ask a people's court to confirm a people's mediation agreement (人民调解法 art. 33).
CONFIRMATION_DAYS = 30


def confirmation_deadline(agreed_on: date) -> deadlines.Deadline:
    """The last day to apply for judicial confirmation of an agreement reached on ``agreed_on``."""
    return deadlines.compute(agreed_on, days=CONFIRMATION_DAYS)


class Committee(models.Model):
    """A people's mediation committee (人民调解委员会) that takes referrals from the executing body."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("takes referrals"), default=True)

    class Meta:
        verbose_name = _("people's mediation committee")
        verbose_name_plural = _("people's mediation committees")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    """The referral of a dispute to a people's mediation committee, its outcome and its judicial confirmation."""

    class Ground(models.TextChoices):
        NOT_SETTLED = "not_settled", _("The executing body could not settle the dispute")
        PARTIES_ASKED = "parties_asked", _("A party asked for people's mediation")

    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred, awaiting the committee's outcome")
        AGREED = "agreed", _("Agreement reached before the committee")
        FAILED = "failed", _("No agreement before the committee")
        CONFIRMATION_FILED = "confirmation_filed", _("Judicial confirmation requested")
        CONFIRMED = "confirmed", _("Agreement confirmed by the court")
        REJECTED = "rejected", _("Judicial confirmation refused")

    TRANSITIONS: dict[str, set[str]] = {
        Status.REFERRED: {Status.AGREED, Status.FAILED},
        Status.AGREED: {Status.CONFIRMATION_FILED},
        Status.FAILED: set(),
        Status.CONFIRMATION_FILED: {Status.CONFIRMED, Status.REJECTED},
        Status.CONFIRMED: set(),
        Status.REJECTED: set(),
    }
    TRANSITION_ERROR = _("A referral that is “%(status)s” cannot become “%(target)s”.")

    dispute = models.OneToOneField("disputes.Dispute", on_delete=models.CASCADE, related_name="referral")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="referrals")
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices)
    note = models.TextField(_("what the executing body asks of the committee"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REFERRED)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField(_("referred on"))
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    outcome_note = models.TextField(_("the committee's outcome"), blank=True)
    confirmation_due = models.DateField(_("apply for judicial confirmation by"), null=True, blank=True)
    court = models.CharField(_("people's court"), max_length=200, blank=True)
    confirmation_filed_on = models.DateField(_("judicial confirmation requested on"), null=True, blank=True)
    confirmation_result_on = models.DateField(_("court's ruling on"), null=True, blank=True)
    confirmation_note = models.TextField(_("the court's ruling"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("referral to people's mediation")
        verbose_name_plural = _("referrals to people's mediation")

    def __str__(self) -> str:
        return f"Referral of dispute {self.dispute_id}"


class MediatorChallenge(models.Model):
    """A mediator's recusal (回避), or a party's objection to the mediator decided by another member of staff."""

    class Kind(models.TextChoices):
        RECUSAL = "recusal", _("Recusal by the mediator")
        OBJECTION = "objection", _("Objection by a party")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld: the mediator stands down")
        REJECTED = "rejected", _("Rejected: the mediator continues")

    TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.UPHELD, Status.REJECTED},
        Status.UPHELD: set(),
        Status.REJECTED: set(),
    }
    TRANSITION_ERROR = _("An objection that is “%(status)s” cannot become “%(target)s”.")

    dispute = models.ForeignKey("disputes.Dispute", on_delete=models.CASCADE, related_name="challenges")
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    raised_by = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reasons of the decision"), blank=True)
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("challenge to the mediator")
        verbose_name_plural = _("challenges to the mediator")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Challenge {self.pk} of dispute {self.dispute_id}"
