"""Throttling: failed logins, and new accounts per address.

A small counter in Django's cache, per username and per client address, because django-axes would add its own
models, middleware and authentication backend for what is here twenty lines. Set ``ZILU_CACHE_URL`` to a Redis URL
when running several web processes so that they share the counters.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _keys(username: str, request: HttpRequest | None) -> list[str]:
    keys = ["zilu:login:user:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()]
    if request is not None:
        keys.append("zilu:login:ip:" + (request.META.get("REMOTE_ADDR") or "unknown"))
    return keys


def is_locked(username: str, request: HttpRequest | None) -> bool:
    """Whether too many recent failures block another attempt for this username or address."""
    # The address limit is looser: several people may share one office NAT.
    limits = [settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_LIMIT * 4]
    return any((cache.get(key) or 0) >= limit for key, limit in zip(_keys(username, request), limits, strict=False))


def _count(key: str, window: int) -> None:
    cache.add(key, 0, window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)


def record_failure(username: str, request: HttpRequest | None) -> None:
    """Count one failed attempt for the username and the address."""
    for key in _keys(username, request):
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
    cache.delete(_keys(username, request)[0])
