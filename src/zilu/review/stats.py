"""Statistics of a member's review queue: volumes, the decision mix, median time in queue, per reviewer, and a
small inline SVG chart of daily volumes (no JavaScript, no chart library)."""

from __future__ import annotations

import statistics
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import escape

from zilu.members.models import Member
from zilu.review.models import Decision, ReviewItem

SERIES = (("publishable", "#3a7d44"), ("held", "#d9a21b"), ("refused", "#b23a48"))


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def member_stats(member: Member, days: int = 30) -> dict[str, Any]:
    """The figures of the last ``days`` days (a few grouped queries, whatever the volume)."""
    since = timezone.now() - timedelta(days=days)
    items = ReviewItem.objects.filter(member=member, created_at__gte=since)
    by_status = dict(items.values_list("status").order_by().annotate(n=Count("pk")))
    decisions = list(
        Decision.objects.filter(item__member=member, created_at__gte=since).values_list(
            "reviewer_label", "decision", "policy_label", "queue_seconds"
        )
    )
    mix: dict[str, int] = {}
    labels: dict[str, int] = {}
    reviewers: dict[str, dict[str, Any]] = {}
    for reviewer, decision, label, seconds in decisions:
        mix[decision] = mix.get(decision, 0) + 1
        labels[label] = labels.get(label, 0) + 1
        row = reviewers.setdefault(reviewer, {"reviewer": reviewer, "decisions": 0, "approve": 0, "reject": 0,
                                              "escalate": 0, "seconds": []})  # fmt: skip
        row["decisions"] += 1
        row[decision] += 1
        row["seconds"].append(seconds)
    per_reviewer = [
        {**{k: v for k, v in row.items() if k != "seconds"}, "median_seconds": _median(row["seconds"])}
        for row in sorted(reviewers.values(), key=lambda r: -r["decisions"])
    ]
    daily: dict[str, dict[str, int]] = {}
    for day, status, n in (
        items.annotate(day=TruncDate("created_at")).values_list("day", "status").order_by().annotate(n=Count("pk"))
    ):
        bucket = "held" if status in ("held", "escalated", "approved", "rejected") else status
        row = daily.setdefault(day.isoformat(), {})
        row[bucket] = row.get(bucket, 0) + n
    today = timezone.localdate()
    series = [
        {"day": (d := (today - timedelta(days=i)).isoformat()), **{s: daily.get(d, {}).get(s, 0) for s, _ in SERIES}}
        for i in range(min(days, 30) - 1, -1, -1)
    ]
    return {
        "days": days,
        "submitted": sum(by_status.values()),
        "by_status": by_status,
        "in_queue": ReviewItem.objects.filter(member=member, status__in=ReviewItem.QUEUE).count(),
        "decision_mix": mix,
        "policy_labels": labels,
        "median_queue_seconds": _median([d[3] for d in decisions if d[1] != "escalate"]),
        "per_reviewer": per_reviewer,
        "daily": series,
        "chart_svg": chart_svg(series),
    }


def chart_svg(series: list[dict[str, Any]], width: int = 600, height: int = 160) -> str:
    """Stacked daily bars (publishable, held, refused) as an inline SVG string; every text is escaped."""
    top = max((sum(row[s] for s, _ in SERIES) for row in series), default=0) or 1
    bar = width / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 20}" width="100%" role="img" '
        f'aria-label="daily volume" class="review-chart">'
    ]
    for i, row in enumerate(series):
        y = float(height)
        for name, colour in SERIES:
            h = height * row[name] / top
            if h:
                y -= h
                parts.append(
                    f'<rect x="{i * bar + 1:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" fill="{colour}">'
                    f"<title>{escape(row['day'])} {escape(name)}: {row[name]}</title></rect>"
                )
    parts.append(f'<text x="0" y="{height + 15}" font-size="11">{escape(series[0]["day"]) if series else ""}</text>')
    parts.append(
        f'<text x="{width}" y="{height + 15}" font-size="11" text-anchor="end">'
        f"{escape(series[-1]['day']) if series else ''} · max {top}</text></svg>"
    )
    return "".join(parts)
