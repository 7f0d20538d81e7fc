"""What fuzzing the members API found (issue 18): a registry page beyond 64 bits was a server error."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", [2**63, 10**27, 1_000_001, 0, -1])
def test_a_registry_page_out_of_range_is_a_422(page):
    # 10**27 was "datatype mismatch" on SQLite: a 500
    body = assert_problem(Client().get(f"/api/v1/members/registry?page={page}"), 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == ["page"]


def test_the_last_page_allowed_is_empty_not_an_error():
    response = Client().get("/api/v1/members/registry?page=1000000")
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []


@pytest.mark.parametrize("path", ["/api/v1/members/bulletins/0", f"/api/v1/members/bulletins/{2**63}"])
def test_a_bulletin_number_out_of_range_is_a_422(path):
    body = assert_problem(Client().get(path), 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == ["number"]
