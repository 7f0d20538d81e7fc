"""What fuzzing the bank and screening API found (issue 18): every integer has bounds, a reference is a string or an
integer and nothing else. Out of range or of the wrong type is a 422 problem naming the field, never a 500."""

from __future__ import annotations

import pytest

from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def _fields(response) -> list[str]:
    return [error["field"] for error in assert_problem(response, 422, "validation_error")["errors"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=-1", "offset"),  # was a 500: "Negative indexing is not supported"
        ("offset=1000000001", "offset"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
    ],
)
def test_entries_pagination_out_of_range_is_a_422(key_for, query, field):
    assert _fields(key_for("member").get(f"/api/v1/banks/terms/entries?{query}")) == [field]


def test_entries_pagination_in_range_still_answers(key_for):
    client = key_for("member")
    for query in ("", "offset=0&limit=1", "offset=1000000000&limit=1000"):
        response = client.get(f"/api/v1/banks/terms/entries?{query}")
        assert response.status_code == 200, response.content
        assert response.json() == []


def test_changes_since_a_negative_version_is_a_422(key_for):
    assert _fields(key_for("member").get("/api/v1/banks/terms/changes?since=-1")) == ["since"]


def test_an_entry_id_out_of_range_is_a_422(key_for):
    assert _fields(key_for("member").get("/api/v1/banks/terms/entries/0")) == ["entry_id"]
    assert _fields(key_for("member").get(f"/api/v1/banks/terms/entries/{2**63}")) == ["entry_id"]
    assert_problem(key_for("member").get(f"/api/v1/banks/terms/entries/{2**63 - 1}"), 404, "not_found")


@pytest.mark.parametrize("reference", [False, True, 1.5, [], {}])
def test_a_screening_reference_is_a_string_or_an_integer(key_for, reference):
    # {"id": false} was accepted (and echoed as 0) though the schema says string or integer
    response = key_for("member").post(
        "/api/v1/screen", {"id": reference, "text": "你好"}, content_type="application/json"
    )
    assert _fields(response) == ["id"]


@pytest.mark.parametrize("reference", ["post-1", "", 7, 0, -3, 2**63 - 1, None])
def test_string_and_integer_references_are_echoed(key_for, reference):
    response = key_for("member").post(
        "/api/v1/screen", {"id": reference, "text": "你好"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["id"] == reference


def test_an_integer_reference_beyond_64_bits_is_a_422(key_for):
    response = key_for("member").post("/api/v1/screen/batch", {"items": [{"id": 2**63, "text": "你好"}]},
                                      content_type="application/json")  # fmt: skip
    assert _fields(response) == ["items.0.id"]


@pytest.mark.parametrize("until", ["2030-01-01T00:00:00-16:00", "9999-12-31T23:59:59"])
def test_a_disabling_time_the_databases_cannot_store_is_a_422(client_for, until):
    response = client_for("staff").post(
        "/api/v1/banks/terms/entries/1/disable", {"reason": "x", "until": until}, content_type="application/json"
    )
    assert _fields(response) == ["until"]
