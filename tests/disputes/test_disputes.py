"""Disputes between members and mediation (Art. 19), step by step through the API and the pages, with refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.disputes.helpers import FILE, client, file_dispute, number_members, post
from tests.helpers import assert_problem
from zilu.core import deadlines
from zilu.core.models import AuditEntry, Notification
from zilu.disputes.actions import ANSWER_DAYS
from zilu.disputes.models import Dispute

pytestmark = pytest.mark.django_db
SECRET_TERMS = "我方愿意支付八万元补偿"  # said in the private negotiation only


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages; the site's default language is Chinese."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def people(users):
    return number_members(users)


def _to_mediation(people, dispute_id: int) -> None:
    """Mediation requested, mediator (the staff account) assigned and declared."""
    assert post(client(people["other_member"]), f"{FILE}/{dispute_id}/mediation").status_code == 200
    staff = client(people["staff"])
    assert post(staff, f"{FILE}/{dispute_id}/mediator", {"mediator_id": people["staff"].pk}).status_code == 200
    assert post(staff, f"{FILE}/{dispute_id}/declaration", {"text": "本人与各方无利害关系。"}).status_code == 200


def test_filing_answer_and_mediation_to_agreement_through_the_api(people):
    claimant, respondent, staff = client(people["member"]), client(people["other_member"]), client(people["staff"])
    dispute = file_dispute(claimant)
    assert dispute["status"] == "open" and dispute["number"] == 1
    assert [p["side"] for p in dispute["parties"]] == ["claimant", "respondent"]
    assert dispute["answer_due_on"] == deadlines.deadline_for(timezone.localdate(), ANSWER_DAYS).isoformat()
    # The respondent is told; the staff are not (nothing asks them to act yet).
    assert Notification.objects.filter(user=people["other_member"], kind="disputes.dispute.filed").count() == 1
    assert not Notification.objects.filter(user=people["staff"]).exists()
    did = dispute["id"]

    # Before mediation is requested the staff cannot see the dispute at all.
    assert_problem(staff.get(f"{FILE}/{did}"), 404, "not_found")
    assert staff.get(FILE).json() == []

    # The respondent answers (once); the claimant cannot answer its own dispute.
    assert_problem(post(claimant, f"{FILE}/{did}/answer", {"text": "不同意"}), 403, "forbidden")
    answered = post(respondent, f"{FILE}/{did}/answer", {"text": "该域名为我方先行注册。"})
    assert answered.status_code == 200
    assert_problem(post(respondent, f"{FILE}/{did}/answer", {"text": "再答一次"}), 409)

    # Private negotiation.
    assert post(claimant, f"{FILE}/{did}/messages", {"body": SECRET_TERMS, "proposal": True}).status_code == 201
    assert [m["body"] for m in respondent.get(f"{FILE}/{did}/messages").json()] == [SECRET_TERMS]

    # Mediation: requested by either party; now the staff see the dispute, but not the thread without consent.
    assert post(respondent, f"{FILE}/{did}/mediation").json()["status"] == "mediation_requested"
    assert Notification.objects.filter(user=people["staff"], kind="disputes.dispute.mediation_requested").exists()
    assert staff.get(f"{FILE}/{did}").status_code == 200
    assert_problem(staff.get(f"{FILE}/{did}/messages"), 403, "forbidden")
    assert post(claimant, f"{FILE}/{did}/share", {"share": True}).json()["thread_shared"] is False
    assert_problem(staff.get(f"{FILE}/{did}/messages"), 403, "forbidden")  # one party's consent is not enough
    assert post(respondent, f"{FILE}/{did}/share", {"share": True}).json()["thread_shared"] is True
    assert [m["body"] for m in staff.get(f"{FILE}/{did}/messages").json()] == [SECRET_TERMS]

    # Conflict of interest: a representative of a party cannot mediate; the staff account can.
    refused = post(staff, f"{FILE}/{did}/mediator", {"mediator_id": people["member"].pk})
    assert assert_problem(refused, 422)["errors"][0]["field"] == "mediator"
    assert_problem(post(claimant, f"{FILE}/{did}/mediator", {"mediator_id": people["staff"].pk}), 403)
    assigned = post(staff, f"{FILE}/{did}/mediator", {"mediator_id": people["staff"].pk}).json()
    assert (assigned["status"], assigned["mediator_id"]) == ("mediating", people["staff"].pk)

    # The mediator acts only after declaring no conflict of interest, and only the assigned mediator acts.
    session = {"starts_at": (timezone.now() + timedelta(days=3)).isoformat(), "place": "昌平区互联网协会 302 室"}
    assert_problem(post(staff, f"{FILE}/{did}/sessions", session), 409, "invalid_transition")
    declared = post(staff, f"{FILE}/{did}/declaration", {"text": "本人与各方无利害关系。"}).json()
    assert declared["mediator_declaration"] == "本人与各方无利害关系。" and declared["mediator_declared_at"]
    assert_problem(post(client(people["superuser"]), f"{FILE}/{did}/sessions", session), 403, "forbidden")
    assert_problem(post(staff, f"{FILE}/{did}/sessions", {**session, "place": ""}), 422)
    created = post(staff, f"{FILE}/{did}/sessions", session)
    assert created.status_code == 201
    sid = created.json()["id"]
    assert post(staff, f"{FILE}/{did}/sessions/{sid}/minutes", {"minutes": "双方陈述意见。"}).status_code == 200
    assert_problem(post(staff, f"{FILE}/{did}/sessions/{sid}/minutes", {"minutes": "again"}), 409)

    # The agreement: both parties must confirm it.
    assert_problem(post(claimant, f"{FILE}/{did}/agreement", {"text": "x"}), 403)
    proposed = post(staff, f"{FILE}/{did}/agreement", {"text": "一、被申请人于三十日内停止使用该域名。"})
    assert proposed.json()["status"] == "agreement_proposed"
    assert post(claimant, f"{FILE}/{did}/confirm").json()["status"] == "agreement_proposed"
    assert_problem(post(claimant, f"{FILE}/{did}/confirm"), 409)
    assert_problem(client(people["third"]).post(f"{FILE}/{did}/confirm"), 404)
    done = post(respondent, f"{FILE}/{did}/confirm").json()
    assert done["status"] == "mediated" and done["closed_at"]

    # The PDF copy, for the parties and the staff; nobody else learns it exists.
    pdf = claimant.get(f"{FILE}/{did}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client(people["member"]).get(f"/disputes/{did}/agreement.pdf").content.startswith(b"%PDF")
    assert_problem(client(people["third"]).get(f"{FILE}/{did}/agreement.pdf"), 404)
    assert_problem(client(people["public"]).get(f"{FILE}/{did}/agreement.pdf"), 404)

    # The audit log records every step but never what the parties said to each other.
    actions = list(AuditEntry.objects.filter(action__startswith="disputes.").values_list("action", flat=True))
    assert actions[0] == "disputes.dispute.file" and actions[-1] == "disputes.dispute.confirm_agreement"
    assert "disputes.session.minutes" in actions
    assert not any(SECRET_TERMS in str((e.before, e.after, e.object_repr)) for e in AuditEntry.objects.all())


def test_negotiation_through_the_pages_settles_on_acceptance(people):
    claimant, respondent = client(people["member"]), client(people["other_member"])
    evidence = SimpleUploadedFile("证据.txt", "域名注册记录".encode(), content_type="text/plain")
    response = claimant.post(
        "/disputes/new",
        {
            "respondents": "CP-2026-0002",
            "subject": "合作款项争议",
            "facts": "事实",
            "request": "请求",
            "evidence": evidence,
        },
    )
    dispute = Dispute.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/disputes/{dispute.pk}/"
    page = claimant.get(f"/disputes/{dispute.pk}/").content.decode()
    assert "合作款项争议" in page and "证据.txt" in page
    assert "合作款项争议" in respondent.get("/disputes/").content.decode()

    # A proposal through the page; its author cannot accept it, the other party can, which settles the dispute.
    respondent.post(f"/disputes/{dispute.pk}/message", {"message-body": SECRET_TERMS, "message-proposal": "on"})
    message = dispute.messages.get()
    own = respondent.post(f"/disputes/{dispute.pk}/accept", {"message": message.pk}, follow=True)
    assert [m.message for m in own.context["messages"]][-1] == "You cannot accept your own proposal."
    dispute.refresh_from_db()
    assert dispute.status == "open"
    accepted = claimant.post(f"/disputes/{dispute.pk}/accept", {"message": message.pk}, follow=True)
    assert "You accepted the proposal." in [m.message for m in accepted.context["messages"]]
    dispute.refresh_from_db()
    assert (dispute.status, dispute.settled_terms) == ("settled", SECRET_TERMS)

    # The thread is the parties' own: another member, the staff, the public see nothing of the dispute.
    for role in ("third", "staff", "superuser", "supervisor", "public"):
        assert client(people[role]).get(f"/disputes/{dispute.pk}/").status_code == 404, role
    # Once closed, no more steps.
    closed = claimant.post(f"/disputes/{dispute.pk}/message", {"message-body": "还有一事"}, follow=True)
    assert [m.level_tag for m in closed.context["messages"]] == ["error"]


def test_mediation_through_the_staff_pages_and_failure_tells_of_other_remedies(people):
    claimant, staff = client(people["member"]), client(people["staff"])
    did = file_dispute(claimant)["id"]
    assert staff.get("/staff/disputes/").content.decode().count("域名使用争议") == 0
    claimant.post(f"/disputes/{did}/mediation")
    queue = staff.get("/staff/disputes/").content.decode()
    assert "域名使用争议" in queue
    detail = staff.get(f"/staff/disputes/{did}/").content.decode()
    assert 'id="thread-private"' in detail  # the parties have not consented

    staff.post(f"/staff/disputes/{did}/assign", {"assign-mediator": people["staff"].pk})
    staff.post(f"/staff/disputes/{did}/declare", {"declare-statement": "无利害关系"})
    starts = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    staff.post(
        f"/staff/disputes/{did}/session",
        {"session-starts_at": starts, "session-online_link": "https://meet.example.cn/1"},
    )
    session = Dispute.objects.get(pk=did).sessions.get()
    assert session.online_link == "https://meet.example.cn/1"
    staff.post(f"/staff/disputes/{did}/minutes", {"minutes-session": session.pk, "minutes-minutes": "未达成一致"})
    assert Dispute.objects.get(pk=did).sessions.get().minutes == "未达成一致"
    # A member cannot use the staff's steps.
    assert client(people["member"]).post(f"/staff/disputes/{did}/fail", {"fail-note": "x"}).status_code == 403
    staff.post(f"/staff/disputes/{did}/fail", {"fail-note": "双方分歧较大"})
    dispute = Dispute.objects.get(pk=did)
    assert dispute.status == "failed"
    notice = Notification.objects.get(user=people["other_member"], kind="disputes.dispute.failed")
    assert "other legal means" in notice.body  # stored in the site's language (English in these tests)
    page = claimant.get(f"/disputes/{did}/").content.decode()
    assert 'id="remedies"' in page and "other legal means" in page


def test_a_party_may_withdraw_at_any_time_and_the_dispute_ends(people):
    claimant, respondent = client(people["member"]), client(people["other_member"])
    did = file_dispute(claimant)["id"]
    _to_mediation(people, did)
    withdrawn = post(respondent, f"{FILE}/{did}/withdraw", {"text": "不愿继续"}).json()
    assert withdrawn["status"] == "withdrawn"
    assert Notification.objects.filter(user=people["member"], kind="disputes.dispute.withdrawn").exists()
    assert_problem(post(claimant, f"{FILE}/{did}/withdraw"), 409, "invalid_transition")
    assert_problem(post(claimant, f"{FILE}/{did}/messages", {"body": "x"}), 409)


@pytest.mark.parametrize(
    ("role", "body", "status", "field"),
    [
        ("anonymous", {}, 401, None),
        ("public", {}, 403, None),
        ("staff", {}, 403, None),
        ("supervisor", {}, 403, None),
        ("member", {"respondents": ["CP-2099-0001"]}, 422, "respondents"),
        ("member", {"respondents": ["CP-2026-0001"]}, 422, "respondents"),
        ("member", {"respondents": []}, 422, "respondents"),
        ("member", {"subject": " "}, 422, "subject"),
        ("member", {"facts": ""}, 422, "facts"),
    ],
)
def test_filing_refusals(people, role, body, status, field):
    from django.test import Client

    c = Client() if role == "anonymous" else client(people[role])
    payload = {"respondents": ["CP-2026-0002"], "subject": "s", "facts": "f", "request": "r", **body}
    problem = assert_problem(post(c, FILE, payload), status)
    if field:
        assert problem["errors"][0]["field"] == field
    assert not Dispute.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="disputes.").exists()


def test_only_aggregate_counts_are_public(people):
    claimant = client(people["member"])
    file_dispute(claimant)
    did = file_dispute(claimant, subject="第二件争议")["id"]
    post(claimant, f"{FILE}/{did}/withdraw")
    from django.test import Client

    counts = Client().get(f"{FILE}/stats").json()
    assert counts == {
        "filed": 2, "open": 1, "mediation": 0, "settled": 0, "mediated": 0, "failed": 0, "withdrawn": 1, "referred": 0,
    }  # fmt: skip
    page = Client().get("/transparency/").content.decode()
    assert 'id="dispute-counts"' in page and "域名使用争议" not in page and "第二件争议" not in page
    assert_problem(Client().get(f"{FILE}/{did}"), 401)
    assert Client().get(f"/disputes/{did}/").status_code == 302  # to sign-in


def test_evidence_is_downloadable_by_parties_only(people):
    claimant = client(people["member"])
    did = file_dispute(claimant)["id"]
    upload = SimpleUploadedFile("evidence.txt", b"registrar record", content_type="text/plain")
    response = claimant.post(f"{FILE}/{did}/evidence", {"files": [upload]})
    assert response.status_code == 200, response.content
    from zilu.core.files import files_of

    stored = files_of(Dispute.objects.get(pk=did), "evidence").get()
    assert client(people["other_member"]).get(f"/files/{stored.pk}").status_code == 200
    for role in ("third", "staff", "superuser", "public"):
        assert client(people[role]).get(f"/files/{stored.pk}").status_code == 404, role
