"""The append-only, hash-chained audit log.

Every action writes exactly one entry with :func:`record`, inside the same transaction as the change it records.
Each entry's hash is SHA-256 over the canonical JSON of its content plus the previous entry's hash, so
:func:`verify_chain` finds the first entry that was changed, deleted, inserted or moved. The sequence number is
not part of the hash: the links alone fix the order, which is what lets the verifier tell an inserted entry from
a changed one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from zilu.core.middleware import current_request_id
from zilu.core.models import AuditEntry
from zilu.core.roles import role_of

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 characters kept, dates and decimals as strings."""
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _normalise(value: Any) -> Any:
    """What the database will give back for ``value``: JSON round-tripped, so the hash is reproducible."""
    return None if value is None else json.loads(canonical_json(value))


def timestamp(moment: datetime) -> str:
    """The exact UTC time string that the hash covers (microseconds; the API publishes it as ``timestamp``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(entry: AuditEntry) -> str:
    """The SHA-256 that ``entry`` must carry, computed from its content and ``prev_hash``."""
    content = {
        "prev": entry.prev_hash,
        "at": timestamp(entry.created_at),
        "actor_id": entry.actor_id,
        "actor": entry.actor_label,
        "role": entry.role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
    }
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _lock_chain() -> None:
    """Serialise writers so two transactions never extend the chain from the same head."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('zilu.audit'))")
    # SQLite runs write transactions one at a time (BEGIN IMMEDIATE, see settings), so no lock is needed.


def record(
    actor: Any,
    action: str,
    obj: Model | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """Append one entry. Must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must be called inside transaction.atomic()")
    _lock_chain()
    last = AuditEntry.objects.order_by("-seq").only("seq", "hash").first()
    authenticated = getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        seq=(last.seq + 1) if last else 1,
        created_at=timezone.now(),
        actor_id=actor.pk if authenticated else None,
        actor_label=(actor.get_username() if authenticated else "")[:200],
        role=role_of(actor) if actor is not None else "system",
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=object_id or (str(obj.pk) if obj is not None else ""),
        object_repr=(str(obj) if obj is not None else "")[:200],
        before=_normalise(before),
        after=_normalise(after),
        request_id=current_request_id() or "",
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    return entry


def changes(obj: Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of ``obj`` as a dict, for ``before``/``after``."""
    return {name: getattr(obj, name) for name in fields}


@dataclass(frozen=True)
class ChainHead:
    """The newest entry's position and hash: what members note down to check history is not rewritten."""

    seq: int
    hash: str
    created_at: datetime | None


def head() -> ChainHead:
    """The current head of the chain (seq 0 and the genesis hash while the log is empty)."""
    last = AuditEntry.objects.order_by("-seq").only("seq", "hash", "created_at").first()
    if last is None:
        return ChainHead(0, GENESIS, None)
    return ChainHead(last.seq, last.hash, last.created_at)


@dataclass(frozen=True)
class Verification:
    """The outcome of walking the chain. ``problem`` is one of changed, deleted, inserted, broken, head."""

    ok: bool
    checked: int
    head: ChainHead
    seq: int | None = None
    problem: str | None = None
    detail: str = ""


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


@transaction.atomic
def verify_chain(expected_head: str | None = None) -> Verification:
    """Walk the whole chain and report the first entry that is not what the chain says it must be.

    ``expected_head``, a hash a member noted earlier, must still be in the chain: otherwise history was cut or
    rewritten after that point.
    """
    previous, before_previous = GENESIS, None
    expected_seq, checked, seen_expected = 1, 0, expected_head is None
    last: AuditEntry | None = None
    for entry in _entries():
        checked += 1
        problem = _problem_of(entry, previous, before_previous, expected_seq, last)
        if problem is not None:
            return Verification(False, checked, head(), entry.seq, problem[0], f"entry #{entry.seq}: {problem[1]}")
        seen_expected = seen_expected or entry.hash == expected_head
        before_previous, previous, last = previous, entry.hash, entry
        expected_seq = entry.seq + 1
    current = ChainHead(last.seq, last.hash, last.created_at) if last else ChainHead(0, GENESIS, None)
    if not seen_expected:
        return Verification(False, checked, current, None, "head", "the noted head hash is no longer in the chain")
    return Verification(True, checked, current)


def _problem_of(
    entry: AuditEntry, previous: str, before_previous: str | None, expected_seq: int, last: AuditEntry | None
) -> tuple[str, str] | None:
    """What is wrong with ``entry`` given the entries before it, as (problem, detail), or None."""
    missing = f"#{expected_seq}" if entry.seq - 1 == expected_seq else f"#{expected_seq}–#{entry.seq - 1}"
    if entry_hash(entry) != entry.hash:
        return "changed", "its content does not match its hash"
    if entry.prev_hash != previous:
        if entry.prev_hash == before_previous and last is not None:
            return "inserted", f"the entry before it (#{last.seq}) is not part of the chain"
        if entry.seq > expected_seq:
            return "deleted", f"the entries before it ({missing}) are missing"
        return "broken", "it does not link to the entry before it (entries were deleted, inserted or reordered)"
    if entry.seq != expected_seq:
        return "deleted", f"the sequence jumps over {missing}"
    return None
