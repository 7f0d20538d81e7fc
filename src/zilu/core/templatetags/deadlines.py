"""``{% load deadlines %}``: show a deadline marked “(provisional)” when it was computed beyond the official holiday
calendar (``core.deadlines.compute``; the model's ``deadline_provisional`` flag)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.filter
def deadline(value: Any, provisional: Any = False) -> Any:
    """``{{ case.response_due|date:"Y-m-d"|deadline:case.deadline_provisional|default:"—" }}``: the value as it is,
    or, when ``provisional``, the value with the marker in a ``<span class="provisional">``. An empty value stays
    empty (``default`` still applies); a date not yet formatted is shown in the site's date format."""
    if not provisional or value in (None, ""):
        return value
    shown = formats.localize(value) if isinstance(value, date) else str(value)
    return format_html('<span class="provisional">{}</span>', gettext("%(date)s (provisional)") % {"date": shown})
