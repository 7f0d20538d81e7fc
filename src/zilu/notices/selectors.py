"""What each audience reads of a notice, the public counts, and the figures of a member (repeat infringers, the
evaluation's evidence for Art. 12(3)).

Forwarding rules (docs/workflows/notice-and-takedown.md): the member receives the notice as the law defines it (the
holder's name, contact and address, the work, the location, the proof), never the sender's account nor, for a
person, the full resident ID number; the sender receives the member's answer and, once recorded, the user's
declaration (the user's name, contact and address, the evidence), never the member's reference of its user nor who
at the member answered. Staff and the supervising department read everything.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q

from zilu.core.actors import Actor
from zilu.core.files import files_of
from zilu.notices.models import ACTION_PROOF, DECLARATION_EVIDENCE, PROOF, Audience, Notice

# Fields every audience of a notice reads.
_COMMON = (
    "id", "number", "status", "location", "work", "right", "description", "holder_kind", "holder_name",
    "respond_by", "responded_at", "measure", "measure_note", "forwarding", "declined_reason", "declared_at",
    "wait_until", "deadline_provisional", "action", "action_authority", "action_reference", "action_at",
    "closed_at", "created_at", "signature", "signed_at",
)  # fmt: skip
_HOLDER_CONTACT = ("holder_phone", "holder_email", "holder_address")
_DECLARATION = ("declarant_name", "declarant_contact", "declarant_address", "declaration")


def files(notice: Notice) -> list[dict[str, str]]:
    """The notice's files (proof, declaration evidence, proof of a complaint or suit), as download links."""
    return [
        {"purpose": f.purpose, "name": f.original_name, "url": f"/files/{f.pk}", "content_type": f.content_type}
        for f in files_of(notice).filter(purpose__in=(PROOF, DECLARATION_EVIDENCE, ACTION_PROOF)).order_by("created_at")
    ]


def present(notice: Notice, actor: Actor) -> dict[str, Any]:
    """The notice as ``actor`` may read it (see the module docstring)."""
    audience = notice.audience(actor)
    data: dict[str, Any] = {name: getattr(notice, name) for name in (*_COMMON, *_HOLDER_CONTACT, *_DECLARATION)}
    data.update(
        status_label=str(notice.get_status_display()),
        member_id=notice.member_id,
        member_name=notice.member.name,
        member_number=notice.member.number or "",
        site_name=notice.site.name,
        holder_id_number=notice.holder_id_number if audience != Audience.MEMBER else notice.masked_id_number,
        audience=audience or "",
        files=files(notice),
        user_ref=notice.user_ref if audience in (Audience.MEMBER, Audience.STAFF) else "",
        filed_by=notice.filed_by.get_username() if audience == Audience.STAFF else "",
        responded_late=notice.responded_late(),
    )
    return data


def public_counts() -> dict[str, int]:
    """Counts for the public: nothing about any sender, member or content."""
    row = Notice.objects.aggregate(
        filed=Count("id"),
        open=Count("id", filter=Q(status__in=Notice.OPEN_STATUSES)),
        measures_taken=Count("id", filter=Q(measure__gt="")),
        declined=Count("id", filter=Q(status=Notice.Status.DECLINED)),
        declarations=Count("id", filter=Q(declared_at__isnull=False)),
        complaints_or_suits=Count("id", filter=Q(status=Notice.Status.ACTION_NOTIFIED)),
        measures_ended=Count("id", filter=Q(status=Notice.Status.ENDED)),
        withdrawn=Count("id", filter=Q(status=Notice.Status.WITHDRAWN)),
    )
    return {key: int(value or 0) for key, value in row.items()}


def repeat_infringers(member_id: int, *, threshold: int | None = None) -> list[dict[str, Any]]:
    """The member's users against whom ``threshold`` (``ZILU_NOTICES_REPEAT_THRESHOLD``) or more notices stand
    upheld (measures taken and not ended), most first: for the member and the staff only."""
    limit = int(settings.ZILU_NOTICES_REPEAT_THRESHOLD) if threshold is None else threshold
    rows = (
        Notice.objects.filter(member_id=member_id, status__in=Notice.UPHELD_STATUSES)
        .exclude(user_key="")
        .values("user_key")
        .annotate(notices=Count("id"))
        .filter(notices__gte=limit)
        .order_by("-notices", "user_key")
    )
    return [{"user": row["user_key"], "notices": row["notices"]} for row in rows]


def member_figures(member_id: int, start: date | None = None, end: date | None = None) -> dict[str, int]:
    """A member's notice record in a period (by the day each notice was filed): what the evaluation (Art. 18) shows
    next to item A12-3, and the member's own page."""
    qs = Notice.objects.filter(member_id=member_id)
    if start is not None:
        qs = qs.filter(created_at__date__gte=start)
    if end is not None:
        qs = qs.filter(created_at__date__lte=end)
    row = qs.aggregate(
        received=Count("id"),
        measures_taken=Count("id", filter=Q(measure__gt="")),
        declined=Count("id", filter=Q(status=Notice.Status.DECLINED)),
        unanswered=Count("id", filter=Q(status=Notice.Status.WITH_MEMBER)),
        declarations=Count("id", filter=Q(declared_at__isnull=False)),
        complaints_or_suits=Count("id", filter=Q(status=Notice.Status.ACTION_NOTIFIED)),
        measures_ended=Count("id", filter=Q(status=Notice.Status.ENDED)),
        # answered after the day (a provisional day never makes an answer late: Notice.responded_late)
        answered_late=Count("id", filter=Q(responded_at__date__gt=F("respond_by"), deadline_provisional=False)),
    )
    figures = {key: int(value or 0) for key, value in row.items()}
    figures["repeat_infringers"] = len(repeat_infringers(member_id))
    return figures
