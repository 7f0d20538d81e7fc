"""API of the shared signal banks, mounted at ``/api/v1/banks``: entries, contributions, curation, opinions, bulk
import, and the signed sync (change sets and full exports) with the platform's public key."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from zilu.banks import actions, sync
from zilu.banks.models import PERCEPTUAL_BANKS, Bank, BankState, Change, Entry
from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id, Moment, Offset, Position
from zilu.core.errors import Forbidden
from zilu.core.roles import Perm, require, signed_in
from zilu.members.models import Member

router = Router(tags=["banks"])


def _reader(request: HttpRequest) -> Any:
    user = signed_in(request)
    require(user, Perm.READ_BANKS)
    if user.member_id and not Member.objects.filter(pk=user.member_id, status=Member.Status.ACTIVE).exists():
        raise Forbidden()
    return user


class BankOut(Schema):
    bank: str
    name: str
    version: int
    changed_at: datetime | None
    active: int = Field(description="entries in service")
    threshold: int | None = Field(None, description="image and video banks: the largest PDQ distance that matches")


class PublicKeyOut(Schema):
    algorithm: str
    public_key: str = Field(description="base64 of the 32 raw bytes of the Ed25519 public key")
    key_id: str = Field(description="the first 16 hex digits of the key's SHA-256")


class BankSignatureOut(Schema):
    algorithm: str
    key_id: str
    value: str = Field(description="base64 Ed25519 signature over the canonical JSON of `payload`")


class SignedOut(Schema):
    payload: dict[str, Any] = Field(description="zilu-bank-sync/1 document (see docs/workflows/banks.md)")
    signature: BankSignatureOut


class EntryOut(Schema):
    id: int
    bank: str
    key: str
    data: dict[str, Any]
    status: str
    flagged: bool
    disabled_until: datetime | None
    reason: str
    evidence_url: str
    contributor: str
    version: int
    created_at: datetime


class OpinionOut(Schema):
    member: str
    stance: str
    reason: str
    created_at: datetime


class ChangeOut(Schema):
    version: int
    op: str
    served: bool
    by: str
    note: str
    created_at: datetime


class EntryDetailOut(EntryOut):
    opinions: list[OpinionOut]
    changes: list[ChangeOut]


class ContributeIn(Schema):
    entry: dict[str, Any] = Field(
        description="terms: term, labels, severity, context; allow: term; domains: value (domain or URL prefix), "
        "label, severity; rumors: claim, debunk, source, date, link; hashes: hash, algorithm, label; images: hash "
        "(PDQ) and quality, or image (base64, hashed with its crops), label, severity; videos: frames (PDQ hashes), "
        "label"
    )
    reason: str = Field(description="why the entry belongs in the bank")
    evidence_url: str = ""


class ReasonIn(Schema):
    reason: str = ""


class DisableIn(Schema):
    reason: str
    until: Moment | None = Field(None, description="back in service at this time (none: until enabled)")


class OpinionIn(Schema):
    stance: str = Field(description="confirm or dispute")
    reason: str


class ImportIn(Schema):
    content: str = Field(description="the file's text")
    format: str = Field("", description="lines, csv, json or jsonl (guessed when empty)")
    name: str = ""
    reason: str = ""
    evidence_url: str = ""


class ImportOut(Schema):
    bank: str
    format: str
    status: str = Field(description="the status of the added entries: active (staff) or pending (members)")
    added: int
    duplicated: int
    rejected: int
    first_version: int | None
    last_version: int | None
    duplicates: list[dict[str, Any]]
    rejections: list[dict[str, Any]] = Field(description="record, value, reason and code of each rejection")


def _entry(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.pk, "bank": entry.bank, "key": entry.key, "data": entry.data, "status": entry.status,
        "flagged": entry.flagged, "disabled_until": entry.disabled_until, "reason": entry.reason,
        "evidence_url": entry.evidence_url, "contributor": entry.contributor_label, "version": entry.version,
        "created_at": entry.created_at,
    }  # fmt: skip


def _detail(entry: Entry) -> dict[str, Any]:
    opinions = entry.opinions.select_related("member").order_by("-created_at")
    changes = Change.objects.filter(entry=entry).order_by("version")
    return {
        **_entry(entry),
        "opinions": [
            {"member": o.member.name, "stance": o.stance, "reason": o.reason, "created_at": o.created_at}
            for o in opinions
        ],
        "changes": [
            {
                "version": c.version,
                "op": c.op,
                "served": c.served,
                "by": c.actor_label,
                "note": c.note,
                "created_at": c.created_at,
            }
            for c in changes
        ],
    }


@router.get("/public-key", response=PublicKeyOut, auth=None, summary="The platform's Ed25519 sync key")
def public_key(request: HttpRequest) -> dict[str, str]:
    return sync.public_key_info()


@router.get("", response=list[BankOut], auth=SIGNED_IN, summary="The banks and their current versions")
def banks(request: HttpRequest) -> list[dict[str, Any]]:
    _reader(request)
    states = {s.bank: s for s in BankState.objects.all()}
    counts = dict(Entry.objects.served().values_list("bank").order_by().annotate(n=Count("pk")))
    return [
        {"bank": b.value, "name": str(b.label), "version": getattr(states.get(b.value), "version", 0),
         "changed_at": getattr(states.get(b.value), "changed_at", None), "active": counts.get(b.value, 0),
         "threshold": getattr(states.get(b.value), "threshold", 31) if b.value in PERCEPTUAL_BANKS else None}
        for b in Bank
    ]  # fmt: skip


@router.get(
    "/{bank}/changes",
    response=SignedOut,
    auth=SIGNED_IN,
    summary="Signed additions, changes and removals since a version",
    description="`since` is the version the caller has; the answer's `payload.version` is the one to ask from next.",
)
def changes(request: HttpRequest, bank: str, since: Position = 0) -> dict[str, Any]:
    _reader(request)
    return sync.sign(sync.changes_since(actions.check_bank(bank), since))


@router.get("/{bank}/export", response=SignedOut, auth=SIGNED_IN, summary="Signed full export (first sync)")
def export(request: HttpRequest, bank: str) -> dict[str, Any]:
    _reader(request)
    return sync.sign(sync.export(actions.check_bank(bank)))


class ThresholdIn(Schema):
    threshold: int = Field(ge=0, le=128, description="the largest Hamming distance counted as a match (PDQ: 31)")
    reason: str


class MatchThresholdOut(Schema):
    bank: str
    threshold: int
    version: int


@router.put(
    "/{bank}/threshold",
    response=MatchThresholdOut,
    auth=SIGNED_IN,
    summary="Set an image or video bank's match threshold (staff)",
    description="The bank takes a new version: screeners rebuild, and the sync documents carry the threshold.",
)
def set_threshold(request: HttpRequest, bank: str, payload: ThresholdIn) -> dict[str, Any]:
    state = actions.do_set_threshold(signed_in(request), bank, payload.threshold, reason=payload.reason)
    return {"bank": state.bank, "threshold": state.threshold, "version": state.version}


@router.get("/{bank}/entries", response=list[EntryOut], auth=SIGNED_IN, summary="Entries of a bank")
def entries(
    request: HttpRequest,
    bank: str,
    status: str = "",
    flagged: bool = False,
    limit: Annotated[int, Field(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    user = _reader(request)
    qs = Entry.objects.restrict(user).filter(bank=actions.check_bank(bank))
    if status:
        qs = qs.filter(status=status)
    if flagged:
        qs = qs.filter(flagged=True)
    return [_entry(e) for e in qs.order_by("-version")[offset : offset + limit]]


@router.post("/{bank}/entries", response={201: EntryOut}, auth=SIGNED_IN, summary="Contribute an entry")
def contribute(request: HttpRequest, bank: str, payload: ContributeIn) -> Status[dict[str, Any]]:
    entry = actions.do_contribute(
        signed_in(request), bank, payload.entry, reason=payload.reason, evidence_url=payload.evidence_url
    )
    return Status(201, _entry(entry))


@router.post("/{bank}/import", response=ImportOut, auth=SIGNED_IN, summary="Import many entries")
def import_entries(request: HttpRequest, bank: str, payload: ImportIn) -> dict[str, Any]:
    report = actions.do_import(
        signed_in(request), bank, payload.content, fmt=payload.format, name=payload.name, reason=payload.reason,
        evidence_url=payload.evidence_url,
    )  # fmt: skip
    return report.as_dict()


@router.get("/{bank}/entries/{entry_id}", response=EntryDetailOut, auth=SIGNED_IN, summary="One entry, its history")
def entry(request: HttpRequest, bank: str, entry_id: Id) -> dict[str, Any]:
    return _detail(actions.access_entry(_reader(request), bank, entry_id))


@router.post("/{bank}/entries/{entry_id}/approve", response=EntryOut, auth=SIGNED_IN, summary="Approve (staff)")
def approve(request: HttpRequest, bank: str, entry_id: Id, payload: ReasonIn) -> dict[str, Any]:
    return _entry(actions.do_curate(signed_in(request), bank, entry_id, approve=True, reason=payload.reason))


@router.post("/{bank}/entries/{entry_id}/reject", response=EntryOut, auth=SIGNED_IN, summary="Reject (staff)")
def reject(request: HttpRequest, bank: str, entry_id: Id, payload: ReasonIn) -> dict[str, Any]:
    return _entry(actions.do_curate(signed_in(request), bank, entry_id, approve=False, reason=payload.reason))


@router.post("/{bank}/entries/{entry_id}/disable", response=EntryOut, auth=SIGNED_IN, summary="Disable (staff)")
def disable(request: HttpRequest, bank: str, entry_id: Id, payload: DisableIn) -> dict[str, Any]:
    until = payload.until
    if until is not None and timezone.is_naive(until):
        until = timezone.make_aware(until)
    return _entry(actions.do_disable(signed_in(request), bank, entry_id, reason=payload.reason, until=until))


@router.post("/{bank}/entries/{entry_id}/enable", response=EntryOut, auth=SIGNED_IN, summary="Enable again (staff)")
def enable(request: HttpRequest, bank: str, entry_id: Id, payload: ReasonIn) -> dict[str, Any]:
    return _entry(actions.do_enable(signed_in(request), bank, entry_id, reason=payload.reason))


@router.post("/{bank}/entries/{entry_id}/keep", response=EntryOut, auth=SIGNED_IN, summary="Keep a disputed entry")
def keep(request: HttpRequest, bank: str, entry_id: Id, payload: ReasonIn) -> dict[str, Any]:
    return _entry(actions.do_keep(signed_in(request), bank, entry_id, reason=payload.reason))


@router.post(
    "/{bank}/entries/{entry_id}/opinions",
    response={201: OpinionOut},
    auth=SIGNED_IN,
    summary="Confirm or dispute an entry (members)",
)
def opinion(request: HttpRequest, bank: str, entry_id: Id, payload: OpinionIn) -> Status[dict[str, Any]]:
    made = actions.do_give_opinion(signed_in(request), bank, entry_id, stance=payload.stance, reason=payload.reason)
    return Status(
        201, {"member": made.member.name, "stance": made.stance, "reason": made.reason, "created_at": made.created_at}
    )
