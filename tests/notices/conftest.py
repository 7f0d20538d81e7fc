"""Fixtures of the notices tests: a numbered member with a registered site, a right holder, and who else looks."""

from __future__ import annotations

import pytest

from tests.calendar_helpers import assume_official_calendar, forget_loaded_years
from tests.factories import SiteFactory, UserFactory
from zilu.core.roles import Role


@pytest.fixture(autouse=True)
def _official_calendar_ahead():
    """As if the State Council's schedule of the next years were loaded: the periods computed today are official
    whatever the day the suite runs."""
    assume_official_calendar()
    yield
    forget_loaded_years()


@pytest.fixture
def people(users):
    """The conftest's accounts, the member numbered CP-2026-0001 with the site video.example.com.cn, the other member
    CP-2026-0002 with its own site, and a second public account that sent nothing (``bystander``). The ``public``
    account is the right holder."""
    for role, number, domain in (("member", "CP-2026-0001", "video.example.com.cn"),
                                 ("other_member", "CP-2026-0002", "shop.example.net")):  # fmt: skip
        member = users[role].member
        member.number = number
        member.save(update_fields=["number"])
        SiteFactory(member=member, domains=[domain])
    return {**users, "holder": users["public"], "bystander": UserFactory(role=Role.PUBLIC)}
