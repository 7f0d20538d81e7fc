"""Internet access venues (Art. 13): a member kind with its licence, address and operator; the venue's
self-assessment and its review; the venue's own evaluation items. Through the pages and the API, for every role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tests.convention.helpers import published_v1
from tests.factories import MemberFactory, UserFactory
from tests.helpers import assert_problem
from tests.members.helpers import problem_fields, sign_form, unit_form
from zilu.core.identifiers import IdentifierError
from zilu.core.models import AuditEntry, Notification
from zilu.core.roles import Role
from zilu.members.models import Application, Member, VenueAssessment
from zilu.members.venues import VENUE_ITEMS, validate_culture_licence

pytestmark = pytest.mark.django_db

API = "/api/v1/members"
LICENCE = "京网文〔2019〕1234-567号"


def venue_form(n: int = 1, **overrides: str) -> dict[str, str]:
    fields = {
        "kind": "venue",
        "name": f"北京昌平星空网咖有限公司{n}",
        "venue_name": f"星空网咖{n}号店",
        "venue_licence": LICENCE,
        "venue_address": "北京市昌平区回龙观西大街8号",
        "venue_operator": "王五",
    }
    return unit_form(n, **{**fields, **overrides})


def assessment_payload(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "opening_hours": "08:00-24:00",
        "session_limit_minutes": 240,
        "filtering_system": "文化市场技术监管平台 3.0",
        "answers": {i.code: {"answer": "yes", "note": ""} for i in VENUE_ITEMS},
    }
    data.update(overrides)
    return data


def post_json(client: Client, path: str, data: object):
    return client.post(path, data, content_type="application/json")


@pytest.fixture
def venue(db):
    return MemberFactory(
        kind="venue", venue_name="星空网咖", venue_licence=LICENCE, venue_address="昌平区1号", venue_operator="王五"
    )


@pytest.fixture
def venue_client(venue):
    client = Client()
    client.force_login(UserFactory(role=Role.MEMBER, member=venue))
    return client


# ------------------------------------------------------------------------------------------ the licence number


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("京网文〔2019〕1234-567号", "京网文〔2019〕1234-567号"),
        ("京网文[2019]1234-567", "京网文〔2019〕1234-567号"),
        ("京网文【2016】02354-1314号", "京网文〔2016〕02354-1314号"),
        (" 粤网文（2017）6138 — 1456号 ", "粤网文〔2017〕6138-1456号"),
    ],
)
def test_licence_numbers_are_normalised(raw, canonical):
    assert validate_culture_licence(raw).text == canonical


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "required"),
        ("京ICP证123456号", "format"),
        ("京网文〔2019〕1234号", "format"),
        ("京网文〔19〕1234-567号", "format"),
        ("港网文〔2019〕1234-567号", "province"),
        ("京网文〔2001〕1234-567号", "year"),
        (f"京网文〔{timezone.localdate().year + 1}〕1234-567号", "year"),
    ],
)
def test_bad_licence_numbers_are_refused(raw, code):
    with pytest.raises(IdentifierError) as caught:
        validate_culture_licence(raw)
    assert caught.value.code == code


# ------------------------------------------------------------------------------------------ applying as a venue


def test_a_venue_applies_through_the_api_with_its_fields(users):
    applicant = UserFactory(role=Role.PUBLIC)
    client = Client()
    client.force_login(applicant)
    response = post_json(client, f"{API}/applications", venue_form(1, venue_licence="京网文[2019]1234-567"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["venue_licence"], body["venue_operator"]) == ("venue", LICENCE, "王五")
    application = Application.objects.get()
    assert (application.kind, application.venue_address) == ("venue", "北京市昌平区回龙观西大街8号")
    assert AuditEntry.objects.get(action="members.application.submit").after["venue_licence"] == LICENCE


def test_a_venue_application_needs_a_valid_licence_and_its_premises(users):
    client = Client()
    client.force_login(UserFactory(role=Role.PUBLIC))
    response = post_json(client, f"{API}/applications", venue_form(2, venue_licence="京网文2019-1", venue_operator=""))
    assert_problem(response, 422)
    assert set(problem_fields(response)) == {"venue_licence", "venue_operator"}
    # A unit gives no venue fields: whatever it sends there is dropped.
    response = post_json(client, f"{API}/applications", unit_form(3, venue_licence="junk"))
    assert response.status_code == 201 and response.json()["venue_licence"] == ""
    assert not Application.objects.filter(kind="venue").exists()


def test_a_venue_applies_is_approved_signs_and_is_listed(client_for, users):
    version = published_v1()
    applicant = UserFactory(role=Role.PUBLIC)
    client = Client()
    client.force_login(applicant)
    response = client.post("/membership/apply/", venue_form(4))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get(kind="venue")
    review = client_for("staff").get(f"/staff/applications/{application.pk}/")
    assert LICENCE in review.content.decode()
    client_for("staff").post(f"/staff/applications/{application.pk}/approve", {"approve-qualification_note": ""})
    response = client.post(
        f"/membership/applications/{application.pk}/sign",
        sign_form(version.sha256, signed_on=timezone.localdate().isoformat()),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    member = Member.objects.get(kind="venue")
    assert (member.venue_licence, member.venue_operator, member.is_unit) == (LICENCE, "王五", True)
    entry = Client().get(f"{API}/registry/{member.number}").json()
    assert (entry["kind"], entry["venue_licence"], entry["uscc"]) == ("venue", LICENCE, member.uscc)
    assert "venue_address" not in entry  # the premises' address stays with the staff and the venue
    # A venue is a member unit (成员单位): it co-signs and votes on amendments (Art. 22).
    from zilu.governance.actions import voting_units

    assert member in voting_units()


# ------------------------------------------------------------------------------------------ the self-assessment


def test_a_venue_submits_its_self_assessment_and_the_staff_review_it(venue, venue_client, users, client_for):
    response = post_json(venue_client, f"{API}/venue-assessments", assessment_payload())
    assert response.status_code == 201, response.content
    assessment = VenueAssessment.objects.get()
    assert (assessment.member, assessment.status, assessment.session_limit_minutes) == (venue, "submitted", 240)
    entry = AuditEntry.objects.get(action="members.venue_assessment.submit")
    assert entry.after["answers"] == {i.code: "yes" for i in VENUE_ITEMS}
    assert Notification.objects.filter(kind="members.venue_assessment.submitted", user=users["staff"]).exists()
    # The supervising department reads it, cannot review it.
    assert client_for("supervisor").get(f"/staff/venues/{assessment.pk}/").status_code == 200
    assert_problem(
        post_json(client_for("supervisor"), f"{API}/venue-assessments/{assessment.pk}/review", {"accept": True}), 403
    )
    # Returning needs a note; then the page records the acceptance.
    staff = client_for("staff")
    assert_problem(post_json(staff, f"{API}/venue-assessments/{assessment.pk}/review", {"accept": False}), 422)
    response = staff.post(f"/staff/venues/{assessment.pk}/", {"decision": "accept", "note": "符合要求"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.review_note, assessment.reviewed_by) == (
        "accepted",
        "符合要求",
        users["staff"],
    )
    entry = AuditEntry.objects.get(action="members.venue_assessment.review")
    assert (entry.before["status"], entry.after["status"]) == ("submitted", "accepted")
    assert_problem(post_json(staff, f"{API}/venue-assessments/{assessment.pk}/review", {"accept": True}), 409)
    page = venue_client.get("/account/member/venue/")
    assert page.status_code == 200 and "符合要求" in page.content.decode()


def test_the_self_assessment_is_checked_and_only_for_venues(venue, venue_client, users, client_for):
    bad = assessment_payload(opening_hours="all day", filtering_system="", answers={"V1": {"answer": "maybe"}})
    response = post_json(venue_client, f"{API}/venue-assessments", bad)
    assert_problem(response, 422)
    assert {"opening_hours", "filtering_system", "answer_V1", "answer_V5"} <= set(problem_fields(response))
    # A unit that is not a venue, the public and the staff cannot submit one.
    assert_problem(post_json(client_for("member"), f"{API}/venue-assessments", assessment_payload()), 409)
    assert_problem(post_json(client_for("public"), f"{API}/venue-assessments", assessment_payload()), 403)
    assert_problem(post_json(client_for("staff"), f"{API}/venue-assessments", assessment_payload()), 403)
    assert client_for("member").get("/account/member/venue/").status_code == 404
    assert not VenueAssessment.objects.exists()


def test_the_page_form_submits_and_other_members_see_nothing(venue, venue_client, users, client_for):
    form = {"opening_hours": "09:00-23:00", "session_limit_minutes": "120", "filtering_system": "过滤系统"}
    form |= {f"answer_{i.code}": "partly" for i in VENUE_ITEMS}
    response = venue_client.post("/account/member/venue/", form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assessment = VenueAssessment.objects.get()
    assert assessment.answers["V3"] == {"answer": "partly", "note": ""}
    # Another member's representative and the public see none of it, on the API and the pages.
    assert client_for("other_member").get(f"{API}/venue-assessments").json() == []
    assert_problem(client_for("other_member").get(f"{API}/venue-assessments/{assessment.pk}"), 404)
    assert client_for("other_member").get(f"/staff/venues/{assessment.pk}/").status_code == 403
    assert client_for("anonymous").get(f"{API}/venue-assessments").status_code == 401
    assert [a["id"] for a in client_for("staff").get(f"{API}/venue-assessments").json()] == [assessment.pk]
    listing = client_for("staff").get("/staff/venues/")
    assert listing.status_code == 200 and venue.name in listing.content.decode()
    # Returned with a note: the venue is told.
    client_for("staff").post(f"/staff/venues/{assessment.pk}/", {"decision": "return", "note": "请补充过滤日志"})
    assessment.refresh_from_db()
    assert assessment.status == "returned"
    assert Notification.objects.filter(kind="members.venue_assessment.reviewed", user__member=venue).exists()


def test_the_venue_items_are_public_and_a_venue_gets_its_evaluation_items():
    items = Client().get(f"{API}/venue-items").json()
    assert [i["code"] for i in items] == ["V1", "V2", "V3", "V4", "V5"]
    from zilu.discipline.checklist import ITEMS, items_for

    codes = {i.code for i in ITEMS if i.kinds == frozenset({"access_venue"})}
    assert codes == {"A13", "A13-1", "A13-2", "A13-3", "A13-4"}
    venue_items = items_for([i.as_dict() for i in ITEMS], ["access_venue"])
    assert codes <= {i["code"] for i in venue_items}
