"""The platform's side of the bank sync: full exports and change sets, signed with the platform's key
(:mod:`zilu.core.signing`, whose ``sign`` and ``public_key_info`` are re-exported here). Change sets are computed
from the ``Change`` log alone, up to the bank's version read first, so a document is consistent even while entries
change.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils import timezone

from zilu.banks.models import PERCEPTUAL_BANKS, BankState, Change, Entry
from zilu.banks.pull import SYNC_FORMAT
from zilu.core.signing import public_key_info as public_key_info
from zilu.core.signing import sign as sign

IN_CHUNK = 5000  # entries per IN (...) list


def current_version(bank: str) -> int:
    return BankState.objects.filter(bank=bank).values_list("version", flat=True).first() or 0


def _settings(bank: str) -> dict[str, Any]:
    """What a bank's documents carry besides its entries: the match threshold of an image or video bank."""
    if bank not in PERCEPTUAL_BANKS:
        return {}
    threshold = BankState.objects.filter(bank=bank).values_list("threshold", flat=True).first()
    return {"threshold": 31 if threshold is None else threshold}


def _latest(bank: str, entry_ids: list[int], upto: int) -> dict[int, Change]:
    """Each entry's last change at or before version ``upto``."""
    found: dict[int, Change] = {}
    for start in range(0, len(entry_ids), IN_CHUNK):
        chunk = entry_ids[start : start + IN_CHUNK]
        versions = (
            Change.objects.filter(bank=bank, entry_id__in=chunk, version__lte=upto)
            .values("entry_id")
            .annotate(v=Max("version"))
            .values_list("v", flat=True)
        )
        for change in Change.objects.filter(bank=bank, version__in=list(versions)).only(
            "entry_id", "served", "snapshot", "version"
        ):
            found[change.entry_id] = change
    return found


def export(bank: str) -> dict[str, Any]:
    """Every entry served at the bank's current version (for a first sync)."""
    version = current_version(bank)
    entries = {
        pk: (key, data)
        for pk, key, data in Entry.objects.served()
        .filter(bank=bank, version__lte=version)
        .values_list("pk", "key", "data")
    }
    out = [{"id": pk, "key": key, **data} for pk, (key, data) in entries.items()]
    # Entries changed after ``version`` was read: take their state at ``version`` from the log.
    later = list(Entry.objects.filter(bank=bank, version__gt=version).values_list("pk", flat=True))
    out += [c.snapshot for c in _latest(bank, later, version).values() if c.served]
    out.sort(key=lambda e: e["id"])
    return {
        "format": SYNC_FORMAT,
        "type": "export",
        "bank": bank,
        "version": version,
        "generated_at": timezone.now().isoformat(),
        "entries": out,
        **_settings(bank),
    }


def changes_since(bank: str, since: int) -> dict[str, Any]:
    """Additions, changes and removals of served entries between version ``since`` and the current version."""
    version = current_version(bank)
    since = max(0, min(since, version))
    after: dict[int, Change] = {}
    for change in Change.objects.filter(bank=bank, version__gt=since, version__lte=version).only(
        "entry_id", "served", "snapshot", "version"
    ):
        after[change.entry_id] = change  # ordered by version: the last one wins
    before = _latest(bank, list(after), since) if since else {}
    additions, changes, removals = [], [], []
    for entry_id in sorted(after):
        now, then = after[entry_id], before.get(entry_id)
        was_served = then is not None and then.served
        if now.served and not was_served:
            additions.append(now.snapshot)
        elif now.served and then is not None and now.snapshot != then.snapshot:
            changes.append(now.snapshot)
        elif not now.served and was_served:
            removals.append({"id": entry_id, "key": now.snapshot.get("key")})
    return {
        "format": SYNC_FORMAT,
        "type": "changes",
        "bank": bank,
        "since": since,
        "version": version,
        "generated_at": timezone.now().isoformat(),
        "additions": additions,
        "changes": changes,
        "removals": removals,
        **_settings(bank),
    }
