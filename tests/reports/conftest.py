"""Fixtures of the reports tests."""

from __future__ import annotations

import pytest

from tests.calendar_helpers import assume_official_calendar, forget_loaded_years


@pytest.fixture(autouse=True)
def _official_calendar_ahead():
    """As if the State Council's schedule of the next years were loaded: the response dates computed today
    is official whatever the day the suite runs (test_provisional_deadline.py clears it)."""
    assume_official_calendar()
    yield
    forget_loaded_years()
