"""Argument parsing shared by the management commands."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError


def parse_date(value: str) -> date:
    """A YYYY-MM-DD argument, or a CommandError that says what was expected."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc
