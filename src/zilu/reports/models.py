"""Reports of illegal and harmful information, the members' responses and the staff's verification.

A report's reporter (the account, if any, and the optional contact details) is private to the executing body and
the supervising department: nothing that a member or the public can reach carries those fields (see ``selectors``
and the member/public serialisers, which are built from an explicit list of fields).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zilu.core.actors import Actor
from zilu.core.calendars import ProvisionalDeadlines
from zilu.core.roles import Perm, has_perm
from zilu.core.workflow import RestrictedQuerySet


class Category(models.TextChoices):
    """What is reported. The taxonomy follows the convention's articles (Art. 9, 12, 13, 15, 17)."""

    PORNOGRAPHY = "pornography", _("Pornography or obscenity")
    GAMBLING = "gambling", _("Gambling")
    DRUGS = "drugs", _("Drugs, weapons or other illegal goods")
    FRAUD = "fraud", _("Fraud or scams")
    RUMOR = "rumor", _("Rumor or false information")
    CLICKBAIT = "clickbait", _("Clickbait headline")
    MALWARE = "malware", _("Malware or malicious link")
    INFRINGEMENT = "infringement", _("Infringement of intellectual property")
    PERSONAL_INFO = "personal_info", _("Leak of personal information")
    MISCONDUCT = "misconduct", _("A member's misconduct under the convention")
    OTHER = "other", _("Other harmful information")


class Status(models.TextChoices):
    STAFF_QUEUE = "staff_queue", _("With the executing body")
    WITH_MEMBER = "with_member", _("Awaiting the member's response")
    RESPONDED = "responded", _("Member responded, awaiting verification")
    CLOSED = "closed", _("Closed")
    DUPLICATE = "duplicate", _("Merged with an earlier report")


class Finding(models.TextChoices):
    """The executing body's verification (Art. 18 builds sanctions on VERIFIED_TRUE)."""

    VERIFIED_TRUE = "verified_true", _("Verified true")
    PARTLY_TRUE = "partly_true", _("Partly true")
    NOT_TRUE = "not_true", _("Not true")
    NOT_VERIFIABLE = "not_verifiable", _("Not verifiable")


class ResponseAction(models.TextChoices):
    REMOVED = "removed", _("Removed the information")
    CORRECTED = "corrected", _("Corrected the information")
    NOT_HARMFUL = "not_harmful", _("Not harmful (with reasons)")
    NOT_OURS = "not_ours", _("Not ours")


class OverdueTier(models.IntegerChoices):
    ON_TIME = 0, _("On time")
    OVERDUE = 1, _("Overdue")
    VERY_OVERDUE = 2, _("Very overdue")


def tracking_number(pk: int) -> str:
    """The number printed for the reporter: the primary key, so that concurrent submissions never collide."""
    return f"JB{pk:08d}"


def parse_tracking_number(value: str) -> int | None:
    """The primary key behind a tracking number such as ``JB00000042`` (None when it is not one)."""
    value = value.strip().upper()
    if not value.startswith("JB") or not value[2:].isdigit() or len(value) > 14:
        return None
    return int(value[2:])


class ReportQuerySet(RestrictedQuerySet["Report"]):
    """Reports, restricted by who may see and act on them. A reporter follows a report with its lookup code (see
    ``actions.lookup``), not through these; what each audience may see OF a report is decided in ``selectors``."""

    def visible_to(self, actor: Actor) -> ReportQuerySet:
        """The executing body and the supervising department see every report; a member's representatives see the
        member's queue (:meth:`for_member`); nobody else sees any."""
        if has_perm(actor, Perm.VIEW_REPORTS):
            return self.all()
        member_id = getattr(actor, "member_id", None)
        if member_id and has_perm(actor, Perm.RESPOND_TO_REPORTS):
            return self.for_member(member_id)
        return self.none()

    def changeable_by(self, actor: Actor) -> ReportQuerySet:
        """The executing body acts on every report (the supervising department on none); a member's representatives
        answer the reports routed to the member."""
        if has_perm(actor, Perm.HANDLE_REPORTS):
            return self.all()
        member_id = getattr(actor, "member_id", None)
        if member_id and has_perm(actor, Perm.RESPOND_TO_REPORTS):
            return self.filter(member_id=member_id)
        return self.none()

    def open(self) -> ReportQuerySet:
        return self.filter(status__in=[Status.STAFF_QUEUE, Status.WITH_MEMBER, Status.RESPONDED])

    def verified_true(self) -> ReportQuerySet:
        """Reports whose facts the executing body verified true: what discipline cases rest on (Art. 18)."""
        return self.filter(status=Status.CLOSED, finding=Finding.VERIFIED_TRUE)

    def for_member(self, member: Any) -> ReportQuerySet:
        """What a member's queue holds: the reports routed to it, never duplicates (their original is listed)."""
        return self.filter(member=member).exclude(status=Status.DUPLICATE)


class Report(ProvisionalDeadlines, models.Model):
    Status = Status
    Category = Category
    Finding = Finding

    lookup_hash = models.CharField(max_length=64, editable=False)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    matched_by = models.CharField(_("matched by"), max_length=20, blank=True)
    target = models.CharField(_("where the information is"), max_length=500, blank=True)
    target_domain = models.CharField(max_length=253, blank=True, db_index=True)
    description = models.TextField(_("description"))
    fingerprint = models.CharField(max_length=64, db_index=True)
    # The description as the duplicate search compares it (abuse.normalise): PostgreSQL ranks the candidates on it
    # with pg_trgm. NULL for reports from before the column (the search folds those itself); nullable so that adding
    # it is an ALTER TABLE ADD COLUMN on SQLite too, not a copy of the table.
    description_folded = models.TextField(null=True, blank=True, editable=False)  # noqa: DJ001
    # The reporter: private to the executing body and the supervising department.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports_filed"
    )
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), max_length=254, blank=True)
    # The reporter confirmed the e-mail address by its link (reports.reporter_email) and gets status updates until
    # it stops them. Private like the address itself: never on what a member or the public can reach.
    email_verified_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    email_stopped_at = models.DateTimeField(_("e-mail updates stopped at"), null=True, blank=True)
    client_key = models.CharField(max_length=64, blank=True, editable=False)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates")
    duplicate_count = models.PositiveIntegerField(_("similar reports merged"), default=0)
    routed_at = models.DateTimeField(_("routed at"), null=True, blank=True)
    due_on = models.DateField(_("response due"), null=True, blank=True)
    very_overdue_on = models.DateField(_("very overdue from"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    overdue_tier = models.PositiveSmallIntegerField(
        _("overdue"), choices=OverdueTier.choices, default=OverdueTier.ON_TIME
    )
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    finding_note = models.TextField(_("verification note"), blank=True)
    public_outcome = models.TextField(_("public outcome"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)

    objects = ReportQuerySet.as_manager()

    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.STAFF_QUEUE: frozenset({Status.WITH_MEMBER, Status.CLOSED}),
        Status.WITH_MEMBER: frozenset({Status.RESPONDED, Status.STAFF_QUEUE, Status.CLOSED}),
        Status.RESPONDED: frozenset({Status.WITH_MEMBER, Status.CLOSED}),
        Status.CLOSED: frozenset(),
        Status.DUPLICATE: frozenset(),
    }
    TRANSITION_ERROR = _("A report that is “%(status)s” cannot become “%(target)s”.")

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["member", "status"]),
            # The duplicate search (reports.intake.find_duplicate) reads the newest reports of one target within the
            # window: one index per way a target is named, ending in created_at, so that it reads at most the
            # hundred rows it compares however large the table grows.
            models.Index(fields=["member", "created_at"], name="reports_member_created_idx"),
            models.Index(fields=["target_domain", "created_at"], name="reports_domain_created_idx"),
            models.Index(
                Upper("target"), "created_at", name="reports_target_created_idx", condition=Q(duplicate_of=None)
            ),
            models.Index(
                fields=["created_at"],
                name="reports_untargeted_created_idx",
                condition=Q(duplicate_of=None, member=None, target=""),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="reports_routed_has_member",
                condition=~Q(status__in=["with_member", "responded"]) | Q(member__isnull=False),
            ),
            models.CheckConstraint(
                name="reports_closed_has_finding",
                condition=~Q(status="closed") | ~Q(finding=""),
            ),
            models.CheckConstraint(
                name="reports_duplicate_links_original",
                condition=~Q(status="duplicate") | Q(duplicate_of__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    def recompute_deadlines(self) -> list[str]:
        """The due and very-overdue dates again from the day the report reached the member (``zilu calendar load``
        calls this for every provisional report; so does the overdue task before it marks one)."""
        from zilu.reports import routing  # routing imports this module

        if self.routed_at is not None:
            dates = routing.deadlines_for(self.category, timezone.localdate(self.routed_at))
            self.due_on, self.very_overdue_on = dates.due_on, dates.very_overdue_on
            self.deadline_provisional = dates.provisional
        else:
            self.deadline_provisional = False
        return ["due_on", "very_overdue_on", "deadline_provisional"]

    @property
    def tracking_number(self) -> str:
        return tracking_number(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in (Status.STAFF_QUEUE, Status.WITH_MEMBER, Status.RESPONDED)

    @property
    def emails_updates(self) -> bool:
        """Whether status updates go to the reporter's confirmed e-mail address."""
        return bool(self.contact_email and self.email_verified_at and not self.email_stopped_at)


class MemberResponse(models.Model):
    """What the member did about a report (Art. 17: rectify what the public reports)."""

    Action = ResponseAction

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="report_responses")
    action = models.CharField(_("what was done"), max_length=20, choices=ResponseAction.choices)
    explanation = models.TextField(_("explanation"))
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("responded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member response")
        verbose_name_plural = _("member responses")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_action_display()}"


class ReportEvent(models.Model):
    """The report's history as the reporter and the public may see it (no names, no private notes)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=20, choices=Status.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.status}"
