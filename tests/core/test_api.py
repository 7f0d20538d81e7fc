"""The kernel's API through HTTP: problem details, the API-key lifecycle, notifications; and the pages that go with
them: sign-in throttling and the API-key page."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.utils.html import escape

from tests.factories import MemberFactory
from tests.helpers import assert_problem, make_versions
from tests.processes import solve_captcha
from zilu.core.actions import MAX_ACTIVE_KEYS, do_create_api_key, do_revoke_api_key
from zilu.core.models import ApiKey, AuditEntry, Notification
from zilu.core.notify import notify

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's password


def bearer(token: str) -> Client:
    """A client with no session that sends ``Authorization: Bearer <token>``."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def post_json(client: Client, path: str, data: object = None):
    return client.post(path, data if data is not None else {}, content_type="application/json")


# ------------------------------------------------------------------------------------------ problem details


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer nonsense", "Bearer zilu_000000000000_secret", "Basic dXNlcjpwYXNz", "Bearer "],
)
def test_401_problem(authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = Client(**headers).get("/api/v1/me", HTTP_X_REQUEST_ID="probe-request-0001")
    body = assert_problem(response, 401, "unauthenticated")
    assert body["instance"] == "/api/v1/me"
    assert body["request_id"] == response["X-Request-ID"] == "probe-request-0001"
    assert response["WWW-Authenticate"] == 'Bearer realm="zilu"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("public", "get", "/api/v1/audit/entries"),
        ("member", "get", "/api/v1/audit/entries"),
        ("staff", "get", "/api/v1/api-keys"),
        ("supervisor", "post", "/api/v1/api-keys"),
        ("superuser", "post", "/api/v1/api-keys"),
    ],
)
def test_403_problem(client_for, role, method, path):
    client = client_for(role)
    response = post_json(client, path, {"name": "x"}) if method == "post" else client.get(path)
    body = assert_problem(response, 403, "forbidden")
    assert body["instance"] == path
    assert "errors" in body and body["errors"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/convention/versions/99"),
        ("get", "/api/v1/convention/current"),  # nothing published yet
        ("post", "/api/v1/api-keys/424242/revoke"),
        ("post", "/api/v1/notifications/424242/read"),
    ],
)
def test_404_problem(client_for, method, path):
    client = client_for("member")
    response = post_json(client, path) if method == "post" else client.get(path)
    assert_problem(response, 404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"name": ""}, "name", "string_too_short"),  # the schema refuses it
        ({}, "name", "missing"),
        ({"name": "x" * 101}, "name", "string_too_long"),
        ({"name": "   "}, "name", "validation_error"),  # passes the schema, refused by the action's check
        ({"name": None}, "name", "string_type"),
    ],
)
def test_422_problem_names_the_field(client_for, payload, field, code):
    response = post_json(client_for("member"), "/api/v1/api-keys", payload)
    body = assert_problem(response, 422, "validation_error")
    assert len(body["errors"]) == 1
    error = body["errors"][0]
    assert (error["field"], error["code"]) == (field, code)
    assert error["reason"]
    assert not ApiKey.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("post", "/api/v1/api-keys/abc/revoke", "key_id"),
        ("get", "/api/v1/audit/entries?limit=many", "limit"),
        ("get", "/api/v1/notifications?unread=perhaps", "unread"),
    ],
)
def test_422_problem_for_path_and_query_parameters(client_for, method, path, field):
    client = client_for("staff" if "audit" in path else "member")
    response = post_json(client, path) if method == "post" else client.get(path)
    body = assert_problem(response, 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == [field]


@pytest.mark.django_db
def test_422_duplicate_active_name(client_for, users):
    do_create_api_key(users["member"], "pipeline")
    body = assert_problem(post_json(client_for("member"), "/api/v1/api-keys", {"name": "pipeline"}), 422)
    assert [e["field"] for e in body["errors"]] == ["name"]
    assert ApiKey.objects.count() == 1


@pytest.mark.django_db
def test_400_problem_for_unreadable_body(client_for):
    response = client_for("member").post("/api/v1/api-keys", "{not json", content_type="application/json")
    assert_problem(response, 400, "http_400")
    assert not ApiKey.objects.exists()


@pytest.mark.django_db
def test_409_revoking_a_revoked_key(client_for, users):
    key = do_create_api_key(users["member"], "k").key
    client = client_for("member")
    first = client.post(f"/api/v1/api-keys/{key.pk}/revoke")
    assert first.status_code == 200
    revoked_at = ApiKey.objects.get(pk=key.pk).revoked_at
    assert revoked_at is not None

    body = assert_problem(client.post(f"/api/v1/api-keys/{key.pk}/revoke"), 409, "invalid_transition")
    assert body["errors"] == []
    assert ApiKey.objects.get(pk=key.pk).revoked_at == revoked_at  # the first revocation time stands
    assert AuditEntry.objects.filter(action="core.api_key.revoke").count() == 1


@pytest.mark.django_db
def test_409_too_many_active_keys(client_for, users):
    for i in range(MAX_ACTIVE_KEYS):
        do_create_api_key(users["member"], f"k{i}")
    client = client_for("member")
    assert_problem(post_json(client, "/api/v1/api-keys", {"name": "one more"}), 409, "invalid_transition")
    assert ApiKey.objects.count() == MAX_ACTIVE_KEYS
    # Revoking one makes room again.
    client.post(f"/api/v1/api-keys/{ApiKey.objects.first().pk}/revoke")
    assert post_json(client, "/api/v1/api-keys", {"name": "one more"}).status_code == 201


# ------------------------------------------------------------------------------------------ API key lifecycle


@pytest.mark.django_db
def test_api_key_lifecycle(client_for, users):
    member_user = users["member"]
    session = client_for("member")

    created = post_json(session, "/api/v1/api-keys", {"name": "发布系统"})
    assert created.status_code == 201
    data = created.json()
    token = data["token"]
    assert set(data) == {"id", "name", "prefix", "created_at", "last_used_at", "revoked_at", "token"}
    assert (data["name"], data["revoked_at"], data["last_used_at"]) == ("发布系统", None, None)
    prefix_part, _, secret = token.removeprefix("zilu_").partition("_")
    assert token.startswith("zilu_") and prefix_part == data["prefix"] and len(secret) >= 40

    # Stored: a SHA-256 of the secret, never the token or the secret.
    row = ApiKey.objects.get(pk=data["id"])
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored_values = [str(v) for v in ApiKey.objects.filter(pk=row.pk).values().get().values()]
    assert not any(token in v or secret in v for v in stored_values)
    create_entry = AuditEntry.objects.get(action="core.api_key.create")
    assert (create_entry.object_id, create_entry.actor_id) == (str(row.pk), member_user.pk)
    assert create_entry.after == {"name": "发布系统", "prefix": row.prefix}
    assert secret not in str(create_entry.before) + str(create_entry.after)

    # The token authenticates as the representative who made it.
    me = bearer(token).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json() == {
        "username": member_user.username,
        "name": str(member_user),
        "role": "member",
        "member_id": member_user.member_id,
        "member_name": str(member_user.member),
    }
    row.refresh_from_db()
    assert row.last_used_at is not None

    # The list never shows the token again.
    listed = session.get("/api/v1/api-keys").json()
    assert [k["id"] for k in listed] == [row.pk]
    assert "token" not in listed[0]
    assert token not in session.get("/api/v1/api-keys").content.decode()

    # Revoked: the token stops working, and the revocation is audited.
    revoked = session.post(f"/api/v1/api-keys/{row.pk}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert_problem(bearer(token).get("/api/v1/me"), 401, "unauthenticated")
    revoke_entry = AuditEntry.objects.get(action="core.api_key.revoke")
    assert (revoke_entry.object_id, revoke_entry.actor_id) == (str(row.pk), member_user.pk)
    assert revoke_entry.before == {"revoked_at": None} and revoke_entry.after["revoked_at"]
    assert revoke_entry.seq == create_entry.seq + 1


@pytest.mark.django_db
def test_wrong_secret_with_right_prefix_is_refused(users):
    new = do_create_api_key(users["member"], "k")
    _, prefix, secret = new.token.split("_", 2)
    assert bearer(new.token).get("/api/v1/me").status_code == 200
    for forged in (
        f"zilu_{prefix}_{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}",
        f"zilu_{prefix}_",
        f"zilu_{prefix}",
        f"other_{prefix}_{secret}",
        f"zilu_{prefix.upper()}_{secret}" if prefix != prefix.upper() else f"zilu_x{prefix}_{secret}",
    ):
        assert_problem(bearer(forged).get("/api/v1/me"), 401, "unauthenticated")


@pytest.mark.django_db
def test_key_of_deactivated_or_moved_representative_is_refused(users):
    user = users["member"]
    token = do_create_api_key(user, "k").token
    assert bearer(token).get("/api/v1/me").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_problem(bearer(token).get("/api/v1/me"), 401)
    user.is_active = True
    user.member = MemberFactory()  # the representative now speaks for another member
    user.save(update_fields=["is_active", "member"])
    assert_problem(bearer(token).get("/api/v1/me"), 401)


@pytest.mark.django_db
def test_a_key_cannot_manage_keys(users):
    new = do_create_api_key(users["member"], "k")
    client = bearer(new.token)
    assert_problem(client.get("/api/v1/api-keys"), 403, "forbidden")
    assert_problem(post_json(client, "/api/v1/api-keys", {"name": "minted by a key"}), 403, "forbidden")
    assert_problem(client.post(f"/api/v1/api-keys/{new.key.pk}/revoke"), 403, "forbidden")
    assert list(ApiKey.objects.values_list("name", "revoked_at")) == [("k", None)]
    assert AuditEntry.objects.filter(action__startswith="core.api_key").count() == 1


@pytest.mark.django_db
def test_a_key_reads_only_what_its_representative_may(users):
    """A key acts with the member role: public data yes, staff data no, drafts invisible."""
    make_versions()
    client = bearer(do_create_api_key(users["member"], "k").token)
    assert client.get("/api/v1/convention/current").json()["number"] == 1
    assert [v["number"] for v in client.get("/api/v1/convention/versions").json()] == [1]
    assert_problem(client.get("/api/v1/convention/versions/2"), 404)
    assert_problem(client.get("/api/v1/audit/entries"), 403)
    assert client.get("/api/v1/notifications").status_code == 200


# ------------------------------------------------------------------------------------------ notifications


@pytest.mark.django_db
def test_notifications_are_private_and_mark_read(client_for, users):
    mine = notify(users["member"], "第一条提醒", "正文一", url="/convention") + notify(users["member"], "第二条提醒")
    theirs = notify(users["other_member"], "别人的提醒")[0]
    client = client_for("member")

    listed = client.get("/api/v1/notifications").json()
    assert [n["subject"] for n in listed] == ["第二条提醒", "第一条提醒"]  # newest first
    assert {n["id"] for n in listed} == {n.pk for n in mine}
    assert listed[1]["body"] == "正文一" and listed[1]["url"] == "/convention"
    assert all(n["read_at"] is None for n in listed)

    marked = client.post(f"/api/v1/notifications/{mine[0].pk}/read")
    assert marked.status_code == 200 and marked.json() == {"marked": 1}
    assert Notification.objects.get(pk=mine[0].pk).read_at is not None
    assert client.post(f"/api/v1/notifications/{mine[0].pk}/read").json() == {"marked": 0}  # idempotent
    assert [n["id"] for n in client.get("/api/v1/notifications?unread=true").json()] == [mine[1].pk]

    # Someone else's notification: 404, and it stays unread.
    assert_problem(client.post(f"/api/v1/notifications/{theirs.pk}/read"), 404, "not_found")
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert [n["id"] for n in client_for("other_member").get("/api/v1/notifications?unread=1").json()] == [theirs.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["public", "member", "staff", "supervisor", "superuser"])
def test_inbox_page_marks_all_read(client_for, users, role):
    notify(users[role], "一"), notify(users[role], "二")
    other = notify(users["other_member"], "别人的")[0]
    response = client_for(role).post("/account/inbox/")
    assert response.status_code == 302 and response["Location"] == "/account/inbox/"
    assert not Notification.objects.filter(user=users[role], read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


# ------------------------------------------------------------------------------------------ sign-in throttling


def sign_in(client: Client, username: str, password: str, addr: str = "10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=addr)


def signed_in_as(client: Client):
    return client.session.get("_auth_user_id")


def form_error_codes(response) -> list[str]:
    return [e.code for e in response.context["form"].non_field_errors().as_data()]


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [5, 3])
def test_login_locks_after_the_failure_limit(settings, users, limit):
    settings.LOGIN_FAILURE_LIMIT = limit
    user = users["member"]
    client = Client()
    for _ in range(limit):
        response = sign_in(client, user.username, "wrong password")
        assert response.status_code == 200
        assert form_error_codes(response) == ["invalid_login"]
    # Now even the right password is refused, with the throttle message.
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert form_error_codes(response) == ["throttled"]
    message = response.context["form"].non_field_errors()[0]  # in the page's language (zh-hans by default)
    assert escape(message) in response.content.decode()
    assert signed_in_as(client) is None
    # From another address the account is not locked (that would let anyone lock its owner out): it asks the check
    # question first, whatever the spelling of the username.
    assert form_error_codes(sign_in(Client(), user.username, PASSWORD, addr="10.9.9.9")) == ["captcha_required"]
    assert form_error_codes(sign_in(Client(), user.username.upper(), PASSWORD, addr="10.9.9.9")) == ["captcha_required"]


@pytest.mark.django_db
def test_one_short_of_the_limit_still_signs_in(settings, users):
    user = users["member"]
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, user.username, "wrong password")
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert signed_in_as(client) == str(user.pk)


@pytest.mark.django_db
def test_other_users_are_not_locked_out(settings, users):
    victim, other = users["member"], users["public"]
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(Client(), victim.username, "wrong password", addr="10.0.0.1")
    from_elsewhere = Client()
    assert sign_in(from_elsewhere, other.username, PASSWORD, addr="10.0.0.2").status_code == 302
    assert signed_in_as(from_elsewhere) == str(other.pk)
    # The address limit is looser, so another user behind the same address still signs in too.
    same_office = Client()
    assert sign_in(same_office, users["staff"].username, PASSWORD, addr="10.0.0.1").status_code == 302
    assert signed_in_as(same_office) == str(users["staff"].pk)


@pytest.mark.django_db
def test_an_address_that_guesses_many_usernames_is_locked(settings, users):
    per_address = settings.LOGIN_FAILURE_LIMIT * 4
    for i in range(per_address):
        sign_in(Client(), f"guess{i}", "wrong password", addr="10.6.6.6")
    blocked = sign_in(Client(), users["public"].username, PASSWORD, addr="10.6.6.6")
    assert form_error_codes(blocked) == ["throttled"]
    elsewhere = Client()
    assert sign_in(elsewhere, users["public"].username, PASSWORD, addr="10.7.7.7").status_code == 302


@pytest.mark.django_db
def test_successful_login_resets_the_user_counter(settings, users):
    user = users["member"]
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, user.username, "wrong password", addr="10.0.0.3")
    assert sign_in(client, user.username, PASSWORD, addr="10.0.0.3").status_code == 302
    client.post("/accounts/logout/")
    assert signed_in_as(client) is None
    # Without the reset these would pass the limit.
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert form_error_codes(sign_in(client, user.username, "wrong password", addr="10.0.0.4")) == ["invalid_login"]
    assert sign_in(client, user.username, PASSWORD, addr="10.0.0.4").status_code == 302
    assert signed_in_as(client) == str(user.pk)


@pytest.mark.django_db
def test_back_office_login_does_not_bypass_the_throttle(settings, users):
    """The admin's login URL must not be a second, unthrottled password check (it was: Django's own admin form)."""
    superuser = users["superuser"]
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(Client(), superuser.username, "wrong password")
    client = Client()
    response = client.post(
        "/backoffice/login/?next=/backoffice/",
        {"username": superuser.username, "password": PASSWORD, "next": "/backoffice/"},
        REMOTE_ADDR="10.0.0.1",
    )
    assert signed_in_as(client) is None
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/backoffice/"
    assert form_error_codes(sign_in(client, superuser.username, PASSWORD)) == ["throttled"]


@pytest.mark.django_db
def test_staff_role_signs_in_to_the_back_office_without_is_staff(users):
    """The role table, not Django's ``is_staff`` flag, opens the back office."""
    staff = users["staff"]
    assert not staff.is_staff
    client = Client()
    response = client.get("/backoffice/", follow=True)
    assert response.wsgi_request.path == "/accounts/login/"
    response = client.post(
        "/accounts/login/?next=/backoffice/",
        {"username": staff.username, "password": PASSWORD, "next": "/backoffice/"},
    )
    assert response.status_code == 302 and response["Location"] == "/backoffice/"
    assert client.get("/backoffice/").status_code == 200


# ------------------------------------------------------------------------------------------ the API-key page


@pytest.mark.django_db
def test_api_key_page_flow(client_for, users):
    client = client_for("member")
    page = client.get("/account/api-keys/")
    assert page.status_code == 200
    assert page.context["new_token"] is None and list(page.context["keys"]) == []

    created = client.post("/account/api-keys/", {"name": "内容审核接口"})
    assert created.status_code == 200
    token = created.context["new_token"]
    key = ApiKey.objects.get()
    assert (key.name, key.member_id, key.created_by_id) == (
        "内容审核接口",
        users["member"].member_id,
        users["member"].pk,
    )
    assert token.startswith(f"zilu_{key.prefix}_")
    assert f'<code id="new-token">{token}</code>' in created.content.decode()
    assert [m.level_tag for m in created.context["messages"]] == ["success"]
    assert bearer(token).get("/api/v1/me").json()["member_id"] == users["member"].member_id

    # Shown once: the next visit lists the key by prefix, without the token.
    again = client.get("/account/api-keys/")
    html = again.content.decode()
    assert token not in html and key.prefix in html and "内容审核接口" in html
    assert f'action="/account/api-keys/{key.pk}/revoke"' in html

    revoked = client.post(f"/account/api-keys/{key.pk}/revoke")
    assert revoked.status_code == 302 and revoked["Location"] == "/account/api-keys/"
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEntry.objects.filter(action="core.api_key.revoke", object_id=str(key.pk)).count() == 1
    assert_problem(bearer(token).get("/api/v1/me"), 401)
    after = client.get("/account/api-keys/").content.decode()
    assert f'action="/account/api-keys/{key.pk}/revoke"' not in after  # no revoke button for a revoked key


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "message"), [("", False), ("   ", False), ("dup", True)])
def test_api_key_page_refuses_bad_names(client_for, users, name, message):
    do_create_api_key(users["member"], "dup")
    response = client_for("member").post("/account/api-keys/", {"name": name})
    assert response.status_code == 200
    assert response.context["new_token"] is None
    assert ApiKey.objects.count() == 1
    if message:  # refused by the action: an error message
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
    else:  # refused by the form
        assert response.context["form"].errors["name"]


@pytest.mark.django_db
def test_api_key_page_revoke_needs_post(client_for, users):
    key = do_create_api_key(users["member"], "k").key
    assert client_for("member").get(f"/account/api-keys/{key.pk}/revoke").status_code == 405
    anonymous = client_for("anonymous").post(f"/account/api-keys/{key.pk}/revoke")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    key.refresh_from_db()
    assert key.revoked_at is None


@pytest.mark.django_db
def test_revoked_key_via_action_is_refused_and_listed_as_revoked(client_for, users):
    new = do_create_api_key(users["member"], "k")
    do_revoke_api_key(users["member"], new.key.pk)
    assert_problem(bearer(new.token).get("/api/v1/me"), 401)
    listed = client_for("member").get("/api/v1/api-keys").json()
    assert listed[0]["revoked_at"] is not None
    # A new key with the same name is allowed once the old one is revoked.
    assert post_json(client_for("member"), "/api/v1/api-keys", {"name": "k"}).status_code == 201


@pytest.mark.django_db
def test_unknown_api_path_and_wrong_method_are_problems(client):
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/problem+json")
    assert missing.json()["type"] == "urn:zilu:problem:not_found"
    wrong = client.get("/api/v1/api-keys/1/revoke")
    assert wrong.status_code == 405
    assert wrong["Content-Type"].startswith("application/problem+json")
    assert "POST" in wrong["Allow"]


@pytest.mark.django_db
def test_registration_is_limited_per_address(client, settings):
    from zilu.core.models import User

    settings.ZILU_REGISTRATION_LIMIT = 2
    for i in range(3):
        client.logout()
        client.post(
            "/accounts/register/",
            {"username": f"new{i}", "email": f"new{i}@example.invalid", "password1": "a-Long-pass-1234",
             "password2": "a-Long-pass-1234"},
            REMOTE_ADDR="203.0.113.7",
        )  # fmt: skip
    assert set(User.objects.filter(username__startswith="new").values_list("username", flat=True)) == {"new0", "new1"}
    client.logout()
    other = client.post(
        "/accounts/register/",
        {"username": "new9", "email": "new9@example.invalid", "password1": "a-Long-pass-1234",
         "password2": "a-Long-pass-1234"},
        REMOTE_ADDR="198.51.100.1",
    )  # fmt: skip
    assert other.status_code == 302 and User.objects.filter(username="new9").exists()


def _question(response) -> tuple[str, str]:
    form = response.context["form"]
    return form.data["captcha_token"], form.fields["captcha_answer"].label


@pytest.mark.django_db
def test_failures_from_elsewhere_ask_the_owner_a_question_instead_of_locking_them_out(settings, users):
    """Someone who knows the supervisor's user name cannot lock the supervisor out with five wrong passwords."""
    victim = users["supervisor"]
    for i in range(settings.LOGIN_FAILURE_LIMIT * 2):
        sign_in(Client(), victim.username, "wrong password", addr=f"10.66.0.{i}")
    owner = Client()
    first = sign_in(owner, victim.username, PASSWORD, addr="10.1.1.1")
    assert form_error_codes(first) == ["captcha_required"]
    token, question = _question(first)
    assert question.endswith("等于多少？") and question in first.content.decode()
    wrong = owner.post(
        "/accounts/login/",
        {"username": victim.username, "password": PASSWORD, "captcha_token": token, "captcha_answer": "999"},
        REMOTE_ADDR="10.1.1.1",
    )
    assert form_error_codes(wrong) == ["captcha_wrong"] and signed_in_as(owner) is None
    token, question = _question(wrong)  # a new question
    answer = solve_captcha(question)
    response = owner.post(
        "/accounts/login/",
        {"username": victim.username, "password": PASSWORD, "captcha_token": token, "captcha_answer": answer},
        REMOTE_ADDR="10.1.1.1",
    )
    assert response.status_code == 302 and signed_in_as(owner) == str(victim.pk)
    # the answer is good once: replaying it does not pass the check (the success reset the account's counter, so
    # fail again from elsewhere first)
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(Client(), victim.username, "wrong password", addr=f"10.67.0.{i}")
    replay = Client().post(
        "/accounts/login/",
        {"username": victim.username, "password": PASSWORD, "captcha_token": token, "captcha_answer": answer},
        REMOTE_ADDR="10.1.1.2",
    )
    assert form_error_codes(replay) == ["captcha_wrong"]


@pytest.mark.django_db
def test_a_wrong_password_with_a_right_answer_still_counts_against_this_address(settings, users):
    victim = users["member"]
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(Client(), victim.username, "wrong password", addr=f"10.68.0.{i}")
    client = Client()
    response = sign_in(client, victim.username, "wrong password", addr="10.2.2.2")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        token, question = _question(response)
        response = client.post(
            "/accounts/login/",
            {"username": victim.username, "password": "wrong", "captcha_token": token,
             "captcha_answer": solve_captcha(question)},
            REMOTE_ADDR="10.2.2.2",
        )  # fmt: skip
        assert form_error_codes(response) == ["invalid_login"]
    assert form_error_codes(sign_in(client, victim.username, PASSWORD, addr="10.2.2.2")) == ["throttled"]
