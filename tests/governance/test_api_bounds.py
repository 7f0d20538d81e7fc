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
