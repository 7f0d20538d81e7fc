"""The access-matrix rows of the membership additions of issue 21: internet access venues (Art. 13), the running
quarter (Art. 23) and the registry feed; every page and endpoint x every role. ``{a}`` is a venue's
self-assessment (the ``member`` fixture's member is a unit, not a venue)."""

from __future__ import annotations

import pytest

from tests.factories import MemberFactory, UserFactory
from tests.helpers import assert_answer, assert_problem, matrix_cells
from zilu.core.roles import Role
from zilu.members.actions import do_submit_venue_assessment
from zilu.members.models import VenueAssessment
from zilu.members.venues import VENUE_ITEMS

LOGIN = "302 /accounts/login/?next="

# fmt: off
PAGES: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/account/member/venue/":                    (LOGIN,  403,    404,    403,    403,    403),
    "/staff/venues/":                            (LOGIN,  403,    403,    200,    200,    200),
    "/staff/venues/{a}/":                        (LOGIN,  403,    403,    200,    200,    200),
    "/feeds/registry.atom":                      (200,    200,    200,    200,    200,    200),
    "/feeds/registry.json":                      (200,    200,    200,    200,    200,    200),
}

API: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/members/bulletins/current":         (200,    200,    200,    200,    200,    200),
    "/api/v1/members/venue-items":               (200,    200,    200,    200,    200,    200),
    "/api/v1/members/venue-assessments":         (401,    200,    200,    200,    200,    200),
    "/api/v1/members/venue-assessments/{a}":     (401,    404,    404,    200,    200,    200),
}
# fmt: on

ROUTE_ROWS = {
    "account/member/venue/": "/account/member/venue/",
    "staff/venues/": "/staff/venues/",
    "staff/venues/<int:assessment_id>/": "/staff/venues/{a}/",
    "feeds/registry.atom": "/feeds/registry.atom",
    "feeds/registry.json": "/feeds/registry.json",
    "api/v1/members/bulletins/current": "/api/v1/members/bulletins/current",
    "api/v1/members/venue-items": "/api/v1/members/venue-items",
    "api/v1/members/venue-assessments": "/api/v1/members/venue-assessments",
    "api/v1/members/venue-assessments/<assessment_id>": "/api/v1/members/venue-assessments/{a}",
}
TABLES = [PAGES, API]
POST_ONLY = {
    "api/v1/members/venue-assessments/<assessment_id>/review",  # by role in test_venues.py
}


@pytest.fixture
def assessment(db) -> VenueAssessment:
    venue = MemberFactory(kind="venue", venue_licence="京网文〔2019〕1234-567号", number="CP-2026-0900")
    rep = UserFactory(role=Role.MEMBER, member=venue)
    answers = {i.code: {"answer": "yes"} for i in VENUE_ITEMS}
    return do_submit_venue_assessment(
        rep, {"opening_hours": "08:00-24:00", "session_limit_minutes": 0, "filtering_system": "x", "answers": answers}
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(PAGES))
def test_page_access(client_for, assessment, path, role, expected):
    path = path.replace("{a}", str(assessment.pk))
    assert_answer(client_for(role).get(path), path, expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(API))
def test_api_access(client_for, assessment, path, role, expected):
    response = client_for(role).get(path.replace("{a}", str(assessment.pk)))
    if expected in (401, 403, 404):
        assert_problem(response, expected)
    else:
        assert response.status_code == expected, response.content
