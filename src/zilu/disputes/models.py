"""Disputes between members and their mediation by the executing body (Art. 19).

Nothing of a dispute is public. Its parties (the members, through their representatives) see everything; the
executing body's staff and the supervising department see a dispute only once a party has asked for mediation,
and its negotiation thread only when, in addition, every party has consented to share it (:meth:`Dispute.thread_
visible_to`). The public sees aggregate counts only (:func:`public_counts`).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zilu.core import deadlines
from zilu.core.actors import Actor
from zilu.core.calendars import ProvisionalDeadlines
from zilu.core.roles import Perm, has_perm
from zilu.core.workflow import RestrictedQuerySet

#: Calendar days the respondents have to answer (counted by core.deadlines, Civil Code arts. 201-203).
ANSWER_DAYS = 15


def answer_deadline(filed_on: date) -> deadlines.Deadline:
    """The day by which the respondents answer a dispute filed on ``filed_on``; provisional beyond the official
    holiday calendar."""
    return deadlines.compute(filed_on, days=ANSWER_DAYS)


class DisputeQuerySet(RestrictedQuerySet["Dispute"]):
    """Disputes, restricted by who may see them (acting on one needs the same, and the step's own rules)."""

    def visible_to(self, user: Actor) -> DisputeQuerySet:
        """A member's representatives see the disputes the member is party to; staff and the supervising
        department see those in which mediation, or referral to people's mediation, was requested; nobody else
        sees any."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        member_id = getattr(user, "member_id", None)
        if member_id and has_perm(user, Perm.FILE_DISPUTES):
            return self.filter(parties__member_id=member_id).distinct()
        if has_perm(user, Perm.VIEW_DISPUTES):
            return self.filter(Q(mediation_requested_at__isnull=False) | Q(referral_requested_at__isnull=False))
        return self.none()


class Dispute(ProvisionalDeadlines, models.Model):
    """A dispute filed by one member (the claimant) against one or more other members (the respondents)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open: the parties negotiate")
        MEDIATION_REQUESTED = "mediation_requested", _("Mediation requested")
        MEDIATING = "mediating", _("In mediation")
        AGREEMENT_PROPOSED = "agreement_proposed", _("Mediation agreement awaiting confirmation")
        SETTLED = "settled", _("Settled by negotiation")
        MEDIATED = "mediated", _("Settled by a mediation agreement")
        FAILED = "failed", _("Mediation failed")
        WITHDRAWN = "withdrawn", _("Withdrawn by a party")
        # Art. 16: people's mediation (人民调解) by a committee outside the association (see peoples.py).
        REFERRED = "referred", _("Referred to a people's mediation committee")
        PEOPLES_SETTLED = "peoples_settled", _("Settled by a people's mediation agreement")
        PEOPLES_FAILED = "peoples_failed", _("People's mediation failed")

    OPEN_STATUSES = (
        Status.OPEN, Status.MEDIATION_REQUESTED, Status.MEDIATING, Status.AGREEMENT_PROPOSED, Status.REFERRED,
    )  # fmt: skip
    CLOSED_STATUSES = (
        Status.SETTLED, Status.MEDIATED, Status.FAILED, Status.WITHDRAWN, Status.PEOPLES_SETTLED,
        Status.PEOPLES_FAILED,
    )  # fmt: skip
    #: From where the executing body may refer a dispute to people's mediation: while it mediates, after its own
    #: mediation failed (it could not settle the dispute), or from the start when a party asked for the referral.
    REFERABLE = (Status.OPEN, Status.MEDIATION_REQUESTED, Status.MEDIATING, Status.FAILED)
    TRANSITIONS: dict[str, set[str]] = {
        Status.OPEN: {Status.MEDIATION_REQUESTED, Status.SETTLED, Status.WITHDRAWN, Status.REFERRED},
        Status.MEDIATION_REQUESTED: {Status.MEDIATING, Status.SETTLED, Status.WITHDRAWN, Status.REFERRED},
        # Back to MEDIATION_REQUESTED: the mediator recused itself or a party's objection was upheld.
        Status.MEDIATING: {
            Status.AGREEMENT_PROPOSED, Status.FAILED, Status.SETTLED, Status.WITHDRAWN, Status.REFERRED,
            Status.MEDIATION_REQUESTED,
        },
        Status.AGREEMENT_PROPOSED: {
            Status.MEDIATED, Status.MEDIATING, Status.FAILED, Status.WITHDRAWN, Status.MEDIATION_REQUESTED,
        },
        Status.SETTLED: set(),
        Status.MEDIATED: set(),
        Status.FAILED: {Status.REFERRED},
        Status.WITHDRAWN: set(),
        Status.REFERRED: {Status.PEOPLES_SETTLED, Status.PEOPLES_FAILED, Status.WITHDRAWN},
        Status.PEOPLES_SETTLED: set(),
        Status.PEOPLES_FAILED: set(),
    }  # fmt: skip
    TRANSITION_ERROR = _("A dispute that is “%(status)s” cannot become “%(target)s”.")

    number = models.PositiveIntegerField(_("number"), unique=True)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.OPEN)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=200)
    facts = models.TextField(_("facts"))
    request = models.TextField(_("what the claimant asks for"))
    # Provisional beyond the official holiday calendar (recomputed by `zilu calendar load`); None for disputes filed
    # beyond it before provisional deadlines existed, until that recompute.
    answer_due_on = models.DateField(_("respondents answer by"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    mediation_requested_at = models.DateTimeField(_("mediation requested at"), null=True, blank=True)
    mediation_requested_by = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mediator_declaration = models.TextField(_("mediator's declaration of no conflict of interest"), blank=True)
    mediator_declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    # What the conflict check found and disclosed to the parties when the mediator was assigned (past cases with a
    # party): not a bar, but the parties see it and may object (peoples.py, MediatorChallenge).
    mediator_disclosures = models.JSONField(_("disclosed by the conflict check"), default=list, blank=True)
    # Art. 16: a party asked for referral to people's mediation (the staff then see the dispute).
    referral_requested_at = models.DateTimeField(_("referral to people's mediation requested at"), null=True,
                                                 blank=True)  # fmt: skip
    referral_requested_by = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement_text = models.TextField(_("mediation agreement"), blank=True)
    agreement_proposed_at = models.DateTimeField(null=True, blank=True)
    settled_terms = models.TextField(_("terms agreed in negotiation"), blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    withdrawn_by = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-number"]

    def __str__(self) -> str:
        # Audit entries show this: a number, never the subject (staff read the audit log).
        return f"Dispute {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def recompute_deadlines(self) -> list[str]:
        """The day to answer by again, from the day the dispute was filed (``zilu calendar load``)."""
        due = answer_deadline(timezone.localdate(self.created_at))
        self.answer_due_on, self.deadline_provisional = due.day, due.provisional
        return ["answer_due_on", "deadline_provisional"]

    def answered_late(self, today: date) -> bool:
        """Whether an answer given on ``today`` is late. Never on a provisional day: a respondent is not marked
        late before the official holiday calendar confirms that its window has ended."""
        return (
            self.answer_due_on is not None
            and not self.deadline_provisional
            and deadlines.is_overdue(self.answer_due_on, today)
        )

    def member_ids(self) -> set[int]:
        return {party.member_id for party in self.parties.all()}

    def is_party(self, user: Actor) -> bool:
        member_id = getattr(user, "member_id", None)
        return bool(member_id) and has_perm(user, Perm.FILE_DISPUTES) and member_id in self.member_ids()

    def party_of(self, user: Actor) -> DisputeParty | None:
        member_id = getattr(user, "member_id", None)
        return next((p for p in self.parties.all() if p.member_id == member_id), None)

    @property
    def thread_shared(self) -> bool:
        """Mediation was requested and every party consented to share the negotiation thread with the mediator."""
        parties = list(self.parties.all())
        return self.mediation_requested_at is not None and bool(parties) and all(p.shares_thread for p in parties)

    def thread_visible_to(self, user: Actor) -> bool:
        """The parties always; staff and the supervising department only when :attr:`thread_shared`."""
        if self.is_party(user):
            return True
        return self.thread_shared and has_perm(user, Perm.VIEW_DISPUTES)


class DisputeParty(models.Model):
    """A member's place in a dispute: the claimant or a respondent, with its answer, consent and confirmation."""

    class Side(models.TextChoices):
        CLAIMANT = "claimant", _("Claimant")
        RESPONDENT = "respondent", _("Respondent")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="dispute_parties")
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    shares_thread = models.BooleanField(_("consents to share the negotiation with the mediator"), default=False)
    confirmed_agreement_at = models.DateTimeField(_("confirmed the agreement at"), null=True, blank=True)
    # The reminder sent once the respondent's answer is late (disputes.actions.reminders).
    answer_reminded_at = models.DateTimeField(_("reminded of the late answer at"), null=True, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["side", "id"]
        constraints = [models.UniqueConstraint(fields=["dispute", "member"], name="disputes_one_party_per_member")]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_side_display()})"


class Message(models.Model):
    """A message in the private negotiation thread; a proposal of terms settles the dispute once every other party
    has accepted it."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    is_proposal = models.BooleanField(_("proposal of terms"), default=False)
    accepted_by = models.ManyToManyField("members.Member", blank=True, related_name="+")
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("negotiation message")
        verbose_name_plural = _("negotiation messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Message {self.pk} of dispute {self.dispute_id}"


class Session(models.Model):
    """A mediation session: when, where (a place or an online link), and its minutes once held."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_recorded_at = models.DateTimeField(_("minutes recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"Session {self.pk} of dispute {self.dispute_id}"


PEOPLES_STATUSES = (Dispute.Status.REFERRED, Dispute.Status.PEOPLES_SETTLED, Dispute.Status.PEOPLES_FAILED)


from zilu.disputes.peoples import Committee, MediatorChallenge, Referral  # noqa: E402, F401  (Art. 16 models)


def public_counts() -> dict[str, int]:
    """Aggregate counts for the public (Art. 19 disputes are confidential; only totals are published)."""
    row = Dispute.objects.aggregate(
        filed=Count("id"),
        open=Count("id", filter=Q(status__in=Dispute.OPEN_STATUSES)),
        mediation=Count("id", filter=Q(mediation_requested_at__isnull=False)),
        settled=Count("id", filter=Q(status=Dispute.Status.SETTLED)),
        mediated=Count("id", filter=Q(status=Dispute.Status.MEDIATED)),
        failed=Count("id", filter=Q(status=Dispute.Status.FAILED)),
        withdrawn=Count("id", filter=Q(status=Dispute.Status.WITHDRAWN)),
        referred=Count("id", filter=Q(status__in=PEOPLES_STATUSES)),
    )
    return {key: int(value or 0) for key, value in row.items()}
