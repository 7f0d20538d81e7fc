"""The oversight rows of the access matrix: every page and endpoint x every role, and each state change by role.

``{c}`` is a complaint of the ``member`` fixture's member, under investigation; ``{r}`` the supervising
department's request for the executing body's explanation. The executing body (staff, superuser) reaches the request
and nothing of the complaint.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from tests.disputes.helpers import client, number_members, post
from tests.helpers import assert_problem, matrix_cells
from zilu.core.models import AuditEntry
from zilu.oversight.models import Complaint

LOGIN = "302 /accounts/login/?next="
API = "/api/v1/oversight"
SUBJECT = "对执行机构某项决定的投诉"

# fmt: off
PAGES: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/oversight/complaints/":                    (LOGIN,  403,    200,    403,    200,    403),
    "/oversight/complaints/new":                 (LOGIN,  403,    200,    403,    403,    403),
    "/oversight/complaints/{c}/":                (LOGIN,  404,    200,    404,    200,    404),
    "/oversight/complaints.csv":                 (LOGIN,  403,    403,    403,    200,    403),
    "/staff/explanations/":                      (LOGIN,  403,    403,    200,    200,    200),
    "/staff/explanations/{r}/":                  (LOGIN,  403,    403,    200,    200,    200),
    "/account/audit-extract.json":               (LOGIN,  403,    200,    403,    403,    403),
    "/transparency/":                            (200,    200,    200,    200,    200,    200),
}

APIS: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/oversight/complaints":              (401,    403,    200,    403,    200,    403),
    "/api/v1/oversight/complaints/{c}":          (401,    404,    200,    404,    200,    404),
    "/api/v1/oversight/explanation-requests":    (401,    403,    403,    200,    200,    200),
    "/api/v1/oversight/explanation-requests/{r}": (401,   403,    403,    200,    200,    200),
    "/api/v1/oversight/audit-extract":           (401,    403,    200,    403,    403,    403),
    "/api/v1/oversight/published-heads":         (200,    200,    200,    200,    200,    200),
}

POSTS: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/oversight/complaints":              (401,    403,    201,    403,    403,    403),
    "/api/v1/oversight/complaints/{c}/acknowledge": (401, 403,    403,    403,    409,    403),
    "/api/v1/oversight/complaints/{c}/investigate": (401, 403,    403,    403,    409,    403),
    "/api/v1/oversight/complaints/{c}/explanation-requests": (401, 403, 403, 403, 201,  403),
    "/api/v1/oversight/complaints/{c}/conclude": (401,    403,    403,    403,    200,    403),
    "/api/v1/oversight/explanation-requests/{r}/answer": (401, 403, 403,  200,    403,    200),
}
# fmt: on

ROUTE_ROWS = {
    "oversight/complaints/": "/oversight/complaints/",
    "oversight/complaints/new": "/oversight/complaints/new",
    "oversight/complaints.csv": "/oversight/complaints.csv",
    "oversight/complaints/<int:complaint_id>/": "/oversight/complaints/{c}/",
    "staff/explanations/": "/staff/explanations/",
    "staff/explanations/<int:request_id>/": "/staff/explanations/{r}/",
    "account/audit-extract.json": "/account/audit-extract.json",
    "transparency/": "/transparency/",
    "api/v1/oversight/complaints": "/api/v1/oversight/complaints",
    "api/v1/oversight/complaints/<complaint_id>": "/api/v1/oversight/complaints/{c}",
    "api/v1/oversight/explanation-requests": "/api/v1/oversight/explanation-requests",
    "api/v1/oversight/explanation-requests/<request_id>": "/api/v1/oversight/explanation-requests/{r}",
    "api/v1/oversight/audit-extract": "/api/v1/oversight/audit-extract",
    "api/v1/oversight/published-heads": "/api/v1/oversight/published-heads",
}
TABLES = [PAGES, APIS]
# Asserted by role in POSTS below and step by step in tests/oversight/.
POST_ONLY = {
    "oversight/complaints/<int:complaint_id>/<slug:step>",
    "api/v1/oversight/complaints/<complaint_id>/evidence",
    "api/v1/oversight/complaints/<complaint_id>/acknowledge",
    "api/v1/oversight/complaints/<complaint_id>/investigate",
    "api/v1/oversight/complaints/<complaint_id>/explanation-requests",
    "api/v1/oversight/complaints/<complaint_id>/conclude",
    "api/v1/oversight/explanation-requests/<request_id>/answer",
}


@pytest.fixture
def oversight(users):
    people = number_members(users)
    complaint = post(
        client(people["member"]),
        f"{API}/complaints",
        {"target": "decision", "target_reference": "决定 7 号", "subject": SUBJECT, "facts": "事实"},
    ).json()
    supervisor = client(people["supervisor"])
    post(supervisor, f"{API}/complaints/{complaint['id']}/acknowledge")
    post(supervisor, f"{API}/complaints/{complaint['id']}/investigate")
    request = post(supervisor, f"{API}/complaints/{complaint['id']}/explanation-requests", {"questions": "请说明。"})
    return {"c": complaint["id"], "r": request.json()["id"], "people": people}


def _client(oversight, role: str) -> Client:
    return Client() if role == "anonymous" else client(oversight["people"][role])


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(PAGES))
def test_oversight_pages_by_role(oversight, path, role, expected):
    path = path.format(**oversight)
    response = _client(oversight, role).get(path)
    if isinstance(expected, str):
        assert response.status_code == 302
        assert response["Location"] == expected.partition(" ")[2] + quote(path, safe="/")
        return
    assert response.status_code == expected, (response.status_code, response.get("Location"))
    if role in {"staff", "superuser", "public", "anonymous"}:
        assert SUBJECT not in response.content.decode("utf-8", "replace")


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(APIS))
def test_oversight_api_by_role(oversight, path, role, expected):
    response = _client(oversight, role).get(path.format(**oversight))
    if expected != 200:
        assert_problem(response, expected)
        return
    if role in {"staff", "superuser"}:
        assert SUBJECT not in response.content.decode()
    if path == "/api/v1/oversight/complaints":
        assert [c["subject"] for c in response.json()] == [SUBJECT]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(POSTS))
def test_oversight_state_changes_by_role(oversight, path, role, expected):
    path = path.format(**oversight)
    entries, complaints = AuditEntry.objects.count(), Complaint.objects.count()
    body = {
        "target": "act", "target_reference": "x", "subject": "s", "facts": "f", "questions": "q", "findings": "f",
        "answer": "a",
    }  # fmt: skip
    response = post(_client(oversight, role), path, body)
    if expected >= 400:
        assert_problem(response, expected)
        assert (AuditEntry.objects.count(), Complaint.objects.count()) == (entries, complaints)
    else:
        assert response.status_code == expected, response.content
        assert AuditEntry.objects.count() == entries + 1
