"""What fuzzing the reports API found (issue 18): a page beyond 64 bits in the staff list was a server error."""

from __future__ import annotations

import pytest

from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "path"), [("staff", "/api/v1/reports/staff"), ("member", "/api/v1/reports/assigned")])
@pytest.mark.parametrize("page", [199841228844587892604928, 2**63, 1_000_001, 0])
def test_a_page_out_of_range_is_a_422(client_for, role, path, page):
    body = assert_problem(client_for(role).get(f"{path}?page={page}"), 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == ["page"]


@pytest.mark.parametrize(("role", "path"), [("staff", "/api/v1/reports/staff"), ("member", "/api/v1/reports/assigned")])
def test_the_last_page_allowed_is_empty(client_for, role, path):
    response = client_for(role).get(f"{path}?page=1000000")
    assert response.status_code == 200, response.content
    assert response.json() == []


def test_assigning_to_a_member_id_out_of_range_is_a_422(client_for):
    response = client_for("staff").post(
        "/api/v1/reports/staff/R-1/assign", {"member_id": 0}, content_type="application/json"
    )
    body = assert_problem(response, 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == ["member_id"]
