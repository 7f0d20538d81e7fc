"""Every state change of the signal banks: contributions, curation, opinions, disabling, bulk import.

Each change of an entry takes the next version of its bank (the ``BankState`` row is locked, so versions are
gapless and monotonic per bank) and writes a ``Change`` row with the entry as served after it: the sync reads
additions, changes and removals from that log, and the platform's screener reloads when a version moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.banks.entries import EntryError, check_entry, guess_format, parse_import, sync_form
from zilu.banks.models import PERCEPTUAL_BANKS, Bank, BankState, Change, Entry, Opinion
from zilu.banks.service import bank_versions_changed
from zilu.banks.signals import entries_added
from zilu.core import audit
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import Duplicate, Forbidden, InvalidTransition, NotFound, ValidationFailed
from zilu.core.filescan import reset_file_scanner
from zilu.core.models import User
from zilu.core.notify import executing_body_staff, notify
from zilu.core.roles import Perm, has_perm, require
from zilu.core.workflow import access, check_transition, transition
from zilu.members.models import Member

THRESHOLD_MAX = 128  # half of PDQ's 256 bits: beyond it two unrelated images "match"
IMPORT_REPORT_ROWS = 200  # the report lists at most this many duplicated and rejected records (counts are full)


def check_bank(bank: str) -> str:
    """``bank`` if it names a bank, else NotFound."""
    if bank not in Bank.values:
        raise NotFound(_("There is no bank named “%(bank)s”.") % {"bank": bank})
    return bank


def _member_of(actor: Actor) -> Member | None:
    """The active member a member representative acts for (None for the staff); Forbidden if not active."""
    if not getattr(actor, "member_id", None):
        return None
    member = Member.objects.filter(pk=actor.member_id).first()
    if member is None or member.status != Member.Status.ACTIVE:
        raise Forbidden(_("Only active members may do this."))
    return member


def _label(actor: Actor) -> str:
    return actor.get_username() if getattr(actor, "is_authenticated", False) else ""


def _user(actor: Actor) -> User | None:
    return actor if getattr(actor, "pk", None) else None


def _next_versions(bank: str, count: int = 1) -> int:
    """Reserve ``count`` consecutive versions of ``bank``; returns the first. Locks the bank's row until commit."""
    state = BankState.objects.select_for_update().filter(bank=bank).first()
    if state is None:  # created by the migration; kept for databases flushed by tests
        BankState.objects.get_or_create(bank=bank)
        state = BankState.objects.select_for_update().get(bank=bank)
    first = state.version + 1
    state.version += count
    state.changed_at = timezone.now()
    state.save(update_fields=["version", "changed_at"])
    bank_versions_changed()  # every process's screener sees the new version on its next request (banks.service)
    return first


def _change(entry: Entry, version: int, op: str, actor: Actor, note: str = "") -> Change:
    entry.version = version
    return Change(
        bank=entry.bank,
        version=version,
        entry=entry,
        op=op,
        served=entry.served,
        snapshot=sync_form(entry.pk, entry.key, entry.data),
        actor_label=_label(actor)[:200],
        note=note,
    )


def _log(entry: Entry, op: str, actor: Actor, note: str = "", fields: list[str] | None = None) -> None:
    """Number the change, save the entry's changed fields and write the change log row."""
    change = _change(entry, _next_versions(entry.bank), op, actor, note)
    _hashes_changed(entry.bank)
    entry.save(update_fields=[*(fields or []), "version", "updated_at"])
    change.save()


def _log_transition(
    entry: Entry,
    target: str,
    op: str,
    actor: Actor,
    note: str,
    *,
    action: str,
    changes: dict[str, Any],
    extra_after: dict[str, Any],
) -> None:
    """:func:`_log` for a change of status: the status and ``changes`` are saved and audited by ``transition()``
    (``changes`` and the version unaudited), then the change log row is written with the entry as now served."""
    check_transition(entry, target)  # before the bank's version moves: that is announced outside the database
    version = _next_versions(entry.bank)
    _hashes_changed(entry.bank)
    transition(
        entry, target, actor=actor, action=action, changes={**changes, "version": version},
        unaudited=(*changes, "version"), extra_after=extra_after,
    )  # fmt: skip
    _change(entry, version, op, actor, note).save()


def _announce(bank: str) -> None:
    """After the commit, tell whoever listens (the takedown sweep) that ``bank`` gained entries in service."""
    transaction.on_commit(lambda: entries_added.send(sender=Entry, bank=bank), robust=True)


def _hashes_changed(bank: str) -> None:
    """The file scanner of this process reloads the hash bank after the commit (the text screener compares
    versions on each request by itself)."""
    if bank == Bank.HASHES:
        transaction.on_commit(reset_file_scanner, robust=True)


def access_entry(actor: Actor, bank: str, entry_id: int, *, for_update: bool = False) -> Entry:
    """The entry of ``bank``, if ``actor`` may read the banks and see it (Forbidden, NotFound otherwise)."""
    require(actor, Perm.READ_BANKS)
    return access(Entry.objects.restrict(actor), entry_id, for_update=for_update, bank=check_bank(bank))


def _reason(reason: str, field_name: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(field=field_name, message=_("Give a reason."))
    return reason


def _checked(bank: str, raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    try:
        return check_entry(bank, raw)
    except EntryError as exc:
        raise ValidationFailed(
            errors=[{"field": exc.field or "value", "reason": exc.message, "code": exc.code}]
        ) from None


def _evidence(url: str) -> str:
    url = (url or "").strip()
    if url and not url.startswith(("http://", "https://")):
        raise ValidationFailed(field="evidence_url", message=_("The evidence link must be an http(s) address."))
    return url[:500]


# ------------------------------------------------------------------------------------------ contributions


@transaction.atomic
def do_contribute(actor: StaffActor, bank: str, raw: dict[str, Any], *, reason: str, evidence_url: str = "") -> Entry:
    """Add an entry with its provenance. A member's entry waits for curation; the staff's is active at once."""
    require(actor, Perm.CONTRIBUTE_TO_BANKS)
    member = _member_of(actor)
    key, data = _checked(check_bank(bank), raw)
    reason = _reason(reason)
    evidence_url = _evidence(evidence_url)
    if Entry.objects.filter(bank=bank, key=key).exists():
        raise Duplicate(_("This entry is already in the bank."))
    curated = member is None and has_perm(actor, Perm.CURATE_BANKS)
    entry = Entry.objects.create(
        bank=bank, key=key, data=data, reason=reason, evidence_url=evidence_url,
        status=Entry.Status.ACTIVE if curated else Entry.Status.PENDING,
        contributed_by=_user(actor), contributed_by_member=member, contributor_label=_label(actor)[:200],
        curated_by=_user(actor) if curated else None, curated_at=timezone.now() if curated else None,
    )  # fmt: skip
    _log(entry, "contribute", actor, reason)
    audit.record(actor, "banks.entry.contribute", entry, after={"bank": bank, "key": key, "status": entry.status})
    if curated:
        _announce(bank)
    else:
        notify(
            executing_body_staff(),
            _("A bank contribution awaits curation"),
            _("%(who)s contributed to the %(bank)s bank: %(entry)s")
            % {"who": member.name if member else _label(actor), "bank": bank, "entry": entry.label},
            url=f"/banks/{bank}/{entry.pk}/",
            kind="banks.entry.pending",
        )
    return entry


@transaction.atomic
def do_curate(actor: StaffActor, bank: str, entry_id: int, *, approve: bool, reason: str = "") -> Entry:
    """The staff approve a pending entry (it becomes active) or reject it with a reason."""
    require(actor, Perm.CURATE_BANKS)
    entry = access_entry(actor, bank, entry_id, for_update=True)
    if not approve:
        reason = _reason(reason)
    note = (reason or "").strip()
    _log_transition(
        entry, Entry.Status.ACTIVE if approve else Entry.Status.REJECTED, "approve" if approve else "reject", actor,
        note, action=f"banks.entry.{'approve' if approve else 'reject'}",
        changes={"curated_by": _user(actor), "curated_at": timezone.now(), "curation_reason": note},
        extra_after={"reason": note},
    )  # fmt: skip
    if approve:
        _announce(bank)
    if entry.contributed_by_id:
        notify(
            entry.contributed_by,
            _("Your bank contribution was approved") if approve else _("Your bank contribution was rejected"),
            f"{entry.label}\n{entry.curation_reason}".strip(),
            url=f"/banks/{bank}/{entry.pk}/",
            kind="banks.entry.curated",
        )
    return entry


@transaction.atomic
def do_give_opinion(actor: StaffActor, bank: str, entry_id: int, *, stance: str, reason: str) -> Opinion:
    """A member confirms or disputes an entry, with a reason; a dispute flags the entry for the staff."""
    require(actor, Perm.GIVE_BANK_OPINIONS)
    member = _member_of(actor)
    if member is None:
        raise Forbidden()
    entry = access_entry(actor, bank, entry_id, for_update=True)
    if stance not in Opinion.Stance.values:
        raise ValidationFailed(field="stance", message=_("Confirm or dispute."))
    reason = _reason(reason)
    if entry.status == Entry.Status.REJECTED:
        raise InvalidTransition(_("A rejected entry takes no opinions."))
    opinion, _created = Opinion.objects.update_or_create(
        entry=entry, member=member, defaults={"stance": stance, "reason": reason, "given_by": _user(actor)}
    )
    fields = []
    if stance == Opinion.Stance.DISPUTE and not entry.flagged:
        entry.flagged = True
        fields.append("flagged")
    _log(entry, stance, actor, reason, fields)
    audit.record(actor, f"banks.entry.{stance}", entry, after={"member": member.pk, "reason": reason})
    if stance == Opinion.Stance.DISPUTE:
        notify(
            executing_body_staff(),
            _("A bank entry is disputed"),
            _("%(member)s disputes %(entry)s: %(reason)s") % {"member": member.name, "entry": entry.label,
                                                             "reason": reason},
            url=f"/banks/{bank}/{entry.pk}/",
            kind="banks.entry.disputed",
        )  # fmt: skip
    return opinion


@transaction.atomic
def do_disable(actor: StaffActor, bank: str, entry_id: int, *, reason: str, until: datetime | None = None) -> Entry:
    """The staff take an entry out of service without deleting it, until a date or until enabled again."""
    require(actor, Perm.CURATE_BANKS)
    entry = access_entry(actor, bank, entry_id, for_update=True)
    reason = _reason(reason)
    if until is not None and until <= timezone.now():
        raise ValidationFailed(field="until", message=_("The until-date must be in the future."))
    _log_transition(
        entry, Entry.Status.DISABLED, "disable", actor, reason, action="banks.entry.disable",
        changes={"disabled_until": until, "flagged": False}, extra_after={"until": until, "reason": reason},
    )  # fmt: skip
    return entry


@transaction.atomic
def do_enable(actor: StaffActor, bank: str, entry_id: int, *, reason: str) -> Entry:
    """The staff put a disabled entry back into service."""
    require(actor, Perm.CURATE_BANKS)
    entry = access_entry(actor, bank, entry_id, for_update=True)
    if entry.status != Entry.Status.DISABLED:  # the table's pending → active is curation's approval, not this
        raise InvalidTransition(_("Only a disabled entry can be put back into service."))
    reason = _reason(reason)
    _enable(entry, actor, reason)
    return entry


def _enable(entry: Entry, actor: StaffActor, reason: str) -> None:
    _log_transition(
        entry, Entry.Status.ACTIVE, "enable", actor, reason, action="banks.entry.enable",
        changes={"disabled_until": None}, extra_after={"reason": reason},
    )  # fmt: skip
    _announce(entry.bank)


@transaction.atomic
def do_keep(actor: StaffActor, bank: str, entry_id: int, *, reason: str) -> Entry:
    """The staff looked at a disputed entry and keep it as it is: the flag is cleared, the opinions stay."""
    require(actor, Perm.CURATE_BANKS)
    entry = access_entry(actor, bank, entry_id, for_update=True)
    reason = _reason(reason)
    if not entry.flagged:
        raise InvalidTransition(_("The entry is not flagged."))
    entry.flagged = False
    _log(entry, "keep", actor, reason, ["flagged"])
    audit.record(actor, "banks.entry.keep", entry, after={"reason": reason})
    return entry


def enable_expired(actor: StaffActor, now: datetime | None = None) -> int:
    """Entries disabled until a date that has come go back into service (periodic task). Returns how many."""
    now = now or timezone.now()
    count = 0
    for entry_id, _bank in Entry.objects.filter(status=Entry.Status.DISABLED, disabled_until__lte=now).values_list(
        "pk", "bank"
    ):
        with transaction.atomic():
            entry = Entry.objects.select_for_update().filter(pk=entry_id, status=Entry.Status.DISABLED).first()
            if entry is None or entry.disabled_until is None or entry.disabled_until > now:
                continue
            _enable(entry, actor, _("The disabling period has ended."))
            count += 1
    return count


@transaction.atomic
def do_set_threshold(actor: StaffActor, bank: str, threshold: int, *, reason: str) -> BankState:
    """The staff set the match threshold of an image or video bank (the largest Hamming distance between PDQ hashes
    counted as a match). The bank takes a new version, so every screener rebuilds and the sync carries it."""
    require(actor, Perm.CURATE_BANKS)
    if check_bank(bank) not in PERCEPTUAL_BANKS:
        raise ValidationFailed(field="bank", message=_("Only image and video banks have a match threshold."))
    if not isinstance(threshold, int) or isinstance(threshold, bool) or not 0 <= threshold <= THRESHOLD_MAX:
        raise ValidationFailed(
            field="threshold", message=_("The threshold is a whole number from 0 to %(n)d.") % {"n": THRESHOLD_MAX}
        )
    reason = _reason(reason)
    _next_versions(bank)
    state = BankState.objects.select_for_update().get(bank=bank)
    before = state.threshold
    state.threshold = threshold
    state.save(update_fields=["threshold"])
    audit.record(actor, "banks.threshold", None, object_type="banks.bank", object_id=bank,
                 before={"threshold": before}, after={"threshold": threshold, "reason": reason})  # fmt: skip
    return state


# ------------------------------------------------------------------------------------------ bulk import


@dataclass
class ImportReport:
    """What a bulk import did: how many were added, and which records were duplicates or rejected, and why."""

    bank: str
    format: str
    added: int = 0
    duplicated: int = 0
    rejected: int = 0
    status: str = ""
    first_version: int | None = None
    last_version: int | None = None
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "bank": self.bank, "format": self.format, "status": self.status, "added": self.added,
            "duplicated": self.duplicated, "rejected": self.rejected, "first_version": self.first_version,
            "last_version": self.last_version, "duplicates": self.duplicates, "rejections": self.rejections,
        }  # fmt: skip


@transaction.atomic
def do_import(
    actor: StaffActor,
    bank: str,
    content: str,
    *,
    fmt: str = "",
    name: str = "",
    reason: str = "",
    evidence_url: str = "",
) -> ImportReport:
    """Import many entries at once (line formats, CSV, JSON, JSON Lines). A member's entries wait for curation."""
    require(actor, Perm.CONTRIBUTE_TO_BANKS)
    member = _member_of(actor)
    check_bank(bank)
    fmt = fmt or guess_format(bank, name, content)
    if fmt not in ("lines", "csv", "json", "jsonl"):
        raise ValidationFailed(field="format", message=_("The format is lines, csv, json or jsonl."))
    reason = (reason or "").strip() or _("Bulk import %(name)s") % {"name": name or fmt}
    evidence_url = _evidence(evidence_url)
    curated = member is None and has_perm(actor, Perm.CURATE_BANKS)
    status = Entry.Status.ACTIVE if curated else Entry.Status.PENDING
    report = ImportReport(bank=bank, format=fmt, status=status)
    existing = set(Entry.objects.filter(bank=bank).values_list("key", flat=True))
    new: list[Entry] = []
    now = timezone.now()
    for number, raw in parse_import(bank, content, fmt):
        if isinstance(raw, EntryError):
            _reject(report, number, "", raw)
            continue
        try:
            key, data = check_entry(bank, raw)
        except EntryError as exc:
            value = next((str(v) for v in raw.values() if isinstance(v, str) and v), "")
            _reject(report, number, value, exc)
            continue
        if key in existing:
            report.duplicated += 1
            if len(report.duplicates) < IMPORT_REPORT_ROWS:
                report.duplicates.append({"record": number, "key": key})
            continue
        existing.add(key)
        new.append(Entry(
            bank=bank, key=key, data=data, reason=reason, evidence_url=evidence_url, status=status,
            contributed_by=_user(actor), contributed_by_member=member, contributor_label=_label(actor)[:200],
            curated_by=_user(actor) if curated else None, curated_at=now if curated else None,
        ))  # fmt: skip
    if new:
        first = _next_versions(bank, len(new))
        for i, entry in enumerate(new):
            entry.version = first + i
        created = Entry.objects.bulk_create(new, batch_size=1000)
        if any(e.pk is None for e in created):  # databases that do not return ids from bulk inserts
            ids = dict(Entry.objects.filter(bank=bank, key__in=[e.key for e in new]).values_list("key", "pk"))
            for e in created:
                e.pk = ids[e.key]
        changes = [_change(entry, first + i, "import", actor, reason) for i, entry in enumerate(created)]
        Change.objects.bulk_create(changes, batch_size=1000)
        _hashes_changed(bank)
        report.added, report.first_version, report.last_version = len(new), first, first + len(new) - 1
    audit.record(
        actor, "banks.import", None, object_type="banks.bank", object_id=bank,
        after={k: v for k, v in report.as_dict().items() if k not in ("duplicates", "rejections")},
    )  # fmt: skip
    if new and curated:
        _announce(bank)
    if new and not curated:
        notify(
            executing_body_staff(),
            _("Bank contributions await curation"),
            _("%(who)s imported %(n)d entries into the %(bank)s bank.")
            % {"who": member.name if member else _label(actor), "n": len(new), "bank": bank},
            url=f"/banks/{bank}/?status=pending",
            kind="banks.entry.pending",
        )
    return report


def _reject(report: ImportReport, number: int, value: str, error: EntryError) -> None:
    report.rejected += 1
    if len(report.rejections) < IMPORT_REPORT_ROWS:
        report.rejections.append({"record": number, "value": value[:80], "reason": error.message, "code": error.code})
