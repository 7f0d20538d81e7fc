"""``{% load charts %}``: the server-rendered SVG charts of :mod:`zilu.core.charts` in templates.

{% bar_chart "by-category" _("Reports by category") rows unit="" %}
{% line_chart "trend" _("Reports per month") months series %}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from zilu.core import charts

register = template.Library()


@register.simple_tag
def bar_chart(chart_id: str, title: Any, rows: Any, **options: Any) -> SafeString:
    """Horizontal bars of ``rows``: ``(label, value)`` pairs, or dicts with ``label`` and ``count``."""
    pairs = [(row["label"], row["count"]) if isinstance(row, dict) else tuple(row) for row in rows]
    return charts.bar_chart(chart_id, title, pairs, **options)


@register.simple_tag
def line_chart(chart_id: str, title: Any, labels: Any, series: Any, **options: Any) -> SafeString:
    """Lines of ``series`` (``(name, values)`` pairs) over ``labels``."""
    return charts.line_chart(chart_id, title, list(labels), list(series), **options)
