"""The review queue's records: submitted items and their decisions, webhook endpoints and deliveries, sweeps and
the takedown notices they create."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zilu.core.actors import Actor
from zilu.core.roles import Perm, has_perm
from zilu.core.workflow import RestrictedQuerySet


class ReviewItemQuerySet(RestrictedQuerySet["ReviewItem"]):
    """Review items, restricted by who may see them (``restrict(actor)``)."""

    def visible_to(self, actor: Actor) -> ReviewItemQuerySet:
        """A member's representatives (and its systems' API keys) see their own member's items; nobody else sees
        any: the executing body and the supervising department do not see members' review queues. (Actions also
        refuse the representatives of a member that is no longer active, see ``review.actions.member_of``.)"""
        member_id = getattr(actor, "member_id", None)
        if member_id and (has_perm(actor, Perm.REVIEW_CONTENT) or has_perm(actor, Perm.SUBMIT_FOR_REVIEW)):
            return self.filter(member_id=member_id)
        return self.none()


class ReviewItem(models.Model):
    """Content a member's system submitted before publishing, with the engine's verdict and where review stands.

    ``publishable`` (passed at submission) and ``approved`` items count as published for the takedown sweep.
    """

    class Status(models.TextChoices):
        PUBLISHABLE = "publishable", _("Publishable")
        REFUSED = "refused", _("Refused")
        HELD = "held", _("Held for review")
        ESCALATED = "escalated", _("Escalated")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    QUEUE = (Status.HELD, Status.ESCALATED)
    PUBLISHED = (Status.PUBLISHABLE, Status.APPROVED)
    # Files may be attached until the item is decided (approved or rejected) or refused by the engine.
    ATTACHABLE = (Status.PUBLISHABLE, Status.HELD, Status.ESCALATED)
    TRANSITIONS: dict[str, set[str]] = {
        Status.HELD: {Status.APPROVED, Status.REJECTED, Status.ESCALATED},
        Status.ESCALATED: {Status.APPROVED, Status.REJECTED},
        Status.PUBLISHABLE: set(),
        Status.REFUSED: set(),
        Status.APPROVED: set(),
        Status.REJECTED: set(),
    }
    TRANSITION_ERROR = _("An escalated item is approved or rejected.")

    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(_("external id"), max_length=200)
    title = models.CharField(_("title"), max_length=500, blank=True)
    text = models.TextField(_("text"))
    author_ref = models.CharField(_("author reference"), max_length=200, blank=True)
    url = models.CharField(_("URL"), max_length=1000, blank=True)
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    suggestion = models.CharField(_("engine suggestion"), max_length=10)
    labels = models.JSONField(_("labels"), default=list)
    hits = models.JSONField(_("hits"), default=list)
    bank_versions = models.JSONField(_("bank versions screened against"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("claimed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    claim_expires_at = models.DateTimeField(_("claim expires at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ReviewItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["member", "external_id"], name="review_item_unique_external_id")]
        indexes = [
            models.Index(fields=["member", "status", "created_at"]),
            models.Index(fields=["status", "published_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.status})"


class Decision(models.Model):
    """A reviewer's decision on an item, with the policy label and the rationale (both required)."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")
        ESCALATE = "escalate", _("Escalate")

    item = models.ForeignKey(ReviewItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer_label = models.CharField(_("reviewer"), max_length=200)
    decision = models.CharField(_("decision"), max_length=10, choices=Kind.choices)
    policy_label = models.CharField(_("policy label"), max_length=100)
    rationale = models.TextField(_("rationale"))
    queue_seconds = models.FloatField(_("seconds in the queue"))
    created_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.decision} {self.item_id}"


class WebhookEndpoint(models.Model):
    """Where a member's system receives decisions and takedown notices; payloads are signed with ``secret``."""

    member = models.OneToOneField(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    url = models.CharField(_("URL"), max_length=1000)
    secret = models.CharField(_("signing secret"), max_length=100)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    """One event to deliver to a member's webhook, retried with backoff until delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        ReviewItem, verbose_name=_("item"), null=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=50)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk} ({self.status})"


class DeliveryAttempt(models.Model):
    """One try at a delivery: the answer's status code or the error (the delivery log)."""

    delivery = models.ForeignKey(Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    url = models.CharField(_("URL"), max_length=1000)
    status_code = models.PositiveIntegerField(_("status code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error}"


class Sweep(models.Model):
    """A re-screening of recently published items after the banks gained entries. Its population is fixed when it
    starts and split into :class:`SweepChunk` ranges that workers screen in parallel; ``processed`` and ``notices``
    add up the chunks done, each counted once, in the transaction that finishes the chunk."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    reason = models.CharField(_("reason"), max_length=200)
    bank_versions = models.JSONField(_("bank versions"), default=dict)
    window_days = models.PositiveIntegerField(_("window (days)"))
    published_since = models.DateTimeField(_("published since"))
    upto_item = models.PositiveBigIntegerField(_("last item included"))
    total = models.PositiveIntegerField(_("items to screen"))
    processed = models.PositiveIntegerField(_("items screened"), default=0)
    notices = models.PositiveIntegerField(_("notices created"), default=0)
    started_by = models.CharField(_("started by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sweep")
        verbose_name_plural = _("sweeps")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"sweep #{self.pk} {self.processed}/{self.total}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.processed / self.total)


class SweepChunk(models.Model):
    """A range of item ids of a sweep, screened in one transaction by whichever worker gets it.

    ``pending`` -> ``running`` (claimed, committed on its own, so that a chunk whose worker died can be told from a
    chunk still waiting in the queue) -> ``done`` (committed with the chunk's notices and the sweep's totals). A
    ``running`` chunk that no transaction holds any more is given back to the queue by the periodic resumption.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    sweep = models.ForeignKey(Sweep, verbose_name=_("sweep"), on_delete=models.CASCADE, related_name="chunks")
    first_item = models.PositiveBigIntegerField(_("first item id"))
    last_item = models.PositiveBigIntegerField(_("last item id"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=100, blank=True, help_text=_("host:process"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    processed = models.PositiveIntegerField(_("items screened"), default=0)
    notices = models.PositiveIntegerField(_("notices created"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sweep chunk")
        verbose_name_plural = _("sweep chunks")
        ordering = ["pk"]
        indexes = [models.Index(fields=["sweep", "status"], name="review_chunk_sweep_status")]

    def __str__(self) -> str:
        return f"sweep #{self.sweep_id} items {self.first_item}-{self.last_item} ({self.status})"


class TakedownNotice(models.Model):
    """New block-level hits on a published item, found by a sweep: the member should take the item down. Created
    exactly once per item and set of hit entries (``signature``), however often a sweep runs or resumes."""

    member = models.ForeignKey("members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(ReviewItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="notices")
    sweep = models.ForeignKey(Sweep, verbose_name=_("sweep"), null=True, on_delete=models.SET_NULL, related_name="+")
    signature = models.CharField(_("hit entries (SHA-256)"), max_length=64)
    hits = models.JSONField(_("hits"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("takedown notice")
        verbose_name_plural = _("takedown notices")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["item", "signature"], name="review_notice_once")]

    def __str__(self) -> str:
        return f"takedown {self.item_id}"
