"""Every state change of the review queue. See ``items`` (submit, attach, claim, release, decide, set the webhook),
``deliveries`` (the webhook delivery log; :mod:`zilu.review.webhooks` makes the HTTP calls) and ``sweeps`` (the
takedown sweeps' records; :mod:`zilu.review.sweeps` screens).

A member's system submits with its API key; the engine screens at once (outside the transaction: it is CPU work);
``pass`` is publishable, ``block`` refused, ``review`` held in the member's queue. Submitting is idempotent on the
member's external id. Reviewers are the member's representatives and see only their own member's items.
"""

from zilu.review.actions.deliveries import do_lease_delivery, do_queue_delivery, do_record_attempt
from zilu.review.actions.items import (
    ATTACHMENT,
    ATTACHMENT_POLICY,
    STATUS_OF,
    TEXT_MAX,
    access_item,
    can_download_attachment,
    content_sha256,
    decision_payload,
    do_attach,
    do_claim,
    do_decide,
    do_release,
    do_set_webhook,
    do_submit,
    member_of,
    screen,
)
from zilu.review.actions.sweeps import (
    do_claim_chunk,
    do_complete_chunk,
    do_extend_sweep,
    do_finish_sweep,
    do_requeue_chunks,
    do_resend_chunks,
    do_start_sweep,
)

__all__ = [
    "ATTACHMENT",
    "ATTACHMENT_POLICY",
    "STATUS_OF",
    "TEXT_MAX",
    "access_item",
    "can_download_attachment",
    "content_sha256",
    "decision_payload",
    "do_attach",
    "do_claim",
    "do_claim_chunk",
    "do_complete_chunk",
    "do_decide",
    "do_extend_sweep",
    "do_finish_sweep",
    "do_lease_delivery",
    "do_queue_delivery",
    "do_record_attempt",
    "do_release",
    "do_requeue_chunks",
    "do_resend_chunks",
    "do_set_webhook",
    "do_start_sweep",
    "do_submit",
    "member_of",
    "screen",
]
