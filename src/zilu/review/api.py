"""API of the review queue, mounted at ``/api/v1/review``: submit before publishing, poll the result, the queue,
claim and decide, the webhook, takedown notices, statistics."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status, UploadedFile

from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id
from zilu.core.errors import ValidationFailed
from zilu.core.files import files_of
from zilu.core.models import StoredFile
from zilu.core.roles import Perm, signed_in
from zilu.review import actions
from zilu.review.models import Delivery, ReviewItem, TakedownNotice, WebhookEndpoint
from zilu.review.stats import member_stats

router = Router(tags=["review queue"])


class SubmitIn(Schema):
    external_id: str = Field(description="your id for the content; submitting it again returns the same result")
    title: str = ""
    text: str
    author_ref: str = Field("", description="your reference for the author (not a name)")
    url: str = ""
    images: list[str] = Field(
        [], max_length=5, description="images of the content, each file in base64: matched against the image bank "
        "(PDQ) and kept as attachments; a file that is not an image is a 422 problem naming `images[n]`",
    )  # fmt: skip


class DecisionOut(Schema):
    decision: str
    policy_label: str
    rationale: str
    decided_at: str


class AttachmentOut(Schema):
    id: str = Field(description="the file's id; reviewers download it from /files/{id}")
    name: str
    content_type: str = Field(description="the type its content shows (never the declared one)")
    size: int
    sha256: str


class ItemOut(Schema):
    external_id: str
    status: str = Field(description="publishable, refused, held, escalated, approved or rejected")
    publishable: bool
    suggestion: str = Field(description="the engine's verdict at submission: pass, review or block")
    labels: list[str]
    decision: DecisionOut | None
    hits: list[dict[str, Any]] = Field(description="the engine's hits at submission (offsets into the original)")
    takedown_notices: int
    attachments: list[AttachmentOut] = Field(description="files attached to the item, screened on upload (Art. 15)")


class QueueItemOut(Schema):
    id: int
    external_id: str
    title: str
    status: str
    labels: list[str]
    created_at: datetime
    claimed_by: str | None
    claim_expires_at: datetime | None


class DecideIn(Schema):
    decision: str = Field(description="approve, reject or escalate")
    policy_label: str
    rationale: str


class WebhookIn(Schema):
    url: str
    new_secret: bool = False


class WebhookOut(Schema):
    url: str
    secret: str = Field(description="HMAC-SHA256 key of the X-Zilu-Signature header")
    updated_at: datetime


class DeliveryOut(Schema):
    id: int
    event: str
    external_id: str | None
    status: str
    attempts: int
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str


class NoticeOut(Schema):
    id: int
    external_id: str
    hits: list[dict[str, Any]]
    created_at: datetime


def _item(item: ReviewItem) -> dict[str, Any]:
    last = item.decisions.order_by("-created_at", "-pk").first()
    return {
        **actions.decision_payload(item, last),
        "hits": item.hits,
        "takedown_notices": item.notices.count(),
        "attachments": [_attachment(f) for f in files_of(item, actions.ATTACHMENT)],
    }


def _attachment(stored: StoredFile) -> dict[str, Any]:
    return {"id": str(stored.pk), "name": stored.original_name, "content_type": stored.content_type,
            "size": stored.size, "sha256": stored.sha256}  # fmt: skip


def _images(images: list[str]) -> list[bytes]:
    """The base64 images of a submission, or a 422 naming the one that is not base64."""
    out = []
    for number, value in enumerate(images):
        try:
            out.append(base64.b64decode(value, validate=True))
        except (ValueError, binascii.Error):
            raise ValidationFailed(errors=[{"field": f"images[{number}]", "reason": _("The image is not valid base64."),
                                            "code": "base64"}]) from None  # fmt: skip
    return out


@router.post(
    "/items",
    response={200: ItemOut, 201: ItemOut},
    auth=SIGNED_IN,
    summary="Submit content before publishing (先审后发)",
    description="Screened at once: `publishable` (pass), `refused` (block, with the labels and hits) or `held` "
    "for the member's reviewers. 201 for a new item, 200 when the external id was submitted before.",
)
def submit(request: HttpRequest, payload: SubmitIn) -> Status[dict[str, Any]]:
    item, created = actions.do_submit(
        signed_in(request), external_id=payload.external_id, text=payload.text, title=payload.title,
        author_ref=payload.author_ref, url=payload.url, images=_images(payload.images),
    )  # fmt: skip
    body = {**actions.decision_payload(item, None), "hits": item.hits, "takedown_notices": 0, "attachments": []}
    return Status(201 if created else 200, body if created and not payload.images else _item(item))


@router.get("/items/{external_id}", response=ItemOut, auth=SIGNED_IN, summary="Poll an item's status and decision")
def poll(request: HttpRequest, external_id: str) -> dict[str, Any]:
    return _item(actions.access_item(signed_in(request), external_id=external_id, perm=Perm.SUBMIT_FOR_REVIEW))


@router.post(
    "/items/{external_id}/attachments",
    response={201: ItemOut},
    auth=SIGNED_IN,
    summary="Attach files to an item (multipart `files`)",
    description="Each file is typed by its content (images, PDF, plain text, MP4), its name must match that type, "
    "and it is screened for viruses and destructive programs (Art. 15); one refused file refuses the request (422, "
    "field `files`) and attaches nothing. An approved, rejected or refused item takes no files (409).",
)
def attach(request: HttpRequest, external_id: str, files: File[list[UploadedFile]]) -> Status[dict[str, Any]]:
    actions.do_attach(signed_in(request), external_id, files)
    return Status(201, _item(actions.access_item(signed_in(request), external_id=external_id,
                                                 perm=Perm.SUBMIT_FOR_REVIEW)))  # fmt: skip


@router.get("/queue", response=list[QueueItemOut], auth=SIGNED_IN, summary="The member's queue, oldest first")
def queue(request: HttpRequest) -> list[dict[str, Any]]:
    actor = signed_in(request)
    actions.member_of(actor, Perm.REVIEW_CONTENT)
    items = ReviewItem.objects.restrict(actor).filter(status__in=ReviewItem.QUEUE).select_related("claimed_by")
    return [
        {"id": i.pk, "external_id": i.external_id, "title": i.title, "status": i.status, "labels": i.labels,
         "created_at": i.created_at, "claimed_by": i.claimed_by.get_username() if i.claimed_by else None,
         "claim_expires_at": i.claim_expires_at}
        for i in items.order_by("created_at", "pk")[:500]
    ]  # fmt: skip


@router.post("/queue/claim", response=QueueItemOut, auth=SIGNED_IN, summary="Claim the oldest unclaimed item")
def claim_next(request: HttpRequest) -> dict[str, Any]:
    return _queue_item(actions.do_claim(signed_in(request)))


@router.post("/queue/{item_id}/claim", response=QueueItemOut, auth=SIGNED_IN, summary="Claim one item")
def claim(request: HttpRequest, item_id: Id) -> dict[str, Any]:
    return _queue_item(actions.do_claim(signed_in(request), item_id))


@router.post("/queue/{item_id}/decide", response=ItemOut, auth=SIGNED_IN, summary="Approve, reject or escalate")
def decide(request: HttpRequest, item_id: Id, payload: DecideIn) -> dict[str, Any]:
    made = actions.do_decide(
        signed_in(request), item_id, decision=payload.decision, policy_label=payload.policy_label,
        rationale=payload.rationale,
    )  # fmt: skip
    return _item(made.item)


def _queue_item(item: ReviewItem) -> dict[str, Any]:
    return {
        "id": item.pk, "external_id": item.external_id, "title": item.title, "status": item.status,
        "labels": item.labels, "created_at": item.created_at,
        "claimed_by": item.claimed_by.get_username() if item.claimed_by else None,
        "claim_expires_at": item.claim_expires_at,
    }  # fmt: skip


@router.put("/webhook", response=WebhookOut, auth=SIGNED_IN, summary="Set the member's webhook")
def set_webhook(request: HttpRequest, payload: WebhookIn) -> WebhookEndpoint:
    return actions.do_set_webhook(signed_in(request), payload.url, new_secret=payload.new_secret)


@router.get("/deliveries", response=list[DeliveryOut], auth=SIGNED_IN, summary="The webhook delivery log")
def deliveries(request: HttpRequest) -> list[dict[str, Any]]:
    member = actions.member_of(signed_in(request), Perm.REVIEW_CONTENT)
    rows = Delivery.objects.filter(member=member).select_related("item").prefetch_related("log")[:200]
    out = []
    for d in rows:
        attempts = list(d.log.all())
        last = attempts[-1] if attempts else None
        out.append({
            "id": d.pk, "event": d.event, "external_id": d.item.external_id if d.item else None, "status": d.status,
            "attempts": d.attempts, "next_attempt_at": d.next_attempt_at, "delivered_at": d.delivered_at,
            "last_status_code": last.status_code if last else None, "last_error": last.error if last else "",
        })  # fmt: skip
    return out


@router.get("/notices", response=list[NoticeOut], auth=SIGNED_IN, summary="Takedown notices for the member")
def notices(request: HttpRequest) -> list[dict[str, Any]]:
    member = actions.member_of(signed_in(request), Perm.REVIEW_CONTENT)
    rows = TakedownNotice.objects.filter(member=member).select_related("item")[:500]
    return [{"id": n.pk, "external_id": n.item.external_id, "hits": n.hits, "created_at": n.created_at} for n in rows]


@router.get("/stats", response=dict[str, Any], auth=SIGNED_IN, summary="Volumes, decision mix, time in queue")
def stats(request: HttpRequest, days: Annotated[int, Field(ge=1, le=365)] = 30) -> dict[str, Any]:
    member = actions.member_of(signed_in(request), Perm.REVIEW_CONTENT)
    data = member_stats(member, days=days)
    data.pop("chart_svg", None)
    return data
