"""People's mediation (Art. 16): referral to a people's mediation committee, its outcome and judicial confirmation,
end to end through the API and through the pages, with every role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.disputes.helpers import FILE, client, file_dispute, number_members, post
from tests.helpers import assert_problem
from zilu.core import deadlines
from zilu.core.models import AuditEntry, Notification
from zilu.disputes.models import Dispute
from zilu.disputes.peoples import CONFIRMATION_DAYS, Committee, Referral

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def people(users):
    return number_members(users)


def _failed_mediation(people) -> int:
    """A dispute whose mediation by the executing body failed."""
    did = file_dispute(client(people["member"]))["id"]
    assert post(client(people["other_member"]), f"{FILE}/{did}/mediation").status_code == 200
    staff = client(people["staff"])
    assert post(staff, f"{FILE}/{did}/mediator", {"mediator_id": people["staff"].pk}).status_code == 200
    assert post(staff, f"{FILE}/{did}/declaration", {"text": "本人与各方无利害关系。"}).status_code == 200
    assert post(staff, f"{FILE}/{did}/fail", {"text": "双方分歧较大。"}).json()["status"] == "failed"
    return did


def test_referral_outcome_and_judicial_confirmation_through_the_api(people):
    claimant, respondent, staff = client(people["member"]), client(people["other_member"]), client(people["staff"])
    supervisor, third, anonymous = client(people["supervisor"]), client(people["third"]), Client()
    did = _failed_mediation(people)

    # The staff keep the list of committees; nobody else adds to it.
    body = {"name": "昌平区城北街道人民调解委员会", "address": "北京市昌平区", "phone": "010-00000000"}
    for c in (claimant, supervisor, third):
        assert_problem(post(c, f"{FILE}/peoples-mediation/committees", body), 403)
    assert post(anonymous, f"{FILE}/peoples-mediation/committees", body).status_code == 401
    committee = post(staff, f"{FILE}/peoples-mediation/committees", body)
    assert committee.status_code == 201, committee.content
    cid = committee.json()["id"]
    assert_problem(post(staff, f"{FILE}/peoples-mediation/committees", body), 409)
    assert [c["name"] for c in claimant.get(f"{FILE}/peoples-mediation/committees").json()] == [body["name"]]

    # Only the staff refer, to a committee on the list.
    for c in (claimant, respondent, supervisor):
        assert post(c, f"{FILE}/{did}/referral", {"committee_id": cid}).status_code in (403, 404)
    assert_problem(post(third, f"{FILE}/{did}/referral", {"committee_id": cid}), 403)
    assert_problem(post(staff, f"{FILE}/{did}/referral", {"committee_id": cid + 99}), 422)
    referral = post(staff, f"{FILE}/{did}/referral", {"committee_id": cid, "note": "请依法调解。"})
    assert referral.status_code == 201, referral.content
    assert (referral.json()["ground"], referral.json()["status"]) == ("not_settled", "referred")
    assert claimant.get(f"{FILE}/{did}").json()["status"] == "referred"
    assert_problem(post(staff, f"{FILE}/{did}/referral", {"committee_id": cid}), 409)
    assert Notification.objects.filter(user=people["other_member"], kind="disputes.dispute.referred").exists()

    # The referral letter: the parties, the staff and the supervising department; nobody else.
    for c in (claimant, respondent, staff, supervisor):
        letter = c.get(f"{FILE}/{did}/referral-letter.pdf")
        assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert_problem(third.get(f"{FILE}/{did}/referral-letter.pdf"), 404)
    assert anonymous.get(f"{FILE}/{did}/referral-letter.pdf").status_code == 401
    assert_problem(third.get(f"{FILE}/{did}/referral"), 404)

    # The committee reports an agreement: the staff record it, with the agreement document.
    outcome = {"agreed": "true", "note": "双方在委员会主持下达成协议。"}
    assert_problem(claimant.post(f"{FILE}/{did}/referral/outcome", outcome), 403)
    assert_problem(staff.post(f"{FILE}/{did}/referral/outcome", outcome), 422)  # no agreement uploaded
    upload = SimpleUploadedFile("agreement.pdf", PDF, content_type="application/pdf")
    recorded = staff.post(f"{FILE}/{did}/referral/outcome", {**outcome, "files": [upload]})
    assert recorded.status_code == 200, recorded.content
    due = deadlines.compute(timezone.localdate(), days=CONFIRMATION_DAYS).day
    assert (recorded.json()["status"], recorded.json()["confirmation_due"]) == ("agreed", due.isoformat())
    assert claimant.get(f"{FILE}/{did}").json()["status"] == "peoples_settled"

    # A party records the application for judicial confirmation, then the other the court's ruling.
    court = {"court": "北京市昌平区人民法院", "filed_on": timezone.localdate().isoformat()}
    assert_problem(post(third, f"{FILE}/{did}/referral/judicial-confirmation", court), 404)
    assert_problem(post(supervisor, f"{FILE}/{did}/referral/judicial-confirmation", court), 403)
    future = {**court, "filed_on": (timezone.localdate() + timedelta(days=1)).isoformat()}
    assert_problem(post(claimant, f"{FILE}/{did}/referral/judicial-confirmation", future), 422)
    filed = post(claimant, f"{FILE}/{did}/referral/judicial-confirmation", court)
    assert filed.status_code == 200 and filed.json()["status"] == "confirmation_filed"
    assert_problem(post(respondent, f"{FILE}/{did}/referral/judicial-confirmation", court), 409)
    ruling = {"confirmed": True, "ruled_on": timezone.localdate().isoformat(), "note": "确认调解协议有效。"}
    ruled = post(respondent, f"{FILE}/{did}/referral/ruling", ruling)
    assert ruled.status_code == 200 and ruled.json()["status"] == "confirmed"
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    for action in ("disputes.committee.add", "disputes.dispute.refer", "disputes.referral.outcome",
                   "disputes.dispute.peoples_outcome", "disputes.referral.confirmation_filed",
                   "disputes.referral.ruling"):  # fmt: skip
        assert action in actions
    counts = anonymous.get(f"{FILE}/stats").json()
    assert counts["referred"] == 1 and counts["failed"] == 0


def test_a_party_asks_for_people_s_mediation_from_the_start(people):
    claimant, respondent, staff = client(people["member"]), client(people["other_member"]), client(people["staff"])
    did = file_dispute(claimant)["id"]
    cid = Committee.objects.create(name="昌平区人民调解委员会").pk
    # Before anyone asks, the staff neither see nor refer the dispute.
    assert_problem(post(staff, f"{FILE}/{did}/referral", {"committee_id": cid}), 404)
    assert_problem(post(client(people["third"]), f"{FILE}/{did}/referral-request"), 404)
    assert post(Client(), f"{FILE}/{did}/referral-request").status_code == 401
    asked = post(respondent, f"{FILE}/{did}/referral-request")
    assert asked.status_code == 200 and asked.json()["referral_requested_at"]
    assert_problem(post(claimant, f"{FILE}/{did}/referral-request"), 409)
    assert Notification.objects.filter(user=people["staff"], kind="disputes.dispute.referral_requested").exists()
    assert staff.get(f"{FILE}/{did}").status_code == 200
    referral = post(staff, f"{FILE}/{did}/referral", {"committee_id": cid})
    assert referral.json()["ground"] == "parties_asked"
    failed = staff.post(f"{FILE}/{did}/referral/outcome", {"agreed": "false", "note": "未能达成协议。"})
    assert failed.json()["status"] == "failed"
    assert claimant.get(f"{FILE}/{did}").json()["status"] == "peoples_failed"
    assert_problem(post(claimant, f"{FILE}/{did}/referral/judicial-confirmation",
                        {"court": "法院", "filed_on": timezone.localdate().isoformat()}), 409)  # fmt: skip
    # A retired committee takes no referral.
    Committee.objects.filter(pk=cid).update(active=False)
    other = file_dispute(claimant, subject="第二件争议")["id"]
    post(claimant, f"{FILE}/{other}/referral-request")
    assert_problem(post(staff, f"{FILE}/{other}/referral", {"committee_id": cid}), 422)


def test_people_s_mediation_end_to_end_through_the_pages(people):
    claimant, respondent, staff = client(people["member"]), client(people["other_member"]), client(people["staff"])
    did = _failed_mediation(people)
    # The staff add a committee on their page; the public and members cannot reach it.
    assert client(people["member"]).get("/staff/disputes/committees/").status_code == 403
    assert Client().get("/staff/disputes/committees/").status_code == 302
    assert client(people["supervisor"]).get("/staff/disputes/committees/").status_code == 200
    response = staff.post("/staff/disputes/committees/", {"name": "昌平区人民调解委员会", "address": "", "phone": ""})
    assert response.status_code == 302
    assert client(people["supervisor"]).post("/staff/disputes/committees/", {"name": "x"}).status_code == 403
    committee = Committee.objects.get()
    page = staff.get(f"/staff/disputes/{did}/").content.decode()
    assert 'id="refer-form"' in page
    response = staff.post(f"/staff/disputes/{did}/peoples/refer", {"refer-committee": committee.pk, "refer-note": ""})
    assert response.status_code == 302
    assert Dispute.objects.get(pk=did).status == Dispute.Status.REFERRED
    party_page = claimant.get(f"/disputes/{did}/").content.decode()
    assert 'id="referral"' in party_page and f"/disputes/{did}/referral-letter.pdf" in party_page
    assert claimant.get(f"/disputes/{did}/referral-letter.pdf").content.startswith(b"%PDF")
    assert client(people["third"]).get(f"/disputes/{did}/referral-letter.pdf").status_code == 404
    # A party cannot record the committee's outcome; the staff do, with the agreement.
    assert claimant.post(f"/staff/disputes/{did}/peoples/outcome", {}).status_code == 403
    upload = SimpleUploadedFile("agreement.pdf", PDF, content_type="application/pdf")
    response = staff.post(
        f"/staff/disputes/{did}/peoples/outcome",
        {"outcome-agreed": "agreed", "outcome-note": "达成协议。", "outcome-files": [upload]},
    )
    assert response.status_code == 302
    referral = Referral.objects.get(dispute_id=did)
    assert referral.status == Referral.Status.AGREED
    page = respondent.get(f"/disputes/{did}/").content.decode()
    assert 'id="judicial-form"' in page and 'id="confirmation-due"' in page and "agreement.pdf" in page
    today = timezone.localdate().isoformat()
    response = respondent.post(f"/disputes/{did}/peoples/judicial", {"judicial-court": "昌平区人民法院",
                                                                     "judicial-filed_on": today})  # fmt: skip
    assert response.status_code == 302
    response = staff.post(f"/staff/disputes/{did}/peoples/ruling", {"ruling-confirmed": "rejected",
                                                                    "ruling-ruled_on": today})  # fmt: skip
    referral.refresh_from_db()
    assert (referral.status, referral.court) == (Referral.Status.REJECTED, "昌平区人民法院")
