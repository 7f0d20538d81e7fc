"""The API's central guards (issue 18): a path parameter no database can store is a 422 naming it (a URL may carry
``%00``, which PostgreSQL refuses in a query: it was a 500); a JSON body that does not parse is the documented 400;
the audit log's paging has bounds."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.helpers import assert_problem
from zilu.api import api
from zilu.core.actions import do_create_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_client(users):
    return Client(HTTP_AUTHORIZATION=f"Bearer {do_create_api_key(users['member'], 'fuzz').token}")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/review/items/a%00b", "external_id"),
        ("/api/v1/banks/te%00rms/entries", "bank"),
        ("/api/v1/reports/assigned/R-1%00", "tracking_number"),
    ],
)
def test_a_path_parameter_with_nul_is_a_422_naming_it(key_client, path, field):
    body = assert_problem(key_client.get(path), 422, "validation_error")
    assert body["errors"] == [{"field": field, "reason": body["errors"][0]["reason"], "code": "unstorable_text"}]


def test_a_public_path_with_nul_is_a_422_too():
    body = assert_problem(Client().get("/api/v1/members/registry/CP%00"), 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == ["number"]


def test_an_unparsable_json_body_is_a_400_problem_and_documented(client_for):
    response = client_for("member").post("/api/v1/api-keys", b"{not json", content_type="application/json")
    assert_problem(response, 400)
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            takes_json = "application/json" in operation.get("requestBody", {}).get("content", {})
            assert ("400" in operation["responses"]) == takes_json, (method, path)


@pytest.mark.parametrize(
    ("query", "field"), [("after_seq=-1", "after_seq"), ("limit=0", "limit"), ("limit=501", "limit")]
)
def test_audit_paging_out_of_range_is_a_422(client_for, query, field):
    body = assert_problem(client_for("staff").get(f"/api/v1/audit/entries?{query}"), 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == [field]


def test_audit_paging_in_range_answers(client_for):
    assert client_for("staff").get("/api/v1/audit/entries?after_seq=0&limit=500").status_code == 200
