"""Applying to join (Art. 4, 5) and the review: through the pages and the API, with every refusal."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import MemberFactory, UserFactory, make_uscc
from tests.helpers import assert_problem
from tests.members.helpers import form_errors, individual_form, make_resident_id, problem_fields, unit_form
from zilu.core.models import AuditEntry, Notification
from zilu.core.roles import Role
from zilu.members.models import Application

pytestmark = pytest.mark.django_db

API = "/api/v1/members/applications"
OUTSIDE_USCC = make_uscc(4242, division="310115")  # registered in Pudong, Shanghai


@pytest.fixture
def applicant(db):
    return UserFactory(role=Role.PUBLIC)


@pytest.fixture
def client(applicant):
    client = Client()
    client.force_login(applicant)
    return client


def post_json(client: Client, path: str, data: dict | None = None, method: str = "post"):
    return getattr(client, method)(path, data or {}, content_type="application/json")


def apply_api(client: Client, data: dict):
    return post_json(client, API, data)


def _wrong_check_char(code: str) -> str:
    return code[:-1] + ("1" if code[-1] != "1" else "2")


# ------------------------------------------------------------------------------------------ valid applications


def test_a_unit_applies_through_the_page(client, applicant, users):
    response = client.post("/membership/apply/", unit_form(1, contact_phone="+86 138-0013-8000"))
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/membership/applications/{application.pk}/"
    assert (application.applicant, application.status, application.kind) == (applicant, "submitted", "unit")
    assert application.contact_phone == "13800138000"  # normalised
    assert application.uscc == unit_form(1)["uscc"]
    assert not application.outside_changping
    entry = AuditEntry.objects.get(action="members.application.submit")
    assert (entry.actor_id, entry.object_id) == (applicant.pk, str(application.pk))
    assert entry.after["uscc"] == application.uscc
    # The staff (and the superuser, who is staff too) hear of it; the applicant does not get a notice of its own.
    notified = Notification.objects.filter(kind="members.application.submitted")
    assert {n.user for n in notified} == {users["staff"], users["superuser"]}
    assert all(n.url == f"/staff/applications/{application.pk}/" for n in notified)
    assert not Notification.objects.filter(user=applicant).exists()
    page = client.get(response["Location"])
    assert page.status_code == 200 and application.name in page.content.decode()


def test_a_unit_applies_through_the_api(client, applicant, users):
    response = apply_api(client, unit_form(2))
    assert response.status_code == 201, response.content
    body = response.json()
    application = Application.objects.get()
    assert body["id"] == application.pk
    assert (body["status"], body["kind"], body["uscc"], body["outside_changping"]) == (
        "submitted",
        "unit",
        unit_form(2)["uscc"],
        False,
    )
    assert application.applicant == applicant
    assert AuditEntry.objects.filter(action="members.application.submit", object_id=str(application.pk)).count() == 1
    assert Notification.objects.filter(kind="members.application.submitted", user=users["staff"]).count() == 1


@pytest.mark.parametrize("via", ["page", "api"])
def test_an_individual_applies(client, applicant, via):
    data = individual_form(3)
    if via == "page":
        response = client.post("/membership/apply/", data)
        assert response.status_code == 302, form_errors(response, "__all__")
    else:
        response = apply_api(client, data)
        assert response.status_code == 201, response.content
        assert "resident_id" not in response.json()  # the API never echoes the identity number
    application = Application.objects.get()
    assert (application.kind, application.resident_id, application.statement) == (
        "individual",
        data["resident_id"],
        data["statement"],
    )
    assert application.uscc == application.registered_address == application.legal_representative == ""
    # The audit log is append-only and readable by many: the identity number is masked there.
    entry = AuditEntry.objects.get(action="members.application.submit")
    assert entry.after["resident_id"] == data["resident_id"][:6] + "********" + data["resident_id"][-4:]
    assert data["resident_id"] not in str(entry.after)


def test_an_individual_resident_id_with_a_lowercase_x_is_normalised(client):
    number = next(make_resident_id(n) for n in range(1000) if make_resident_id(n).endswith("X"))
    response = apply_api(client, individual_form(4, resident_id=number.lower()))
    assert response.status_code == 201, response.content
    assert Application.objects.get().resident_id == number


# ------------------------------------------------------------------------------------------ validation refusals

UNIT_REFUSALS = {
    "uscc-checksum": ({"uscc": _wrong_check_char(make_uscc(1))}, "uscc"),
    "uscc-length": ({"uscc": "91110114MA0000001"}, "uscc"),
    "uscc-characters": ({"uscc": "91110114MA000000I1"}, "uscc"),
    "phone-malformed": ({"contact_phone": "12345"}, "contact_phone"),
    "phone-letters": ({"contact_phone": "138-abcd-8000"}, "contact_phone"),
    "phone-abroad": ({"contact_phone": "+1 202 555 0143"}, "contact_phone"),
    "no-name": ({"name": ""}, "name"),
    "no-address": ({"registered_address": ""}, "registered_address"),
    "no-legal-representative": ({"legal_representative": ""}, "legal_representative"),
    "no-responsible-person": ({"responsible_person": ""}, "responsible_person"),
    "no-uscc": ({"uscc": ""}, "uscc"),
}
INDIVIDUAL_REFUSALS = {
    "resident-id-checksum": ({"resident_id": _wrong_check_char(make_resident_id(5))}, "resident_id"),
    "resident-id-future-birth": ({"resident_id": make_resident_id(5, birth="20991231")}, "resident_id"),
    "resident-id-impossible-date": ({"resident_id": make_resident_id(5, birth="19850231")}, "resident_id"),
    "resident-id-length": ({"resident_id": "11011419850101"}, "resident_id"),
    "no-resident-id": ({"resident_id": ""}, "resident_id"),
    "no-statement": ({"statement": ""}, "statement"),
    "phone-malformed": ({"contact_phone": "0000"}, "contact_phone"),
}
REFUSALS = [
    pytest.param(unit_form(5, **change), field, id=f"unit-{name}") for name, (change, field) in UNIT_REFUSALS.items()
] + [
    pytest.param(individual_form(5, **change), field, id=f"individual-{name}")
    for name, (change, field) in INDIVIDUAL_REFUSALS.items()
]


@pytest.mark.parametrize(("data", "field"), REFUSALS)
def test_invalid_input_is_refused_on_the_page_with_a_field_error(client, data, field):
    response = client.post("/membership/apply/", data)
    assert response.status_code == 200
    assert form_errors(response, field), response.context["form"].errors
    assert not Application.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="members.").exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(("data", "field"), REFUSALS)
def test_invalid_input_is_refused_by_the_api_with_a_field_error(client, data, field):
    response = apply_api(client, data)
    assert_problem(response, 422, "validation_error")
    assert field in problem_fields(response)
    assert not Application.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="members.").exists()


def test_all_problems_are_reported_at_once(client):
    response = apply_api(client, unit_form(6, uscc=_wrong_check_char(make_uscc(6)), contact_phone="1", name=""))
    assert_problem(response, 422, "validation_error")
    assert sorted(problem_fields(response)) == ["contact_phone", "name", "uscc"]


def test_an_unknown_kind_is_refused(client):
    response = apply_api(client, unit_form(6, kind="company"))
    assert_problem(response, 422)
    assert problem_fields(response) == ["kind"]


def test_the_uscc_of_an_active_member_is_refused(client):
    member = MemberFactory(uscc=unit_form(7)["uscc"])
    page = client.post("/membership/apply/", unit_form(7))
    assert page.status_code == 200
    assert form_errors(page, "uscc")
    response = apply_api(client, unit_form(7))
    assert_problem(response, 409, "duplicate")
    assert problem_fields(response) == ["uscc"]
    assert not Application.objects.exists()
    # A withdrawn member's code is free again.
    member.status = "withdrawn"
    member.save()
    assert apply_api(client, unit_form(7)).status_code == 201


def test_a_second_pending_application_for_the_same_uscc_is_refused(client, applicant):
    first = UserFactory(role=Role.PUBLIC)
    other = Client()
    other.force_login(first)
    assert apply_api(other, unit_form(8)).status_code == 201
    page = client.post("/membership/apply/", unit_form(8, name="另一家公司"))
    assert page.status_code == 200 and form_errors(page, "uscc")
    response = apply_api(client, unit_form(8, name="另一家公司"))
    assert_problem(response, 409, "duplicate")
    assert problem_fields(response) == ["uscc"]
    assert Application.objects.get().applicant == first
    # Once the first is cancelled the code may be used again.
    post_json(other, f"{API}/{Application.objects.get().pk}/cancel")
    assert apply_api(client, unit_form(8)).status_code == 201


def test_a_second_open_application_by_the_same_applicant_is_refused(client, applicant):
    assert apply_api(client, unit_form(9)).status_code == 201
    response = apply_api(client, unit_form(10))
    assert_problem(response, 409, "duplicate")
    page = client.post("/membership/apply/", unit_form(10))
    assert page.status_code == 200 and form_errors(page, "__all__")
    assert Application.objects.filter(applicant=applicant).count() == 1


@pytest.mark.parametrize("role", ["staff", "supervisor", "superuser", "member"])
def test_roles_that_may_not_apply(client_for, role):
    """Staff and the supervising department never apply; an active member's representative is already a member."""
    response = apply_api(client_for(role), unit_form(11))
    assert_problem(response, 403, "forbidden")
    page = client_for(role).post("/membership/apply/", unit_form(11))
    if role == "member":  # may open the page (a withdrawn member's representative applies again), but is refused
        assert page.status_code == 200 and form_errors(page, "__all__")
    else:
        assert page.status_code == 403
    assert not Application.objects.exists()


def test_anonymous_cannot_apply(client_for):
    assert_problem(apply_api(client_for("anonymous"), unit_form(12)), 401, "unauthenticated")
    response = client_for("anonymous").post("/membership/apply/", unit_form(12))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Application.objects.exists()


# ------------------------------------------------------------------------------------------ outside Changping


def test_outside_changping_is_accepted_but_flagged_and_needs_a_qualification_note(client, applicant, client_for, users):
    response = apply_api(client, unit_form(13, uscc=OUTSIDE_USCC))
    assert response.status_code == 201, response.content
    assert response.json()["outside_changping"] is True
    application = Application.objects.get()
    assert application.outside_changping
    notice = Notification.objects.get(kind="members.application.submitted", user=users["staff"])
    assert notice.body  # tells the reviewer a note is needed
    staff = client_for("staff")
    review = staff.get(f"/staff/applications/{application.pk}/")
    assert 'id="outside-changping"' in review.content.decode()
    # Approving without the note: refused on the page (a message) and in the API (field-level).
    page = staff.post(
        f"/staff/applications/{application.pk}/approve", {"approve-qualification_note": "  "}, follow=True
    )
    assert [m.level_tag for m in page.context["messages"]] == ["error"]
    api = post_json(staff, f"{API}/{application.pk}/approve", {"qualification_note": ""})
    assert_problem(api, 422, "validation_error")
    assert problem_fields(api) == ["qualification_note"]
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not AuditEntry.objects.filter(action="members.application.approve").exists()
    # With the note it goes through, and the note is kept and audited.
    note = "上海注册的企业在昌平区设有分支机构并实际经营。"
    approved = post_json(staff, f"{API}/{application.pk}/approve", {"qualification_note": note})
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["qualification_note"]) == ("approved", note)
    application.refresh_from_db()
    assert (application.status, application.qualification_note, application.decided_by) == (
        "approved",
        note,
        users["staff"],
    )
    entry = AuditEntry.objects.get(action="members.application.approve")
    assert entry.after == {"status": "approved", "qualification_note": note}


def test_a_changping_unit_is_approved_through_the_page_without_a_note(client, client_for, users):
    apply_api(client, unit_form(14))
    application = Application.objects.get()
    response = client_for("staff").post(
        f"/staff/applications/{application.pk}/approve", {"approve-qualification_note": ""}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    application.refresh_from_db()
    assert application.status == "approved" and application.decided_at is not None


# ------------------------------------------------------------------------------------------ decisions

DECISIONS = {
    "approve": ({"qualification_note": ""}, "approved", "members.application.approve"),
    "reject": ({"reason": "材料不全，且经营范围与互联网行业无关。"}, "rejected", "members.application.reject"),
    "request-info": ({"request": "请补充营业执照副本。"}, "info_requested", "members.application.request_info"),
}
PAGE_DECISIONS = {
    "approve": ("approve", {"approve-qualification_note": ""}),
    "reject": ("reject", {"reject-reason": "材料不全，且经营范围与互联网行业无关。"}),
    "request-info": ("info", {"info-request": "请补充营业执照副本。"}),
}


@pytest.fixture
def submitted(client):
    assert apply_api(client, unit_form(15)).status_code == 201
    return Application.objects.get()


@pytest.mark.parametrize("decision", DECISIONS)
def test_each_decision_through_the_api_is_audited_and_notified(client_for, users, applicant, submitted, decision):
    payload, status, action = DECISIONS[decision]
    response = post_json(client_for("staff"), f"{API}/{submitted.pk}/{decision}", payload)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == status
    submitted.refresh_from_db()
    assert submitted.status == status
    assert submitted.decided_by == users["staff"]
    entry = AuditEntry.objects.get(action=action)
    assert (entry.actor_id, entry.object_id, entry.before["status"], entry.after["status"]) == (
        users["staff"].pk,
        str(submitted.pk),
        "submitted",
        status,
    )
    notice = Notification.objects.get(user=applicant)
    assert notice.kind == f"members.application.{status}"
    assert notice.url == f"/membership/applications/{submitted.pk}/"
    text = payload.get("reason") or payload.get("request")
    if text:
        assert notice.body == text  # the applicant receives the reasons / the request itself
    # The applicant sees the outcome on its page.
    page = Client()
    page.force_login(applicant)
    html = page.get(f"/membership/applications/{submitted.pk}/").content.decode()
    if decision == "reject":
        assert payload["reason"] in html
    if decision == "request-info":
        assert payload["request"] in html and "<form" in html
    if decision == "approve":
        assert f"/membership/applications/{submitted.pk}/sign" in html


@pytest.mark.parametrize("decision", PAGE_DECISIONS)
def test_each_decision_through_the_page(client_for, applicant, submitted, decision):
    slug, data = PAGE_DECISIONS[decision]
    response = client_for("staff").post(f"/staff/applications/{submitted.pk}/{slug}", data, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    submitted.refresh_from_db()
    assert submitted.status == DECISIONS[decision][1]
    assert AuditEntry.objects.filter(action=DECISIONS[decision][2]).count() == 1
    assert Notification.objects.filter(user=applicant, kind=f"members.application.{submitted.status}").count() == 1


@pytest.mark.parametrize(
    ("decision", "payload", "field"),
    [("reject", {"reason": "  "}, "reason"), ("request-info", {"request": ""}, "request")],
)
def test_a_decision_needs_its_text(client_for, applicant, submitted, decision, payload, field):
    response = post_json(client_for("staff"), f"{API}/{submitted.pk}/{decision}", payload)
    assert_problem(response, 422, "validation_error")
    assert problem_fields(response) == [field]
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert not Notification.objects.filter(user=applicant).exists()


ILLEGAL = [
    ("approve", "approve"),
    ("approve", "reject"),
    ("approve", "request-info"),
    ("reject", "approve"),
    ("reject", "reject"),
    ("request-info", "approve"),
    ("request-info", "request-info"),
]


@pytest.mark.parametrize(("first", "second"), ILLEGAL)
def test_illegal_transitions_are_409_in_the_api(client_for, submitted, first, second):
    staff = client_for("staff")
    assert post_json(staff, f"{API}/{submitted.pk}/{first}", DECISIONS[first][0]).status_code == 200
    submitted.refresh_from_db()
    status, entries, notices = submitted.status, AuditEntry.objects.count(), Notification.objects.count()
    response = post_json(staff, f"{API}/{submitted.pk}/{second}", DECISIONS[second][0])
    assert_problem(response, 409, "invalid_transition")
    submitted.refresh_from_db()
    assert submitted.status == status
    assert (AuditEntry.objects.count(), Notification.objects.count()) == (entries, notices)


def test_approving_twice_on_the_page_shows_an_error(client_for, submitted):
    staff = client_for("staff")
    staff.post(f"/staff/applications/{submitted.pk}/approve", {"approve-qualification_note": ""}, follow=True)
    entries = AuditEntry.objects.count()
    response = staff.post(
        f"/staff/applications/{submitted.pk}/approve", {"approve-qualification_note": ""}, follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert AuditEntry.objects.count() == entries
    submitted.refresh_from_db()
    assert submitted.status == "approved"


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("public", 403), ("member", 403), ("supervisor", 403)]
)
@pytest.mark.parametrize("decision", DECISIONS)
def test_only_staff_decide(client_for, submitted, decision, role, status):
    """Others cannot decide (the supervising department sees applications but may not decide), and the refusal
    comes before any check of the input or the state."""
    response = post_json(client_for(role), f"{API}/{submitted.pk}/{decision}", {})
    assert_problem(response, status)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert not AuditEntry.objects.filter(action=DECISIONS[decision][2]).exists()


@pytest.mark.parametrize("decision", DECISIONS)
def test_the_applicant_cannot_decide_its_own_application(client, submitted, decision):
    response = post_json(client, f"{API}/{submitted.pk}/{decision}", DECISIONS[decision][0])
    assert_problem(response, 403, "forbidden")
    slug = PAGE_DECISIONS[decision][0]
    assert client.post(f"/staff/applications/{submitted.pk}/{slug}", PAGE_DECISIONS[decision][1]).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_outside_changping_applicant_approving_itself_is_forbidden_not_asked_for_a_note(client):
    apply_api(client, unit_form(16, uscc=OUTSIDE_USCC))
    application = Application.objects.get()
    assert_problem(post_json(client, f"{API}/{application.pk}/approve", {}), 403, "forbidden")


# ------------------------------------------------------------------------------------------ answering a request


def test_request_info_edit_and_resubmit_through_the_page(client, client_for, applicant, submitted):
    staff = client_for("staff")
    staff.post(f"/staff/applications/{submitted.pk}/info", {"info-request": "请补充注册地址的门牌号。"})
    submitted.refresh_from_db()
    assert submitted.status == "info_requested"
    page = client.get(f"/membership/applications/{submitted.pk}/")
    assert "请补充注册地址的门牌号。" in page.content.decode()
    # A bad edit is refused with the error on the field, and the application stays as it was.
    bad = client.post(f"/membership/applications/{submitted.pk}/", unit_form(15, contact_phone="999"))
    assert bad.status_code == 200 and form_errors(bad, "contact_phone")
    submitted.refresh_from_db()
    assert submitted.status == "info_requested" and submitted.contact_phone == "13800138000"
    # The good edit goes back to the staff.
    edited = unit_form(15, registered_address="北京市昌平区科技园区1号院3号楼", kind="individual")
    response = client.post(f"/membership/applications/{submitted.pk}/", edited)
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.kind, submitted.registered_address) == (
        "submitted",
        "unit",  # the kind of applicant cannot change
        "北京市昌平区科技园区1号院3号楼",
    )
    entry = AuditEntry.objects.get(action="members.application.resubmit")
    assert entry.actor_id == applicant.pk
    assert entry.before["registered_address"] == "北京市昌平区科技园区1号"
    assert entry.after["registered_address"] == "北京市昌平区科技园区1号院3号楼"
    # And the staff can decide again.
    assert post_json(staff, f"{API}/{submitted.pk}/approve", {}).status_code == 200


def test_request_info_edit_and_resubmit_through_the_api(client, client_for, submitted):
    staff = client_for("staff")
    # Editing is only for answering a request.
    early = post_json(client, f"{API}/{submitted.pk}", unit_form(15, name="改名"), method="put")
    assert_problem(early, 409, "invalid_transition")
    post_json(staff, f"{API}/{submitted.pk}/request-info", {"request": "请写全称。"})
    bad = post_json(client, f"{API}/{submitted.pk}", unit_form(15, uscc=_wrong_check_char(make_uscc(15))), "put")
    assert_problem(bad, 422, "validation_error")
    assert problem_fields(bad) == ["uscc"]
    response = post_json(client, f"{API}/{submitted.pk}", unit_form(15, name="北京昌平测试科技股份有限公司"), "put")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["name"]) == ("submitted", "北京昌平测试科技股份有限公司")
    submitted.refresh_from_db()
    assert submitted.name == "北京昌平测试科技股份有限公司"
    assert AuditEntry.objects.filter(action="members.application.resubmit").count() == 1
    # Nobody else may edit it.
    staff_put = post_json(staff, f"{API}/{submitted.pk}", unit_form(15), method="put")
    assert staff_put.status_code == 403


def test_a_resubmission_cannot_take_the_uscc_of_an_active_member(client, client_for, submitted):
    taken = MemberFactory().uscc
    post_json(client_for("staff"), f"{API}/{submitted.pk}/request-info", {"request": "请核对信用代码。"})
    response = post_json(client, f"{API}/{submitted.pk}", unit_form(15, uscc=taken), method="put")
    assert_problem(response, 409, "duplicate")
    assert problem_fields(response) == ["uscc"]
    submitted.refresh_from_db()
    assert submitted.status == "info_requested" and submitted.uscc != taken


# ------------------------------------------------------------------------------------------ cancel


def test_cancel_through_the_page_and_again(client, applicant, submitted):
    response = client.post(f"/membership/applications/{submitted.pk}/cancel", follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    submitted.refresh_from_db()
    assert submitted.status == "cancelled"
    entry = AuditEntry.objects.get(action="members.application.cancel")
    assert (entry.actor_id, entry.before, entry.after) == (
        applicant.pk,
        {"status": "submitted"},
        {"status": "cancelled"},
    )
    again = client.post(f"/membership/applications/{submitted.pk}/cancel", follow=True)
    assert [m.level_tag for m in again.context["messages"]] == ["error"]
    assert_problem(post_json(client, f"{API}/{submitted.pk}/cancel"), 409, "invalid_transition")
    # A new application is possible now.
    assert apply_api(client, unit_form(15)).status_code == 201


def test_cancel_an_approved_application_through_the_api(client, client_for, submitted):
    post_json(client_for("staff"), f"{API}/{submitted.pk}/approve", {})
    response = post_json(client, f"{API}/{submitted.pk}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


@pytest.mark.parametrize(("role", "status"), [("public", 404), ("staff", 403), ("anonymous", 401)])
def test_nobody_else_cancels(client_for, submitted, role, status):
    response = post_json(client_for(role), f"{API}/{submitted.pk}/cancel")
    assert_problem(response, status)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


# ------------------------------------------------------------------------------------------ who sees what


def test_an_applicant_sees_only_its_own_application(client, submitted, client_for, users):
    other = UserFactory(role=Role.PUBLIC)
    other_client = Client()
    other_client.force_login(other)
    assert apply_api(other_client, unit_form(17)).status_code == 201
    theirs = Application.objects.get(applicant=other)
    listed = client.get(API).json()
    assert [a["id"] for a in listed] == [submitted.pk]
    assert_problem(client.get(f"{API}/{theirs.pk}"), 404, "not_found")
    assert client.get(f"/membership/applications/{theirs.pk}/").status_code == 404
    assert client.get(f"/membership/applications/{theirs.pk}/sign").status_code == 404
    assert client.get(f"/staff/applications/{theirs.pk}/").status_code == 403
    assert client.get("/staff/applications/").status_code == 403
    apply_page = client.get("/membership/apply/").content.decode()
    assert submitted.name in apply_page and theirs.name not in apply_page
    # Members see none of them; staff and the supervising department see both.
    assert client_for("member").get(API).json() == []
    for role in ("staff", "supervisor"):
        assert {a["id"] for a in client_for(role).get(API).json()} == {submitted.pk, theirs.pk}
        queue = client_for(role).get("/staff/applications/").content.decode()
        assert submitted.name in queue and theirs.name in queue


def test_the_staff_queue_filters_by_status(client_for, submitted):
    staff = client_for("staff")
    assert submitted.name in staff.get("/staff/applications/?status=submitted").content.decode()
    assert submitted.name not in staff.get("/staff/applications/?status=approved").content.decode()
    assert submitted.name in staff.get("/staff/applications/?status=all").content.decode()
