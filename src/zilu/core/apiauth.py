"""API authentication: per-member API keys (``Authorization: Bearer zilu_…``) or the page session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth as NinjaSessionAuth

from zilu.core.actions import authenticate_token


class ApiKeyAuth(HttpBearer):
    """Bearer token of a member's API key. The request then acts as the representative who created the key.

    ``request.user`` is that representative, loaded lazily: its id, role, member and flags come from the key's
    cached entry, so a permission check costs no query (``core.keycache.KnownUser``); ``request.api_key`` is the
    key's :class:`~zilu.core.keycache.KeyIdentity`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        identity = authenticate_token(token)
        if identity is None:
            return None
        user = identity.user()
        request.user = user
        request.api_key = identity  # type: ignore[attr-defined]
        return user


class SessionAuth(NinjaSessionAuth):
    """The page session, with django-ninja's CSRF check, but only when the request carries a session cookie.

    Without one there is no session to forge, and a member system whose key was refused must get 401, not django-
    ninja's "CSRF check Failed" 403 (which its CSRF check gives any cookie-less POST). The class keeps django-ninja's
    name, so the OpenAPI schema's ``SessionAuth`` scheme is unchanged."""

    def __call__(self, request: HttpRequest) -> Any:
        if self.param_name not in request.COOKIES:
            return None
        return super().__call__(request)


api_key_auth = ApiKeyAuth()
session_auth = SessionAuth()
SIGNED_IN = [api_key_auth, session_auth]
