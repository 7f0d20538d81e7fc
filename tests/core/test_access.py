"""The operations endpoints' rows of the access matrix. The probes answer everyone the same (they are for load
balancers, which do not sign in); /metrics is judged on the client's address only, not on the role (the test client
comes from 127.0.0.1, which ZILU_METRICS_ALLOW has by default; other addresses: tests/core/test_metrics.py)."""

from __future__ import annotations

import pytest

from tests.core.test_health import calendar_covers_two_years  # noqa: F401 - a fixture
from tests.helpers import assert_answer, matrix_cells

# fmt: off
PAGES: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/healthz":                                  (200,    200,    200,    200,    200,    200),
    "/readyz":                                   (200,    200,    200,    200,    200,    200),
    "/metrics":                                  (200,    200,    200,    200,    200,    200),
}
# fmt: on

ROUTE_ROWS = {"healthz": "/healthz", "readyz": "/readyz", "metrics": "/metrics"}
TABLES = [PAGES]
POST_ONLY: set[str] = set()


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(PAGES))
def test_page_access(client_for, settings, calendar_covers_two_years, path, role, expected):  # noqa: F811
    settings.BROKER_URL = None
    assert_answer(client_for(role).get(path), path, expected)
