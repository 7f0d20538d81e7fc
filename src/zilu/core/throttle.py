"""Throttling: failed logins, and new accounts per address.

Counters in the shared cache, per account, per account and address, and per address (see :func:`state`): django-axes
locks per account and address too, but would add its own models, middleware and authentication backend, and has no
CAPTCHA step for the account's owner, which is what keeps a lock-out from being used against a user. Set
``ZILU_CACHE_URL`` to a Redis URL when running several web processes so that they share the counters.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

OK, CAPTCHA, LOCKED = "ok", "captcha", "locked"


def _user_key(username: str) -> str:
    return "zilu:login:user:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()


def _address(request: HttpRequest | None) -> str:
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


def _pair_key(username: str, request: HttpRequest | None) -> str:
    return _user_key(username) + ":from:" + hashlib.sha256(_address(request).encode()).hexdigest()[:32]


def _address_key(request: HttpRequest | None) -> str:
    return "zilu:login:ip:" + _address(request)


def state(username: str, request: HttpRequest | None) -> str:
    """What a sign-in attempt for ``username`` from this address needs.

    A lock-out must not be usable against a user: failures lock only the pair of this account *and* this address
    (``LOGIN_FAILURE_LIMIT`` within the window), or an address that tries many accounts (four times that: several
    people may share one office NAT). Failures for the account from anywhere else do not lock its owner out: they
    put a CAPTCHA in front of the next attempts (:data:`CAPTCHA`), which the owner answers and signs in.
    """
    limit = int(settings.LOGIN_FAILURE_LIMIT)
    if (cache.get(_pair_key(username, request)) or 0) >= limit:
        return LOCKED
    if (cache.get(_address_key(request)) or 0) >= limit * 4:
        return LOCKED
    if (cache.get(_user_key(username)) or 0) >= limit:
        return CAPTCHA
    return OK


def is_locked(username: str, request: HttpRequest | None) -> bool:
    """Whether too many recent failures block another attempt for this username from this address."""
    return state(username, request) == LOCKED


def _count(key: str, window: int) -> None:
    cache.add(key, 0, window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)


def record_failure(username: str, request: HttpRequest | None) -> None:
    """Count one failed attempt for the account, the account from this address, and the address."""
    for key in (_user_key(username), _pair_key(username, request), _address_key(request)):
        _count(key, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _registration_key(request: HttpRequest) -> str:
    return "zilu:register:ip:" + (request.META.get("REMOTE_ADDR") or "unknown")


def registrations_exhausted(request: HttpRequest) -> bool:
    """Whether this address has created ``ZILU_REGISTRATION_LIMIT`` accounts within the last hour."""
    return (cache.get(_registration_key(request)) or 0) >= settings.ZILU_REGISTRATION_LIMIT


def record_registration(request: HttpRequest) -> None:
    """Count one account created from this address."""
    _count(_registration_key(request), 3600)


def reset(username: str, request: HttpRequest | None) -> None:
    """Forget the failures of a username after a successful login (the address counter keeps running)."""
    cache.delete_many([_user_key(username), _pair_key(username, request)])
