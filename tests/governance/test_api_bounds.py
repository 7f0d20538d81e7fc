"""The governance API's integers have bounds (issue 18): an article number and the ids in paths."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def _fields(response) -> list[str]:
    return [error["field"] for error in assert_problem(response, 422, "validation_error")["errors"]]


@pytest.mark.parametrize("article", [0, 32768, 2**64])
def test_an_article_number_out_of_range_is_a_422(client_for, article):
    assert _fields(Client().get(f"/api/v1/convention/interpretations?article={article}")) == ["article"]
    response = client_for("staff").post(
        "/api/v1/convention/interpretations", {"article": article, "title": "t", "text": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert _fields(response) == ["article"]


@pytest.mark.parametrize("path", ["/api/v1/convention/amendments/0", "/api/v1/convention/votes/-1"])
def test_a_number_out_of_range_is_a_422(path):
    assert len(_fields(Client().get(path))) == 1


@pytest.mark.parametrize(
    "closes_at",
    [
        "8452-10-23T18:20:00.443-20:23",  # PostgreSQL: "time zone displacement out of range", a 500
        "2030-01-01T00:00:00+16:00",
        "0001-01-01T00:00:00+08:00",  # a year before 1 in UTC
        "9999-12-31T23:00:00",
    ],
)
def test_a_closing_time_the_databases_cannot_store_is_a_422(client_for, closes_at):
    for path in ("/api/v1/convention/amendments/1/vote", "/api/v1/convention/annexes/1/vote"):
        response = client_for("staff").post(path, {"closes_at": closes_at}, content_type="application/json")
        assert _fields(response) == ["closes_at"]
