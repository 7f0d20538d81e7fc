"""Models of convention governance: amendments (Art. 22), votes of the member units, annexes (Art. 24) and
interpretations (Art. 25).

The tables were created by the convention app, before governance had an app of its own; each model names its table
(``convention_amendment``, ...) so that the move kept every row (migration ``0001``, state only).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zilu.core.actors import Actor
from zilu.core.workflow import RestrictedQuerySet
from zilu.members.models import Member


class PublicRecordQuerySet(RestrictedQuerySet[Any]):
    """Governance records are public acts of the members: everyone sees every amendment, vote, annex and
    interpretation. Who may act on one (a member unit, the proposer, the staff) is decided by the action."""

    def visible_to(self, actor: Actor) -> PublicRecordQuerySet:
        return self.all()


class Amendment(models.Model):
    """A proposed change to the convention in force: the whole amended text, parsed, with reasons.

    The executing body submits directly; a member unit drafts and collects co-signatures of member units until one
    tenth or more of them have signed (Art. 22, "十分之一以上").
    """

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("Collecting co-signatures")
        PROPOSED = "proposed", _("Proposed")
        VOTING = "voting", _("Voting")
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Not adopted")
        WITHDRAWN = "withdrawn", pgettext_lazy("amendment status", "Withdrawn")

    TRANSITIONS: dict[str, set[str]] = {
        Status.COLLECTING: {Status.PROPOSED, Status.WITHDRAWN},
        Status.PROPOSED: {Status.VOTING, Status.WITHDRAWN},
        Status.VOTING: {Status.ADOPTED, Status.REJECTED},
        Status.ADOPTED: set(),
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }
    TRANSITION_ERROR = _("An amendment that is “%(status)s” cannot become “%(target)s”.")

    number = models.PositiveIntegerField(_("amendment number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    reasons = models.TextField(_("reasons"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    base_version = models.ForeignKey("convention.ConventionVersion", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("amended text"))
    structure = models.JSONField(_("parsed structure"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    proposer_member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    threshold_checked_at = models.DateTimeField(_("threshold checked at"), null=True, blank=True)
    threshold_denominator = models.PositiveIntegerField(_("member units at the check"), null=True, blank=True)
    threshold_count = models.PositiveIntegerField(_("co-signatures at the check"), null=True, blank=True)
    new_version = models.OneToOneField(
        "convention.ConventionVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="amendment"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PublicRecordQuerySet.as_manager()

    class Meta:
        db_table = "convention_amendment"
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"No. {self.number} {self.title}"


class CoSignature(models.Model):
    """A member unit's support for putting an amendment proposal to the vote."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="cosignatures")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "convention_cosignature"
        constraints = [models.UniqueConstraint(fields=["amendment", "member"], name="convention_one_cosign_per_unit")]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.amendment_id}"


class Annex(models.Model):
    """A sub-sector self-discipline agreement (Art. 24), adopted by member-unit consent and published as an annex."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        VOTING = "voting", _("Voting")
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", _("Not adopted")

    TRANSITIONS: dict[str, set[str]] = {
        Status.PROPOSED: {Status.VOTING},
        Status.VOTING: {Status.ADOPTED, Status.REJECTED},
        Status.ADOPTED: set(),
        Status.REJECTED: set(),
    }
    # Only opening the vote can be asked for at the wrong time; the vote's result always finds the annex voting.
    TRANSITION_ERROR = _("Only a proposed annex can be put to the vote.")

    number = models.PositiveIntegerField(_("annex number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    sector = models.CharField(_("sub-sector"), max_length=100)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposer_member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PublicRecordQuerySet.as_manager()

    class Meta:
        db_table = "convention_annex"
        verbose_name = _("annex")
        verbose_name_plural = _("annexes")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def adopters(self) -> models.QuerySet[Member]:
        """The member units that agreed to the annex in its vote, once adopted (empty before)."""
        vote = getattr(self, "vote", None)
        if self.status != self.Status.ADOPTED or vote is None or not vote.result:
            return Member.objects.none()
        agreed = [int(pk) for pk, choice in vote.result["roll"].items() if choice == "agree"]
        return Member.objects.filter(pk__in=agreed)


class Vote(models.Model):
    """A vote of the member units on an amendment or an annex. Opening snapshots the electorate; the result is
    agree-votes against the whole electorate, in exact fractions (see :mod:`zilu.governance.tally`)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    TRANSITIONS: dict[str, set[str]] = {Status.OPEN: {Status.CLOSED}, Status.CLOSED: set()}
    TRANSITION_ERROR = _("The vote is already closed.")

    amendment = models.OneToOneField(Amendment, null=True, blank=True, on_delete=models.PROTECT, related_name="vote")
    annex = models.OneToOneField(Annex, null=True, blank=True, on_delete=models.PROTECT, related_name="vote")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    electorate = models.JSONField(_("electorate (member ids)"))
    electorate_hash = models.CharField(_("SHA-256 of the electorate"), max_length=64)
    rule_numerator = models.PositiveSmallIntegerField(default=2)
    rule_denominator = models.PositiveSmallIntegerField(default=3)
    result = models.JSONField(_("result"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = PublicRecordQuerySet.as_manager()

    class Meta:
        db_table = "convention_vote"
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.CheckConstraint(
                name="convention_vote_on_one_thing",
                condition=(Q(amendment__isnull=False) & Q(annex__isnull=True))
                | (Q(amendment__isnull=True) & Q(annex__isnull=False)),
            )
        ]

    def __str__(self) -> str:
        return f"vote {self.pk}"


class Ballot(models.Model):
    """A member unit's current vote; changing it updates the row (every cast is an audit entry)."""

    class Choice(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        ABSTAIN = "abstain", _("Abstain")

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices)
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField(_("cast at"))

    class Meta:
        db_table = "convention_ballot"
        constraints = [models.UniqueConstraint(fields=["vote", "member"], name="convention_one_ballot_per_unit")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.choice}"


class Interpretation(models.Model):
    """An interpretation of an article by the association (Art. 25), shown with the article."""

    number = models.PositiveIntegerField(_("interpretation number"), unique=True)
    article = models.PositiveSmallIntegerField(_("article"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    published_on = models.DateField(_("published on"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    objects = PublicRecordQuerySet.as_manager()

    class Meta:
        db_table = "convention_interpretation"
        verbose_name = _("interpretation")
        verbose_name_plural = _("interpretations")
        ordering = ["article", "number"]

    def __str__(self) -> str:
        return f"No. {self.number} (Art. {self.article})"


class Acknowledgement(models.Model):
    """A member's acknowledgement of a new version of the convention."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("convention.ConventionVersion", on_delete=models.PROTECT, related_name="+")
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "convention_acknowledgement"
        constraints = [models.UniqueConstraint(fields=["member", "version"], name="convention_one_ack_per_version")]

    def __str__(self) -> str:
        return f"{self.member_id} ack v{self.version_id}"
