"""Fixtures of the discipline tests: the convention in force, numbered members, a second member of staff."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.calendar_helpers import assume_official_calendar, forget_loaded_years
from tests.factories import UserFactory
from tests.helpers import make_versions
from zilu.core.roles import Role


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages; the site's default language is Chinese."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def people(users):
    """The role accounts, plus ``staff2`` (a second member of staff for the four-eyes steps) and ``staff3`` (one
    who took no part in a measure, for its appeal); version 1 of the
    convention in force; the two members numbered CP-2026-0001 (``member``) and CP-2026-0002 (``other_member``)."""
    make_versions()
    for n, role in enumerate(("member", "other_member"), start=1):
        member = users[role].member
        member.number = f"CP-2026-{n:04d}"
        member.save(update_fields=["number"])
    return {**users, "staff2": UserFactory(role=Role.STAFF), "staff3": UserFactory(role=Role.STAFF)}


@pytest.fixture
def as_(people):
    """``as_("staff")`` is a client signed in as that person (``"anonymous"``: signed out)."""

    def make(who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(people[who])
        return client

    return make


@pytest.fixture(autouse=True)
def _official_calendar_ahead():
    """As if the State Council's schedule of the next years were loaded: the windows computed today are official
    whatever the day the suite runs (test_provisional_deadline.py clears it)."""
    assume_official_calendar()
    yield
    forget_loaded_years()
