"""The platform's screener: the engine (`zilu.screening`) loaded once per process with the platform's banks.

Banks come from the files named by ``ZILU_SCREENING_TERMS`` (``term label[,label]`` lines), ``ZILU_SCREENING_ALLOW``
(one word a line), ``ZILU_SCREENING_DOMAINS`` (one domain a line) and ``ZILU_SCREENING_BANKS`` (Zilu bank exports),
each a comma-separated list of paths, under the policy in ``ZILU_SCREENING_POLICY`` (JSON or TOML). With none set,
the screener still finds personal information; it finds no terms or blocked links until banks are configured.
"""

from __future__ import annotations

import threading

from django.conf import settings

from zilu.screening import HOUBB_LABELS, Banks, Policy, Screener

_lock = threading.Lock()
_screener: Screener | None = None


def build_screener() -> Screener:
    """A new screener from the configured files."""
    banks = Banks.from_files(
        terms=settings.ZILU_SCREENING_TERMS,
        allow=settings.ZILU_SCREENING_ALLOW,
        domains=settings.ZILU_SCREENING_DOMAINS,
        exports=settings.ZILU_SCREENING_BANKS,
        label_map=HOUBB_LABELS if settings.ZILU_SCREENING_TERM_LABELS == "houbb" else None,
    )
    policy = Policy.from_file(settings.ZILU_SCREENING_POLICY) if settings.ZILU_SCREENING_POLICY else Policy()
    return Screener(banks, policy)


def get_screener() -> Screener:
    """The process's screener, built on first use (the lexicon takes a moment to compile)."""
    global _screener
    if _screener is None:
        with _lock:
            if _screener is None:
                _screener = build_screener()
    return _screener


def reset_screener() -> None:
    """Forget the screener, so that the next request loads the banks again (tests, bank updates)."""
    global _screener
    with _lock:
        _screener = None
