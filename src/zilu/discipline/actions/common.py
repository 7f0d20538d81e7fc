"""Helpers shared by the discipline actions: text checks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from zilu.core.errors import ValidationFailed


def text(value: str | None, field: str, message: Any, limit: int = 20000) -> str:
    """``value`` stripped; ValidationFailed on ``field`` when it is empty or longer than ``limit``."""
    cleaned = (value or "").strip()
    if not cleaned:
        raise ValidationFailed(message, field=field)
    if len(cleaned) > limit:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return cleaned
