"""The discipline rows of the access matrix (tests/test_access_matrix.py reads ROUTE_ROWS, TABLES and POST_ONLY):
every page and endpoint x every role, and state changes by role.

``{case}`` is a case against the ``member`` fixture's member with a measure proposed to it, ``{open}`` a case still
under investigation, ``{notice}`` a public notice, ``{inotice}`` an internal notice, ``{round}`` an open evaluation
round and ``{pid}`` the member's participation in it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.discipline.helpers import PUBLISHED_FACTS
from tests.factories import MemberFactory, UserFactory, VerifiedReportFactory
from tests.helpers import ROLES, assert_answer, assert_problem, make_versions, matrix_cells
from zilu.core.models import AuditEntry
from zilu.core.roles import Role
from zilu.discipline import actions
from zilu.discipline.models import Case

LOGIN = "302 /accounts/login/?next="

# fmt: off
PAGES: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/sanctions/":                               (200,    200,    200,    200,    200,    200),
    "/sanctions/internal/":                      (LOGIN,  403,    200,    200,    200,    200),
    "/sanctions/{notice}/":                      (200,    200,    200,    200,    200,    200),
    "/sanctions/{inotice}/":                     (404,    404,    200,    200,    200,    200),
    "/sanctions/999/":                           (404,    404,    404,    404,    404,    404),
    "/evaluations/":                             (200,    200,    200,    200,    200,    200),
    "/evaluations/{round}/":                     (404,    404,    404,    404,    404,    404),
    "/commendations/":                           (200,    200,    200,    200,    200,    200),
    "/commendations/nominate":                   (LOGIN,  403,    200,    200,    403,    200),
    "/account/discipline/":                      (LOGIN,  403,    200,    403,    403,    403),
    "/account/discipline/cases/{case}/":         (LOGIN,  403,    200,    403,    403,    403),
    "/account/discipline/cases/{open}/":         (LOGIN,  403,    404,    403,    403,    403),
    "/account/evaluations/":                     (LOGIN,  403,    200,    403,    403,    403),
    "/account/evaluations/{pid}/":               (LOGIN,  403,    200,    403,    403,    403),
    "/staff/discipline/":                        (LOGIN,  403,    403,    200,    200,    200),
    "/staff/discipline/cases/new":               (LOGIN,  403,    403,    200,    403,    200),
    "/staff/discipline/cases/{case}/":           (LOGIN,  403,    403,    200,    200,    200),
    "/staff/discipline/members/CP-2026-0001/":   (LOGIN,  403,    403,    200,    200,    200),
    "/staff/discipline/flagged/":                (LOGIN,  403,    403,    403,    200,    403),
    "/staff/discipline/evaluations/":            (LOGIN,  403,    403,    200,    200,    200),
    "/staff/discipline/evaluations/{round}/":    (LOGIN,  403,    403,    200,    200,    200),
    "/staff/discipline/participations/{pid}/":   (LOGIN,  403,    403,    200,    200,    200),
    "/staff/discipline/nominations/":            (LOGIN,  403,    403,    200,    200,    200),
    # after a decision: {case} is not decided yet, so it has no documents (tests/discipline/test_after_decision.py)
    "/discipline/cases/{case}/decision.pdf":     (LOGIN,  404,    404,    404,    404,    404),
    "/discipline/cases/{case}/appeal-decision.pdf": (LOGIN, 404,  404,    404,    404,    404),
    "/account/discipline/reinstatement":         (LOGIN,  403,    200,    403,    403,    403),
    "/staff/discipline/reinstatements/":         (LOGIN,  403,    403,    200,    200,    200),
    "/staff/discipline/reinstatements/999/":     (LOGIN,  403,    403,    404,    404,    404),
}

API: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/discipline/cases":                  (401,    403,    200,    200,    200,    200),
    "/api/v1/discipline/cases/{case}":           (401,    404,    200,    200,    200,    200),
    "/api/v1/discipline/cases/{open}":           (401,    404,    404,    200,    200,    200),
    "/api/v1/discipline/flagged":                (401,    403,    403,    403,    200,    403),
    "/api/v1/discipline/members/{member}/record": (401,   403,    200,    200,    200,    200),
    "/api/v1/discipline/notices":                (200,    200,    200,    200,    200,    200),
    "/api/v1/discipline/notices/internal":       (401,    403,    200,    200,    200,    200),
    "/api/v1/discipline/evaluations":            (401,    403,    403,    200,    200,    200),
    "/api/v1/discipline/evaluations/{round}/results": (404, 404,  404,    404,    404,    404),
    "/api/v1/discipline/participations":         (401,    403,    200,    200,    200,    200),
    "/api/v1/discipline/participations/{pid}":   (401,    404,    200,    200,    200,    200),
    "/api/v1/discipline/commendations":          (200,    200,    200,    200,    200,    200),
    "/api/v1/discipline/nominations":            (401,    403,    200,    200,    200,    200),
    "/api/v1/discipline/cases/{case}/decision.pdf": (401, 404,    404,    404,    404,    404),
    "/api/v1/discipline/cases/{case}/appeal-decision.pdf": (401, 404, 404, 404,   404,    404),
    "/api/v1/discipline/reinstatements":         (401,    403,    200,    200,    200,    200),
    "/api/v1/discipline/reinstatements/eligibility": (401, 403,   200,    403,    403,    403),
    "/api/v1/discipline/reinstatements/999":     (401,    404,    404,    404,    404,    404),
}

# State changes through the API, by role (a refusal changes nothing: no audit entry).
POSTS: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/discipline/cases/{open}/propose":   (401,    403,    403,    200,    403,    200),
    "/api/v1/discipline/cases/{case}/answer":    (401,    404,    200,    403,    403,    403),
    "/api/v1/discipline/cases/{open}/drop":      (401,    403,    403,    200,    403,    200),
    "/api/v1/discipline/nominations":            (401,    403,    201,    201,    403,    201),
    "/api/v1/discipline/evaluations":            (401,    403,    403,    201,    403,    201),
    "/api/v1/discipline/reinstatements":         (401,    403,    409,    403,    403,    403),
}
# fmt: on

ROUTE_ROWS = {
    "sanctions/": "/sanctions/",
    "sanctions/internal/": "/sanctions/internal/",
    "sanctions/<int:notice_id>/": "/sanctions/{notice}/",
    "evaluations/": "/evaluations/",
    "evaluations/<int:round_id>/": "/evaluations/{round}/",
    "commendations/": "/commendations/",
    "commendations/nominate": "/commendations/nominate",
    "account/discipline/": "/account/discipline/",
    "account/discipline/cases/<int:case_id>/": "/account/discipline/cases/{case}/",
    "account/evaluations/": "/account/evaluations/",
    "account/evaluations/<int:participation_id>/": "/account/evaluations/{pid}/",
    "staff/discipline/": "/staff/discipline/",
    "staff/discipline/cases/new": "/staff/discipline/cases/new",
    "staff/discipline/cases/<int:case_id>/": "/staff/discipline/cases/{case}/",
    "staff/discipline/members/<str:number>/": "/staff/discipline/members/CP-2026-0001/",
    "staff/discipline/flagged/": "/staff/discipline/flagged/",
    "staff/discipline/evaluations/": "/staff/discipline/evaluations/",
    "staff/discipline/evaluations/<int:round_id>/": "/staff/discipline/evaluations/{round}/",
    "staff/discipline/participations/<int:participation_id>/": "/staff/discipline/participations/{pid}/",
    "staff/discipline/nominations/": "/staff/discipline/nominations/",
    "api/v1/discipline/cases": "/api/v1/discipline/cases",
    "api/v1/discipline/cases/<case_id>": "/api/v1/discipline/cases/{case}",
    "api/v1/discipline/flagged": "/api/v1/discipline/flagged",
    "api/v1/discipline/members/<member_id>/record": "/api/v1/discipline/members/{member}/record",
    "api/v1/discipline/notices": "/api/v1/discipline/notices",
    "api/v1/discipline/notices/internal": "/api/v1/discipline/notices/internal",
    "api/v1/discipline/evaluations": "/api/v1/discipline/evaluations",
    "api/v1/discipline/evaluations/<round_id>/results": "/api/v1/discipline/evaluations/{round}/results",
    "api/v1/discipline/participations": "/api/v1/discipline/participations",
    "api/v1/discipline/participations/<participation_id>": "/api/v1/discipline/participations/{pid}",
    "api/v1/discipline/commendations": "/api/v1/discipline/commendations",
    "api/v1/discipline/nominations": "/api/v1/discipline/nominations",
    "discipline/cases/<int:case_id>/decision.pdf": "/discipline/cases/{case}/decision.pdf",
    "discipline/cases/<int:case_id>/appeal-decision.pdf": "/discipline/cases/{case}/appeal-decision.pdf",
    "account/discipline/reinstatement": "/account/discipline/reinstatement",
    "staff/discipline/reinstatements/": "/staff/discipline/reinstatements/",
    "staff/discipline/reinstatements/<int:application_id>/": "/staff/discipline/reinstatements/999/",
    "api/v1/discipline/cases/<case_id>/decision.pdf": "/api/v1/discipline/cases/{case}/decision.pdf",
    "api/v1/discipline/cases/<case_id>/appeal-decision.pdf": "/api/v1/discipline/cases/{case}/appeal-decision.pdf",
    "api/v1/discipline/reinstatements": "/api/v1/discipline/reinstatements",
    "api/v1/discipline/reinstatements/eligibility": "/api/v1/discipline/reinstatements/eligibility",
    "api/v1/discipline/reinstatements/<application_id>": "/api/v1/discipline/reinstatements/999",
}
TABLES = [PAGES, API]
_CASE_STEPS = ("evidence", "verify-facts", "propose", "answer", "silence", "consider", "approve", "decide", "drop",
               "appeal", "appeal-decision")  # fmt: skip
POST_ONLY = {
    # pages: by role in test_page_steps_by_role below and step by step in test_ladder_flow.py
    "account/discipline/cases/<int:case_id>/<slug:step>",
    "account/evaluations/<int:participation_id>/comment",
    "staff/discipline/cases/<int:case_id>/<slug:step>",
    "staff/discipline/evaluations/<int:round_id>/<slug:step>",
    "staff/discipline/nominations/<int:nomination_id>/decide",
    # API: by role in POSTS below and in test_guards.py / test_evaluations_commendations.py
    *(f"api/v1/discipline/cases/<case_id>/{step}" for step in _CASE_STEPS),
    "api/v1/discipline/evaluations/<round_id>/compute",
    "api/v1/discipline/evaluations/<round_id>/publish",
    "api/v1/discipline/participations/<participation_id>/self-assessment",
    "api/v1/discipline/participations/<participation_id>/scores",
    "api/v1/discipline/participations/<participation_id>/comment",
    "api/v1/discipline/nominations/<nomination_id>/decision",
    # after a decision: by role and step by step in test_after_decision.py
    "api/v1/discipline/reinstatements/<application_id>/decision",
}


INTERNAL_FACTS = "经查证属实：该会员泄露用户信息（内部通报）。"


def _decided(staff, staff2, member, measure: str, facts: str = PUBLISHED_FACTS) -> Case:
    """A case decided with ``measure`` (heavy ones on a report verified true, approved by ``staff2``)."""
    case = actions.do_open_case(
        staff, member.pk, source="reports", facts="事实", articles="17",
        report_ids=[VerifiedReportFactory(member=member).pk],
    )  # fmt: skip
    actions.do_propose(staff, case.pk, measure=measure, reasons="理由")
    Case.objects.filter(pk=case.pk).update(response_due=timezone.localdate() - timedelta(days=1))
    actions.do_record_silence(staff, case.pk)
    if measure == "internal_notice":
        actions.do_approve(staff2, case.pk)
    return actions.do_decide(staff, case.pk, published_facts=facts)


@pytest.fixture
def ids(users):
    make_versions()
    member = users["member"].member
    member.number = "CP-2026-0001"
    member.save(update_fields=["number"])
    staff, staff2 = users["staff"], UserFactory(role=Role.STAFF)
    notice = _decided(staff, staff2, MemberFactory(number="CP-2026-0101"), "criticism").notice
    inotice = _decided(staff, staff2, MemberFactory(number="CP-2026-0102"), "internal_notice", INTERNAL_FACTS).notice
    case = actions.do_open_case(staff, member.pk, source="investigation", facts="事实", articles="17")
    actions.do_propose(staff, case.pk, measure="criticism", reasons="理由")
    still_open = actions.do_open_case(staff, member.pk, source="investigation", facts="事实", articles="16")
    evaluation = actions.do_open_round(staff, year=timezone.localdate().year)
    pid = evaluation.participations.get(member=member).pk
    return {"case": case.pk, "open": still_open.pk, "notice": notice.pk, "inotice": inotice.pk,
            "round": evaluation.pk, "pid": pid, "member": member.pk}  # fmt: skip


def _fill(path: str, ids: dict) -> str:
    return path.format(**ids)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(PAGES))
def test_page_access(client_for, ids, path, role, expected):
    path = _fill(path, ids)
    response = client_for(role).get(path)
    assert_answer(response, path, expected)
    if expected == 200 and path in ("/sanctions/", f"/sanctions/{ids['notice']}/"):
        body = response.content.decode()
        assert PUBLISHED_FACTS in body and INTERNAL_FACTS not in body  # the internal notice is never public
    if expected == 200 and path == "/sanctions/internal/":
        assert INTERNAL_FACTS in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(API))
def test_api_access(client_for, ids, path, role, expected):
    response = client_for(role).get(_fill(path, ids))
    if expected in (401, 403, 404):
        assert_problem(response, expected)
    else:
        assert response.status_code == expected, response.content
    if path == "/api/v1/discipline/notices":
        assert [n["id"] for n in response.json()] == [ids["notice"]]  # never the internal one
    if path == "/api/v1/discipline/cases" and role == "member":
        assert [c["id"] for c in response.json()] == [ids["case"]]  # not the case under investigation


BODIES = {
    "propose": {"measure": "criticism", "reasons": "理由"},
    "drop": {"text": "证据不足。"},
    "nominations": {"nominee_kind": "individual", "nominee_name": "张三", "reasons": "热心公益。"},
    "evaluations": {"year": 2019},
    "reinstatements": {"statement": "已整改。"},  # the member is active: nothing to reinstate (409)
}


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(POSTS))
def test_state_changes_by_role(client_for, ids, path, role, expected):
    path = _fill(path, ids)
    entries = AuditEntry.objects.count()
    client = client_for(role)
    if path.endswith("/answer"):
        response = client.post(path, {"text": "我方答复。"})
    else:
        response = client.post(path, BODIES[path.rsplit("/", 1)[1]], content_type="application/json")
    if expected >= 400:
        assert_problem(response, expected)
        assert AuditEntry.objects.count() == entries
    else:
        assert response.status_code == expected, response.content
        assert AuditEntry.objects.count() > entries


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"), list(zip(ROLES, (LOGIN, 403, 403, 302, 403, 302), strict=True))
)  # fmt: skip
def test_page_steps_by_role(client_for, ids, role, expected):
    """A staff step through the page: only the executing body; the supervising department reads only."""
    path = f"/staff/discipline/cases/{ids['open']}/drop"
    response = client_for(role).post(path, {"drop-note": "证据不足。"})
    status = Case.objects.get(pk=ids["open"]).status
    if expected == 302:
        assert response.status_code == 302 and status == Case.Status.DROPPED
    else:
        assert response.status_code == (302 if expected == LOGIN else expected)
        assert status == Case.Status.OPEN
