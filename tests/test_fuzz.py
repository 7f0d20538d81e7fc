"""Schemathesis over every operation of ``/api/v1/openapi.json`` (issue 18): unauthenticated, with a member's API
key and with a staff session. No answer may be a server error, and every answer must have a status code and a body
that the OpenAPI document declares for its operation.

The run is bounded and deterministic so that it fits the suite on both databases: a fixed seed, derandomized
generation, no example database, five fuzzed cases per operation and, for the two signed-in callers, schemathesis'
coverage cases (boundary values, values just out of range, wrong types, missing fields). The anonymous caller gets
only fuzzed cases: every operation that needs a caller refuses it before looking at the input, and the public
operations get their coverage cases from the signed-in callers. Set ``ZILU_FUZZ_EXAMPLES`` to fuzz harder locally.

The application is called in process (WSGI) inside the test database. A few realistic rows (members, a dispute, a
discipline case, a complaint, a bank entry...) are made once for the module, and the path parameters of part of the
cases point at them, so that the generated bodies reach the actions rather than stopping at 404. Every request runs
in a savepoint that is rolled back: each case sees the same rows, whatever the cases before it did.
"""

from __future__ import annotations

import copy
import os
import sys
import zlib
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client, override_settings
from django.utils import timezone
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.discipline.helpers import open_case
from tests.disputes.helpers import file_dispute
from tests.factories import MemberFactory, SiteFactory, UserFactory
from tests.governance.helpers import open_vote, propose
from tests.helpers import make_versions
from tests.members.helpers import make_application
from tests.reports.helpers import submit_ok
from zilu.api import api
from zilu.banks.actions import do_contribute
from zilu.banks.service import reset_screener
from zilu.core import signing
from zilu.core.actions import do_create_api_key
from zilu.core.models import Notification
from zilu.core.roles import Role
from zilu.core.system import SystemActor
from zilu.filings import actions as filing_actions
from zilu.filings.fetch import FetchResult
from zilu.members.actions import do_publish_bulletin
from zilu.reports.models import Report
from zilu.review.models import ReviewItem

pytestmark = pytest.mark.django_db

API = "/api/v1"
EXAMPLES = int(os.environ.get("ZILU_FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
CSRF_SECRET = "fuzzcsrf" * 4  # a CSRF secret of the right length and alphabet, sent as the cookie and the header
APP = WSGIHandler()


def _load(*, coverage: bool) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "seed": 18,
            "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
            "phases": {
                # no probes with undeclared methods: Django's 405 is the same for every route
                "coverage": {"enabled": coverage, "unexpected-methods": []},
                "stateful": {"enabled": False},
            },
        }
    )
    loaded = schemathesis.openapi.from_dict(copy.deepcopy(api.get_openapi_schema(path_prefix=f"{API}/")), config=config)
    loaded.app = APP
    return loaded


signed_in_schema = _load(coverage=True)
anonymous_schema = _load(coverage=False)


# ------------------------------------------------------------------------------------------------ the seeded rows


def _json(client: Client, path: str, body: dict[str, Any] | None = None, status: int = 201) -> Any:
    response = client.post(API + path, body or {}, content_type="application/json")
    assert response.status_code == status, (path, response.content)
    return response.json()


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _unreachable(url: str, **kwargs: Any) -> FetchResult:
    """The filings check fetches the site's home page: not from a test run."""
    return FetchResult(url=url, error="not fetched in tests")


def _seed() -> dict[str, Any]:
    """Two numbered members with representatives, staff, the supervising department, and one row of each kind an
    operation's path names. Returns the ids by path parameter and the three callers' credentials."""
    make_versions()  # version 1 in force, version 2 a draft
    member = MemberFactory(number="CP-2026-0001")
    rep = UserFactory(role=Role.MEMBER, member=member)
    UserFactory(role=Role.MEMBER, member=MemberFactory(number="CP-2026-0002"))
    staff = UserFactory(role=Role.STAFF)
    UserFactory(role=Role.STAFF)  # a second member of staff, as the four-eyes steps need
    supervisor = UserFactory(role=Role.SUPERVISOR)
    as_rep, as_staff, as_supervisor = _signed_in(rep), _signed_in(staff), _signed_in(supervisor)
    key = do_create_api_key(rep, "fuzz")
    system = SystemActor("cli:tests")

    entry = do_contribute(system, "terms", {"term": "冰毒", "labels": ["drugs"], "severity": 3}, reason="drugs")
    site = SiteFactory(member=member, domains=["shop.example.com.cn"])
    report = Report.objects.get(pk=int(submit_ok(Client())["tracking_number"][2:]))  # routed to the member's site
    dispute = file_dispute(as_rep)
    message = _json(as_rep, f"/disputes/{dispute['id']}/messages", {"body": "建议双方协商。", "proposal": True})
    case = open_case(as_staff, member.pk)
    evaluation = _json(as_staff, "/discipline/evaluations", {"year": timezone.localdate().year})
    participation = as_rep.get(f"{API}/discipline/participations").json()[0]
    nomination = _json(
        as_rep, "/discipline/nominations", {"nominee_kind": "unit", "member_id": member.pk, "reasons": "审核把关到位。"}
    )
    complaint = _json(
        as_rep,
        "/oversight/complaints",
        {"target": "decision", "target_reference": "决定 7 号", "subject": "处分不公", "facts": "未核实事实。"},
    )
    for step in ("acknowledge", "investigate"):
        _json(as_supervisor, f"/oversight/complaints/{complaint['id']}/{step}", status=200)
    explanation = _json(
        as_supervisor, f"/oversight/complaints/{complaint['id']}/explanation-requests", {"questions": "请说明。"}
    )
    amendment = propose(staff).json()
    vote = open_vote(staff, f"/amendments/{amendment['number']}/vote").json()
    annex = _json(
        as_rep, "/convention/annexes", {"title": "网络直播自律协议", "sector": "网络直播", "text": "第一条 文明直播。"}
    )
    application = make_application(UserFactory(role=Role.PUBLIC), status="submitted")
    do_publish_bulletin(system, "2025Q3")
    as_key = Client(HTTP_AUTHORIZATION=f"Bearer {key.token}")
    _json(as_key, "/review/items", {"external_id": "fuzz-1", "text": "代开发票，联系微信 abc123。"})

    ids = {
        "bank": "terms",
        "entry_id": entry.pk,
        "site_id": site.pk,
        "tracking_number": report.tracking_number,
        "dispute_id": dispute["id"],
        "message_id": message["id"],
        "case_id": case["id"],
        "round_id": evaluation["id"],
        "participation_id": participation["id"],
        "nomination_id": nomination["id"],
        "member_id": member.pk,
        "complaint_id": complaint["id"],
        "request_id": explanation["id"],
        "vote_id": vote["id"],
        "application_id": application.pk,
        "external_id": "fuzz-1",
        "item_id": ReviewItem.objects.get(external_id="fuzz-1").pk,
        "key_id": key.key.pk,
    }
    numbers = {  # the path parameter ``number`` names a different thing under each prefix
        "/convention/amendments/": amendment["number"],
        "/convention/annexes/": annex["number"],
        "/convention/versions/": 1,
        "/members/bulletins/": 1,
        "/members/registry/": member.number,
    }
    inbox = {
        "member-key": Notification.objects.filter(user=rep).values_list("pk", flat=True).first(),
        "staff-session": Notification.objects.filter(user=staff).values_list("pk", flat=True).first(),
    }
    credentials = {
        "anonymous": ({}, {}),
        "member-key": ({"Authorization": f"Bearer {key.token}"}, {}),
        "staff-session": (
            {"X-CSRFToken": CSRF_SECRET},
            {"sessionid": as_staff.cookies["sessionid"].value, "csrftoken": CSRF_SECRET},
        ),
    }
    return {"ids": ids, "numbers": numbers, "inbox": inbox, "credentials": credentials}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seeded rows, made once in a transaction that is rolled back after the module (each test's own
    transaction nests in it). The banks sign with a key of the module's; the filings check fetches nothing."""
    here = tmp_path_factory.mktemp("fuzz")
    isolated = override_settings(ZILU_BANKS_SIGNING_KEY=str(here / "signing-key.pem"), MEDIA_ROOT=here / "media")
    with pytest.MonkeyPatch.context() as patch, isolated, django_db_blocker.unblock(), transaction.atomic():
        patch.setattr(filing_actions, "fetch", _unreachable)
        signing._keys.clear()
        reset_screener()
        yield _seed()
        transaction.set_rollback(True)
    signing._keys.clear()
    reset_screener()


# ------------------------------------------------------------------------------------------------ one case


def _known(case: Any, world: dict[str, Any], mode: str) -> dict[str, Any]:
    """The seeded values of the case's path parameters."""
    path = case.operation.path
    known = {}
    for name in case.path_parameters:
        if name == "number":
            value = next((v for prefix, v in world["numbers"].items() if path.startswith(API + prefix)), None)
        elif name == "notification_id":
            value = world["inbox"].get(mode)
        else:
            value = world["ids"].get(name)
        if value is not None:
            known[name] = value
    return known


def _aim(case: Any, world: dict[str, Any], mode: str) -> None:
    """Point the case's path at the seeded rows, unless the case is about the path parameters themselves (a wrong
    type, a boundary value); of the fuzzed cases half, picked by the case's content so that runs repeat."""
    if not case.path_parameters or case.meta is None:
        return
    if case.meta.is_negative_at(ParameterLocation.PATH):
        return
    if case.meta.phase.data.parameter_location == ParameterLocation.PATH:
        return
    if case.meta.phase.name == TestPhase.FUZZING and zlib.crc32(repr((case.query, case.body)).encode()) % 2:
        return
    case.path_parameters = {**case.path_parameters, **_known(case, world, mode)}


def _call(case: Any, world: dict[str, Any], mode: str) -> Any:
    """Send the case as ``mode`` in a savepoint rolled back afterwards; an exception a view raised fails the test
    with its traceback. Django's test client disconnects ``close_old_connections`` around a request, or the end of
    the request would close the connection that holds the test's transaction: this does the same."""
    headers, cookies = world["credentials"][mode]
    _aim(case, world, mode)
    raised: list[BaseException] = []

    def record(sender: Any, **kwargs: Any) -> None:
        raised.append(sys.exc_info()[1] or RuntimeError("got_request_exception"))

    got_request_exception.connect(record)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with transaction.atomic():
            response = case.call(headers=headers, cookies=cookies)
            transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        got_request_exception.disconnect(record)
        cache.clear()  # rate limits, cached keys and lookups start clean, as the rolled-back rows do
    if raised:
        raise AssertionError(f"{case.operation.label} raised {raised[0]!r}") from raised[0]
    return response


@pytest.mark.parametrize("mode", ["member-key", "staff-session"])
@signed_in_schema.parametrize()
def test_signed_in(case, mode, world):
    case.validate_response(_call(case, world, mode), checks=CHECKS)


@pytest.mark.parametrize("mode", ["anonymous"])  # (a parametrized test gets an id per operation, as xdist needs)
@anonymous_schema.parametrize()
def test_anonymous(case, mode, world):
    case.validate_response(_call(case, world, mode), checks=CHECKS)


def test_the_three_callers_are_who_they_should_be(world):
    """The run means something only if the key and the session authenticate, and the session's unsafe requests get
    past the CSRF check (a refusal there would be a documented 403 and pass unnoticed)."""
    me = signed_in_schema[f"{API}/me"]["GET"]
    roles = {mode: _call(me.Case(), world, mode) for mode in ("anonymous", "member-key", "staff-session")}
    assert roles["anonymous"].status_code == 401
    assert roles["member-key"].json()["role"] == Role.MEMBER
    assert roles["staff-session"].json()["role"] == Role.STAFF
    publish = signed_in_schema[f"{API}/convention/interpretations"]["POST"]
    response = _call(publish.Case(body={"article": 0, "title": "", "text": ""}), world, "staff-session")
    assert response.status_code == 422, response.text
