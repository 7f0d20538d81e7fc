"""Lookups cached in the shared cache (``django.core.cache.cache``, the one every process of an installation uses),
each guarded by a generation token so that an invalidation is seen by every process on its very next request.

A cached entry is stored together with the generation token that was current *before* the database was read, and
a reader uses the entry only while that token is still the current one. A change replaces the token right away and
again once its transaction has committed (:func:`bump`). Deleting the entry instead would leave a race: a request
that read the database just before the commit could store its stale answer just after the delete. With tokens, that
late entry carries an outdated token and is never served.

The entry and its token are read together (one ``get_many``: one round trip to Redis, one query on the database
cache), so a hit costs one cache read. If the cache cannot be reached, callers fall back to the database: the lookup
is then slower, never wrong.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

# A token outlives the entries it guards (they live a minute or so); when one expires or is evicted, a fresh random
# token replaces it and every entry stored under the old one stops being served, so expiry is always safe.
TOKEN_TIMEOUT = 24 * 3600


class _Missing:
    """No usable cached value (absent, stored under an outdated token, or the cache is unreachable)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def read(entry_key: str, token_key: str) -> tuple[Any, str | None]:
    """The cached value under ``entry_key`` if it is current, else :data:`MISSING`; and the token to store a fresh
    value with (see :func:`store`), read before the caller reads the database. The token is None when the cache
    cannot be reached (then nothing is stored)."""
    try:
        found = cache.get_many([entry_key, token_key])
        token = found.get(token_key)
        entry = found.get(entry_key)
        if token is not None and isinstance(entry, tuple) and len(entry) == 2 and entry[0] == token:
            return entry[1], token
        if token is None:
            # get_or_set adds only if still absent and reads back, so concurrent first readers agree on one token.
            token = cache.get_or_set(token_key, secrets.token_hex(8), TOKEN_TIMEOUT)
        return MISSING, token
    except Exception:  # the cache is down or holds something unreadable: the database answers instead
        logger.warning("shared cache unavailable for %s; reading the database", token_key, exc_info=True)
        return MISSING, None


def store(entry_key: str, token: str | None, value: Any, timeout: float) -> None:
    """Cache ``value`` under ``entry_key`` for ``timeout`` seconds, guarded by ``token`` from :func:`read`."""
    if token is None:
        return
    try:
        cache.set(entry_key, (token, value), timeout)
    except Exception:
        logger.warning("shared cache unavailable; %s not cached", entry_key, exc_info=True)


def _replace_tokens(token_keys: list[str]) -> None:
    try:
        cache.set_many({key: secrets.token_hex(8) for key in token_keys}, TOKEN_TIMEOUT)
    except Exception:  # entries then expire on their own (their timeout is the bound); say so loudly
        logger.error("shared cache unavailable: could not invalidate %s", ", ".join(token_keys), exc_info=True)


def bump(token_keys: Iterable[str]) -> None:
    """Invalidate every entry guarded by these tokens: now, and again after the current transaction commits (a
    request that read the database before the commit may have stored an entry in between). Outside a transaction
    the second bump happens at once."""
    keys = list(dict.fromkeys(token_keys))
    if not keys:
        return
    _replace_tokens(keys)
    transaction.on_commit(lambda: _replace_tokens(keys))
