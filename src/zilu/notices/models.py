"""Notices of infringement of intellectual property and declarations of non-infringement (Art. 12(3)).

The procedure is the one the law sets for network service providers (Civil Code arts. 1195-1196; Regulations on the
Protection of the Right to Network Dissemination of Information arts. 14-17; E-commerce Law art. 43 for the period):

1. a right holder, signed in and identified (real name and resident ID number or unified social credit code), files a
   notice against content at a URL of one of a member's registered sites, with the work, the proof of its rights and
   a signed statement that it answers for a wrong notice (art. 1195 para. 3); Zilu routes it to the member;
2. the member takes the necessary measures (or says why it takes none) and forwards the notice to its user;
3. the member records the user's declaration of non-infringement, with preliminary evidence; Zilu forwards it to the
   right holder and tells it that it may complain to the competent department or sue in a people's court;
4. unless the right holder records, within ``ZILU_NOTICES_WAIT_DAYS`` (15) days, that it has complained or sued, the
   measures end (the periodic sweep, :func:`zilu.notices.actions.end_due_measures`).

Who sees what is said once, in :class:`NoticeQuerySet` and :meth:`Notice.audience`; what each side receives of the
other is what the law makes part of the notice or the declaration (docs/workflows/notice-and-takedown.md).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zilu.core import deadlines
from zilu.core.actors import Actor
from zilu.core.calendars import ProvisionalDeadlines
from zilu.core.roles import Perm, has_perm
from zilu.core.workflow import RestrictedQuerySet

# Files attached to a notice, by purpose.
PROOF = "proof"  # the right holder's proof of its rights (and of the infringement)
DECLARATION_EVIDENCE = "declaration"  # the user's preliminary evidence of non-infringement
ACTION_PROOF = "action"  # proof that the right holder complained or sued


def response_deadline(routed_on: date) -> deadlines.Deadline:
    """The day by which the member records its measure (or why it takes none): ``ZILU_NOTICES_RESPONSE_DAYS``
    working days after the notice reached it; the law says "promptly" (及时), the setting makes it a number."""
    return deadlines.compute(routed_on, working_days=int(settings.ZILU_NOTICES_RESPONSE_DAYS))


def wait_deadline(forwarded_on: date) -> deadlines.Deadline:
    """The last day on which the right holder may tell that it complained or sued, counted from the day the
    declaration was forwarded to it (``ZILU_NOTICES_WAIT_DAYS``, 15 by default: E-commerce Law art. 43)."""
    return deadlines.compute(forwarded_on, days=int(settings.ZILU_NOTICES_WAIT_DAYS))


class Audience(models.TextChoices):
    """Who is looking at a notice: decides which fields show (:meth:`Notice.audience`)."""

    HOLDER = "holder", _("The sender of the notice")
    MEMBER = "member", _("The member concerned")
    STAFF = "staff", _("The executing body")


class NoticeQuerySet(RestrictedQuerySet["Notice"]):
    """Notices, restricted by who may see them (acting needs the same, and the step's own rules)."""

    def visible_to(self, actor: Actor) -> NoticeQuerySet:
        """The sender sees its own notices; the member concerned (its representatives) the notices against it;
        staff and the supervising department all of them; nobody else any (not another member, not the public)."""
        if not getattr(actor, "is_authenticated", False):
            return self.none()
        if has_perm(actor, Perm.VIEW_IP_NOTICES):
            return self.all()
        condition = Q(pk__in=[])
        user_id = getattr(actor, "pk", None)
        if user_id is not None and has_perm(actor, Perm.FILE_IP_NOTICES):
            condition |= Q(filed_by_id=user_id)
        member_id = getattr(actor, "member_id", None)
        if member_id and has_perm(actor, Perm.ANSWER_IP_NOTICES):
            condition |= Q(member_id=member_id)
        return self.filter(condition)

    def open(self) -> NoticeQuerySet:
        return self.filter(status__in=Notice.OPEN_STATUSES)


class Notice(ProvisionalDeadlines, models.Model):
    """A right holder's notice against content on a member's site, and everything that follows it."""

    class Status(models.TextChoices):
        WITH_MEMBER = "with_member", _("With the member: measures to take")
        MEASURE_TAKEN = "measure_taken", _("Measures taken, notice forwarded to the user")
        DECLINED = "declined", _("No measure taken")
        DECLARATION_FORWARDED = "declaration_forwarded", _("Declaration of non-infringement forwarded")
        ACTION_NOTIFIED = "action_notified", _("Complaint or suit notified: measures kept")
        ENDED = "ended", _("Measures ended")
        WITHDRAWN = "withdrawn", _("Withdrawn by the sender")

    class HolderKind(models.TextChoices):
        PERSON = "person", _("Natural person")
        ORGANIZATION = "organization", _("Organization")

    class Right(models.TextChoices):
        COPYRIGHT = "copyright", _("Copyright or a related right")
        TRADEMARK = "trademark", _("Trademark")
        PATENT = "patent", _("Patent")
        OTHER = "other", _("Other intellectual property")

    class Measure(models.TextChoices):
        DELETE = "delete", _("Deleted")
        BLOCK = "block", _("Blocked")
        DISCONNECT = "disconnect", _("Link disconnected")
        OTHER = "other", _("Other necessary measure")

    class Forwarding(models.TextChoices):
        TO_USER = "to_user", _("Forwarded to the user")
        PUBLISHED = "published", _("Published on the site: the user's address could not be found (art. 15)")

    class Action(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint to the competent department")
        SUIT = "suit", _("Suit in a people's court")

    OPEN_STATUSES = (Status.WITH_MEMBER, Status.MEASURE_TAKEN, Status.DECLARATION_FORWARDED)
    # The measure stands (the notice was upheld by the member and not answered, or the holder went to the authorities).
    UPHELD_STATUSES = (Status.MEASURE_TAKEN, Status.DECLARATION_FORWARDED, Status.ACTION_NOTIFIED)
    TRANSITIONS: dict[str, set[str]] = {
        Status.WITH_MEMBER: {Status.MEASURE_TAKEN, Status.DECLINED, Status.WITHDRAWN},
        Status.MEASURE_TAKEN: {Status.DECLARATION_FORWARDED, Status.WITHDRAWN},
        Status.DECLARATION_FORWARDED: {Status.ACTION_NOTIFIED, Status.ENDED, Status.WITHDRAWN},
        Status.DECLINED: set(),
        Status.ACTION_NOTIFIED: set(),
        Status.ENDED: set(),
        Status.WITHDRAWN: set(),
    }
    TRANSITION_ERROR = _("A notice that is “%(status)s” cannot become “%(target)s”.")

    number = models.PositiveIntegerField(_("number"), unique=True)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.WITH_MEMBER)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="ip_notices")
    site = models.ForeignKey("filings.Site", on_delete=models.PROTECT, related_name="+")
    # What is complained of (art. 14(2)): where, and which work.
    location = models.URLField(_("location of the content"), max_length=1000)
    location_key = models.CharField(max_length=1000, editable=False)  # how duplicates are found (see actions)
    work = models.CharField(_("the work or subject matter"), max_length=300)
    right = models.CharField(_("right"), max_length=20, choices=Right.choices)
    description = models.TextField(_("how the content infringes"))
    # The right holder's real identity and contact (art. 14(1)); the ID number is never shown in full to the member.
    holder_kind = models.CharField(_("kind of right holder"), max_length=20, choices=HolderKind.choices)
    holder_name = models.CharField(_("right holder's name"), max_length=200)
    holder_id_number = models.CharField(_("resident ID number or unified social credit code"), max_length=18)
    holder_phone = models.CharField(_("contact phone"), max_length=20)
    holder_email = models.EmailField(_("e-mail"), blank=True)
    holder_address = models.CharField(_("address"), max_length=300)
    signature = models.CharField(_("signed by"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"))
    # The member's answer.
    respond_by = models.DateField(_("measures to be recorded by"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    measure = models.CharField(_("measure taken"), max_length=20, choices=Measure.choices, blank=True)
    measure_note = models.TextField(_("about the measure"), blank=True)
    forwarding = models.CharField(_("forwarding to the user"), max_length=20, choices=Forwarding.choices, blank=True)
    # The member's own reference of its user (an account id): counts repeat infringers; the sender never sees it.
    user_ref = models.CharField(_("the user's account at the member's site"), max_length=200, blank=True)
    user_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    declined_reason = models.TextField(_("why no measure was taken"), blank=True)
    # The user's declaration of non-infringement (art. 16): identity and contact go to the right holder.
    declarant_name = models.CharField(_("user's name"), max_length=200, blank=True)
    declarant_contact = models.CharField(_("user's contact"), max_length=200, blank=True)
    declarant_address = models.CharField(_("user's address"), max_length=300, blank=True)
    declaration = models.TextField(_("declaration of non-infringement"), blank=True)
    declared_at = models.DateTimeField(_("declaration recorded at"), null=True, blank=True)
    wait_until = models.DateField(_("complaint or suit to be notified by"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    # The right holder's complaint or suit.
    action = models.CharField(_("complaint or suit"), max_length=20, choices=Action.choices, blank=True)
    action_authority = models.CharField(_("department or court"), max_length=200, blank=True)
    action_reference = models.CharField(_("reference"), max_length=200, blank=True)
    action_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("intellectual-property notice")
        verbose_name_plural = _("intellectual-property notices")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["filed_by", "location_key"],
                condition=Q(status__in=["with_member", "measure_taken", "declaration_forwarded"]),
                name="notices_one_open_notice_per_sender_and_location",
            )
        ]

    def __str__(self) -> str:
        # Audit entries show this: a number, never the sender or the content.
        return f"IP notice {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def recompute_deadlines(self) -> list[str]:
        """Both deadlines again, from the day the notice was filed and the day the declaration was forwarded
        (``zilu calendar load``)."""
        provisional = False
        if self.respond_by is not None:
            respond = response_deadline(timezone.localdate(self.created_at))
            self.respond_by, provisional = respond.day, respond.provisional
        if self.wait_until is not None and self.declared_at is not None:
            wait = wait_deadline(timezone.localdate(self.declared_at))
            self.wait_until, provisional = wait.day, provisional or wait.provisional
        self.deadline_provisional = provisional
        return ["respond_by", "wait_until", "deadline_provisional"]

    def audience(self, actor: Actor) -> str | None:
        """Whose view of the notice ``actor`` gets: staff (and the supervising department) see everything; the
        sender and the member concerned what the law forwards to them. None for anyone else."""
        if has_perm(actor, Perm.VIEW_IP_NOTICES):
            return Audience.STAFF
        if getattr(actor, "pk", None) == self.filed_by_id and has_perm(actor, Perm.FILE_IP_NOTICES):
            return Audience.HOLDER
        member_id = getattr(actor, "member_id", None)
        if member_id and member_id == self.member_id and has_perm(actor, Perm.ANSWER_IP_NOTICES):
            return Audience.MEMBER
        return None

    @property
    def masked_id_number(self) -> str:
        """The holder's identifier as the member sees it: a resident ID masked (first 6 and last 4 kept); a unified
        social credit code is public and shown in full."""
        if self.holder_kind == self.HolderKind.PERSON and len(self.holder_id_number) == 18:
            return self.holder_id_number[:6] + "********" + self.holder_id_number[-4:]
        return self.holder_id_number

    def responded_late(self) -> bool:
        """Whether the member answered after its day (never judged on a provisional day)."""
        if self.respond_by is None or self.deadline_provisional:
            return False
        answered = timezone.localdate(self.responded_at) if self.responded_at else timezone.localdate()
        return self.responded_at is not None and deadlines.is_overdue(self.respond_by, answered)
