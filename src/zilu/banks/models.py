"""The shared signal banks (Art. 10, 16): entries with provenance, curation, members' opinions and a versioned
change log per bank, from which members sync their own installations of the engine."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zilu.core.actors import Actor
from zilu.core.roles import Perm, has_perm
from zilu.core.workflow import RestrictedQuerySet


class Bank(models.TextChoices):
    """The kinds of bank the exchange holds."""

    TERMS = "terms", _("Terms")
    ALLOW = "allow", _("Allow-list words")
    DOMAINS = "domains", _("Harmful domains and URL prefixes")
    RUMORS = "rumors", _("Rumor claims")
    HASHES = "hashes", _("File hashes")
    IMAGES = "images", _("Images (PDQ perceptual hashes)")
    VIDEOS = "videos", _("Videos (vPDQ frame hashes)")


#: Banks matched within a Hamming distance (``BankState.threshold``).
PERCEPTUAL_BANKS = (Bank.IMAGES, Bank.VIDEOS)


class BankState(models.Model):
    """One row per bank: its current version, the high-water mark of its change log. Locked to number changes."""

    bank = models.CharField(_("bank"), max_length=20, choices=Bank.choices, unique=True)
    version = models.PositiveBigIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)
    # Image and video banks: the largest Hamming distance between PDQ hashes counted as a match (PDQ's 31 by
    # default; 0-128). Set by the staff (``banks.actions.do_set_threshold``); served with the sync.
    threshold = models.PositiveSmallIntegerField(_("match distance threshold"), default=31)

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("banks")
        ordering = ["bank"]

    def __str__(self) -> str:
        return f"{self.bank} v{self.version}"


class EntryQuerySet(RestrictedQuerySet["Entry"]):
    """Entries, restricted by who may see them (``restrict(actor)``)."""

    def visible_to(self, actor: Actor) -> EntryQuerySet:
        """Staff and the supervising department see every entry; a member sees the active and disabled ones and
        its own contributions; others see nothing."""
        if has_perm(actor, Perm.CURATE_BANKS) or (has_perm(actor, Perm.READ_BANKS) and not actor.member_id):
            return self.all()
        if not has_perm(actor, Perm.READ_BANKS):
            return self.none()
        return self.filter(
            Q(status__in=[Entry.Status.ACTIVE, Entry.Status.DISABLED]) | Q(contributed_by_member_id=actor.member_id)
        )

    def served(self) -> EntryQuerySet:
        """The entries the platform's screener and the sync serve."""
        return self.filter(status=Entry.Status.ACTIVE)


class Entry(models.Model):
    """One bank entry. ``key`` is its identity within the bank (the term, the word, the canonical domain or URL
    prefix, the SHA-256 of the normalised claim, ``sha256:<hex>``/``md5:<hex>``, ``pdq:<hex>`` for an image,
    ``vpdq:<SHA-256 of the sorted frame hashes>`` for a video); ``data`` holds the kind's fields
    (see ``banks.entries``). Entries are never deleted: rejected and disabled ones stay, with their history."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending curation")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        DISABLED = "disabled", _("Disabled")

    TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.ACTIVE, Status.REJECTED},
        Status.ACTIVE: {Status.DISABLED},
        Status.DISABLED: {Status.ACTIVE},
        Status.REJECTED: set(),
    }
    TRANSITION_ERROR = _("An entry that is “%(status)s” cannot become “%(target)s”.")

    bank = models.CharField(_("bank"), max_length=20, choices=Bank.choices)
    key = models.CharField(_("key"), max_length=300)
    data = models.JSONField(_("data"), default=dict)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("why"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    contributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("contributed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    contributed_by_member = models.ForeignKey(
        "members.Member", verbose_name=_("contributing member"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="bank_entries",
    )  # fmt: skip
    contributor_label = models.CharField(_("contributor"), max_length=200, blank=True)
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("curated by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    curated_at = models.DateTimeField(_("curated at"), null=True, blank=True)
    curation_reason = models.TextField(_("curation reason"), blank=True)
    disabled_until = models.DateTimeField(_("disabled until"), null=True, blank=True)
    flagged = models.BooleanField(_("disputed, for the staff"), default=False)
    version = models.PositiveBigIntegerField(_("version of the last change"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("bank entry")
        verbose_name_plural = _("bank entries")
        ordering = ["bank", "-version"]
        constraints = [models.UniqueConstraint(fields=["bank", "key"], name="banks_entry_unique_key")]
        indexes = [models.Index(fields=["bank", "status"]), models.Index(fields=["flagged"])]

    def __str__(self) -> str:
        return f"{self.bank}: {self.label}"

    @property
    def label(self) -> str:
        """What a person reads: the term, word, domain, claim or hash."""
        return str(
            self.data.get("claim") or self.data.get("term") or self.data.get("value") or self.data.get("pdq")
            or self.key
        )[:120]  # fmt: skip

    @property
    def served(self) -> bool:
        return self.status == self.Status.ACTIVE


class Opinion(models.Model):
    """A member's confirmation or dispute of an entry, with its reason (one per member and entry; a new one
    replaces the old)."""

    class Stance(models.TextChoices):
        CONFIRM = "confirm", _("Confirm")
        DISPUTE = "dispute", _("Dispute")

    entry = models.ForeignKey(Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="opinions")
    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("given by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("given at"), auto_now=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["entry", "member"], name="banks_opinion_one_per_member")]

    def __str__(self) -> str:
        return f"{self.stance} #{self.entry_id}"


class Change(models.Model):
    """One numbered change of a bank: which entry, what happened, and the entry as served after it (``served``
    false when the change took it out of, or kept it out of, what the screener and the sync serve)."""

    bank = models.CharField(_("bank"), max_length=20, choices=Bank.choices)
    version = models.PositiveBigIntegerField(_("version"))
    entry = models.ForeignKey(Entry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="changes")
    op = models.CharField(_("operation"), max_length=20)
    served = models.BooleanField(_("served after the change"))
    snapshot = models.JSONField(_("entry as served"), default=dict)
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank change")
        verbose_name_plural = _("bank changes")
        ordering = ["bank", "version"]
        constraints = [models.UniqueConstraint(fields=["bank", "version"], name="banks_change_unique_version")]
        indexes = [models.Index(fields=["entry", "version"])]

    def __str__(self) -> str:
        return f"{self.bank} v{self.version} {self.op}"


class MediaHash(models.Model):
    """The PDQ hash of a stored file's image (report evidence, review attachments), computed once per content:
    keyed by the file's SHA-256, so the same bytes are never hashed twice (``banks.media``)."""

    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    pdq = models.CharField(_("PDQ hash"), max_length=64, blank=True)  # empty: not an image that could be hashed
    quality = models.PositiveSmallIntegerField(_("quality"), default=0)
    dihedral = models.JSONField(_("dihedral hashes"), default=list)
    error = models.CharField(_("why it has no hash"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("hashed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("media hash")
        verbose_name_plural = _("media hashes")

    def __str__(self) -> str:
        return f"{self.sha256[:12]} pdq:{self.pdq[:12]}"
