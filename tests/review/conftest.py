"""Fixtures of the review tests: a per-test signing key, a fresh screener, API-key clients, English messages (shared
with the bank tests, in :mod:`tests.bank_fixtures`)."""

from tests.bank_fixtures import _fresh_banks, key_for  # noqa: F401  (pytest registers imported fixtures)
