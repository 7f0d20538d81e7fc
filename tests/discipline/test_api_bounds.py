"""What fuzzing the discipline API found (issue 18): a year out of range was a server error. Every integer it takes
has bounds; out of range is a 422 problem naming the field."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.discipline.helpers import post
from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def _fields(response) -> list[str]:
    return [error["field"] for error in assert_problem(response, 422, "validation_error")["errors"]]


@pytest.mark.parametrize("year", [10**12, 20000, -256896, 0, 1999, 2100])
def test_an_evaluation_year_out_of_range_is_a_422(as_, year):
    # 10**12 was an OverflowError, 20000 "year 20000 is out of range": both 500
    assert _fields(post(as_("staff"), "/evaluations", {"year": year})) == ["year"]


def test_an_evaluation_of_this_year_still_opens(as_):
    response = post(as_("staff"), "/evaluations", {"year": timezone.localdate().year})
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/cases/0/drop", {"text": "x"}, "case_id"),
        ("/participations/-1/comment", {"text": "x"}, "participation_id"),
        ("/cases", {"member_id": 2**63, "source": "investigation", "facts": "x", "articles": ["17"]}, "member_id"),
        ("/nominations", {"nominee_kind": "unit", "reasons": "x", "member_id": 0}, "member_id"),
    ],
)
def test_ids_out_of_range_are_a_422(as_, path, body, field):
    assert _fields(post(as_("staff"), path, body)) == [field]
