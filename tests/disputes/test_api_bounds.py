"""The disputes API's inputs have bounds (issue 18): ids in paths and bodies, and a session's time."""

from __future__ import annotations

import pytest

from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def _fields(response) -> list[str]:
    return [error["field"] for error in assert_problem(response, 422, "validation_error")["errors"]]


def test_a_session_time_the_databases_cannot_store_is_a_422(client_for):
    response = client_for("staff").post(
        "/api/v1/disputes/1/sessions", {"starts_at": "2030-01-01T09:00:00+23:00"}, content_type="application/json"
    )
    assert _fields(response) == ["starts_at"]


def test_a_mediator_id_out_of_range_is_a_422(client_for):
    response = client_for("staff").post(
        "/api/v1/disputes/1/mediator", {"mediator_id": 0}, content_type="application/json"
    )
    assert _fields(response) == ["mediator_id"]
    assert _fields(client_for("staff").get(f"/api/v1/disputes/{2**63}")) == ["dispute_id"]
