"""Charts rendered on the server as SVG: no JavaScript, no chart library, nothing fetched from elsewhere.

Every chart is a ``<figure>`` holding an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` (what a screen reader
announces) and, below it, the same figures as a table (the text equivalent, inside a ``<details>`` so that sighted
readers open it on demand). Colours come from the site's stylesheet (``.series-N``), never from inline styles, so
the pages keep their strict Content-Security-Policy.

    bar_chart("intake", _("Reports by category"), [("Fraud", 4), ("Rumours", 2)])
    line_chart("trend", _("Reports per month"), ["2026-01", "2026-02"], [("Fraud", [1, 3]), ("Rumours", [0, 2])])

Templates use the same through ``{% load charts %}{% bar_chart ... %}`` (see ``zilu.core.templatetags.charts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = int | float

WIDTH = 640
SERIES_CLASSES = 6  # .series-0 … .series-5 in site.css; further series reuse them


def _fmt(value: Number | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))
    return str(value)


def _with_unit(value: Number | None, unit: str) -> str:
    return _fmt(value) if value is None else f"{_fmt(value)}{unit}"


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _ticks(top: Number) -> list[Number]:
    """Up to five round gridline values from 0 to at least ``top``."""
    if top <= 0:
        return [0, 1]
    step: Number = 1
    for candidate in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 100000):
        step = candidate
        if top / candidate <= 4:
            break
    ticks: list[Number] = [0]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def _figure(chart_id: str, title: str, desc: str, svg_body: SafeString, height: int, table: SafeString) -> SafeString:
    return format_html(
        '<figure class="chart" id="{id}">'
        '<svg class="chart-svg" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
        "<figcaption>{title}</figcaption>"
        '<details class="chart-data"><summary>{show}</summary>{table}</details>'
        "</figure>",
        id=chart_id,
        w=WIDTH,
        h=height,
        title=title,
        desc=desc,
        body=svg_body,
        show=_("Show the figures as a table"),
        table=table,
    )


def bar_chart(
    chart_id: str,
    title: Any,
    rows: Sequence[tuple[Any, Number | None]],
    *,
    unit: Any = "",
    label_heading: Any = "",
    value_heading: Any = "",
) -> SafeString:
    """Horizontal bars, one per ``(label, value)`` row, largest scaled to the full width."""
    title, unit = str(title), str(unit)
    row_h, label_w, bar_w = 28, 210, 340
    top = max([v or 0 for _label, v in rows] + [0])
    height = max(row_h * len(rows), row_h) + 8
    bars = []
    for i, (label, value) in enumerate(rows):
        width = round(bar_w * (value or 0) / top) if top else 0
        y = 4 + i * row_h
        bars.append(
            format_html(
                '<g class="bar series-{s}"><title>{label}: {value}{unit}</title>'
                '<text class="chart-label" x="{lx}" y="{ty}" text-anchor="end">{short}</text>'
                '<rect x="{bx}" y="{y}" width="{w}" height="18" rx="2"></rect>'
                '<text class="chart-value" x="{vx}" y="{ty}">{value}{unit}</text></g>',
                s=0,
                label=str(label),
                short=_short(str(label)),
                value=_fmt(value),
                unit=unit,
                lx=label_w - 8,
                bx=label_w,
                y=y,
                ty=y + 14,
                w=width,
                vx=label_w + width + 6,
            )
        )
    if not rows:
        bars.append(format_html('<text class="chart-label" x="8" y="20">{}</text>', _("No data yet.")))
    summary = "; ".join(f"{label}: {_with_unit(value, unit)}" for label, value in rows) or _("No data yet.")
    table = format_html(
        '<table class="grid chart-table"><caption>{}</caption><thead><tr><th scope="col">{}</th>'
        '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
        title,
        str(label_heading) or _("Item"),
        str(value_heading) or _("Value"),
        format_html_join(
            "", '<tr><th scope="row">{}</th><td>{}</td></tr>', ((str(lb), _with_unit(v, unit)) for lb, v in rows)
        ),
    )
    return _figure(chart_id, title, summary, mark_safe("".join(bars)), height, table)  # parts escaped by format_html


def line_chart(
    chart_id: str,
    title: Any,
    labels: Sequence[str],
    series: Sequence[tuple[Any, Sequence[Number | None]]],
    *,
    unit: Any = "",
    label_heading: Any = "",
    totals: bool = True,
) -> SafeString:
    """One line per ``(name, values)`` series over the x ``labels`` (months, days), with a legend. The description
    gives each series' total (``totals``, for counts) or its latest value (for levels such as medians)."""
    title, unit = str(title), str(unit)
    left, right, top_pad, plot_h = 44, 30, 12, 180
    legend_rows = (len(series) + 2) // 3
    height = top_pad + plot_h + 28 + 20 * legend_rows + 6
    plot_w = WIDTH - left - right
    peak = max([v or 0 for _name, values in series for v in values] + [0])
    ticks = _ticks(peak)
    scale_top = ticks[-1] or 1
    n = len(labels)

    def x_at(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y_at(v: Number) -> float:
        return top_pad + plot_h - plot_h * v / scale_top

    parts = []
    for t in ticks:
        parts.append(
            format_html(
                '<line class="chart-gridline" x1="{x1}" x2="{x2}" y1="{y}" y2="{y}"></line>'
                '<text class="chart-axis" x="{tx}" y="{ty}" text-anchor="end">{t}</text>',
                x1=left,
                x2=WIDTH - right,
                y=f"{y_at(t):.1f}",
                tx=left - 6,
                ty=f"{y_at(t) + 4:.1f}",
                t=_fmt(t),
            )
        )
    every = max(1, (n + 7) // 8)  # at most about eight x labels
    for i, label in enumerate(labels):
        if i % every == 0 or i == n - 1:
            parts.append(
                format_html(
                    '<text class="chart-axis" x="{x}" y="{y}" text-anchor="middle">{label}</text>',
                    x=f"{x_at(i):.1f}",
                    y=top_pad + plot_h + 18,
                    label=label,
                )
            )
    for s, (name, values) in enumerate(series):
        points = [(x_at(i), y_at(v)) for i, v in enumerate(values) if v is not None]
        css = f"series-{s % SERIES_CLASSES}"
        parts.append(
            format_html(
                '<g class="line {css}"><title>{name}</title><polyline points="{points}"></polyline>{dots}</g>',
                css=css,
                name=str(name),
                points=" ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                dots=format_html_join(
                    "",
                    '<circle cx="{}" cy="{}" r="3"><title>{}</title></circle>',
                    (
                        (f"{x_at(i):.1f}", f"{y_at(v):.1f}", f"{name} {labels[i]}: {_fmt(v)}{unit}")
                        for i, v in enumerate(values)
                        if v is not None
                    ),
                ),
            )
        )
        lx = left + (s % 3) * (plot_w // 3)
        ly = top_pad + plot_h + 40 + 20 * (s // 3)
        parts.append(
            format_html(
                '<g class="legend {css}"><rect x="{x}" y="{y}" width="12" height="12"></rect>'
                '<text class="chart-label" x="{tx}" y="{ty}">{name}</text></g>',
                css=css,
                x=lx,
                y=ly - 10,
                tx=lx + 17,
                ty=ly,
                name=_short(str(name), 18),
            )
        )
    if not labels:
        parts.append(format_html('<text class="chart-label" x="{}" y="40">{}</text>', left + 8, _("No data yet.")))
    if totals:  # counts: the description gives each series' total over the period
        summary = "; ".join(f"{name}: {_fmt(sum(v or 0 for v in values))}{unit}" for name, values in series)
    else:  # levels (medians, shares): the latest value of each series
        summary = "; ".join(
            f"{name}: {_with_unit(next((v for v in reversed(values) if v is not None), None), unit)}"
            for name, values in series
        )
    span = f"{labels[0]}–{labels[-1]}" if labels else ""
    desc = f"{span} {summary}".strip() or _("No data yet.")
    head = format_html_join("", '<th scope="col">{}</th>', ((str(name),) for name, _values in series))
    body = format_html_join(
        "",
        '<tr><th scope="row">{}</th>{}</tr>',
        (
            (
                label,
                format_html_join("", "<td>{}</td>", ((_with_unit(values[i], unit),) for _name, values in series)),
            )
            for i, label in enumerate(labels)
        ),
    )
    table = format_html(
        '<table class="grid chart-table"><caption>{}</caption><thead><tr><th scope="col">{}</th>{}</tr></thead>'
        "<tbody>{}</tbody></table>",
        title,
        str(label_heading) or _("Period"),
        head,
        body,
    )
    return _figure(chart_id, title, desc, mark_safe("".join(parts)), height, table)  # parts escaped by format_html
