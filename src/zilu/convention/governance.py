"""Models of convention governance: amendments (Art. 22), votes of the member units, annexes (Art. 24) and
interpretations (Art. 25)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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

    class Meta:
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

    number = models.PositiveIntegerField(_("annex number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    sector = models.CharField(_("sub-sector"), max_length=100)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    proposer_member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("annex")
        verbose_name_plural = _("annexes")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def adopters(self) -> models.QuerySet:
        """The member units that agreed to the annex in its vote, once adopted (empty before)."""
        from zilu.members.models import Member

        vote = getattr(self, "vote", None)
        if self.status != self.Status.ADOPTED or vote is None or not vote.result:
            return Member.objects.none()
        agreed = [int(pk) for pk, choice in vote.result["roll"].items() if choice == "agree"]
        return Member.objects.filter(pk__in=agreed)


class Vote(models.Model):
    """A vote of the member units on an amendment or an annex. Opening snapshots the electorate; the result is
    agree-votes against the whole electorate, in exact fractions (see ``convention.votes``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

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

    class Meta:
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

    class Meta:
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
        constraints = [models.UniqueConstraint(fields=["member", "version"], name="convention_one_ack_per_version")]

    def __str__(self) -> str:
        return f"{self.member_id} ack v{self.version_id}"
