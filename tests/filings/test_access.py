"""The filings rows of the access matrix: every page and endpoint x every role, and the state changes by role.

``{s}`` is a website registered by the ``member`` fixture's member (its home page is not fetched here: the checks
themselves are tested against real servers in test_filings.py).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.factories import SiteFactory
from tests.helpers import assert_problem, matrix_cells
from zilu.filings.models import Site

LOGIN = "302 /accounts/login/?next="

# fmt: off
PAGES: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/filings/":                                 (LOGIN,  403,    200,    200,    200,    200),
    "/filings/{s}/":                             (LOGIN,  404,    200,    200,    200,    200),
}

API: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/filings/sites":                     (401,    403,    200,    200,    200,    200),
    "/api/v1/filings/sites/{s}":                 (401,    404,    200,    200,    200,    200),
    "/api/v1/filings/sites/{s}/verifications":   (401,    404,    200,    200,    200,    200),
}

# State changes by role; a refusal changes nothing. (verify is asserted by role in test_filings.py, since a
# successful one fetches the page.)
POSTS: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/filings/sites/{s}/close":           (401,    403,    200,    403,    403,    403),
}
# fmt: on

ROUTE_ROWS = {
    "filings/": "/filings/",
    "filings/<int:site_id>/": "/filings/{s}/",
    "api/v1/filings/sites": "/api/v1/filings/sites",
    "api/v1/filings/sites/<site_id>": "/api/v1/filings/sites/{s}",
    "api/v1/filings/sites/<site_id>/verifications": "/api/v1/filings/sites/{s}/verifications",
}
TABLES = [PAGES, API]
POST_ONLY = {
    "filings/<int:site_id>/verify",  # by role in tests/filings/test_filings.py (test_who_may_verify, pages)
    "filings/<int:site_id>/close",
    "api/v1/filings/sites/<site_id>/close",
    "api/v1/filings/sites/<site_id>/verify",
}


@pytest.fixture
def site(users):
    return SiteFactory(member=users["member"].member)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(PAGES))
def test_filing_pages_by_role(client_for, site, path, role, expected):
    path = path.format(s=site.pk)
    response = client_for(role).get(path)
    if isinstance(expected, str):
        status, _, target = expected.partition(" ")
        assert response.status_code == int(status)
        assert response["Location"] == target + quote(path, safe="/")
    else:
        assert response.status_code == expected
    if expected == 200:
        assert site.name in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(API))
def test_filing_api_by_role(client_for, site, path, role, expected):
    response = client_for(role).get(path.format(s=site.pk))
    if expected >= 400:
        assert_problem(response, expected)
    else:
        assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(POSTS))
def test_filing_posts_by_role(client_for, site, path, role, expected):
    response = client_for(role).post(path.format(s=site.pk))
    if expected >= 400:
        assert_problem(response, expected)
        assert Site.objects.get(pk=site.pk).status == "active"
    else:
        assert response.status_code == expected
        assert Site.objects.get(pk=site.pk).status == "closed"
