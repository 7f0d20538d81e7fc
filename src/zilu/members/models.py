"""Members of the convention, their applications, signatures, withdrawals, and the join/withdraw bulletins
(Art. 4, 5, 21, 23)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zilu.core.actors import Actor
from zilu.core.models import User
from zilu.core.roles import Perm, Role, has_perm
from zilu.core.workflow import RestrictedQuerySet


class Kind(models.TextChoices):
    """Art. 5: member units of the association and institutions registered in Changping, or individuals; Art. 13:
    internet access venues (上网场所), units that also hold a 网络文化经营许可证 and run premises."""

    UNIT = "unit", _("Member unit")
    INDIVIDUAL = "individual", _("Individual member")
    VENUE = "venue", _("Internet access venue")


#: The kinds that are units (成员单位): they have a unified social credit code, sign with a seal and count among
#: the member units of Art. 22.
UNIT_KINDS = (Kind.UNIT, Kind.VENUE)


class MemberQuerySet(models.QuerySet["Member"]):
    """Members, with the registry's public view."""

    def in_registry(self) -> MemberQuerySet:
        """What the public registry lists: every member that has a number (active, withdrawn or revoked)."""
        return self.exclude(number__isnull=True)

    def active_representatives(self) -> QuerySet[User]:
        """The active representative accounts of every member in this queryset: who is told about their records."""
        return User.objects.filter(member__in=self, role=Role.MEMBER, is_active=True)


class Member(models.Model):
    """A signatory of the convention: a unit or an individual. Private fields (individuals' resident ID and phone,
    addresses) never leave the platform's staff pages and the member's own account pages."""

    Kind = Kind

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", pgettext_lazy("member status", "Withdrawn")
        REVOKED = "revoked", _("Membership revoked")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("member number"), max_length=20, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(_("joined on"))
    registered_address = models.CharField(_("registered address"), max_length=300, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    resident_id = models.CharField(_("resident ID number"), max_length=18, blank=True)
    statement = models.TextField(_("work in the industry"), blank=True)
    outside_changping_reason = models.TextField(_("why the institution qualifies"), blank=True)
    # Internet access venues (Art. 13) only: the premises, their 网络文化经营许可证 and who runs them.
    venue_name = models.CharField(_("venue name"), max_length=200, blank=True)
    venue_licence = models.CharField(_("internet culture business licence number"), max_length=40, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    venue_operator = models.CharField(_("venue operator"), max_length=100, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_reference = models.CharField(_("revocation decision"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["number", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=Q(status="active") & ~Q(uscc=""),
                name="members_one_active_member_per_uscc",
            ),
            models.CheckConstraint(
                name="members_unit_has_uscc",
                condition=Q(kind="individual") | ~Q(uscc=""),
            ),
            models.CheckConstraint(
                name="members_venue_has_licence",
                condition=~Q(kind="venue") | ~Q(venue_licence=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def active_representatives(self) -> QuerySet[User]:
        """The member's active representative accounts."""
        return User.objects.filter(member=self, role=Role.MEMBER, is_active=True)

    @property
    def is_unit(self) -> bool:
        """Units and internet access venues (both have a USCC and count as member units)."""
        return self.kind in UNIT_KINDS

    @property
    def is_venue(self) -> bool:
        return self.kind == Kind.VENUE


class ApplicationQuerySet(RestrictedQuerySet["Application"]):
    """Applications, restricted by who may see them (``restrict(actor)``)."""

    def visible_to(self, actor: Actor) -> ApplicationQuerySet:
        """Staff and the supervising department see all; an applicant sees only its own."""
        if has_perm(actor, Perm.VIEW_APPLICATIONS):
            return self.all()
        if getattr(actor, "is_authenticated", False):
            return self.filter(applicant=actor)
        return self.none()

    def open(self) -> ApplicationQuerySet:
        return self.filter(status__in=Application.OPEN)


class Application(models.Model):
    """An application to join the convention (Art. 4), from a unit or an individual (Art. 5)."""

    Kind = Kind

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting review")
        INFO_REQUESTED = "info_requested", _("More information requested")
        APPROVED = "approved", _("Approved, awaiting signature")
        REJECTED = "rejected", _("Rejected")
        SIGNED = "signed", _("Signed")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.SUBMITTED, Status.INFO_REQUESTED, Status.APPROVED)
    TRANSITIONS: dict[str, set[str]] = {
        Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.INFO_REQUESTED, Status.CANCELLED},
        Status.INFO_REQUESTED: {Status.SUBMITTED, Status.CANCELLED},
        Status.APPROVED: {Status.SIGNED, Status.CANCELLED},
        Status.REJECTED: set(),
        Status.SIGNED: set(),
        Status.CANCELLED: set(),
    }
    TRANSITION_ERROR = _("An application that is “%(status)s” cannot become “%(target)s”.")

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(_("kind of applicant"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    registered_address = models.CharField(_("registered address"), max_length=300, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    resident_id = models.CharField(_("resident ID number"), max_length=18, blank=True)
    statement = models.TextField(_("work in the industry"), blank=True)
    outside_changping = models.BooleanField(_("registered outside Changping"), default=False)
    qualification_note = models.TextField(_("why the institution qualifies"), blank=True)
    # Internet access venues (Art. 13) only: the premises, their 网络文化经营许可证 and who runs them.
    venue_name = models.CharField(_("venue name"), max_length=200, blank=True)
    venue_licence = models.CharField(_("internet culture business licence number"), max_length=40, blank=True)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    venue_operator = models.CharField(_("venue operator"), max_length=100, blank=True)
    info_request = models.TextField(_("information requested"), blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="applications")
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=Q(status__in=["submitted", "info_requested", "approved"]) & ~Q(uscc=""),
                name="members_one_open_application_per_uscc",
            ),
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(status__in=["submitted", "info_requested", "approved"]),
                name="members_one_open_application_per_applicant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class Signature(models.Model):
    """The signing of an exact convention version (the signature block at the end of the convention)."""

    class Capacity(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
        DELEGATE = "delegate", _("Authorised delegate")
        SELF = "self", _("In person (individual member)")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="signatures")
    # Empty for the founding signatories of Art. 21, who signed before Zilu and never applied.
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="signature"
    )
    convention_version = models.ForeignKey("convention.ConventionVersion", on_delete=models.PROTECT, related_name="+")
    convention_sha256 = models.CharField(_("SHA-256 of the version signed"), max_length=64)
    signer_name = models.CharField(_("signer"), max_length=100)
    signer_capacity = models.CharField(_("capacity"), max_length=30, choices=Capacity.choices)
    responsible_person = models.CharField(_("responsible person"), max_length=100)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    signed_on = models.DateField(_("signing date"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.member} · {self.signed_on}"


class Withdrawal(models.Model):
    """A member's notice of withdrawal (Art. 23), effective on the date it gives (not before the notice)."""

    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="withdrawal")
    notified_on = models.DateField(_("notified on"))
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"), blank=True)
    notified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("took effect at"), null=True, blank=True)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-effective_on"]

    def __str__(self) -> str:
        return f"{self.member} · {self.effective_on}"


class Bulletin(models.Model):
    """A published list of the members who joined and withdrew in a period (Art. 23). Immutable once published;
    a correction is a new bulletin that references the one it corrects."""

    number = models.PositiveIntegerField(_("bulletin number"), unique=True)
    period = models.CharField(_("period"), max_length=10, db_index=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    entries = models.JSONField(_("entries"))
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("corrects")
    )
    note = models.TextField(_("note"), blank=True)
    # An interim bulletin lists the current period so far (up to ``period_end``, the day it was published): the
    # public sees who joined or left before the period ends. The period's final bulletin follows when it ends.
    interim = models.BooleanField(_("interim"), default=False)
    published_on = models.DateField(_("published on"))
    published_by_label = models.CharField(_("published by"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"No. {self.number} ({self.period})"


class VenueAssessmentQuerySet(RestrictedQuerySet["VenueAssessment"]):
    """Venue self-assessments: the executing body and the supervising department see all, a venue's
    representatives see the venue's own; only the executing body reviews them."""

    def visible_to(self, actor: Actor) -> VenueAssessmentQuerySet:
        if has_perm(actor, Perm.VIEW_MEMBER_PRIVATE):
            return self.all()
        member_id = getattr(actor, "member_id", None)
        if member_id and has_perm(actor, Perm.SELF_ASSESS):
            return self.filter(member_id=member_id)
        return self.none()

    def changeable_by(self, actor: Actor) -> VenueAssessmentQuerySet:
        return self.all() if has_perm(actor, Perm.RUN_EVALUATIONS) else self.none()


class VenueAssessment(models.Model):
    """An internet access venue's self-assessment of minors' protection and civil internet use (Art. 13): its
    answers to the venue items (:data:`zilu.members.venues.VENUE_ITEMS`) and the figures behind them, reviewed
    by the executing body. A returned assessment stays as it was; the venue submits a new one."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for correction")

    TRANSITIONS: dict[str, set[str]] = {
        Status.SUBMITTED: {Status.ACCEPTED, Status.RETURNED},
        Status.ACCEPTED: set(),
        Status.RETURNED: set(),
    }
    TRANSITION_ERROR = _("A self-assessment that is “%(status)s” cannot become “%(target)s”.")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="venue_assessments")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    opening_hours = models.CharField(_("opening hours"), max_length=20)
    session_limit_minutes = models.PositiveIntegerField(_("continuous-use limit (minutes)"))
    filtering_system = models.CharField(_("content filtering system"), max_length=200)
    answers = models.JSONField(_("answers"), default=dict)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = VenueAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue self-assessment")
        verbose_name_plural = _("venue self-assessments")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.member} · {self.submitted_at:%Y-%m-%d}"
