"""The portal's own rows of the access matrix: a member's dashboard and the favicon."""

from __future__ import annotations

import pytest

from tests.helpers import assert_answer, matrix_cells

LOGIN = "302 /accounts/login/?next="

# fmt: off
PAGES: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/member/":                                  (LOGIN,  403,    200,    403,    403,    403),
    "/favicon.ico":                              ("301 /static/zilu/favicon.ico",) * 6,
}
# fmt: on

ROUTE_ROWS = {"member/": "/member/", "favicon.ico": "/favicon.ico"}
TABLES = [PAGES]
POST_ONLY: set[str] = set()


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(PAGES))
def test_page_access(client_for, path, role, expected):
    assert_answer(client_for(role).get(path), path, expected)
