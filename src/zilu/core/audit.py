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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from zilu.core import signatures
from zilu.core.models import AuditEntry
from zilu.core.requestid import current_request_id
from zilu.core.roles import Perm, has_perm, role_of

if TYPE_CHECKING:
    from zilu.core.actors import Actor

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
    """The SHA-256 that ``entry`` must carry, computed from its content and ``prev_hash`` (the content of
    :func:`extract_row`, so that an extract is checked offline by exactly the same rule)."""
    return row_hash(extract_row(entry))


def _lock_chain() -> None:
    """Serialise writers so two transactions never extend the chain from the same head."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('zilu.audit'))")
    # SQLite runs write transactions one at a time (BEGIN IMMEDIATE, see settings), so no lock is needed.


def record(
    actor: Actor | None,
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
    known = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        seq=(last.seq + 1) if last else 1,
        created_at=timezone.now(),
        actor_id=known.pk if known is not None else None,
        actor_label=(known.get_username() if known is not None else "")[:200],
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
    """The outcome of walking the chain. ``problem`` is one of changed, deleted, inserted, broken, head, anchor,
    truncated or signature; ``anchors`` counts the anchors checked, ``unsigned`` those that carried no signature."""

    ok: bool
    checked: int
    head: ChainHead
    seq: int | None = None
    problem: str | None = None
    detail: str = ""
    anchors: int = 0
    unsigned: int = 0


@dataclass(frozen=True)
class Anchor:
    """A head kept outside the chain: the chain must still hold entry ``seq`` with ``hash``.

    ``label`` says where it comes from ("published 2026-12-05", "head file heads.json"); ``signed`` is True when its
    Ed25519 signature by the platform's key was checked, False when a signature was there and is wrong (the anchor
    itself was altered), None when it carries none.
    """

    seq: int
    hash: str
    label: str
    signed: bool | None = None


AnchorSource = Callable[[], Iterable[Anchor]]
_anchor_sources: dict[str, AnchorSource] = {}


def register_anchor_source(name: str, source: AnchorSource) -> None:
    """Declare heads kept elsewhere that :func:`verify_chain` checks by default (the oversight app registers the
    heads it publishes every day)."""
    _anchor_sources[name] = source


def registered_anchors() -> list[Anchor]:
    return [anchor for source in _anchor_sources.values() for anchor in source()]


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


@transaction.atomic
def verify_chain(expected_head: str | None = None, *, anchors: Iterable[Anchor] | None = None) -> Verification:
    """Walk the whole chain and report the first entry that is not what the chain says it must be.

    ``expected_head``, a hash a member noted earlier, must still be in the chain: otherwise history was cut or
    rewritten after that point. ``anchors`` (by default every registered source: the published daily heads) must
    each still be in the chain at their position. A chain rewritten from some entry on with recomputed hashes is
    consistent in itself; an anchor published before the rewrite catches it (``anchor``), and an anchor beyond the
    chain's end catches entries cut off the end (``truncated``). A signed anchor whose signature fails was itself
    altered (``signature``).
    """
    anchor_list = registered_anchors() if anchors is None else list(anchors)
    unsigned = sum(1 for a in anchor_list if a.signed is None)
    for anchor in anchor_list:
        if anchor.signed is False:
            return Verification(
                False, 0, head(), anchor.seq, "signature",
                f"the head #{anchor.seq} ({anchor.label}) does not carry the platform's signature: it was altered",
                len(anchor_list), unsigned,
            )  # fmt: skip
    by_seq: dict[int, list[Anchor]] = {}
    for anchor in anchor_list:
        by_seq.setdefault(anchor.seq, []).append(anchor)
    previous, before_previous = GENESIS, None
    expected_seq, checked, seen_expected = 1, 0, expected_head is None
    last: AuditEntry | None = None
    for entry in _entries():
        checked += 1
        problem = _problem_of(entry, previous, before_previous, expected_seq, last)
        if problem is not None:
            return Verification(
                False, checked, head(), entry.seq, problem[0], f"entry #{entry.seq}: {problem[1]}",
                len(anchor_list), unsigned,
            )  # fmt: skip
        for anchor in by_seq.get(entry.seq, ()):
            if anchor.hash != entry.hash:
                return Verification(
                    False, checked, head(), entry.seq, "anchor",
                    f"entry #{entry.seq} is not the one in the head {anchor.label}: history was rewritten",
                    len(anchor_list), unsigned,
                )  # fmt: skip
        seen_expected = seen_expected or entry.hash == expected_head
        before_previous, previous, last = previous, entry.hash, entry
        expected_seq = entry.seq + 1
    current = ChainHead(last.seq, last.hash, last.created_at) if last else ChainHead(0, GENESIS, None)
    beyond = [anchor for anchor in anchor_list if anchor.seq > current.seq]
    if beyond:
        far = max(beyond, key=lambda anchor: anchor.seq)
        return Verification(
            False, checked, current, far.seq, "truncated",
            f"the log ends at #{current.seq}, but the head {far.label} is #{far.seq}: entries were cut off the end",
            len(anchor_list), unsigned,
        )  # fmt: skip
    if not seen_expected:
        return Verification(
            False, checked, current, None, "head", "the noted head hash is no longer in the chain",
            len(anchor_list), unsigned,
        )  # fmt: skip
    return Verification(True, checked, current, anchors=len(anchor_list), unsigned=unsigned)


def anchors_from_document(data: Any, label: str, public_key: str | None) -> list[Anchor]:
    """Anchors from a heads document kept outside the database: a list (or ``{"heads": [...]}``) of published heads
    as ``GET /api/v1/oversight/heads`` serves them (``day``, ``seq``, ``hash`` and the signed ``signature``
    document), or bare signed documents. With ``public_key``, signatures are checked."""
    items = data.get("heads") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError("a heads document is a list of published heads")
    anchors = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValueError(f"item {index} is not an object")
        document = item.get("signature") if isinstance(item.get("signature"), dict) else None
        if document is None and "payload" in item:
            document, item = item, item["payload"]
        try:
            seq, value = int(item["seq"]), str(item["hash"])
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"item {index} has no seq and hash") from None
        where = f"{item.get('day') or f'#{seq}'} in {label}"
        anchors.append(Anchor(seq, value, where, _signed(document, {"seq": seq, "hash": value}, public_key)))
    return anchors


def _signed(document: Any, expected: dict[str, Any], public_key: str | None) -> bool | None:
    """True when ``document`` is signed by ``public_key`` and its payload says ``expected``; None with no document."""
    if not document:
        return None
    if public_key is None:
        return None
    try:
        payload = signatures.verify(document, public_key)
    except signatures.SignatureError:
        return False
    return all(payload.get(key) == value for key, value in expected.items())


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


# ------------------------------------------------------------------------------------------------ sealed entries

#: Entries of these actions are sealed: only holders of ``Perm.VIEW_SEALED_AUDIT`` (the supervising department)
#: read them. Complaints about the executing body (Art. 20) must not reach the executing body through its own log.
SEALED_PREFIXES = ("oversight.",)


def is_sealed(entry: AuditEntry) -> bool:
    return entry.action.startswith(SEALED_PREFIXES)


def sees_sealed(user: Actor) -> bool:
    return has_perm(user, Perm.VIEW_SEALED_AUDIT)


def exclude_sealed(queryset: Any) -> Any:
    """``queryset`` of entries without the sealed ones."""
    for prefix in SEALED_PREFIXES:
        queryset = queryset.exclude(action__startswith=prefix)
    return queryset


def redact(entry: AuditEntry) -> AuditEntry:
    """A copy of a sealed entry that keeps only its place in the chain (seq, prev_hash, hash): whoever reads the log
    still sees that the links hold, but not when, who, what or about whom. Not saved."""
    blank: dict[str, Any] = {"created_at": None}  # a sealed entry shows no time (the model's field is not null)
    return AuditEntry(
        seq=entry.seq, actor_id=None, actor_label="", role="", action="sealed", object_type="", object_id="",
        object_repr="", before=None, after=None, request_id="", prev_hash=entry.prev_hash, hash=entry.hash, **blank,
    )  # fmt: skip


def present(entries: Any, user: Actor) -> list[AuditEntry]:
    """The entries as ``user`` may read them: sealed ones redacted unless the user may read them."""
    if sees_sealed(user):
        return list(entries)
    return [redact(e) if is_sealed(e) else e for e in entries]


# ------------------------------------------------------------------------------------------------ extracts

EXTRACT_FORMAT = "zilu-audit-extract/1"


def extract_row(entry: AuditEntry) -> dict[str, Any]:
    """One entry as an extract carries it: exactly the content its hash covers, plus seq, prev_hash and hash."""
    return {
        "seq": entry.seq,
        "timestamp": timestamp(entry.created_at),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "role": entry.role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": entry.before,
        "after": entry.after,
        "request_id": entry.request_id,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def row_hash(row: dict[str, Any]) -> str:
    """The hash an extract row must carry, computed from the row alone (no database)."""
    content = {
        "prev": row["prev_hash"],
        "at": row["timestamp"],
        "actor_id": row["actor_id"],
        "actor": row["actor_label"],
        "role": row["role"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "object_repr": row["object_repr"],
        "before": row["before"],
        "after": row["after"],
        "request_id": row["request_id"],
    }
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def build_extract(entries: Any, *, subject: str, published: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An extract of ``entries`` for offline verification (``zilu audit verify --file``)."""
    current = head()
    return {
        "format": EXTRACT_FORMAT,
        "subject": subject,
        "generated_at": timestamp(timezone.now()),
        "head": {"seq": current.seq, "hash": current.hash},
        "published_heads": published or [],
        "entries": [extract_row(e) for e in entries],
    }


def verify_extract(data: Any) -> Verification:
    """Check an extract offline: every entry's hash matches its content, and where two entries are consecutive in
    the chain the later one links to the earlier. Entries in between need not be present: each entry still proves
    itself, and its hash can be looked for in the chain (``zilu audit verify``) or against a published head."""
    if not isinstance(data, dict) or data.get("format") != EXTRACT_FORMAT or not isinstance(data.get("entries"), list):
        return Verification(False, 0, ChainHead(0, GENESIS, None), None, "format", f"not a {EXTRACT_FORMAT} file")
    rows = sorted(data["entries"], key=lambda r: r.get("seq", 0) if isinstance(r, dict) else 0)
    by_seq: dict[int, dict[str, Any]] = {}
    checked = 0
    for row in rows:
        checked += 1
        try:
            computed = row_hash(row)
        except (KeyError, TypeError):
            return Verification(False, checked, ChainHead(0, GENESIS, None), None, "format", "an entry lacks a field")
        seq = int(row["seq"])
        if computed != row["hash"]:
            return Verification(False, checked, ChainHead(0, GENESIS, None), seq, "changed",
                                f"entry #{seq}: its content does not match its hash")  # fmt: skip
        previous = by_seq.get(seq - 1)
        if previous is not None and row["prev_hash"] != previous["hash"]:
            return Verification(False, checked, ChainHead(0, GENESIS, None), seq, "broken",
                                f"entry #{seq}: it does not link to entry #{seq - 1}")  # fmt: skip
        by_seq[seq] = row
    last = rows[-1] if rows else None
    return Verification(True, checked, ChainHead(int(last["seq"]), last["hash"], None) if last else head_of_empty())


def head_of_empty() -> ChainHead:
    return ChainHead(0, GENESIS, None)
