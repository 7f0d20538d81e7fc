"""Discipline cases against members and the notices their decisions publish (Art. 18).

Who sees what is decided here, in the querysets:

- a case: the executing body's staff and the supervising department, always; the member's own representatives once a
  measure is proposed to it (the investigation before that is internal); nobody else, other members included;
- a notice: the public sees the listed notices of the public measures; an internal notice reaches only the
  representatives of active members, the staff and the supervising department;
- the retaliation flag (Art. 20, :attr:`Case.supervisor_review`): the supervising department only. The executing
  body must not learn from it that the member complained, so no page, API answer or audit entry readable by staff
  carries it.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zilu.core import deadlines
from zilu.core.actors import Actor
from zilu.core.calendars import ProvisionalDeadlines
from zilu.core.roles import Perm, has_perm
from zilu.core.workflow import RestrictedQuerySet
from zilu.discipline import articles as article_refs
from zilu.discipline.ladder import HEAVY, Measure, listing_months
from zilu.reports.models import Report


class Source(models.TextChoices):
    """What a case starts from."""

    REPORTS = "reports", _("Reports verified true")
    INVESTIGATION = "investigation", _("Investigation by the executing body")
    EVALUATION = "evaluation", _("Finding of an evaluation")
    FILING_CHECK = "filing_check", _("Repeated filing-check failures")


def response_deadline(proposed_on: date) -> deadlines.Deadline:
    """The member's last day to answer a measure proposed on ``proposed_on`` (``ZILU_DISCIPLINE_RESPONSE_DAYS``
    working days); provisional beyond the official holiday calendar."""
    return deadlines.compute(proposed_on, working_days=int(settings.ZILU_DISCIPLINE_RESPONSE_DAYS))


def appeal_deadline(decided_on: date) -> deadlines.Deadline:
    """The member's last day to appeal a decision of ``decided_on`` (``ZILU_DISCIPLINE_APPEAL_DAYS`` working days)."""
    return deadlines.compute(decided_on, working_days=int(settings.ZILU_DISCIPLINE_APPEAL_DAYS))


def listing_deadline(published_on: date, measure: str) -> deadlines.Deadline:
    """The last day a notice of ``measure`` published on ``published_on`` is listed: the measure's months of
    ``ZILU_DISCIPLINE_LISTING_MONTHS_BY_MEASURE`` (:func:`zilu.discipline.ladder.listing_months`)."""
    return deadlines.compute(published_on, months=listing_months()[measure])


class CaseQuerySet(RestrictedQuerySet["Case"]):
    """Cases, restricted by who may see them (acting on one needs the same, and the action's own permission)."""

    def visible_to(self, user: Actor) -> CaseQuerySet:
        """Staff and the supervising department see every case; a member's representatives see the member's own
        cases once a measure was proposed; nobody else sees any."""
        if has_perm(user, Perm.VIEW_DISCIPLINE):
            return self.all()
        member_id = getattr(user, "member_id", None)
        if member_id and has_perm(user, Perm.ANSWER_DISCIPLINE):
            return self.filter(member_id=member_id, proposed_at__isnull=False)
        return self.none()

    def strikes(self) -> CaseQuerySet:
        """Cases whose decided measure counts on the member's record (decided, under appeal or final)."""
        return self.filter(status__in=Case.COUNTING)


class Case(ProvisionalDeadlines, models.Model):
    """A discipline case against one member: facts, articles breached, evidence, the proposed measure, the member's
    answer, the decision and its effects, and the appeal (one per decision)."""

    Source = Source
    Measure = Measure

    class Status(models.TextChoices):
        OPEN = "open", _("Open: under investigation")
        PROPOSED = "proposed", _("Measure proposed, awaiting the member's answer")
        ANSWERED = "answered", _("Answered by the member")
        CONSIDERED = "considered", _("Answer considered, awaiting the decision")
        DECIDED = "decided", _("Decided, open to appeal")
        APPEALED = "appealed", _("Appealed by the member")
        FINAL = "final", _("Final")
        ANNULLED = "annulled", _("Annulled on appeal")
        DROPPED = "dropped", _("Closed without a measure")

    TRANSITIONS: dict[str, set[str]] = {
        Status.OPEN: {Status.PROPOSED, Status.DROPPED},
        Status.PROPOSED: {Status.ANSWERED, Status.CONSIDERED},
        Status.ANSWERED: {Status.CONSIDERED},
        Status.CONSIDERED: {Status.DECIDED, Status.DROPPED},
        Status.DECIDED: {Status.APPEALED, Status.FINAL},
        Status.APPEALED: {Status.FINAL, Status.ANNULLED},
        Status.FINAL: set(),
        Status.ANNULLED: set(),
        Status.DROPPED: set(),
    }
    TRANSITION_ERROR = _("A case that is “%(status)s” cannot become “%(target)s”.")
    COUNTING = (Status.DECIDED, Status.APPEALED, Status.FINAL)
    OPEN_STATUSES = (Status.OPEN, Status.PROPOSED, Status.ANSWERED, Status.CONSIDERED)

    class AppealOutcome(models.TextChoices):
        DISMISSED = "dismissed", _("Appeal dismissed: the decision stands")
        ANNULLED = "annulled", _("Appeal upheld: the decision is annulled")
        # Art. 18 read with the rule that a remedy never makes things worse for the one who uses it: only a lighter
        # measure that is not more public (decisions.do_decide_appeal).
        VARIED = "varied", _("Appeal partly upheld: a lighter measure replaces the decision's")

    number = models.PositiveIntegerField(_("number"), unique=True)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="discipline_cases")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_note = models.CharField(_("source reference"), max_length=300, blank=True)
    reports = models.ManyToManyField("reports.Report", blank=True, related_name="discipline_cases")
    participation = models.ForeignKey(
        "discipline.Participation", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    convention_version = models.ForeignKey("convention.ConventionVersion", on_delete=models.PROTECT, related_name="+")
    articles = models.JSONField(_("articles breached"), default=list)
    facts = models.TextField(_("facts"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    # Art. 20: the member complained about the executing body recently. Shown to the supervising department ONLY.
    supervisor_review = models.BooleanField(default=False)
    # Facts verified in the case itself (when no verified-true report carries them): by whom, how, on what evidence.
    facts_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    facts_verified_at = models.DateTimeField(_("facts verified at"), null=True, blank=True)
    verification_note = models.TextField(_("how the facts were verified"), blank=True)
    # The proposal (the member is told and may answer until response_due).
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    suggested_measure = models.CharField(_("measure the record suggests"), max_length=20, blank=True)
    lighter_reason = models.TextField(_("why a lighter measure than the record suggests"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    # Provisional beyond the official holiday calendar (deadline_provisional, for response_due and appeal_due): the
    # member is not held to it, and silence is not recorded, until `zilu calendar load` recomputes it.
    response_due = models.DateField(_("answer by"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    answer = models.TextField(_("the member's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    silent = models.BooleanField(_("the window passed without an answer"), default=False)
    consideration = models.TextField(_("how the answer was considered"), blank=True)
    considered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    considered_at = models.DateTimeField(_("considered at"), null=True, blank=True)
    # Four eyes for the heaviest measures: a second member of staff, not the proposer, approves.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_note = models.TextField(_("approval note"), blank=True)
    # The decision.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    published_facts = models.TextField(_("facts as verified (published)"), blank=True)
    appeal_due = models.DateField(_("appeal by"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("membership revoked at"), null=True, blank=True)
    # The appeal (one per decision).
    appeal = models.TextField(_("appeal"), blank=True)
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    appeal_outcome = models.CharField(_("appeal outcome"), max_length=20, choices=AppealOutcome.choices, blank=True)
    # The measure first decided, when the appeal varied it (``measure`` then holds the varied one).
    original_measure = models.CharField(_("measure first decided"), max_length=20, choices=Measure.choices,
                                        blank=True)  # fmt: skip
    appeal_reasons = models.TextField(_("reasons of the appeal decision"), blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_decided_at = models.DateTimeField(_("appeal decided at"), null=True, blank=True)
    closing_note = models.TextField(_("why the case was closed without a measure"), blank=True)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("discipline case")
        verbose_name_plural = _("discipline cases")
        ordering = ["-number"]

    def __str__(self) -> str:
        # Audit entries show this: the reference only.
        return self.reference

    @property
    def reference(self) -> str:
        """The decision's reference, e.g. ``DC-00012`` (named in the revocation of a membership)."""
        return f"DC-{self.number:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_heavy(self) -> bool:
        return self.measure in HEAVY

    @property
    def rests_on_verified_facts(self) -> bool:
        """A linked report verified true, or facts verified in the case with evidence (:func:`do_verify_facts`)."""
        if self.facts_verified_at is not None:
            return True
        return self.reports.filter(status=Report.Status.CLOSED, finding=Report.Finding.VERIFIED_TRUE).exists()

    @property
    def articles_label(self) -> str:
        """The articles breached as the convention cites them: 第十二条第（五）项、第十七条."""
        return article_refs.label(self.articles)

    def is_for(self, user: Actor) -> bool:
        """Whether ``user`` represents the member concerned."""
        return (
            bool(getattr(user, "member_id", None))
            and user.member_id == self.member_id
            and has_perm(user, Perm.ANSWER_DISCIPLINE)
        )

    def window_open(self, today: date | None = None) -> bool:
        """Whether the member may still answer (the last day counts in full, Civil Code art. 203; a provisional last
        day never closes the window)."""
        today = today or timezone.localdate()
        return self.response_due is None or self.deadline_provisional or today <= self.response_due

    def appeal_window_open(self, today: date | None = None) -> bool:
        """Whether the member may still appeal (as :meth:`window_open`, for the appeal)."""
        today = today or timezone.localdate()
        return self.appeal_due is None or self.deadline_provisional or today <= self.appeal_due

    def recompute_deadlines(self) -> list[str]:
        """The days to answer and to appeal by again, from the day of the proposal and of the decision (``zilu
        calendar load``)."""
        fields, provisional = [], False
        if self.proposed_at is not None:
            response = response_deadline(timezone.localdate(self.proposed_at))
            self.response_due, provisional = response.day, response.provisional
            fields.append("response_due")
        if self.decided_on is not None:
            appeal = appeal_deadline(self.decided_on)
            self.appeal_due, provisional = appeal.day, provisional or appeal.provisional
            fields.append("appeal_due")
        self.deadline_provisional = provisional
        return [*fields, "deadline_provisional"]


class NoticeQuerySet(RestrictedQuerySet["Notice"]):
    def listed(self, today: date | None = None) -> NoticeQuerySet:
        """Notices within their listing period and not withdrawn."""
        today = today or timezone.localdate()
        return self.filter(withdrawn_at__isnull=True, published_on__lte=today, listed_until__gte=today)

    def visible_to(self, user: Actor, today: date | None = None) -> NoticeQuerySet:
        """Public notices for everyone; internal notices also for representatives of active members, the staff and
        the supervising department."""
        public = self.listed(today).filter(audience=Notice.Audience.PUBLIC)
        if has_perm(user, Perm.VIEW_DISCIPLINE):
            return self.listed(today)
        if has_perm(user, Perm.READ_INTERNAL_NOTICES) and _active_member(user):
            return self.listed(today)
        return public


def _active_member(user: Actor) -> bool:
    member = getattr(user, "member", None)
    return member is not None and member.status == "active"


class Notice(ProvisionalDeadlines, models.Model):
    """What a decision publishes, copied when it is published: the member, the articles breached, the facts as
    verified, the measure and the date. Pages read notices, never cases, so they can show nothing else."""

    class Audience(models.TextChoices):
        PUBLIC = "public", _("The public")
        MEMBERS = "members", _("Member representatives only")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="notice")
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    member_name = models.CharField(_("member"), max_length=200)
    member_number = models.CharField(_("member number"), max_length=20, blank=True)
    articles = models.JSONField(_("articles breached"), default=list)
    articles_label = models.CharField(_("articles breached"), max_length=300)
    facts = models.TextField(_("facts as verified"))
    decision_reference = models.CharField(_("decision"), max_length=20)
    decided_on = models.DateField(_("decided on"))
    published_on = models.DateField(_("published on"))
    listed_until = models.DateField(_("listed until"))
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("why it was withdrawn"), blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("sanction notice")
        verbose_name_plural = _("sanction notices")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return f"{self.decision_reference} · {self.member_name}"

    def recompute_deadlines(self) -> list[str]:
        """The end of the listing again, from the day of publication (``zilu calendar load``)."""
        listed = listing_deadline(self.published_on, self.measure)
        self.listed_until, self.deadline_provisional = listed.day, listed.provisional
        return ["listed_until", "deadline_provisional"]
