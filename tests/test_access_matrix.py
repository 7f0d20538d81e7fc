"""Who may open what: every page and API endpoint x every role, with the expected answer written out.

Read a row as: the path, then what anonymous, public, member, staff, supervisor (superv) and superuser (su)
get. An ``int`` is a plain status; a string ``"302 <target>"`` is a redirect to exactly ``<target>`` (a target
ending in ``next=`` is followed by the requested path). Version 1 is published, version 2 is a draft (see
``make_versions``), version 9 does not exist.

The test ``test_every_route_is_in_the_matrix`` fails when a URL is added without a row here, so the table stays the
complete list of what the site exposes.
"""

from __future__ import annotations

import importlib
import uuid
from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.factories import MemberFactory, UserFactory, make_uscc
from tests.helpers import ARTICLE_3, ARTICLE_3_V2, ROLES, assert_answer, assert_problem, make_versions, matrix_cells
from tests.members.helpers import sign_form, unit_form
from zilu.convention.models import ConventionVersion
from zilu.core.actions import do_create_api_key
from zilu.core.models import ApiKey, AuditEntry
from zilu.core.roles import Role
from zilu.core.system import SystemActor
from zilu.members.actions import do_publish_bulletin
from zilu.members.models import Application, Signature

LOGIN = "302 /accounts/login/?next="  # a page that needs a signed-in user
ADMIN = "302 /backoffice/login/?next="  # Django admin's own gate (which then sends on, see below)
ACCT = "302 /account/"  # the sign-in page, for someone already signed in
BACKO = "302 /backoffice/"
SIGNIN = "302 /accounts/login/?next=/backoffice/"  # the admin's login URL hands over to the site's sign-in
SITE = "/accounts/login/"  # (landing table) the site's own sign-in page
MISSING_FILE = f"/files/{uuid.UUID(int=0)}"

# fmt: off
PAGES: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/":                                         (200,    200,    200,    200,    200,    200),
    "/report/":                                  (200,    200,    200,    200,    200,    200),
    "/transparency/audit-head":                  (200,    200,    200,    200,    200,    200),
    "/convention":                               (200,    200,    200,    200,    200,    200),
    "/convention/v1":                            (200,    200,    200,    200,    200,    200),
    "/convention/v1.txt":                        (200,    200,    200,    200,    200,    200),
    "/convention/v2":                            (404,    404,    404,    200,    200,    200),
    "/convention/v2.txt":                        (404,    404,    404,    200,    200,    200),
    "/convention/v9":                            (404,    404,    404,    404,    404,    404),
    "/staff/":                                   (LOGIN,  403,    403,    200,    200,    200),
    "/staff/audit/":                             (LOGIN,  403,    403,    200,    200,    200),
    "/staff/convention/":                        (LOGIN,  403,    403,    200,    403,    200),
    "/staff/convention/v1/":                     (LOGIN,  403,    403,    200,    403,    200),
    "/staff/convention/v2/":                     (LOGIN,  403,    403,    200,    403,    200),
    "/staff/convention/v9/":                     (LOGIN,  403,    403,    404,    403,    404),
    "/account/":                                 (LOGIN,  200,    200,    200,    200,    200),
    "/account/inbox/":                           (LOGIN,  200,    200,    200,    200,    200),
    "/account/api-keys/":                        (LOGIN,  403,    200,    403,    403,    403),
    "/accounts/login/":                          (200,    ACCT,   ACCT,   ACCT,   ACCT,   ACCT),
    "/accounts/logout/":                         (405,    405,    405,    405,    405,    405),
    MISSING_FILE:                                (404,    404,    404,    404,    404,    404),
    "/backoffice/":                              (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/login/":                        (SIGNIN, 403,    403,    BACKO,  403,    BACKO),
    "/backoffice/core/user/":                    (ADMIN,  ADMIN,  ADMIN,  403,    ADMIN,  200),
    "/backoffice/core/auditentry/":              (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/core/apikey/":                  (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/members/member/":               (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/members/application/":          (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/members/signature/":            (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/members/withdrawal/":           (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/members/bulletin/":             (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/convention/conventionversion/": (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    # shared signal banks and the review queue (issue 9); another member's review items are 404 (tests/review)
    "/banks/":                                   (LOGIN,  403,    200,    200,    200,    200),
    "/banks/terms/":                             (LOGIN,  403,    200,    200,    200,    200),
    "/banks/terms/contribute":                   (LOGIN,  403,    200,    200,    403,    200),
    "/banks/terms/import":                       (LOGIN,  403,    200,    200,    403,    200),
    "/banks/terms/9/":                           (LOGIN,  403,    404,    404,    404,    404),
    "/review/":                                  (LOGIN,  403,    200,    403,    403,    403),
    "/review/queue/":                            (LOGIN,  403,    200,    403,    403,    403),
    "/review/items/9/":                          (LOGIN,  403,    404,    403,    403,    403),
    "/review/notices/":                          (LOGIN,  403,    200,    403,    403,    403),
    "/review/webhook/":                          (LOGIN,  403,    200,    403,    403,    403),
    "/backoffice/banks/entry/":                  (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/banks/change/":                 (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/review/sweep/":                 (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/filings/site/":                 (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/filings/verification/":         (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
    "/backoffice/disputes/committee/":           (ADMIN,  ADMIN,  ADMIN,  200,    ADMIN,  200),
}

API: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/me":                                (401,    200,    200,    200,    200,    200),
    "/api/v1/audit/head":                        (200,    200,    200,    200,    200,    200),
    "/api/v1/audit/entries":                     (401,    403,    403,    200,    200,    200),
    "/api/v1/api-keys":                          (401,    403,    200,    403,    403,    403),
    "/api/v1/notifications":                     (401,    200,    200,    200,    200,    200),
    "/api/v1/convention/current":                (200,    200,    200,    200,    200,    200),
    "/api/v1/convention/versions":               (200,    200,    200,    200,    200,    200),
    "/api/v1/convention/versions/1":             (200,    200,    200,    200,    200,    200),
    "/api/v1/convention/versions/2":             (404,    404,    404,    200,    200,    200),
    "/api/v1/convention/versions/9":             (404,    404,    404,    404,    404,    404),
    "/api/v1/convention/amendments":             (200,    200,    200,    200,    200,    200),
    "/api/v1/convention/amendments/9":           (404,    404,    404,    404,    404,    404),
    "/api/v1/convention/votes/9":                (404,    404,    404,    404,    404,    404),
    "/api/v1/convention/annexes":                (200,    200,    200,    200,    200,    200),
    "/api/v1/convention/annexes/9":              (404,    404,    404,    404,    404,    404),
    "/api/v1/convention/interpretations":        (200,    200,    200,    200,    200,    200),
    "/api/v1/openapi.json":                      (200,    200,    200,    200,    200,    200),
    "/api/v1/docs":                              (200,    200,    200,    200,    200,    200),
    "/api/v1/banks":                             (401,    403,    200,    200,    200,    200),
    "/api/v1/banks/public-key":                  (200,    200,    200,    200,    200,    200),
    "/api/v1/banks/terms/changes":               (401,    403,    200,    200,    200,    200),
    "/api/v1/banks/terms/export":                (401,    403,    200,    200,    200,    200),
    "/api/v1/banks/terms/entries":               (401,    403,    200,    200,    200,    200),
    "/api/v1/banks/terms/entries/9":             (401,    403,    404,    404,    404,    404),
    "/api/v1/review/items/x-9":                  (401,    403,    404,    403,    403,    403),
    "/api/v1/review/queue":                      (401,    403,    200,    403,    403,    403),
    "/api/v1/review/deliveries":                 (401,    403,    200,    403,    403,    403),
    "/api/v1/review/notices":                    (401,    403,    200,    403,    403,    403),
    "/api/v1/review/stats":                      (401,    403,    200,    403,    403,    403),
}

# Where a refused back-office visitor finally lands, following every redirect: anonymous visitors at the one
# (throttled) sign-in page, signed-in roles without the right at a 403 -- never at Django's own admin login form.
BACKOFFICE_LANDING: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/backoffice/":                              (SITE,   403,    403,    200,    403,    200),
    "/backoffice/core/user/":                    (SITE,   403,    403,    403,    403,    200),
}

# Routes that only take POST; their per-role behaviour is asserted by the POST tests below and in tests/core.
POST_ONLY = {
    "staff/convention/v<int:number>/publish",
    "staff/convention/v<int:number>/withdraw",
    "staff/convention/v<int:number>/attach",
    "account/api-keys/<int:key_id>/revoke",
    "api/v1/api-keys/<key_id>/revoke",
    "api/v1/notifications/<notification_id>/read",
    "i18n/setlang/",
    # membership: asserted per role in MEMBERSHIP_POSTS below and step by step in tests/members
    "membership/applications/<int:application_id>/cancel",
    "staff/applications/<int:application_id>/<slug:decision>",
    "api/v1/members/applications/<application_id>/cancel",
    "api/v1/members/applications/<application_id>/approve",
    "api/v1/members/applications/<application_id>/reject",
    "api/v1/members/applications/<application_id>/request-info",
    "api/v1/members/applications/<application_id>/sign",
    "api/v1/members/me/withdraw",
    # screening: asserted per role in tests/banks/test_screen_api.py::test_who_may_screen
    "api/v1/convention/versions/<number>/publish",  # by role in tests/governance/test_api.py
    "api/v1/screen",
    "api/v1/screen/batch",
    "api/v1/screen/file",  # by role in tests/banks/test_screen_file.py::test_who_may_screen_files
    # images and videos (issue 22): by role in tests/banks/test_images.py::test_who_may_screen_images
    "api/v1/screen/image",
    "api/v1/screen/images",
    "api/v1/screen/video",
    "api/v1/banks/<bank>/threshold",
    # convention governance API: asserted per role step by step in tests/governance/test_api.py
    "api/v1/convention/amendments/<number>/cosign",
    "api/v1/convention/amendments/<number>/withdraw",
    "api/v1/convention/amendments/<number>/vote",
    "api/v1/convention/votes/<vote_id>/ballot",
    "api/v1/convention/votes/<vote_id>/close",
    "api/v1/convention/annexes/<number>/vote",
    # convention governance: asserted per role in GOVERNANCE_POSTS below and step by step in tests/governance
    "convention/v<int:number>/acknowledge",
    "convention/amendments/<int:number>/cosign",
    "convention/amendments/<int:number>/withdraw",
    "convention/amendments/<int:number>/open-vote",
    "convention/votes/<int:vote_id>/close",
    "convention/annexes/<int:number>/open-vote",
    # banks and review queue: asserted per role step by step in tests/banks/test_banks.py and tests/review
    "banks/<slug:bank>/<int:entry_id>/<slug:verb>",
    "review/claim-next",
    "review/items/<int:item_id>/claim",
    "review/items/<int:item_id>/release",
    "review/items/<int:item_id>/decide",
    "api/v1/banks/<bank>/import",
    "api/v1/banks/<bank>/entries/<entry_id>/approve",
    "api/v1/banks/<bank>/entries/<entry_id>/reject",
    "api/v1/banks/<bank>/entries/<entry_id>/disable",
    "api/v1/banks/<bank>/entries/<entry_id>/enable",
    "api/v1/banks/<bank>/entries/<entry_id>/keep",
    "api/v1/banks/<bank>/entries/<entry_id>/opinions",
    "api/v1/review/items",
    "api/v1/review/items/<external_id>/attachments",
    "api/v1/review/queue/claim",
    "api/v1/review/queue/<item_id>/claim",
    "api/v1/review/queue/<item_id>/decide",
    "api/v1/review/webhook",
}
# fmt: on

# Membership (see the ``membership`` fixture): ``{app}`` is an approved application of the public account,
# ``{sub}`` a submitted application of another account; the member account represents member CP-2026-0001
# (signed version 1); bulletin No. 1 covers 2025Q3.
REP = "302 /account/"  # accounts/register/ for someone already signed in
# fmt: off
MEMBERSHIP_PAGES: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/membership/apply/":                        (LOGIN,  200,    200,    403,    403,    403),
    "/membership/applications/{app}/":           (LOGIN,  200,    404,    200,    200,    200),
    "/membership/applications/{app}/sign":       (LOGIN,  200,    404,    200,    403,    200),
    "/account/member/":                          (LOGIN,  404,    200,    404,    404,    404),
    "/registry/":                                (200,    200,    200,    200,    200,    200),
    "/registry/CP-2026-0001/":                   (200,    200,    200,    200,    200,    200),
    "/registry/CP-2099-0001/":                   (404,    404,    404,    404,    404,    404),
    "/registry/CP-2026-0001/certificate.pdf":    (LOGIN,  404,    200,    200,    200,    200),
    "/registry/verify/":                         (200,    200,    200,    200,    200,    200),
    "/registry/verify/CP-2026-0001":             (200,    200,    200,    200,    200,    200),
    "/registry/bulletins/":                      (200,    200,    200,    200,    200,    200),
    "/registry/bulletins/1/":                    (200,    200,    200,    200,    200,    200),
    "/registry/bulletins/1.csv":                 (200,    200,    200,    200,    200,    200),
    "/registry/bulletins/1.pdf":                 (200,    200,    200,    200,    200,    200),
    "/registry/bulletins/9/":                    (404,    404,    404,    404,    404,    404),
    "/staff/applications/":                      (LOGIN,  403,    403,    200,    200,    200),
    "/staff/applications/{app}/":                (LOGIN,  403,    403,    200,    200,    200),
    "/staff/bulletins/":                         (LOGIN,  403,    403,    200,    403,    200),
    "/accounts/register/":                       (200,    REP,    REP,    REP,    REP,    REP),
}

MEMBERSHIP_API: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/members/applications":              (401,    200,    200,    200,    200,    200),
    "/api/v1/members/applications/{app}":        (401,    200,    404,    200,    200,    200),
    "/api/v1/members/registry":                  (200,    200,    200,    200,    200,    200),
    "/api/v1/members/registry/CP-2026-0001":     (200,    200,    200,    200,    200,    200),
    "/api/v1/members/registry/CP-2099-0001":     (404,    404,    404,    404,    404,    404),
    "/api/v1/members/bulletins":                 (200,    200,    200,    200,    200,    200),
    "/api/v1/members/bulletins/1":               (200,    200,    200,    200,    200,    200),
    "/api/v1/members/bulletins/9":               (404,    404,    404,    404,    404,    404),
}

# State changes through the API: (path, JSON body or None for multipart) -> the status per role.
MEMBERSHIP_POSTS: dict[str, tuple[int, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/api/v1/members/applications":              (401,    409,    403,    403,    403,    403),
    "/api/v1/members/applications/{sub}/approve":(401,    403,    403,    200,    403,    200),
    "/api/v1/members/applications/{sub}/reject": (401,    403,    403,    200,    403,    200),
    "/api/v1/members/applications/{sub}/request-info": (401, 403, 403,    200,    403,    200),
    "/api/v1/members/applications/{sub}/cancel": (401,    404,    404,    403,    403,    403),
    "/api/v1/members/applications/{app}/sign":   (401,    201,    404,    403,    403,    403),
    "/api/v1/members/me/withdraw":               (401,    403,    201,    403,    403,    403),
    "/api/v1/members/bulletins":                 (401,    403,    403,    201,    403,    201),
}
# fmt: on

# Patterns as Django spells them -> the matrix row(s) that exercise them.
ROUTE_ROWS = {
    "": "/",
    "report/": "/report/",
    "staff/": "/staff/",
    "convention": "/convention",
    "convention/v<int:number>": "/convention/v1",
    "convention/v<int:number>.txt": "/convention/v1.txt",
    "staff/convention/": "/staff/convention/",
    "staff/convention/v<int:number>/": "/staff/convention/v1/",
    "api/v1/openapi.json": "/api/v1/openapi.json",
    "api/v1/docs": "/api/v1/docs",
    "api/v1/me": "/api/v1/me",
    "api/v1/audit/head": "/api/v1/audit/head",
    "api/v1/audit/entries": "/api/v1/audit/entries",
    "api/v1/api-keys": "/api/v1/api-keys",
    "api/v1/notifications": "/api/v1/notifications",
    "api/v1/convention/current": "/api/v1/convention/current",
    "api/v1/convention/versions": "/api/v1/convention/versions",
    "api/v1/convention/versions/<number>": "/api/v1/convention/versions/1",
    "accounts/login/": "/accounts/login/",
    "accounts/logout/": "/accounts/logout/",
    "account/": "/account/",
    "account/inbox/": "/account/inbox/",
    "account/api-keys/": "/account/api-keys/",
    "transparency/audit-head": "/transparency/audit-head",
    "staff/audit/": "/staff/audit/",
    "files/<uuid:file_id>": MISSING_FILE,
    "backoffice/": "/backoffice/",
    "backoffice/login/": "/backoffice/login/",
    "membership/apply/": "/membership/apply/",
    "membership/applications/<int:application_id>/": "/membership/applications/{app}/",
    "membership/applications/<int:application_id>/sign": "/membership/applications/{app}/sign",
    "account/member/": "/account/member/",
    "registry/": "/registry/",
    "registry/verify/": "/registry/verify/",
    "registry/verify/<str:number>": "/registry/verify/CP-2026-0001",
    "registry/bulletins/": "/registry/bulletins/",
    "registry/bulletins/<int:number>/": "/registry/bulletins/1/",
    "registry/bulletins/<int:number>.csv": "/registry/bulletins/1.csv",
    "registry/bulletins/<int:number>.pdf": "/registry/bulletins/1.pdf",
    "registry/<str:number>/certificate.pdf": "/registry/CP-2026-0001/certificate.pdf",
    "registry/<str:number>/": "/registry/CP-2026-0001/",
    "staff/applications/": "/staff/applications/",
    "staff/applications/<int:application_id>/": "/staff/applications/{app}/",
    "staff/bulletins/": "/staff/bulletins/",
    "accounts/register/": "/accounts/register/",
    "api/v1/members/applications": "/api/v1/members/applications",
    "api/v1/members/applications/<application_id>": "/api/v1/members/applications/{app}",
    "api/v1/members/registry": "/api/v1/members/registry",
    "api/v1/members/registry/<number>": "/api/v1/members/registry/CP-2026-0001",
    "api/v1/members/bulletins": "/api/v1/members/bulletins",
    "api/v1/members/bulletins/<number>": "/api/v1/members/bulletins/1",
    "api/v1/convention/amendments": "/api/v1/convention/amendments",
    "api/v1/convention/amendments/<number>": "/api/v1/convention/amendments/9",
    "api/v1/convention/votes/<vote_id>": "/api/v1/convention/votes/9",
    "api/v1/convention/annexes": "/api/v1/convention/annexes",
    "api/v1/convention/annexes/<number>": "/api/v1/convention/annexes/9",
    "api/v1/convention/interpretations": "/api/v1/convention/interpretations",
    "convention/amendments/": "/convention/amendments/",
    "convention/amendments/new": "/convention/amendments/new",
    "convention/amendments/<int:number>/": "/convention/amendments/1/",
    "convention/votes/<int:vote_id>/": "/convention/votes/{vote}/",
    "convention/annexes/": "/convention/annexes/",
    "convention/annexes/new": "/convention/annexes/new",
    "convention/annexes/<int:number>/": "/convention/annexes/1/",
    "staff/convention/interpretations/": "/staff/convention/interpretations/",
    "banks/": "/banks/",
    "banks/<slug:bank>/": "/banks/terms/",
    "banks/<slug:bank>/contribute": "/banks/terms/contribute",
    "banks/<slug:bank>/import": "/banks/terms/import",
    "banks/<slug:bank>/<int:entry_id>/": "/banks/terms/9/",
    "review/": "/review/",
    "review/queue/": "/review/queue/",
    "review/items/<int:item_id>/": "/review/items/9/",
    "review/notices/": "/review/notices/",
    "review/webhook/": "/review/webhook/",
    "api/v1/banks/public-key": "/api/v1/banks/public-key",
    "api/v1/banks": "/api/v1/banks",
    "api/v1/banks/<bank>/changes": "/api/v1/banks/terms/changes",
    "api/v1/banks/<bank>/export": "/api/v1/banks/terms/export",
    "api/v1/banks/<bank>/entries": "/api/v1/banks/terms/entries",
    "api/v1/banks/<bank>/entries/<entry_id>": "/api/v1/banks/terms/entries/9",
    "api/v1/review/items/<external_id>": "/api/v1/review/items/x-9",
    "api/v1/review/queue": "/api/v1/review/queue",
    "api/v1/review/deliveries": "/api/v1/review/deliveries",
    "api/v1/review/notices": "/api/v1/review/notices",
    "api/v1/review/stats": "/api/v1/review/stats",
}


@pytest.fixture
def versions(db):
    return make_versions()


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(PAGES))
def test_page_access(client_for, versions, path, role, expected):
    """Every page answers each role as the table says, with the right content where it answers 200."""
    response = client_for(role).get(path)
    assert_answer(response, path, expected)
    if expected != 200:
        return
    if path.startswith("/convention/v1") or path in {"/", "/convention"}:
        body = response.content.decode()
        assert ARTICLE_3 in body
        assert ARTICLE_3_V2 not in body  # the draft never leaks into the text in force
    if path.startswith("/convention/v2"):
        assert ARTICLE_3_V2 in response.content.decode()
    if path.endswith(".txt"):
        version = ConventionVersion.objects.get(number=int(path.removeprefix("/convention/v").removesuffix(".txt")))
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["X-Content-SHA256"] == version.sha256
        assert response.content.decode() == version.text


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(API))
def test_api_access(client_for, users, versions, path, role, expected):
    """Every API endpoint answers each role as the table says; refusals are problem details."""
    response = client_for(role).get(path)
    if expected == 401:
        assert_problem(response, 401, "unauthenticated")
        assert response["WWW-Authenticate"] == 'Bearer realm="zilu"'
        return
    if expected == 403:
        assert_problem(response, 403, "forbidden")
        return
    if expected == 404:
        assert_problem(response, 404, "not_found")
        return
    assert response.status_code == expected, response.content
    if path == "/api/v1/docs":
        return
    data = response.json()
    if path == "/api/v1/me":
        user = users[role]
        assert data["username"] == user.username
        assert data["role"] == role
        assert data["member_id"] == user.member_id
    elif path == "/api/v1/convention/versions":
        expected_numbers = [1] if role in {"anonymous", "public", "member"} else [2, 1]
        assert [v["number"] for v in data] == expected_numbers
    elif path.startswith("/api/v1/convention/versions/") or path == "/api/v1/convention/current":
        wanted = 2 if path.endswith("/2") else 1
        version = ConventionVersion.objects.get(number=wanted)
        assert (data["number"], data["status"], data["sha256"]) == (wanted, version.status, version.sha256)
        article_3 = next(a for a in data["articles"] if a["number"] == 3)
        assert article_3["text"] == "第三条 " + (ARTICLE_3_V2 if wanted == 2 else ARTICLE_3)
    elif path == "/api/v1/audit/entries":
        assert [e["action"] for e in data] == [
            "convention.version.import",
            "convention.version.publish",
            "convention.version.import",
        ]
    elif path == "/api/v1/audit/head":
        assert data["seq"] == AuditEntry.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "landing"), matrix_cells(BACKOFFICE_LANDING))
def test_backoffice_refusals_land_on_site_login_or_403(client_for, path, role, landing):
    """Following the admin's redirects ends at the site's throttled sign-in page or a 403, not at the admin's own
    (unthrottled, ``is_staff``-only) login form."""
    response = client_for(role).get(path, follow=True)
    if isinstance(landing, str):
        assert response.status_code == 200
        assert response.wsgi_request.path == landing
        assert "form" in response.context and response.context["form"].__class__.__name__ == (
            "ThrottledAuthenticationForm"
        )
    else:
        assert response.status_code == landing


def _routes(patterns, prefix: str = "") -> list[str]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append(prefix + str(pattern.pattern))
    return found


# Apps whose matrix lives beside their tests: each module has ROUTE_ROWS, TABLES (its row tables, tested there) and
# POST_ONLY, with the same meaning as here.
APP_MATRICES = [
    "tests.members.test_access",  # issue 21: venues, the running quarter, the registry feed
    "tests.disputes.test_access",
    "tests.oversight.test_access",
    "tests.reports.test_access",
    "tests.filings.test_access",
    "tests.discipline.test_access",
    "tests.core.test_access",
    "tests.notices.test_access",
    "tests.web.test_access",
]


def test_every_route_is_in_the_matrix():
    """A new URL must get a row in the matrix (or be listed as POST-only and tested with its action)."""
    missing = []
    route_rows, tables, post_only = (
        dict(ROUTE_ROWS),
        [PAGES, API, MEMBERSHIP_PAGES, MEMBERSHIP_API, GOVERNANCE_PAGES],
        set(POST_ONLY),
    )
    for module_name in APP_MATRICES:
        module = importlib.import_module(module_name)
        route_rows.update(module.ROUTE_ROWS)
        tables += module.TABLES
        post_only |= set(module.POST_ONLY)
    for route in _routes(get_resolver().url_patterns):
        if route.startswith("backoffice/") and route not in route_rows:
            continue  # Django admin's generated model URLs: the model list pages are rows of their own
        if route == "api/v1/":
            continue  # ninja's namespace root, not an endpoint
        if route in post_only:
            continue
        row = route_rows.get(route)
        if row is None or not any(row in table for table in tables):
            missing.append(route)
    assert not missing, f"routes without a row in the access matrix: {missing}"


def test_every_backoffice_model_is_in_the_matrix():
    """Each model registered in the back office has its list page in the matrix."""
    from django.contrib import admin

    registered = {
        f"/backoffice/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
        if model._meta.app_label != "auth"  # Django's groups: no Zilu role holds Django's model permissions
    }
    assert registered <= set(PAGES), registered - set(PAGES)


# ------------------------------------------------------------------------------------------ membership


@pytest.fixture
def membership(users, versions):
    """The records the membership rows need; returns the ids that fill ``{app}`` and ``{sub}``."""
    v1, _v2 = versions
    member = users["member"].member
    member.number = "CP-2026-0001"
    member.save(update_fields=["number"])
    unit = {
        "kind": "unit", "registered_address": "北京市昌平区科技园区1号", "legal_representative": "张三",
        "responsible_person": "李四", "contact_phone": "13800138000",
    }  # fmt: skip
    signed = Application.objects.create(
        applicant=users["member"], status="signed", name=member.name, uscc=member.uscc, member=member, **unit
    )
    Signature.objects.create(
        member=member, application=signed, convention_version=v1, convention_sha256=v1.sha256, signer_name="张三",
        signer_capacity="legal_representative", responsible_person="李四", contact_phone="13800138000",
        signed_on=date(2021, 7, 15), signed_by=users["member"],
    )  # fmt: skip
    app = Application.objects.create(
        applicant=users["public"], status="approved", name="申请中的公司", uscc=make_uscc(8001), **unit
    )
    sub = Application.objects.create(
        applicant=UserFactory(role=Role.PUBLIC), status="submitted", name="待审的公司", uscc=make_uscc(8002), **unit
    )
    MemberFactory(number="CP-2025-0001", joined_on=date(2025, 8, 1))
    do_publish_bulletin(SystemActor("cli:tests"), "2025Q3")
    return {"app": app.pk, "sub": sub.pk, "signed": signed.pk}


def _fill(path: str, membership: dict[str, int]) -> str:
    return path.format(**membership)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(MEMBERSHIP_PAGES))
def test_membership_page_access(client_for, membership, monkeypatch, path, role, expected):
    """The membership pages answer each role as the table says. (The PDFs themselves are tested in tests/members;
    here a stub renders them, which keeps this table fast.)"""
    for renderer in ("render_certificate", "render_bulletin"):
        monkeypatch.setattr(f"zilu.members.documents.{renderer}", lambda data: b"%PDF-1.7 stub")
    path = _fill(path, membership)
    response = client_for(role).get(path)
    assert_answer(response, path, expected)
    if expected != 200:
        return
    if path.endswith(".pdf"):
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    elif path.endswith(".csv"):
        assert response.content.startswith(b"\xef\xbb\xbf") and b"CP-2025-0001" in response.content
    elif path == "/account/member/":
        assert "CP-2026-0001" in response.content.decode()
    elif path.startswith("/registry/"):
        assert "CP-2026-0001" in response.content.decode() or "bulletins" in path


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(MEMBERSHIP_API))
def test_membership_api_access(client_for, users, membership, path, role, expected):
    """The membership endpoints answer each role as the table says; refusals are problem details."""
    path = _fill(path, membership)
    response = client_for(role).get(path)
    if expected != 200:
        assert_problem(response, expected, {401: "unauthenticated", 403: "forbidden", 404: "not_found"}[expected])
        return
    assert response.status_code == 200, response.content
    data = response.json()
    if path == "/api/v1/members/applications":
        own = {"public": {membership["app"]}, "member": {membership["signed"]}}
        every = {membership["app"], membership["sub"], membership["signed"]}
        assert {a["id"] for a in data} == own.get(role, every)
    elif path.startswith("/api/v1/members/applications/"):
        assert data["id"] == membership["app"]
    elif path == "/api/v1/members/registry":
        assert [m["number"] for m in data["results"]] == ["CP-2025-0001", "CP-2026-0001"]
    elif path == "/api/v1/members/bulletins":
        assert [b["number"] for b in data] == [1]
    else:
        assert data["number"] in {"CP-2026-0001", 1}


def _post_body(path: str, version: ConventionVersion) -> tuple[dict, str | None]:
    if path.endswith("/sign"):
        data = sign_form(version.sha256, signed_on=timezone.localdate().isoformat())
        data.pop("has_read")
        return data, None  # multipart
    if path.endswith("/applications"):
        return unit_form(8003), "application/json"
    if path.endswith("/withdraw"):
        return {"effective_on": (timezone.localdate() + timedelta(days=30)).isoformat()}, "application/json"
    if path.endswith("/bulletins"):
        return {"period": "2025Q2"}, "application/json"
    return {"reason": "材料不全。", "request": "请补充材料。"}, "application/json"


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(MEMBERSHIP_POSTS))
def test_membership_state_changes_by_role(client_for, versions, membership, path, role, expected):
    """Each membership state change, by role: a refusal is a problem and changes nothing (no audit entry)."""
    path = _fill(path, membership)
    entries = AuditEntry.objects.count()
    data, content_type = _post_body(path, versions[0])
    client = client_for(role)
    response = client.post(path, data, content_type=content_type) if content_type else client.post(path, data)
    if expected >= 400:
        assert_problem(response, expected)
        assert AuditEntry.objects.count() == entries
    else:
        assert response.status_code == expected, response.content
        assert AuditEntry.objects.count() > entries


# ------------------------------------------------------------------------------------------ state changes by role

# fmt: off
PUBLISH: dict[str, int | str] = {
    "anonymous": LOGIN, "public": 403, "member": 403, "supervisor": 403,
    "staff": "302 /staff/convention/v2/", "superuser": "302 /staff/convention/v2/",
}
CREATE_KEY: dict[str, int] = {
    "anonymous": 401, "public": 403, "member": 201, "other_member": 201,
    "staff": 403, "supervisor": 403, "superuser": 403,
}
# fmt: on


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "expected"), PUBLISH.items())
def test_publish_draft_by_role(client_for, users, versions, role, expected):
    """Only the executing body publishes a draft; a refused attempt leaves the draft and the audit log as they were."""
    _v1, v2 = versions
    entries_before = AuditEntry.objects.count()
    path = "/staff/convention/v2/publish"
    response = client_for(role).post(path, {"published_on": ""})
    assert_answer(response, path, expected)
    v2.refresh_from_db()
    if role in {"staff", "superuser"}:
        assert v2.status == ConventionVersion.Status.PUBLISHED
        assert v2.published_on is not None
        entry = AuditEntry.objects.order_by("-seq").first()
        assert AuditEntry.objects.count() == entries_before + 1
        assert (entry.action, entry.object_id, entry.actor_id) == (
            "convention.version.publish",
            str(v2.pk),
            users[role].pk,
        )
        assert entry.role == role
        # Now everyone sees it.
        assert client_for("anonymous").get("/api/v1/convention/versions/2").status_code == 200
    else:
        assert v2.status == ConventionVersion.Status.DRAFT
        assert v2.published_on is None
        assert AuditEntry.objects.count() == entries_before
        assert client_for("anonymous").get("/api/v1/convention/versions/2").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_publish_twice_is_refused_with_a_message(client_for, versions, role):
    """Publishing an already published version is an illegal transition: staff get a message, nothing changes."""
    v1, _v2 = versions
    published_on = v1.published_on
    entries_before = AuditEntry.objects.count()
    response = client_for(role).post("/staff/convention/v1/publish", {"published_on": "2021-08-01"}, follow=True)
    v1.refresh_from_db()
    assert v1.published_on == published_on
    assert AuditEntry.objects.count() == entries_before
    if role in {"staff", "superuser"}:
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "expected"), CREATE_KEY.items())
def test_create_api_key_by_role(client_for, users, role, expected):
    """Only member representatives create API keys, and a key belongs to the creator's member."""
    response = client_for(role).post("/api/v1/api-keys", {"name": "发布系统"}, content_type="application/json")
    if expected == 201:
        assert response.status_code == 201, response.content
        data = response.json()
        key = ApiKey.objects.get(pk=data["id"])
        user = users[role]
        assert (key.member_id, key.created_by_id, key.name) == (user.member_id, user.pk, "发布系统")
        assert data["token"].startswith(f"zilu_{key.prefix}_")
        assert AuditEntry.objects.filter(action="core.api_key.create", object_id=str(key.pk)).count() == 1
    else:
        assert_problem(response, expected, "unauthenticated" if expected == 401 else "forbidden")
        assert not ApiKey.objects.exists()
        assert not AuditEntry.objects.filter(action="core.api_key.create").exists()


@pytest.mark.django_db
def test_member_cannot_see_or_revoke_another_members_key(client_for, users):
    """Keys are scoped to the member: another member's key is invisible and cannot be revoked (404, not 403)."""
    theirs = do_create_api_key(users["other_member"], "对方的密钥").key
    mine = do_create_api_key(users["member"], "我的密钥").key
    client = client_for("member")

    listed = client.get("/api/v1/api-keys").json()
    assert [k["id"] for k in listed] == [mine.pk]

    response = client.post(f"/api/v1/api-keys/{theirs.pk}/revoke")
    assert_problem(response, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert not AuditEntry.objects.filter(action="core.api_key.revoke").exists()

    # Through the page as well: the refusal is a message, the key stays active.
    page = client.post(f"/account/api-keys/{theirs.pk}/revoke", follow=True)
    assert page.status_code == 200
    assert [m.level_tag for m in page.context["messages"]] == ["error"]
    theirs.refresh_from_db()
    assert theirs.revoked_at is None

    # The owner still sees and can use it.
    assert [k["id"] for k in client_for("other_member").get("/api/v1/api-keys").json()] == [theirs.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["public", "staff", "supervisor", "superuser"])
def test_non_members_cannot_revoke_any_key(client_for, users, role):
    key = do_create_api_key(users["member"], "k").key
    assert_problem(client_for(role).post(f"/api/v1/api-keys/{key.pk}/revoke"), 403, "forbidden")
    key.refresh_from_db()
    assert key.revoked_at is None


# ------------------------------------------------------------------------------------------ query counts


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 8])
def test_api_key_list_query_count_does_not_grow(client_for, users, django_assert_max_num_queries, count):
    """Listing keys costs the same few queries however many keys there are (no per-row lookups)."""
    for i in range(count):
        do_create_api_key(users["member"], f"key {i}")
    client = client_for("member")
    with django_assert_max_num_queries(3):  # session, user, keys
        response = client.get("/api/v1/api-keys")
    assert len(response.json()) == count


@pytest.mark.django_db
def test_list_endpoints_query_counts(client_for, users, versions, django_assert_num_queries):
    """Lists that return many rows use a fixed number of queries, the same for 1 or 30 more rows."""
    staff = client_for("staff")
    baseline = {}
    for path in ("/api/v1/audit/entries", "/api/v1/convention/versions", "/api/v1/notifications"):
        with django_assert_num_queries(3):  # session, user, the list
            staff.get(path)
    from zilu.core.notify import notify

    notify([users["staff"]] * 30, "提醒")
    for i in range(10):
        MemberFactory()
        do_create_api_key(UserFactory(role=Role.MEMBER, member=MemberFactory()), f"k{i}")
    for path in ("/api/v1/audit/entries", "/api/v1/notifications"):
        with django_assert_num_queries(3):
            response = staff.get(path)
        baseline[path] = len(response.json())
    assert baseline == {"/api/v1/audit/entries": 13, "/api/v1/notifications": 30}


# ------------------------------------------------------------------------------------------ convention governance

# (see the ``governance`` fixture): amendment No. 1 proposed by the staff and put to the vote ``{vote}``; annex
# No. 1 proposed by the member's unit. Amendments, votes and annexes are public; proposing and managing are not.
# fmt: off
GOVERNANCE_PAGES: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/convention/amendments/":                   (200,    200,    200,    200,    200,    200),
    "/convention/amendments/new":                (LOGIN,  403,    200,    200,    403,    200),
    "/convention/amendments/1/":                 (200,    200,    200,    200,    200,    200),
    "/convention/amendments/9/":                 (404,    404,    404,    404,    404,    404),
    "/convention/votes/{vote}/":                 (200,    200,    200,    200,    200,    200),
    "/convention/votes/999/":                    (404,    404,    404,    404,    404,    404),
    "/convention/annexes/":                      (200,    200,    200,    200,    200,    200),
    "/convention/annexes/new":                   (LOGIN,  403,    200,    403,    403,    403),
    "/convention/annexes/1/":                    (200,    200,    200,    200,    200,    200),
    "/convention/annexes/9/":                    (404,    404,    404,    404,    404,    404),
    "/staff/convention/interpretations/":        (LOGIN,  403,    403,    200,    403,    200),
}

# POSTs: "302 <target>" when the action ran (or was refused with a message on the page), LOGIN for anonymous.
VOTE = "302 /convention/votes/{next}/"
AMD1 = "302 /convention/amendments/1/"
GOVERNANCE_POSTS: dict[str, tuple[int | str, ...]] = {
    #                                             anon    public  member  staff   superv  su
    "/convention/annexes/1/open-vote":           (LOGIN,  403,    403,    VOTE,   403,    VOTE),
    "/convention/amendments/1/withdraw":         (LOGIN,  AMD1,   AMD1,   AMD1,   AMD1,   AMD1),
}
# fmt: on


@pytest.fixture
def governance(users, versions):
    from tests.helpers import draft_text
    from zilu.governance.actions import do_open_amendment_vote, do_propose_amendment, do_propose_annex

    do_propose_amendment(users["staff"], title="执行机构提案", reasons="理由", text=draft_text())
    vote = do_open_amendment_vote(users["staff"], 1, closes_at=timezone.now() + timedelta(days=7))
    do_propose_annex(users["member"], title="直播行业自律协议", sector="网络直播", text="一、主播实名。")
    return {"vote": vote.pk, "next": vote.pk + 1}


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(GOVERNANCE_PAGES))
def test_governance_page_access(client_for, governance, path, role, expected):
    """The governance pages answer each role as the table says."""
    path = path.format(**governance)
    response = client_for(role).get(path)
    assert_answer(response, path, expected)
    if expected == 200 and "/amendments/1/" in path:
        assert "执行机构提案" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), matrix_cells(GOVERNANCE_POSTS))
def test_governance_posts_by_role(client_for, governance, path, role, expected):
    """Opening a vote is the staff's; withdrawing is the proposer's or the staff's, and anyone else gets an error
    message with nothing changed (no audit entry)."""
    from zilu.governance.models import Amendment, Annex

    path = path.format(**governance)
    expected = expected.format(**governance) if isinstance(expected, str) else expected
    entries = AuditEntry.objects.count()
    response = client_for(role).post(
        path, {"closes_at": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")}
    )
    assert_answer(response, path, expected)
    changed = AuditEntry.objects.count() > entries
    if path.endswith("open-vote"):
        assert changed == (role in {"staff", "superuser"})
        assert Annex.objects.get(number=1).status == ("voting" if changed else "proposed")
    else:  # amendment No. 1 is being voted on: nobody may withdraw it now
        assert not changed
        assert Amendment.objects.get(number=1).status == Amendment.Status.VOTING
