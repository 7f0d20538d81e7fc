"""The notice rows of the access matrix: every page and endpoint x every role, and each state change by role.

Roles: anonymous; the right holder (the ``public`` account that sent the notices); a bystander (another public
account); the member concerned's representative; another member's representative; staff; the supervising
department; a superuser. ``{n}`` is a notice with the member (measures to take), ``{m}`` one whose measure is
recorded, ``{d}`` one whose declaration was forwarded; ``{member}`` is the member concerned. Another member and a
bystander get 404 for every notice (its existence is not confirmed); staff and the supervising department read all
of them but take no party's step (403).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from tests.helpers import assert_problem
from tests.notices.helpers import API, HOLDER_ID, client, declaration_form, filed, notice_form, pdf, png, post_json
from zilu.core.models import AuditEntry
from zilu.notices.models import Notice

ROLES = ("anonymous", "holder", "bystander", "member", "other_member", "staff", "supervisor", "superuser")
LOGIN = "302 /accounts/login/?next="

# fmt: off
PAGES: dict[str, tuple[int | str, ...]] = {
    #                                          anon    holder  bystan  member  other   staff   superv  su
    "/notices/":                              (LOGIN,  200,    200,    200,    200,    200,    200,    200),
    "/notices/new":                           (LOGIN,  200,    200,    200,    200,    403,    403,    403),
    "/notices/statistics/":                   (200,    200,    200,    200,    200,    200,    200,    200),
    "/notices/{d}/":                          (LOGIN,  200,    404,    200,    404,    200,    200,    200),
    "/notices/{d}/notice.pdf":                (LOGIN,  200,    404,    200,    404,    200,    200,    200),
    "/notices/{d}/declaration.pdf":           (LOGIN,  200,    404,    200,    404,    200,    200,    200),
    "/notices/{n}/declaration.pdf":           (LOGIN,  404,    404,    404,    404,    404,    404,    404),
}

API_GETS: dict[str, tuple[int, ...]] = {
    #                                          anon    holder  bystan  member  other   staff   superv  su
    "/api/v1/notices":                        (401,    200,    200,    200,    200,    200,    200,    200),
    "/api/v1/notices/stats":                  (200,    200,    200,    200,    200,    200,    200,    200),
    "/api/v1/notices/{d}":                    (401,    200,    404,    200,    404,    200,    200,    200),
    "/api/v1/notices/{d}/notice.pdf":         (401,    200,    404,    200,    404,    200,    200,    200),
    "/api/v1/notices/{d}/declaration.pdf":    (401,    200,    404,    200,    404,    200,    200,    200),
    "/api/v1/notices/members/{member}/figures": (401,  403,    403,    200,    403,    200,    200,    200),
}

# State changes through the API, by role; a refusal changes nothing (no audit entry).
POSTS: dict[str, tuple[int, ...]] = {
    #                                          anon    holder  bystan  member  other   staff   superv  su
    "/api/v1/notices":                        (401,    201,    201,    422,    201,    403,    403,    403),
    "/api/v1/notices/{n}/measure":            (401,    403,    404,    200,    404,    403,    403,    403),
    "/api/v1/notices/{n}/decline":            (401,    403,    404,    200,    404,    403,    403,    403),
    "/api/v1/notices/{n}/withdraw":           (401,    200,    404,    403,    404,    403,    403,    403),
    "/api/v1/notices/{m}/declaration":        (401,    403,    404,    200,    404,    403,    403,    403),
    "/api/v1/notices/{d}/action":             (401,    200,    404,    403,    404,    403,    403,    403),
}

# The pages' steps, by role: "ok" (redirect, the step done), "no" (redirect with the refusal as a message, nothing
# changed), 404, or the sign-in redirect.
PAGE_POSTS: dict[str, tuple[int | str, ...]] = {
    #                                          anon    holder  bystan  member  other   staff   superv  su
    "/notices/{n}/measure":                   (LOGIN,  "no",   404,    "ok",   404,    "no",   "no",   "no"),
    "/notices/{n}/withdraw":                  (LOGIN,  "ok",   404,    "no",   404,    "no",   "no",   "no"),
}
# fmt: on

ROUTE_ROWS = {
    "notices/": "/notices/",
    "notices/new": "/notices/new",
    "notices/statistics/": "/notices/statistics/",
    "notices/<int:notice_id>/": "/notices/{d}/",
    "notices/<int:notice_id>/notice.pdf": "/notices/{d}/notice.pdf",
    "notices/<int:notice_id>/declaration.pdf": "/notices/{d}/declaration.pdf",
    "api/v1/notices": "/api/v1/notices",
    "api/v1/notices/stats": "/api/v1/notices/stats",
    "api/v1/notices/members/<member_id>/figures": "/api/v1/notices/members/{member}/figures",
    "api/v1/notices/<notice_id>": "/api/v1/notices/{d}",
    "api/v1/notices/<notice_id>/notice.pdf": "/api/v1/notices/{d}/notice.pdf",
    "api/v1/notices/<notice_id>/declaration.pdf": "/api/v1/notices/{d}/declaration.pdf",
}
TABLES = [PAGES, API_GETS]
# Asserted by role in POSTS and PAGE_POSTS below, and step by step in tests/notices/test_flow.py.
POST_ONLY = {
    "notices/<int:notice_id>/<slug:step>",
    "api/v1/notices/<notice_id>/measure",
    "api/v1/notices/<notice_id>/decline",
    "api/v1/notices/<notice_id>/declaration",
    "api/v1/notices/<notice_id>/action",
    "api/v1/notices/<notice_id>/withdraw",
}


def cells(table: dict[str, tuple]) -> list[tuple[str, str, object]]:
    return [(path, role, row[i]) for path, row in table.items() for i, role in enumerate(ROLES)]


@pytest.fixture
def world(people, monkeypatch):
    """Three notices of the right holder against the member, at three stages. The PDFs themselves are checked in
    test_flow.py; a stub renders them here, which keeps the table fast."""
    for renderer in ("render_notice", "render_declaration"):
        monkeypatch.setattr(f"zilu.notices.documents.{renderer}", lambda data: b"%PDF-1.7 stub")
    holder, member = client(people["holder"]), client(people["member"])
    n = filed(holder, location="https://video.example.com.cn/v/1")["id"]
    m = filed(holder, location="https://video.example.com.cn/v/2")["id"]
    d = filed(holder, location="https://video.example.com.cn/v/3")["id"]
    for nid in (m, d):
        assert post_json(member, f"{API}/{nid}/measure", {"measure": "delete", "user_ref": "uid-1"}).status_code == 200
    assert member.post(f"{API}/{d}/declaration", declaration_form()).status_code == 200
    return {"n": n, "m": m, "d": d, "member": people["member"].member_id, "people": people}


def _client(world, role: str) -> Client:
    return Client() if role == "anonymous" else client(world["people"][role])


def _fill(path: str, world) -> str:
    return path.format(**{k: v for k, v in world.items() if k != "people"})


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), cells(PAGES))
def test_notice_pages_by_role(world, path, role, expected):
    path = _fill(path, world)
    response = _client(world, role).get(path)
    if isinstance(expected, str):
        status, _, target = expected.partition(" ")
        assert response.status_code == int(status)
        assert response["Location"] == target + quote(path, safe="/")
        return
    assert response.status_code == expected, (response.status_code, response.get("Location"))
    if expected != 200 or path.endswith(".pdf"):
        return
    body = response.content.decode()
    holder = world["people"]["holder"]
    if role in ("bystander", "other_member"):
        assert "王小明" not in body  # neither the sender's name nor any notice
    if role == "member" and path == f"/notices/{world['d']}/":
        assert "王小明" in body and holder.username not in body and HOLDER_ID not in body  # forwarded, not the account


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), cells(API_GETS))
def test_notice_api_by_role(world, path, role, expected):
    response = _client(world, role).get(_fill(path, world))
    if expected != 200:
        assert_problem(response, expected)
        return
    if path == "/api/v1/notices":
        ids = {n["id"] for n in response.json()}
        visible = {"holder", "member", "staff", "supervisor", "superuser"}
        assert ids == ({world["n"], world["m"], world["d"]} if role in visible else set())
        for item in response.json():
            if role == "member":
                assert item["filed_by"] == "" and "*" in item["holder_id_number"]
            if role == "holder":
                assert item["user_ref"] == ""
            if role in ("staff", "supervisor", "superuser"):
                assert item["filed_by"] == world["people"]["holder"].username


def _post(client_: Client, path: str) -> object:
    if path == "/api/v1/notices":
        return client_.post(path, {**notice_form(), "proof": [pdf()]})
    if path.endswith("/declaration"):
        return client_.post(path, declaration_form())
    if path.endswith("/action"):
        return client_.post(path, {"action": "complaint", "authority": "北京市版权局", "proof": [png()]})
    if path.endswith("/measure"):
        return post_json(client_, path, {"measure": "block"})
    return post_json(client_, path, {"reason": "理由"})


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), cells(POSTS))
def test_notice_state_changes_by_role(world, path, role, expected):
    path = _fill(path, world)
    entries, notices = AuditEntry.objects.count(), list(Notice.objects.values_list("pk", "status"))
    response = _post(_client(world, role), path)
    if expected >= 400:
        assert_problem(response, expected)
        assert AuditEntry.objects.count() == entries
        assert list(Notice.objects.values_list("pk", "status")) == notices
    else:
        assert response.status_code == expected, response.content
        assert AuditEntry.objects.count() == entries + 1


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "role", "expected"), cells(PAGE_POSTS))
def test_notice_page_steps_by_role(world, path, role, expected):
    path = _fill(path, world)
    entries = AuditEntry.objects.count()
    data = {"measure-measure": "block", "measure-forwarding": "to_user", "withdraw-reason": ""}
    response = _client(world, role).post(path, data)
    if expected in ("ok", "no"):
        assert response.status_code == 302
        assert AuditEntry.objects.count() == entries + (1 if expected == "ok" else 0)
    elif isinstance(expected, str):
        assert response.status_code == 302 and response["Location"] == LOGIN[4:] + quote(path, safe="/")
        assert AuditEntry.objects.count() == entries
    else:
        assert response.status_code == expected
        assert AuditEntry.objects.count() == entries
