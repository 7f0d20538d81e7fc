"""API keys answered from the shared cache: a member system's request costs no query, and every change that ends a
key's rights (revocation, the member's withdrawal or revocation, the representative's deactivation, move or role
change) is refused from the very next request on."""

from __future__ import annotations

import copy

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import MemberFactory
from tests.helpers import assert_problem
from zilu.banks.service import reset_screener
from zilu.core import keycache
from zilu.core.actions import authenticate_token, do_create_api_key, hash_secret
from zilu.core.models import ApiKey, User
from zilu.core.roles import Role
from zilu.members.actions import do_revoke_membership
from zilu.members.models import Member

pytestmark = pytest.mark.django_db

POST = {"id": "p1", "text": "今天天气很好，出门走走。"}


@pytest.fixture(autouse=True)
def _fresh_screener():
    reset_screener()
    yield
    reset_screener()


@pytest.fixture
def new_key(users):
    return do_create_api_key(users["member"], "pipeline")


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def screen(client: Client, payload: dict | None = None):
    return client.post("/api/v1/screen", payload or POST, content_type="application/json")


def test_a_warm_key_screens_with_no_query_and_never_loads_the_user(new_key):
    client = bearer(new_key.token)
    first = screen(client)  # reads the key, caches it, builds the screener
    assert first.status_code == 200, first.content
    assert ApiKey.objects.get(pk=new_key.key.pk).last_used_at is not None

    with CaptureQueriesContext(connection) as queries:
        second = screen(client)
        batch = client.post(
            "/api/v1/screen/batch", {"items": [POST, {"id": 2, "text": "邮箱 a@example.com"}]}, "application/json"
        )
    assert second.status_code == 200 and second.json() == first.json()
    assert batch.status_code == 200 and [r["id"] for r in batch.json()["results"]] == ["p1", 2]
    assert [q["sql"] for q in queries.captured_queries] == []
    user = second.wsgi_request.user
    assert isinstance(user, keycache.KnownUser) and not user.is_loaded()
    assert isinstance(user, User) and user == new_key.key.created_by and hash(user) == hash(new_key.key.created_by)
    clone = copy.copy(user)
    assert clone.pk == user.pk and not clone.is_loaded() and not user.is_loaded()


def test_a_warm_key_still_loads_the_user_when_a_view_needs_it(new_key, users):
    client = bearer(new_key.token)
    assert client.get("/api/v1/me").status_code == 200
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    rep = users["member"]
    assert me.json() == {
        "username": rep.username,
        "name": str(rep),
        "role": "member",
        "member_id": rep.member_id,
        "member_name": str(rep.member),
    }
    assert me.wsgi_request.user.is_loaded()


def test_the_cache_holds_no_secret(new_key):
    assert screen(bearer(new_key.token)).status_code == 200
    secret = new_key.token.split("_", 2)[2]
    key = keycache.entry_key(new_key.key.prefix, hash_secret(secret))
    assert secret not in key
    from django.core.cache import cache

    assert secret not in repr(cache.get(key)) and new_key.token not in repr(cache.get(key))


def test_a_revoked_key_is_refused_on_the_next_request(new_key, client_for):
    client = bearer(new_key.token)
    assert screen(client).status_code == 200
    assert screen(client).status_code == 200  # from the cache
    revoked = client_for("member").post(f"/api/v1/api-keys/{new_key.key.pk}/revoke")
    assert revoked.status_code == 200
    assert_problem(screen(client), 401, "unauthenticated")
    assert_problem(client.get("/api/v1/me"), 401, "unauthenticated")


def test_a_refused_key_gets_401_not_a_csrf_failure(new_key, client_for):
    """Member systems send no cookies: with the key refused, the session fallback must not answer 403 "CSRF check
    Failed" (django-ninja's check on any cookie-less POST) but 401, as a real HTTP client sees it."""
    strict = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {new_key.token}")
    assert screen(strict).status_code == 200
    assert client_for("member").post(f"/api/v1/api-keys/{new_key.key.pk}/revoke").status_code == 200
    assert_problem(screen(strict), 401, "unauthenticated")
    # A signed-in page session still gets django-ninja's CSRF protection.
    session = client_for("member")
    session.handler.enforce_csrf_checks = True
    assert_problem(screen(session), 403)


def test_a_wrong_secret_is_refused_even_while_the_right_one_is_cached(new_key):
    assert screen(bearer(new_key.token)).status_code == 200
    _, prefix, secret = new_key.token.split("_", 2)
    forged = f"zilu_{prefix}_{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    assert_problem(screen(bearer(forged)), 401, "unauthenticated")


def test_a_withdrawn_member_is_refused_on_the_next_request(new_key, client_for, member):
    client = bearer(new_key.token)
    assert screen(client).status_code == 200
    withdrawn = client_for("member").post(
        "/api/v1/members/me/withdraw", {"effective_on": str(timezone.localdate())}, content_type="application/json"
    )
    assert withdrawn.status_code == 201, withdrawn.content
    assert_problem(screen(client), 401, "unauthenticated")

    # ... and back: the member is active again (e.g. corrected in the register), so is the key.
    restored = Member.objects.get(pk=member.pk)
    restored.status = Member.Status.ACTIVE
    restored.save(update_fields=["status"])
    assert screen(client).status_code == 200


def test_a_revoked_member_is_refused_on_the_next_request(new_key, users, member):
    client = bearer(new_key.token)
    assert screen(client).status_code == 200
    do_revoke_membership(users["staff"], member.pk, decision_reference="昌互协〔2026〕9号")
    assert_problem(screen(client), 401, "unauthenticated")


def test_a_deactivated_representative_is_refused_on_the_next_request(new_key, users):
    client = bearer(new_key.token)
    assert screen(client).status_code == 200
    rep = users["member"]
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    assert_problem(screen(client), 401, "unauthenticated")
    rep.is_active = True
    rep.save(update_fields=["is_active"])
    assert screen(client).status_code == 200


def test_a_representative_who_moves_or_changes_role_is_refused(users):
    rep = users["member"]
    client = bearer(do_create_api_key(rep, "k").token)
    assert screen(client).status_code == 200
    rep.member = MemberFactory()  # now speaks for another member: the old member's key stops
    rep.save(update_fields=["member"])
    assert_problem(screen(client), 401, "unauthenticated")

    other = users["other_member"]
    client = bearer(do_create_api_key(other, "k").token)
    assert screen(client).status_code == 200
    other.role, other.member = Role.PUBLIC, None
    other.save()  # a full save (the back office) invalidates too
    assert_problem(screen(client), 401, "unauthenticated")


def test_a_request_that_read_the_database_before_a_revocation_cannot_cache_its_stale_answer(new_key):
    """The race a plain delete would lose: a request reads the key (active), the revocation commits and
    invalidates, then the request stores what it read. The entry carries the token of before and is never served."""
    _, prefix, secret = new_key.token.split("_", 2)
    digest = hash_secret(secret)
    cached, token = keycache.lookup(prefix, digest)  # the slow request: cache miss, token taken
    assert cached is None and token is not None
    stale = keycache.KeyIdentity.of(ApiKey.objects.select_related("created_by").get(pk=new_key.key.pk))
    ApiKey.objects.filter(pk=new_key.key.pk).update(revoked_at=timezone.now())  # the revocation commits...
    keycache.forget_keys([prefix])  # ... and invalidates
    keycache.remember(stale, digest, token)  # the slow request stores what it read before
    assert authenticate_token(new_key.token) is None
    assert_problem(screen(bearer(new_key.token)), 401, "unauthenticated")


def test_last_used_is_written_at_most_once_a_minute(new_key):
    client = bearer(new_key.token)
    assert screen(client).status_code == 200
    first = ApiKey.objects.get(pk=new_key.key.pk).last_used_at
    for _ in range(3):
        assert screen(client).status_code == 200
    assert ApiKey.objects.get(pk=new_key.key.pk).last_used_at == first
