"""The review API's integers have bounds (issue 18): the statistics window and the queue's item ids."""

from __future__ import annotations

import pytest

from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("days", [0, 366, 10**20])
def test_a_statistics_window_out_of_range_is_a_422(key_for, days):
    body = assert_problem(key_for("member").get(f"/api/v1/review/stats?days={days}"), 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == ["days"]


@pytest.mark.parametrize("days", [1, 30, 365])
def test_a_statistics_window_in_range_answers(key_for, days):
    response = key_for("member").get(f"/api/v1/review/stats?days={days}")
    assert response.status_code == 200, response.content
    assert response.json()["days"] == days


def test_an_item_id_out_of_range_is_a_422(key_for):
    response = key_for("member").post("/api/v1/review/queue/0/claim")
    assert [e["field"] for e in assert_problem(response, 422, "validation_error")["errors"]] == ["item_id"]
