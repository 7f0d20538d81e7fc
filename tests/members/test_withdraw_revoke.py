"""Withdrawal (Art. 23), revocation (Art. 18) and joining again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory
from tests.helpers import assert_problem
from tests.members.helpers import (
    current_version,
    individual_form,
    make_application,
    make_signed_member,
    problem_fields,
    sign_form,
    unit_form,
)
from zilu.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from zilu.core.models import AuditEntry, Notification
from zilu.core.roles import Role
from zilu.members.actions import apply_due_withdrawals, do_revoke_membership
from zilu.members.models import Application, Member, Withdrawal

pytestmark = pytest.mark.django_db

WITHDRAW = "/api/v1/members/me/withdraw"


def today():
    return timezone.localdate()


@pytest.fixture
def member(db):
    """An active unit (signed, numbered); overrides the conftest member so the role accounts represent it."""
    return make_signed_member(number="CP-2025-0007", name="北京昌平退出测试有限公司", uscc=unit_form(50)["uscc"])


@pytest.fixture
def rep(users, member):
    return users["member"]


def withdraw_api(client: Client, effective_on, reason: str = ""):
    return client.post(WITHDRAW, {"effective_on": str(effective_on), "reason": reason}, content_type="application/json")


def withdraw_page(client: Client, effective_on, **extra: str):
    return client.post("/account/member/", {"effective_on": str(effective_on), "confirm": "on", **extra})


# ------------------------------------------------------------------------------------------ withdrawal


def test_withdrawal_effective_today_through_the_api(client_for, rep, member, users):
    response = withdraw_api(client_for("member"), today(), "业务调整")
    assert response.status_code == 201, response.content
    assert response.json() == {
        "notified_on": today().isoformat(),
        "effective_on": today().isoformat(),
        "member_status": "withdrawn",
    }
    member.refresh_from_db()
    assert (member.status, member.withdrawn_on) == ("withdrawn", today())
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.member, withdrawal.notified_by, withdrawal.reason) == (member, rep, "业务调整")
    assert withdrawal.applied_at is not None
    actions = list(
        AuditEntry.objects.filter(object_id=str(member.pk), action__startswith="members.member.").values_list(
            "action", "actor_id"
        )
    )
    assert actions == [("members.member.notify_withdrawal", rep.pk), ("members.member.withdrawn", rep.pk)]
    notified = Notification.objects.filter(kind="members.member.withdrawal")
    assert {n.user for n in notified} == {users["staff"], users["superuser"]}
    assert all(n.url == f"/registry/{member.number}/" for n in notified)


def test_withdrawal_through_the_page(client_for, member):
    client = client_for("member")
    response = withdraw_page(client, today())
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "withdrawn"
    page = client.get("/account/member/").content.decode()
    assert 'id="member-status"' in page and "<form" not in page.split('id="member-status"')[1].split("</main>")[0]


def test_a_future_withdrawal_takes_effect_on_its_date(client_for, member):
    effective = today() + timedelta(days=10)
    response = withdraw_api(client_for("member"), effective)
    assert response.status_code == 201 and response.json()["member_status"] == "active"
    member.refresh_from_db()
    assert (member.status, member.withdrawn_on) == ("active", None)
    assert Client().get("/api/v1/members/registry/CP-2025-0007").json()["status"] == "active"
    assert apply_due_withdrawals(today=effective - timedelta(days=1)) == 0
    member.refresh_from_db()
    assert member.status == "active"
    assert apply_due_withdrawals(today=effective) == 1
    member.refresh_from_db()
    assert (member.status, member.withdrawn_on) == ("withdrawn", effective)
    assert Withdrawal.objects.get().applied_at is not None
    entry = AuditEntry.objects.get(action="members.member.withdrawn")
    assert entry.after["withdrawn_on"] == effective.isoformat()
    assert apply_due_withdrawals(today=effective + timedelta(days=5)) == 0  # once only
    assert AuditEntry.objects.filter(action="members.member.withdrawn").count() == 1


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_withdrawal_effective_before_the_notice_is_refused(client_for, member, via):
    yesterday = today() - timedelta(days=1)
    if via == "api":
        response = withdraw_api(client_for("member"), yesterday)
        assert_problem(response, 422, "validation_error")
        assert problem_fields(response) == ["effective_on"]
    else:
        response = withdraw_page(client_for("member"), yesterday)
        assert response.status_code == 200
        assert response.context["form"].errors["effective_on"]
    member.refresh_from_db()
    assert member.status == "active"
    assert not Withdrawal.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="members.member.").exists()


@pytest.mark.parametrize("first_effective_in", [0, 10])
def test_a_second_notice_is_refused(client_for, member, first_effective_in):
    client = client_for("member")
    assert withdraw_api(client, today() + timedelta(days=first_effective_in)).status_code == 201
    response = withdraw_api(client, today() + timedelta(days=20))
    assert response.status_code == 409
    assert_problem(response, 409)
    page = withdraw_page(client, today() + timedelta(days=20))
    assert page.status_code == 200 and page.context["form"].non_field_errors()
    assert Withdrawal.objects.count() == 1
    assert AuditEntry.objects.filter(action="members.member.notify_withdrawal").count() == 1


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("public", 403), ("staff", 403), ("supervisor", 403)])
def test_only_a_member_representative_withdraws(client_for, member, role, status):
    assert_problem(withdraw_api(client_for(role), today()), status)
    member.refresh_from_db()
    assert member.status == "active" and not Withdrawal.objects.exists()


def test_a_withdrawn_member_is_listed_as_withdrawn(client_for, member):
    withdraw_api(client_for("member"), today())
    entry = Client().get("/api/v1/members/registry/CP-2025-0007").json()
    assert (entry["status"], entry["withdrawn_on"]) == ("withdrawn", today().isoformat())
    listed = Client().get("/api/v1/members/registry", {"status": "withdrawn"}).json()
    assert [m["number"] for m in listed["results"]] == ["CP-2025-0007"]
    assert "CP-2025-0007" in Client().get("/registry/?status=withdrawn").content.decode()
    assert "CP-2025-0007" not in Client().get("/registry/?status=active").content.decode()
    detail = Client().get("/registry/CP-2025-0007/").content.decode()
    assert today().isoformat() in detail


def test_a_withdrawn_member_rejoins_with_a_new_number(client_for, rep, member, users):
    version = current_version()
    client = client_for("member")
    withdraw_api(client, today())
    # The representative applies again with the same code.
    response = client.post(
        "/api/v1/members/applications", unit_form(50, name="北京昌平退出测试有限公司"), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    application = Application.objects.get(pk=response.json()["id"])
    client_for("staff").post(f"/api/v1/members/applications/{application.pk}/approve", {}, "application/json")
    data = {k: v for k, v in sign_form(version.sha256, signed_on=today().isoformat()).items() if k != "has_read"}
    signed = client.post(f"/api/v1/members/applications/{application.pk}/sign", data)
    assert signed.status_code == 201, signed.content
    new_number = signed.json()["member_number"]
    assert new_number == f"CP-{today().year}-0001" != member.number
    member.refresh_from_db()
    assert (member.status, member.number) == ("withdrawn", "CP-2025-0007")  # the old row stays as it was
    new = Member.objects.get(number=new_number)
    assert (new.status, new.uscc) == ("active", member.uscc)
    rep.refresh_from_db()
    assert rep.member == new
    statuses = {m["number"]: m["status"] for m in Client().get("/api/v1/members/registry").json()["results"]}
    assert statuses == {"CP-2025-0007": "withdrawn", new_number: "active"}


def test_a_pending_withdrawal_of_a_member_revoked_meanwhile_does_not_apply(client_for, member, users):
    effective = today() + timedelta(days=5)
    withdraw_api(client_for("member"), effective)
    do_revoke_membership(users["staff"], member.pk, decision_reference="昌互协〔2026〕9号")
    assert apply_due_withdrawals(today=effective) == 0
    member.refresh_from_db()
    assert (member.status, member.withdrawn_on) == ("revoked", None)


# ------------------------------------------------------------------------------------------ revocation


def test_revocation_needs_a_decision_reference(users, member):
    with pytest.raises(ValidationFailed) as refused:
        do_revoke_membership(users["staff"], member.pk, decision_reference="  ")
    assert refused.value.errors()[0]["field"] == "decision_reference"
    member.refresh_from_db()
    assert member.status == "active"
    assert not AuditEntry.objects.filter(action="members.member.revoke").exists()


def test_revocation(users, member, rep, client_for):
    revoked = do_revoke_membership(users["staff"], member.pk, decision_reference="昌互协〔2026〕5号")
    member.refresh_from_db()
    assert revoked == member
    assert (member.status, member.revoked_on, member.revocation_reference) == ("revoked", today(), "昌互协〔2026〕5号")
    entry = AuditEntry.objects.get(action="members.member.revoke")
    assert (entry.actor_id, entry.object_id) == (users["staff"].pk, str(member.pk))
    assert entry.after == {"status": "revoked", "revoked_on": today().isoformat(), "decision": "昌互协〔2026〕5号"}
    notice = Notification.objects.get(user=rep, kind="members.member.revoked")
    assert "昌互协〔2026〕5号" in notice.body
    assert Client().get("/api/v1/members/registry/CP-2025-0007").json()["status"] == "revoked"
    # The representative still sees its record, and can no longer withdraw.
    page = client_for("member").get("/account/member/")
    assert page.status_code == 200 and "昌互协〔2026〕5号" in page.content.decode()
    assert_problem(withdraw_api(client_for("member"), today()), 409, "invalid_transition")


@pytest.mark.parametrize("role", ["public", "member", "supervisor"])
def test_only_the_executing_body_revokes(users, member, role):
    with pytest.raises(Forbidden):
        do_revoke_membership(users[role], member.pk, decision_reference="昌互协〔2026〕5号")
    member.refresh_from_db()
    assert member.status == "active"


@pytest.mark.parametrize("status", ["withdrawn", "revoked"])
def test_revoking_a_member_that_is_not_active_is_refused(users, member, status):
    Member.objects.filter(pk=member.pk).update(status=status)
    with pytest.raises(InvalidTransition):
        do_revoke_membership(users["staff"], member.pk, decision_reference="昌互协〔2026〕5号")
    member.refresh_from_db()
    assert member.status == status and member.revoked_on is None


def test_revoking_an_unknown_member(users):
    with pytest.raises(NotFound):
        do_revoke_membership(users["staff"], 999999, decision_reference="昌互协〔2026〕5号")


def _apply(client: Client, data: dict):
    return client.post("/api/v1/members/applications", data, content_type="application/json")


@pytest.mark.parametrize("who", ["representative", "new-account"])
def test_a_revoked_unit_cannot_reapply_within_the_period(client_for, users, member, who):
    do_revoke_membership(users["staff"], member.pk, decision_reference="昌互协〔2026〕5号")
    if who == "representative":
        client = client_for("member")
    else:
        client = Client()
        client.force_login(UserFactory(role=Role.PUBLIC))
    response = _apply(client, unit_form(50))
    assert_problem(response, 409, "invalid_transition")
    assert problem_fields(response) == ["uscc"]
    until = (today() + timedelta(days=365)).isoformat()
    assert until in response.json()["detail"]
    page = client.post("/membership/apply/", unit_form(50))
    assert page.status_code == 200 and page.context["form"].errors["uscc"]
    assert not Application.objects.filter(status="submitted").exists()


@pytest.mark.parametrize(("days_ago", "allowed"), [(364, False), (365, True), (400, True)])
def test_a_revoked_unit_may_reapply_after_the_period(client_for, users, member, days_ago, allowed):
    do_revoke_membership(
        users["staff"], member.pk, decision_reference="昌互协〔2025〕1号", revoked_on=today() - timedelta(days=days_ago)
    )
    response = _apply(client_for("member"), unit_form(50))
    assert response.status_code == (201 if allowed else 409), response.content


@pytest.mark.parametrize(("period", "allowed"), [(30, True), (60, False)])
def test_the_period_is_configurable(client_for, users, member, settings, period, allowed):
    settings.ZILU_REJOIN_AFTER_REVOCATION_DAYS = period
    do_revoke_membership(
        users["staff"], member.pk, decision_reference="昌互协〔2026〕2号", revoked_on=today() - timedelta(days=45)
    )
    response = _apply(client_for("member"), unit_form(50))
    assert response.status_code == (201 if allowed else 409), response.content


def test_a_revoked_individual_cannot_reapply_within_the_period(users):
    data = individual_form(60)
    person = make_signed_member(
        number="CP-2025-0060", kind="individual", name=data["name"], resident_id=data["resident_id"]
    )
    do_revoke_membership(users["staff"], person.pk, decision_reference="昌互协〔2026〕6号")
    client = Client()
    client.force_login(UserFactory(role=Role.PUBLIC))
    response = _apply(client, data)
    assert_problem(response, 409, "invalid_transition")
    assert problem_fields(response) == ["resident_id"]
    Member.objects.filter(pk=person.pk).update(revoked_on=today() - timedelta(days=366))
    assert _apply(client, data).status_code == 201


def test_a_representative_may_apply_again_only_after_the_member_withdrew(client_for, member):
    """The representative of an active member is refused; once withdrawn, it may apply."""
    assert_problem(_apply(client_for("member"), unit_form(51)), 403, "forbidden")
    withdraw_api(client_for("member"), today())
    assert _apply(client_for("member"), unit_form(51)).status_code == 201


def test_an_approved_application_for_a_code_that_became_active_meanwhile_cannot_be_signed(client_for, member):
    """Two accounts, same code: the second cannot sign while the first is an active member."""
    version = current_version()
    other = UserFactory(role=Role.PUBLIC)
    application = make_application(other, status="approved", n=50)
    assert application.uscc == member.uscc
    client = Client()
    client.force_login(other)
    data = {k: v for k, v in sign_form(version.sha256, signed_on=today().isoformat()).items() if k != "has_read"}
    response = client.post(f"/api/v1/members/applications/{application.pk}/sign", data)
    assert_problem(response, 409, "duplicate")
    assert Member.objects.filter(uscc=member.uscc).count() == 1
