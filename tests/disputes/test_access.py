"""The dispute rows of the access matrix: every page and endpoint x every role, and each state change by role.

``{d}`` is a dispute filed by the ``member`` fixture's member against the ``other_member`` one, in which mediation
was requested; ``{p}`` a dispute between the same parties still in private negotiation (mediation not requested).
Negotiation threads are visible only to the parties: the staff, the supervising department and superusers get 403
on ``{d}``'s thread (no consent to share) and 404 on everything of ``{p}``.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from tests.disputes.helpers import FILE, client, file_dispute, number_members, post
from tests.helpers import assert_problem, matrix_cells
from zilu.core.models import AuditEntry

LOGIN = "302 /accounts/login/?next="
TO_STAFF = "302 /staff/disputes/{d}/"

# fmt: off
PAGES: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff     superv    su
    "/disputes/":                                (LOGIN,  403,    200,    403,      403,      403),
    "/disputes/new":                             (LOGIN,  403,    200,    403,      403,      403),
    "/disputes/{d}/":                            (LOGIN,  404,    200,    TO_STAFF, TO_STAFF, TO_STAFF),
    "/disputes/{p}/":                            (LOGIN,  404,    200,    404,      404,      404),
    "/disputes/{d}/agreement.pdf":               (LOGIN,  404,    404,    404,      404,      404),
    "/staff/disputes/":                          (LOGIN,  403,    403,    200,      200,      200),
    "/staff/disputes/{d}/":                      (LOGIN,  403,    403,    200,      200,      200),
    "/staff/disputes/{p}/":                      (LOGIN,  403,    403,    404,      404,      404),
    # Art. 16: no referral yet, so no letter; the committees are the staff's list
    "/disputes/{d}/referral-letter.pdf":         (LOGIN,  404,    404,    404,      404,      404),
    "/staff/disputes/committees/":               (LOGIN,  403,    403,    200,      200,      200),
}

API: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/disputes":                          (401,    403,    200,    200,    200,    200),
    "/api/v1/disputes/stats":                    (200,    200,    200,    200,    200,    200),
    "/api/v1/disputes/{d}":                      (401,    404,    200,    200,    200,    200),
    "/api/v1/disputes/{p}":                      (401,    404,    200,    404,    404,    404),
    "/api/v1/disputes/{d}/messages":             (401,    404,    200,    403,    403,    403),
    "/api/v1/disputes/{p}/messages":             (401,    404,    200,    404,    404,    404),
    "/api/v1/disputes/{d}/agreement.pdf":        (401,    404,    404,    404,    404,    404),
    "/api/v1/disputes/peoples-mediation/committees": (401,    403,    200,    200,    200,    200),
    "/api/v1/disputes/{d}/referral":             (401,    404,    404,    404,    404,    404),
    "/api/v1/disputes/{p}/referral":             (401,    404,    404,    404,    404,    404),
    "/api/v1/disputes/{d}/referral-letter.pdf":  (401,    404,    404,    404,    404,    404),
    "/api/v1/disputes/{d}/challenges":           (401,    404,    200,    200,    200,    200),
    "/api/v1/disputes/{p}/challenges":           (401,    404,    200,    404,    404,    404),
}

# State changes through the API, by role (JSON bodies below); a refusal changes nothing.
POSTS: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/disputes/{p}/answer":               (401,    404,    403,    404,    404,    404),
    "/api/v1/disputes/{p}/messages":             (401,    404,    201,    404,    404,    404),
    "/api/v1/disputes/{p}/share":                (401,    404,    200,    404,    404,    404),
    "/api/v1/disputes/{p}/mediation":            (401,    404,    200,    404,    404,    404),
    "/api/v1/disputes/{d}/mediator":             (401,    403,    403,    200,    403,    200),
    "/api/v1/disputes/{d}/declaration":          (401,    403,    403,    403,    403,    403),
    "/api/v1/disputes/{d}/confirm":              (401,    404,    409,    403,    403,    403),
    "/api/v1/disputes/{d}/withdraw":             (401,    404,    200,    403,    403,    403),
    "/api/v1/disputes/{p}/referral-request":     (401,    404,    200,    404,    404,    404),
    "/api/v1/disputes/{d}/referral":             (401,    403,    403,    422,    403,    422),
    "/api/v1/disputes/{d}/recusal":              (401,    403,    403,    403,    403,    403),
    "/api/v1/disputes/{d}/objections":           (401,    404,    409,    403,    403,    403),
}
# fmt: on

ROUTE_ROWS = {
    "disputes/": "/disputes/",
    "disputes/new": "/disputes/new",
    "disputes/<int:dispute_id>/": "/disputes/{d}/",
    "disputes/<int:dispute_id>/agreement.pdf": "/disputes/{d}/agreement.pdf",
    "staff/disputes/": "/staff/disputes/",
    "staff/disputes/<int:dispute_id>/": "/staff/disputes/{d}/",
    "api/v1/disputes": "/api/v1/disputes",
    "api/v1/disputes/stats": "/api/v1/disputes/stats",
    "api/v1/disputes/<dispute_id>": "/api/v1/disputes/{d}",
    "api/v1/disputes/<dispute_id>/messages": "/api/v1/disputes/{d}/messages",
    "api/v1/disputes/<dispute_id>/agreement.pdf": "/api/v1/disputes/{d}/agreement.pdf",
    "disputes/<int:dispute_id>/referral-letter.pdf": "/disputes/{d}/referral-letter.pdf",
    "staff/disputes/committees/": "/staff/disputes/committees/",
    "api/v1/disputes/peoples-mediation/committees": "/api/v1/disputes/peoples-mediation/committees",
    "api/v1/disputes/<dispute_id>/referral": "/api/v1/disputes/{d}/referral",
    "api/v1/disputes/<dispute_id>/referral-letter.pdf": "/api/v1/disputes/{d}/referral-letter.pdf",
    "api/v1/disputes/<dispute_id>/challenges": "/api/v1/disputes/{d}/challenges",
}
TABLES = [PAGES, API]
# Asserted by role in POSTS below and step by step in tests/disputes/test_disputes.py.
POST_ONLY = {
    "disputes/<int:dispute_id>/<slug:step>",
    "staff/disputes/<int:dispute_id>/<slug:step>",
    "api/v1/disputes/<dispute_id>/evidence",
    "api/v1/disputes/<dispute_id>/answer",
    "api/v1/disputes/<dispute_id>/messages/<message_id>/accept",
    "api/v1/disputes/<dispute_id>/share",
    "api/v1/disputes/<dispute_id>/mediation",
    "api/v1/disputes/<dispute_id>/mediator",
    "api/v1/disputes/<dispute_id>/declaration",
    "api/v1/disputes/<dispute_id>/sessions",
    "api/v1/disputes/<dispute_id>/sessions/<session_id>/minutes",
    "api/v1/disputes/<dispute_id>/agreement",
    "api/v1/disputes/<dispute_id>/confirm",
    "api/v1/disputes/<dispute_id>/fail",
    "api/v1/disputes/<dispute_id>/withdraw",
    # Art. 16 and the mediator's independence: tests/disputes/test_peoples_mediation.py, test_independence.py
    "disputes/<int:dispute_id>/peoples/<slug:step>",
    "staff/disputes/<int:dispute_id>/peoples/<slug:step>",
    "staff/disputes/committees/<int:committee_id>/active",
    "api/v1/disputes/<dispute_id>/referral-request",
    "api/v1/disputes/<dispute_id>/referral/outcome",
    "api/v1/disputes/<dispute_id>/referral/judicial-confirmation",
    "api/v1/disputes/<dispute_id>/referral/ruling",
    "api/v1/disputes/<dispute_id>/recusal",
    "api/v1/disputes/<dispute_id>/objections",
    "api/v1/disputes/<dispute_id>/objections/<challenge_id>/decision",
}


@pytest.fixture
def disputes(users):
    people = number_members(users)
    claimant = client(people["member"])
    mediated = file_dispute(claimant, subject="进入调解的争议")["id"]
    assert post(claimant, f"{FILE}/{mediated}/mediation").status_code == 200
    private = file_dispute(claimant, subject="私下协商中的争议")["id"]
    post(claimant, f"{FILE}/{private}/messages", {"body": "协商内容"})
    return {"d": mediated, "p": private, "people": people}


def _client(disputes, role: str) -> Client:
    return Client() if role == "anonymous" else client(disputes["people"][role])


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(PAGES))
def test_dispute_pages_by_role(disputes, path, role, expected):
    path = path.format(**disputes)
    response = _client(disputes, role).get(path)
    if isinstance(expected, str):
        status, _, target = expected.partition(" ")
        target = target.format(**disputes)
        assert response.status_code == int(status)
        assert response["Location"] == (target + quote(path, safe="/") if target.endswith("next=") else target)
        return
    assert response.status_code == expected, (response.status_code, response.get("Location"))
    body = response.content.decode()
    if expected == 200 and role != "member":
        assert "私下协商中的争议" not in body and "协商内容" not in body  # the private dispute never shows


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(API))
def test_dispute_api_by_role(disputes, path, role, expected):
    response = _client(disputes, role).get(path.format(**disputes))
    if expected != 200:
        assert_problem(response, expected)
        return
    if path == "/api/v1/disputes":
        ids = {d["id"] for d in response.json()}
        assert ids == ({disputes["d"], disputes["p"]} if role == "member" else {disputes["d"]})
    if path.endswith("/messages"):
        assert [m["body"] for m in response.json()] == ([] if "{d}" in path else ["协商内容"])


def _body(path: str, disputes) -> dict:
    if path.endswith("/mediator"):
        return {"mediator_id": disputes["people"]["staff"].pk}
    if path.endswith("/share"):
        return {"share": True}
    if path.endswith("/referral"):
        return {"committee_id": 999999}  # no such committee: the staff's refusal is 422, the others' 403
    if path.endswith(("/recusal", "/objections")):
        return {"reason": "理由"}
    return {"text": "文字", "body": "文字"}


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(POSTS))
def test_dispute_state_changes_by_role(disputes, path, role, expected):
    path = path.format(**disputes)
    entries = AuditEntry.objects.count()
    response = post(_client(disputes, role), path, _body(path, disputes))
    if expected >= 400:
        assert_problem(response, expected)
        assert AuditEntry.objects.count() == entries
    else:
        assert response.status_code == expected, response.content
        assert AuditEntry.objects.count() == entries + 1
