"""API authentication: per-member API keys (``Authorization: Bearer zilu_…``) or the page session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from zilu.core.actions import authenticate_token


class ApiKeyAuth(HttpBearer):
    """Bearer token of a member's API key. The request then acts as the representative who created the key."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        key = authenticate_token(token)
        if key is None:
            return None
        request.user = key.created_by
        request.api_key = key  # type: ignore[attr-defined]
        return key.created_by


api_key_auth = ApiKeyAuth()
SIGNED_IN = [api_key_auth, django_auth]
