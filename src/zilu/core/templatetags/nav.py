"""``{% load nav %}``: role checks for templates, so a page shows a link only to those it opens for.

``{% if user|can:"discipline.nominate" %}<a ...>{% endif %}`` asks the same table as the view's ``require``.
"""

from __future__ import annotations

from typing import Any

from django import template

from zilu.core.roles import Perm, has_perm

register = template.Library()


@register.filter
def can(user: Any, perm: str) -> bool:
    """Whether ``user`` holds the named permission (a :class:`~zilu.core.roles.Perm` value)."""
    return has_perm(user, Perm(perm))
