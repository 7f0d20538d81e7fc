"""State changes of review items: submitting (screened at once, idempotent on the member's external id),
attaching files, claiming, releasing, deciding; configuring the webhook. Reviewers are the member's representatives
and see only their own member's items (``ReviewItem.objects.restrict``)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.banks import media
from zilu.banks.service import get_screener, screener_versions
from zilu.core import audit
from zilu.core.actors import Actor
from zilu.core.errors import (
    Duplicate,
    Forbidden,
    InvalidTransition,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    ValidationFailed,
)
from zilu.core.files import DOCUMENT_TYPES, UploadPolicy, store_uploads
from zilu.core.models import StoredFile, User
from zilu.core.roles import Perm, has_perm, require
from zilu.core.workflow import access, transition
from zilu.members.models import Member
from zilu.review.actions.deliveries import do_queue_delivery
from zilu.review.models import Decision, ReviewItem, WebhookEndpoint
from zilu.screening import InputTooLarge, ScreeningError

STATUS_OF = {
    "pass": ReviewItem.Status.PUBLISHABLE,
    "block": ReviewItem.Status.REFUSED,
    "review": ReviewItem.Status.HELD,
}
TEXT_MAX = 200_000
_RANK = {"pass": 0, "review": 1, "block": 2}
ATTACHMENT = "attachment"
# Art. 15: attachments go through the same checks as report evidence (typed by content, screened for viruses and
# destructive programs); their names must also match their content, since reviewers download and open them.
ATTACHMENT_POLICY = UploadPolicy(allowed_types=DOCUMENT_TYPES | {"video/mp4"}, max_files=5, names_match=True)


def member_of(actor: Actor, perm: Perm) -> Member:
    """The active member whose representative (or API key) acts; Forbidden otherwise."""
    require(actor, perm)
    member = Member.objects.filter(pk=getattr(actor, "member_id", None)).first()
    if member is None or member.status != Member.Status.ACTIVE:
        raise Forbidden(_("Only active members may do this."))
    return member


def content_sha256(title: str, text: str, author_ref: str, url: str) -> str:
    """The fingerprint that makes a repeated submission of the same external id recognisable."""
    joined = "\x1f".join((title, text, author_ref, url))
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()


def _check_submission(external_id: str, title: str, text: str, author_ref: str, url: str) -> None:
    errors = []
    if not external_id or len(external_id) > 200:
        errors.append(
            {"field": "external_id", "reason": _("Give an id of at most 200 characters."), "code": "required"}
        )
    if not text.strip() and not title.strip():
        errors.append({"field": "text", "reason": _("Give the text."), "code": "required"})
    if len(title) > 500:
        errors.append({"field": "title", "reason": _("A title has at most 500 characters."), "code": "length"})
    if len(author_ref) > 200:
        errors.append({"field": "author_ref", "reason": _("At most 200 characters."), "code": "length"})
    if url and (len(url) > 1000 or urlsplit(url).scheme not in ("http", "https")):
        errors.append({"field": "url", "reason": _("An http(s) address of at most 1000 characters."), "code": "url"})
    if errors:
        raise ValidationFailed(errors=errors)
    if len(text) > TEXT_MAX:
        raise PayloadTooLarge(
            _("Too long: %(size)d characters; the limit is %(limit)d.") % {"size": len(text), "limit": TEXT_MAX},
            field="text",
        )


def screen(title: str, text: str) -> Any:
    """The engine's verdict for the item, or ServiceUnavailable when the banks cannot be loaded."""
    try:
        return get_screener().screen(text, title or None)
    except InputTooLarge as exc:
        raise PayloadTooLarge(
            _("Too long: %(size)d characters; the limit is %(limit)d.") % {"size": exc.size, "limit": exc.limit},
            field=exc.field,
        ) from exc
    except ScreeningError as exc:
        raise ServiceUnavailable(_("The screening service is not available: its banks cannot be loaded.")) from exc


def do_submit(
    actor: User,
    *,
    external_id: str,
    text: str,
    title: str = "",
    author_ref: str = "",
    url: str = "",
    images: Sequence[bytes] = (),
) -> tuple[ReviewItem, bool]:
    """Screen and record an item. Returns ``(item, created)``; the same external id with the same content returns
    the first result (idempotent), with different content it is a Duplicate. ``images`` (the files' bytes) are
    matched against the image bank and kept as the item's attachments."""
    member = member_of(actor, Perm.SUBMIT_FOR_REVIEW)
    external_id, title, author_ref, url = (v.strip() for v in (external_id, title or "", author_ref or "", url or ""))
    _check_submission(external_id, title, text if not images else text or "-", author_ref, url)
    # --- images (issue 22): hashed (a 422 names images[n]) and matched against the image bank ---
    if len(images) > ATTACHMENT_POLICY.file_limit:
        raise ValidationFailed(field="images", message=_("At most %(n)d images.") % {"n": ATTACHMENT_POLICY.file_limit})
    hashed = [media.check_image(data, f"images[{n}]") for n, data in enumerate(images)]
    digest = content_sha256(title, text, author_ref, url)
    if images:
        digest = content_sha256(title, text, author_ref, url + "".join(hashlib.sha256(d).hexdigest() for d in images))
    # Screen first and insert: a repeated external id is the rare case, found by the unique constraint.
    verdict = screen(title, text)
    versions = screener_versions()
    image_hits = media.image_hits(hashed)
    hits = [hit.to_dict() for hit in verdict.hits] + image_hits
    suggestion = max([verdict.suggestion, *(h["suggestion"] for h in image_hits)], key=_RANK.__getitem__)
    labels = list(dict.fromkeys([*verdict.labels, *(h["label"] for h in image_hits)]))
    status = STATUS_OF[suggestion]
    now = timezone.now()
    try:
        with transaction.atomic():
            item = ReviewItem.objects.create(
                member=member, external_id=external_id, title=title, text=text, author_ref=author_ref, url=url,
                content_sha256=digest, status=status, suggestion=suggestion, labels=labels,
                hits=hits, bank_versions=versions,
                submitted_by=actor if getattr(actor, "pk", None) else None,
                published_at=now if status == ReviewItem.Status.PUBLISHABLE else None,
            )  # fmt: skip
            if images:
                uploads = [SimpleUploadedFile(f"image-{n + 1}.{h.format.lower().replace('jpeg', 'jpg')}", data)
                           for n, (data, h) in enumerate(zip(images, hashed, strict=True))]  # fmt: skip
                store_uploads(uploads, owner=item, purpose=ATTACHMENT, actor=actor, policy=ATTACHMENT_POLICY,
                              field_name="images")  # fmt: skip
            audit.record(actor, "review.item.submit", item,
                         after={"external_id": external_id, "status": status, "labels": item.labels})  # fmt: skip
    except IntegrityError:  # the external id was submitted before (or concurrently): the first one wins
        existing = ReviewItem.objects.filter(member=member, external_id=external_id).first()
        if existing is None:
            raise
        return _same(existing, digest), False
    return item, True


def _same(item: ReviewItem, digest: str) -> ReviewItem:
    if item.content_sha256 != digest:
        raise Duplicate(_("This external id was already submitted with different content."), field="external_id")
    return item


def access_item(
    actor: Actor,
    *,
    pk: int | None = None,
    external_id: str | None = None,
    perm: Perm = Perm.REVIEW_CONTENT,
    for_update: bool = False,
) -> ReviewItem:
    """An item of the actor's own active member, by id or by the member's external id (Forbidden for anyone who is
    not the representative of an active member, NotFound for anyone else's item)."""
    member_of(actor, perm)
    lookup = {"pk": pk} if pk is not None else {"external_id": external_id}
    return access(ReviewItem.objects.restrict(actor), for_update=for_update, **lookup)


@transaction.atomic
def do_attach(actor: User, external_id: str, files: Sequence[UploadedFile]) -> list[StoredFile]:
    """The member's system attaches files to an item it submitted, while the item is open (publishable, held or
    escalated). Each file is typed by its content and screened (``ATTACHMENT_POLICY``); one refused file refuses
    them all and leaves the item as it was."""
    item = access_item(actor, external_id=external_id, perm=Perm.SUBMIT_FOR_REVIEW, for_update=True)
    if item.status not in ReviewItem.ATTACHABLE:
        raise InvalidTransition(_("This item is already decided; files can no longer be attached to it."))
    if not files:
        raise ValidationFailed(_("Choose at least one file."), field="files")
    stored = store_uploads(files, owner=item, purpose=ATTACHMENT, actor=actor, policy=ATTACHMENT_POLICY)
    audit.record(actor, "review.item.attach", item, after={
        "files": [{"id": str(f.pk), "name": f.original_name, "content_type": f.content_type, "size": f.size,
                   "sha256": f.sha256} for f in stored],
    })  # fmt: skip
    return stored


def can_download_attachment(user: Actor, item: ReviewItem) -> bool:
    """Who may download an item's attachments: the representatives of the item's active member, nobody else
    (the executing body and the supervising department do not see members' review queues)."""
    return (
        has_perm(user, Perm.REVIEW_CONTENT)
        and item.member_id == getattr(user, "member_id", None)
        and Member.objects.filter(pk=item.member_id, status=Member.Status.ACTIVE).exists()
    )


def _lease_valid(item: ReviewItem, now: datetime) -> bool:
    return item.claimed_by_id is not None and item.claim_expires_at is not None and item.claim_expires_at > now


@transaction.atomic
def do_claim(actor: User, item_id: int | None = None) -> ReviewItem:
    """Claim an item of the member's queue for review (the oldest unclaimed one when no id is given), for
    ``ZILU_REVIEW_LEASE_SECONDS``. One reviewer at a time: a live claim of someone else is refused."""
    member_of(actor, Perm.REVIEW_CONTENT)
    now = timezone.now()
    qs = ReviewItem.objects.restrict(actor).filter(status__in=ReviewItem.QUEUE)
    if item_id is not None:
        item = qs.select_for_update().filter(pk=item_id).first()
        if item is None:
            if ReviewItem.objects.restrict(actor).filter(pk=item_id).exists():
                raise InvalidTransition(_("This item is no longer in the queue."))
            raise NotFound()
        if _lease_valid(item, now) and item.claimed_by_id != actor.pk:
            raise InvalidTransition(_("Another reviewer has claimed this item."))
    else:
        free = qs.filter(Q(claimed_by__isnull=True) | Q(claim_expires_at__lte=now) | Q(claimed_by=actor))
        skip = connection.features.has_select_for_update_skip_locked
        item = free.select_for_update(skip_locked=skip).order_by("created_at", "pk").first()
        if item is None:
            raise NotFound(_("The queue has no unclaimed items."))
    item.claimed_by = actor
    item.claim_expires_at = now + timedelta(seconds=settings.ZILU_REVIEW_LEASE_SECONDS)
    item.save(update_fields=["claimed_by", "claim_expires_at"])
    audit.record(actor, "review.item.claim", item, after={"until": item.claim_expires_at})
    return item


@transaction.atomic
def do_release(actor: User, item_id: int) -> ReviewItem:
    """Give a claimed item back to the queue."""
    item = access_item(actor, pk=item_id, for_update=True)
    if item.claimed_by_id != actor.pk or not _lease_valid(item, timezone.now()):
        raise InvalidTransition(_("You do not hold a claim on this item."))
    item.claimed_by, item.claim_expires_at = None, None
    item.save(update_fields=["claimed_by", "claim_expires_at"])
    audit.record(actor, "review.item.release", item)
    return item


@transaction.atomic
def do_decide(actor: User, item_id: int, *, decision: str, policy_label: str, rationale: str) -> Decision:
    """Approve, reject or escalate a claimed item, with a policy label and a rationale; the decision is delivered
    to the member's webhook (if one is set) after the commit."""
    item = access_item(actor, pk=item_id, for_update=True)
    now = timezone.now()
    policy_label, rationale = (policy_label or "").strip(), (rationale or "").strip()
    errors = []
    if decision not in Decision.Kind.values:
        errors.append({"field": "decision", "reason": _("Approve, reject or escalate."), "code": "choice"})
    if not policy_label or len(policy_label) > 100:
        errors.append({"field": "policy_label", "reason": _("Give the policy label."), "code": "required"})
    if not rationale:
        errors.append({"field": "rationale", "reason": _("Give a short rationale."), "code": "required"})
    if errors:
        raise ValidationFailed(errors=errors)
    if item.status not in ReviewItem.QUEUE:
        raise InvalidTransition(_("This item is no longer in the queue."))
    if item.claimed_by_id != actor.pk or not _lease_valid(item, now):
        raise InvalidTransition(_("Claim the item before deciding; a claim expires after a while."))
    target = {"approve": ReviewItem.Status.APPROVED, "reject": ReviewItem.Status.REJECTED,
              "escalate": ReviewItem.Status.ESCALATED}[decision]  # fmt: skip
    changes: dict[str, Any] = {"claimed_by": None, "claim_expires_at": None}
    if decision != "escalate":
        changes["decided_at"] = now
    if decision == "approve":
        changes["published_at"] = now
    transition(
        item, target, actor=actor, action=f"review.item.{decision}", changes=changes, unaudited=tuple(changes),
        extra_after={"policy_label": policy_label, "rationale": rationale},
    )  # fmt: skip
    made = Decision.objects.create(
        item=item, reviewer=actor if getattr(actor, "pk", None) else None, reviewer_label=actor.get_username(),
        decision=decision, policy_label=policy_label, rationale=rationale,
        queue_seconds=(now - item.created_at).total_seconds(),
    )  # fmt: skip
    do_queue_delivery(item.member_id, "review.decided", decision_payload(item, made), item=item)
    return made


def decision_payload(item: ReviewItem, decision: Decision | None) -> dict[str, Any]:
    """What the member's system learns about an item (webhook and polling share it)."""
    return {
        "external_id": item.external_id,
        "status": item.status,
        "publishable": item.status in ReviewItem.PUBLISHED,
        "suggestion": item.suggestion,
        "labels": item.labels,
        "decision": None
        if decision is None
        else {
            "decision": decision.decision,
            "policy_label": decision.policy_label,
            "rationale": decision.rationale,
            "decided_at": decision.created_at.isoformat(),
        },
    }


@transaction.atomic
def do_set_webhook(actor: User, url: str, *, new_secret: bool = False) -> WebhookEndpoint:
    """Set where the member's system receives decisions; the signing secret is made once (or anew on request)."""
    member = member_of(actor, Perm.REVIEW_CONTENT)
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 1000:
        raise ValidationFailed(field="url", message=_("An http(s) address of at most 1000 characters."))
    endpoint = WebhookEndpoint.objects.select_for_update().filter(member=member).first()
    before = {"url": endpoint.url} if endpoint else None
    if endpoint is None:
        endpoint = WebhookEndpoint(member=member, secret=secrets.token_hex(32))
    elif new_secret:
        endpoint.secret = secrets.token_hex(32)
    endpoint.url = url
    endpoint.save()
    audit.record(actor, "review.webhook.set", endpoint, before=before, after={"url": url, "new_secret": new_secret})
    return endpoint
