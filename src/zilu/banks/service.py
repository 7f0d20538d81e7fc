"""The platform's screener: the engine (`zilu.screening`) loaded once per process with the platform's banks.

Banks come from the files named by ``ZILU_SCREENING_TERMS`` (``term label[,label]`` lines), ``ZILU_SCREENING_ALLOW``
(one word a line), ``ZILU_SCREENING_DOMAINS`` (one domain or URL prefix a line), ``ZILU_SCREENING_BANKS`` (Zilu
bank exports) and ``ZILU_SCREENING_RUMORS`` (rumor claims, JSON Lines), each a comma-separated list of paths, under
the policy in ``ZILU_SCREENING_POLICY`` (JSON or TOML). With none set, the screener still finds personal information;
it finds no terms or blocked links until banks are configured.
The shared banks' active entries (``banks.models.Entry``) are merged in; each request compares the banks' versions
and a changed bank rebuilds the screener, so curation takes effect without a restart.

The versions come from the shared cache (:func:`current_bank_versions`), not from a query per request: every change
of a version (``banks.actions._next_versions``) invalidates the cached copy for every process, at once and again
after its commit. Each process also keeps what it read for ``ZILU_BANK_VERSIONS_MEMO_MS`` milliseconds (1000 by
default, 0 turns it off), so a bank change is served by the process that made it on its next request and by every other
process at most that long after the commit.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db import transaction

from zilu.banks.models import Bank, BankState, Entry
from zilu.core import sharedcache
from zilu.screening import HOUBB_LABELS, Banks, BlockedDomain, Policy, RumorClaim, Screener, Term
from zilu.screening.banks import merge_terms

_lock = threading.Lock()
_screener: Screener | None = None
_versions: tuple[tuple[str, int], ...] = ()
# (monotonic deadline, versions): this process's short memo of the shared cache's copy.
_memo: tuple[float, tuple[tuple[str, int], ...]] | None = None
VERSIONS_KEY = "banks:versions"
VERSIONS_TOKEN_KEY = "banks:versions-gen"
# A backstop (a version changed by hand in SQL): every change through the actions invalidates the copy at once.
VERSIONS_TIMEOUT = 60


def build_screener() -> Screener:
    """A new screener from the configured files."""
    banks = Banks.from_files(
        terms=settings.ZILU_SCREENING_TERMS,
        allow=settings.ZILU_SCREENING_ALLOW,
        domains=settings.ZILU_SCREENING_DOMAINS,
        exports=settings.ZILU_SCREENING_BANKS,
        label_map=HOUBB_LABELS if settings.ZILU_SCREENING_TERM_LABELS == "houbb" else None,
        rumors=settings.ZILU_SCREENING_RUMORS,
    )
    banks = banks.merge(database_banks())
    policy = Policy.from_file(settings.ZILU_SCREENING_POLICY) if settings.ZILU_SCREENING_POLICY else Policy()
    return Screener(banks, policy)


def database_banks() -> Banks:
    """The shared banks' active entries (terms, allow-list words, harmful domains and URL prefixes, rumor claims), as
    engine data."""
    terms, allow, domains, rumors = [], [], [], []
    wanted = [Bank.TERMS, Bank.ALLOW, Bank.DOMAINS, Bank.RUMORS]
    for pk, bank, data in Entry.objects.served().filter(bank__in=wanted).values_list("pk", "bank", "data"):
        if bank == Bank.TERMS:
            terms.append(Term(text=data["term"], labels=tuple(data["labels"]), severity=data["severity"],
                              context=tuple(data.get("context", ())), id=str(pk),
                              needs_context=bool(data.get("needs_context", False))))  # fmt: skip
        elif bank == Bank.ALLOW:
            allow.append(data["term"])
        elif bank == Bank.RUMORS:
            rumors.append(RumorClaim(id=str(pk), text=data["claim"], debunk=data.get("debunk", ""),
                                     source=data.get("source") or None, date=data.get("date") or None))  # fmt: skip
        else:  # a domain ("kind": "domain") or a URL prefix ("prefix": host + path); the engine tells them apart
            domains.append(BlockedDomain(domain=data["value"], label=data["label"], severity=data["severity"]))
    return Banks(
        terms=merge_terms(terms), allow=tuple(dict.fromkeys(allow)), domains=tuple(domains), rumors=tuple(rumors)
    )


def database_hashes() -> dict[str, str]:
    """The file-hash bank's active entries, ``{hex digest: label}``, for the file scanner (``core.filescan``)."""
    return {
        data["value"]: data.get("label") or "file.harmful"
        for data in Entry.objects.served().filter(bank=Bank.HASHES).values_list("data", flat=True)
    }


def bank_versions() -> tuple[tuple[str, int], ...]:
    """Every bank's current version, from the database (one small query). Requests use
    :func:`current_bank_versions`."""
    return tuple(BankState.objects.order_by("bank").values_list("bank", "version"))


def current_bank_versions() -> tuple[tuple[str, int], ...]:
    """Every bank's version as the shared cache knows it (no query while the copy is current), memoised in this
    process for ``ZILU_BANK_VERSIONS_MEMO`` seconds."""
    global _memo
    now = time.monotonic()
    memo = _memo
    if memo is not None and now < memo[0]:
        return memo[1]
    versions, token = sharedcache.read(VERSIONS_KEY, VERSIONS_TOKEN_KEY)
    if versions is sharedcache.MISSING:
        versions = bank_versions()
        sharedcache.store(VERSIONS_KEY, token, versions, VERSIONS_TIMEOUT)
    else:
        versions = tuple(tuple(pair) for pair in versions)
    _memo = (now + float(settings.ZILU_BANK_VERSIONS_MEMO), versions)
    return versions


def _forget_memo() -> None:
    global _memo
    _memo = None


def bank_versions_changed() -> None:
    """A bank's version moved (called inside the transaction that moves it): every process reads the versions again,
    this one on its next request, the others within ``ZILU_BANK_VERSIONS_MEMO`` seconds of the commit."""
    sharedcache.bump([VERSIONS_TOKEN_KEY])
    _forget_memo()
    transaction.on_commit(_forget_memo)


def get_screener() -> Screener:
    """The process's screener, built on first use (the lexicon takes a moment to compile) and rebuilt when a
    shared bank's version has moved, so curated entries are served without a restart. While one thread rebuilds,
    the others keep screening with the previous screener."""
    global _screener, _versions
    versions = current_bank_versions()
    current = _screener
    if current is not None and versions == _versions:
        return current
    if not _lock.acquire(blocking=current is None):
        return current  # type: ignore[return-value]  (not None: a non-blocking acquire happens only then)
    try:
        if _screener is None or versions != _versions:
            _screener = build_screener()
            _versions = versions
        return _screener
    finally:
        _lock.release()


def screener_versions() -> dict[str, int]:
    """The bank versions the current screener was built from (after :func:`get_screener`), without a query."""
    return dict(_versions)


def reset_screener() -> None:
    """Forget the screener, so that the next request loads the banks again (tests, bank updates)."""
    global _screener, _versions
    with _lock:
        _screener = None
        _versions = ()
    _forget_memo()
