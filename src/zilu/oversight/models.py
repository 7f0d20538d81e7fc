"""Complaints about the executing body to its supervising department (Art. 20), the department's requests for an
explanation, and the audit chain heads published every day.

Confidentiality is enforced here, in the querysets: :meth:`ComplaintQuerySet.visible_to` gives the supervising
department every complaint and a member its own, and gives the executing body's staff and superusers NOTHING (no
list, no record, no count). Staff see only :class:`ExplanationRequest` rows, which name what they must answer and
the complainant only when the complainant consented.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zilu.core import deadlines, signatures
from zilu.core.actors import Actor
from zilu.core.audit import Anchor
from zilu.core.calendars import ProvisionalDeadlines
from zilu.core.roles import Perm, has_perm
from zilu.core.signing import public_key_info
from zilu.core.workflow import RestrictedQuerySet

#: Calendar days the executing body has to answer a request for an explanation (core.deadlines).
EXPLANATION_DAYS = 15


def explanation_deadline(requested_on: date) -> deadlines.Deadline:
    """The day by which the executing body answers a request made on ``requested_on``; provisional beyond the
    official holiday calendar."""
    return deadlines.compute(requested_on, days=EXPLANATION_DAYS)


def new_reference() -> str:
    """A random reference (``OV-`` and 8 hex digits): unlike a sequence number, it does not reveal how many
    complaints exist."""
    return "OV-" + secrets.token_hex(4).upper()


class ComplaintQuerySet(RestrictedQuerySet["Complaint"]):
    """Complaints, restricted by who may see them (acting on one needs the same, and the step's permission)."""

    def visible_to(self, user: Actor) -> ComplaintQuerySet:
        """The supervising department sees all; a member's representatives see the member's own; nobody else
        (staff and superusers included) sees any."""
        if has_perm(user, Perm.HANDLE_COMPLAINTS):
            return self.all()
        member_id = getattr(user, "member_id", None)
        if member_id and has_perm(user, Perm.FILE_COMPLAINTS):
            return self.filter(complainant_id=member_id)
        return self.none()


class Complaint(models.Model):
    """A member's complaint about a decision, an act or a staff member of the executing body (Art. 20)."""

    class Target(models.TextChoices):
        DECISION = "decision", _("A decision of the executing body")
        ACT = "act", _("An act of the executing body")
        STAFF_MEMBER = "staff_member", _("A member of its staff")

    class Status(models.TextChoices):
        FILED = "filed", _("Filed, awaiting acknowledgement")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the supervising department")
        INVESTIGATING = "investigating", _("Under investigation")
        CONCLUDED = "concluded", _("Concluded")

    TRANSITIONS: dict[str, set[str]] = {
        Status.FILED: {Status.ACKNOWLEDGED},
        Status.ACKNOWLEDGED: {Status.INVESTIGATING, Status.CONCLUDED},
        Status.INVESTIGATING: {Status.CONCLUDED},
        Status.CONCLUDED: set(),
    }
    TRANSITION_ERROR = _("A complaint that is “%(status)s” cannot become “%(target)s”.")

    reference = models.CharField(_("reference"), max_length=16, unique=True, default=new_reference)
    complainant = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    target = models.CharField(_("about"), max_length=20, choices=Target.choices)
    target_reference = models.CharField(
        _("decision, case or link concerned"), max_length=500, help_text=_("A link or the reference of the decision")
    )
    staff_named = models.CharField(_("staff member concerned"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    facts = models.TextField(_("facts"))
    request = models.TextField(_("what the complainant asks for"), blank=True)
    discloses_identity = models.BooleanField(
        _("the complainant consents to its identity being shown to the executing body"), default=False
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.FILED)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    investigation_started_at = models.DateTimeField(_("investigation started at"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    corrections = models.TextField(_("corrections required of the executing body"), blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint about the executing body")
        verbose_name_plural = _("complaints about the executing body")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["complainant", "created_at"], name="oversight_complainant_time")]

    def __str__(self) -> str:
        # Audit entries show this: the reference, never the subject or the complainant.
        return self.reference


class ExplanationRequestQuerySet(RestrictedQuerySet["ExplanationRequest"]):
    def visible_to(self, user: Actor) -> ExplanationRequestQuerySet:
        """The supervising department and the executing body (which must answer) see the requests."""
        if has_perm(user, Perm.HANDLE_COMPLAINTS) or has_perm(user, Perm.ANSWER_EXPLANATIONS):
            return self.all()
        return self.none()


class ExplanationRequest(ProvisionalDeadlines, models.Model):
    """The supervising department asks the executing body to explain something. This is all the executing body
    sees of a complaint: the questions, the due date and, only with the complainant's consent, who complained."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="explanation_requests")
    questions = models.TextField(_("what the executing body must answer"))
    due_on = models.DateField(_("answer by"), null=True, blank=True)  # None: no day set (corrections to report on)
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # Copied at request time from the complaint when (and only when) the complainant consented.
    disclosed_complainant = models.CharField(_("complainant"), max_length=200, blank=True)
    answer = models.TextField(_("explanation"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = ExplanationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request for an explanation")
        verbose_name_plural = _("requests for an explanation")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Explanation request {self.pk}"

    def recompute_deadlines(self) -> list[str]:
        """The day to answer by again, from the day of the request (``zilu calendar load``)."""
        if self.due_on is not None:
            due = explanation_deadline(timezone.localdate(self.requested_at))
            self.due_on, self.deadline_provisional = due.day, due.provisional
        else:
            self.deadline_provisional = False
        return ["due_on", "deadline_provisional"]


HEAD_FORMAT = "zilu-audit-head/1"


class PublishedHead(models.Model):
    """The audit chain head as published on a day (the periodic task publishes one a day): anyone can keep the
    list and later check, with ``zilu audit verify --head``, that history up to it was not rewritten."""

    day = models.DateField(_("day"), unique=True)
    seq = models.PositiveBigIntegerField(_("entries"))
    hash = models.CharField(_("head hash"), max_length=64)
    # The head signed with the platform's Ed25519 key (core.signing): {"payload": {format, day, seq, hash},
    # "signature": {...}}. Whoever can rewrite the database and recompute the chain cannot re-sign the heads.
    # Empty for heads published before heads were signed.
    signature = models.JSONField(_("signature"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("published audit head")
        verbose_name_plural = _("published audit heads")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} #{self.seq} {self.hash}"

    def payload(self) -> dict[str, object]:
        """What the signature covers."""
        return {"format": HEAD_FORMAT, "day": self.day.isoformat(), "seq": self.seq, "hash": self.hash}


def published_anchors() -> list[Anchor]:
    """Every published head as an anchor of the audit chain (``zilu audit verify`` checks them by default), its
    signature checked with the platform's key."""
    key = public_key_info()["public_key"]
    return [
        Anchor(head.seq, head.hash, f"published on {head.day}", _signature_holds(head, key))
        for head in PublishedHead.objects.order_by("day")
    ]


def _signature_holds(head: PublishedHead, key: str) -> bool | None:
    if not head.signature:
        return None
    try:
        payload = signatures.verify(head.signature, key)
    except signatures.SignatureError:
        return False
    return payload == head.payload()
