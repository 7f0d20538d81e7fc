"""The reporting channel's rows of the access matrix: every page and endpoint x every role, and each state change
by role. ``{id}`` is a report routed to the ``member`` fixture's member, ``{n}`` its tracking number."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import SiteFactory
from tests.helpers import ROLES, assert_answer, assert_problem, matrix_cells
from tests.reports.helpers import submit_ok
from zilu.members.models import Member
from zilu.reports.models import Report

LOGIN = "302 /accounts/login/?next="

# fmt: off
PAGES: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/report/received/":                         ("302 /report/track/",) * 6,
    "/report/track/":                            (200,    200,    200,    200,    200,    200),
    "/reports/statistics/":                      (200,    200,    200,    200,    200,    200),
    "/account/reports/":                         (LOGIN,  200,    200,    200,    200,    200),
    "/member/reports/":                          (LOGIN,  403,    200,    403,    403,    403),
    "/member/reports/export.csv":                (LOGIN,  403,    200,    403,    403,    403),
    "/member/reports/{id}/":                     (LOGIN,  403,    200,    403,    403,    403),
    "/staff/reports/":                           (LOGIN,  403,    403,    200,    200,    200),
    "/staff/reports/export.csv":                 (LOGIN,  403,    403,    200,    200,    200),
    "/staff/reports/statistics/":                (LOGIN,  403,    403,    200,    200,    200),
    "/staff/reports/{id}/":                      (LOGIN,  403,    403,    200,    200,    200),
    # Art. 17, the report entrance (test_entrance.py) and the reporter's e-mail links (test_reporter_email.py)
    "/member/reports/entrance/":                 (LOGIN,  403,    200,    403,    403,    403),
    "/report/m/CP-2026-0001/badge.svg":          (200,    200,    200,    200,    200,    200),
    "/report/m/CP-1999-9999/":                   (404,    404,    404,    404,    404,    404),
    "/report/entrance.js":                       (200,    200,    200,    200,    200,    200),
    "/report/email/confirm/not-a-token/":        (200,    200,    200,    200,    200,    200),
    "/report/email/stop/not-a-token/":           (200,    200,    200,    200,    200,    200),
}

API: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/reports/categories":                (200,    200,    200,    200,    200,    200),
    "/api/v1/reports/captcha":                   (200,    200,    200,    200,    200,    200),
    "/api/v1/reports/statistics":                (200,    200,    200,    200,    200,    200),
    "/api/v1/reports/mine":                      (401,    200,    200,    200,    200,    200),
    "/api/v1/reports/assigned":                  (401,    403,    200,    403,    403,    403),
    "/api/v1/reports/assigned/{n}":              (401,    403,    200,    403,    403,    403),
    "/api/v1/reports/staff":                     (401,    403,    403,    200,    200,    200),
    "/api/v1/reports/staff/{n}":                 (401,    403,    403,    200,    200,    200),
    "/api/v1/reports/entrance":                  (401,    403,    200,    403,    403,    403),
}

# State changes: the POST tests below.
POSTS: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/reports/staff/{n}/verify":          (401,    403,    403,    200,    403,    200),
    "/api/v1/reports/staff/{n}/send-back":       (401,    403,    403,    409,    403,    409),
    "/api/v1/reports/staff/{n}/assign":          (401,    403,    403,    409,    403,    409),
    "/api/v1/reports/assigned/{n}/response":     (401,    403,    201,    403,    403,    403),
}
# fmt: on

ROUTE_ROWS = {
    "report/received/": "/report/received/",
    "report/track/": "/report/track/",
    "reports/statistics/": "/reports/statistics/",
    "account/reports/": "/account/reports/",
    "member/reports/": "/member/reports/",
    "member/reports/export.csv": "/member/reports/export.csv",
    "member/reports/<int:report_id>/": "/member/reports/{id}/",
    "staff/reports/": "/staff/reports/",
    "staff/reports/export.csv": "/staff/reports/export.csv",
    "staff/reports/statistics/": "/staff/reports/statistics/",
    "staff/reports/<int:report_id>/": "/staff/reports/{id}/",
    "api/v1/reports/categories": "/api/v1/reports/categories",
    "api/v1/reports/captcha": "/api/v1/reports/captcha",
    "api/v1/reports/statistics": "/api/v1/reports/statistics",
    "api/v1/reports/mine": "/api/v1/reports/mine",
    "api/v1/reports/assigned": "/api/v1/reports/assigned",
    "api/v1/reports/assigned/<tracking_number>": "/api/v1/reports/assigned/{n}",
    "api/v1/reports/staff": "/api/v1/reports/staff",
    "api/v1/reports/staff/<tracking_number>": "/api/v1/reports/staff/{n}",
    "member/reports/entrance/": "/member/reports/entrance/",
    "report/m/<str:number>/badge.svg": "/report/m/CP-2026-0001/badge.svg",
    "report/m/<str:number>/": "/report/m/CP-1999-9999/",
    "report/entrance.js": "/report/entrance.js",
    "report/email/confirm/<str:token>/": "/report/email/confirm/not-a-token/",
    "report/email/stop/<str:token>/": "/report/email/stop/not-a-token/",
    "api/v1/reports/entrance": "/api/v1/reports/entrance",
}
TABLES = [PAGES, API]
POST_ONLY = {
    "api/v1/reports",  # tests/reports/test_flow.py and test_abuse.py: anyone may report
    "api/v1/reports/lookup",  # anyone with the code: test_flow.py, test_privacy.py
    "staff/reports/<int:report_id>/<str:decision>",  # by role below
    "api/v1/reports/assigned/<tracking_number>/response",
    "api/v1/reports/staff/<tracking_number>/assign",
    "api/v1/reports/staff/<tracking_number>/send-back",
    "api/v1/reports/staff/<tracking_number>/verify",
    "api/v1/reports/email/confirm",  # anyone with the token: test_reporter_email.py
    "api/v1/reports/email/stop",
}


@pytest.fixture
def routed(db, member):
    Member.objects.filter(pk=member.pk).update(number="CP-2026-0001")  # its report entrance (Art. 17)
    SiteFactory(member=member, domains=["shop.example.com.cn"])
    receipt = submit_ok(Client())
    return Report.objects.get(pk=int(receipt["tracking_number"][2:]))


def _fill(path: str, report: Report) -> str:
    return path.replace("{id}", str(report.pk)).replace("{n}", report.tracking_number)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(PAGES))
def test_page_access(client_for, routed, path, role, expected):
    path = _fill(path, routed)
    response = client_for(role).get(path)
    assert_answer(response, path, expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(API))
def test_api_access(client_for, routed, path, role, expected):
    response = client_for(role).get(_fill(path, routed))
    if expected in (401, 403, 404):
        assert_problem(response, expected)
    else:
        assert response.status_code == expected, response.content


BODIES = {
    "verify": {"finding": "not_verifiable", "public_outcome": "经核查，无法查实。"},
    "send-back": {"reason": "请补充整改说明。"},
    "assign": {"member_id": 0},
}


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(POSTS))
def test_state_changes_by_role(client_for, routed, member, path, role, expected):
    """Only the member concerned answers; only the executing body routes and verifies (the supervising department
    reads but does not act). 409: the role may act, but not in the report's state (it is with the member)."""
    client = client_for(role)
    if path.endswith("/response"):
        response = client.post(_fill(path, routed), {"action": "removed", "explanation": "已删除该页面及全部副本。"})
    else:
        body = dict(BODIES[path.rsplit("/", 1)[1]])
        if "member_id" in body:
            body["member_id"] = member.pk
        response = client.post(_fill(path, routed), body, content_type="application/json")
    assert response.status_code == expected, response.content
    routed.refresh_from_db()
    if expected in (200, 201):
        assert routed.status in ("closed", "responded")
    else:
        assert routed.status == "with_member"


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, (LOGIN, 403, 403, 302, 403, 302), strict=True)))
def test_staff_page_decisions_by_role(client_for, routed, role, expected):
    path = f"/staff/reports/{routed.pk}/verify"
    response = client_for(role).post(
        path, {"verify-finding": "not_true", "verify-public_outcome": "经核查不属实。", "verify-note": ""}
    )
    routed.refresh_from_db()
    if expected == 302:
        assert response.status_code == 302 and routed.status == "closed"
    else:
        assert response.status_code == (302 if expected == LOGIN else expected)
        assert routed.status == "with_member"


@pytest.mark.django_db
def test_another_member_cannot_reach_the_report(client_for, routed):
    other = client_for("other_member")
    assert other.get(f"/member/reports/{routed.pk}/").status_code == 404
    assert_problem(other.get(f"/api/v1/reports/assigned/{routed.tracking_number}"), 404)
    response = other.post(
        f"/api/v1/reports/assigned/{routed.tracking_number}/response",
        {"action": "not_ours", "explanation": "试图改走别人的举报记录。"},
    )
    assert_problem(response, 404)
    routed.refresh_from_db()
    assert routed.status == "with_member"
    assert routed.tracking_number not in other.get("/member/reports/export.csv").content.decode()
