"""The mediator's independence beyond its declaration (Art. 19): conflict checks against the parties'
representatives and past cases, recusal, and a party's objection decided by another member of staff; through the
API and the pages, for every role."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.disputes.helpers import FILE, client, file_dispute, number_members, post
from tests.factories import UserFactory
from tests.helpers import assert_problem
from zilu.core.models import AuditEntry, Notification
from zilu.core.roles import Role
from zilu.disputes.models import Dispute
from zilu.disputes.peoples import MediatorChallenge

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def people(users):
    return {**number_members(users), "staff2": UserFactory(role=Role.STAFF)}


def _requested(people, **overrides) -> int:
    did = file_dispute(client(people["member"]), **overrides)["id"]
    assert post(client(people["other_member"]), f"{FILE}/{did}/mediation").status_code == 200
    return did


def _assigned(people, mediator: str = "staff") -> int:
    did = _requested(people)
    staff = client(people["staff"])
    assert post(staff, f"{FILE}/{did}/mediator", {"mediator_id": people[mediator].pk}).status_code == 200
    assert post(client(people[mediator]), f"{FILE}/{did}/declaration", {"text": "无利害关系。"}).status_code == 200
    return did


def test_conflict_checks_bar_representatives_and_past_filers_and_disclose_past_mediations(people):
    staff = client(people["staff"])
    mediator = people["staff2"]
    # Named as a party's legal representative: barred.
    mediator.first_name, mediator.last_name = "明", "王"
    mediator.save(update_fields=["first_name", "last_name"])
    respondent = people["other_member"].member
    respondent.legal_representative = "王明"
    respondent.save(update_fields=["legal_representative"])
    did = _requested(people)
    problem = assert_problem(post(staff, f"{FILE}/{did}/mediator", {"mediator_id": mediator.pk}), 422)
    assert "legal representative" in problem["detail"] or problem.get("errors")
    page = staff.get(f"/staff/disputes/{did}/").content.decode()
    assert f'value="{mediator.pk}"' not in page  # not offered either
    respondent.legal_representative = ""
    respondent.save(update_fields=["legal_representative"])

    # A past mediation with a party: no bar, but disclosed to the parties, who see it on their page.
    first = Dispute.objects.get(pk=did)
    Dispute.objects.filter(pk=first.pk).update(mediator=mediator)
    second = _requested(people, subject="第二件争议")
    assigned = post(staff, f"{FILE}/{second}/mediator", {"mediator_id": mediator.pk}).json()
    assert assigned["mediator_disclosures"] == [f"Mediated dispute No. {first.number}, to which a party was party."]
    assert 'id="disclosures"' in client(people["member"]).get(f"/disputes/{second}/").content.decode()
    assert AuditEntry.objects.filter(action="disputes.dispute.assign_mediator").last().after["disclosures"]


def test_recusal_by_the_mediator(people):
    did = _assigned(people)
    for who in ("member", "other_member", "supervisor"):
        assert post(client(people[who]), f"{FILE}/{did}/recusal", {"reason": "x"}).status_code == 403
    assert post(client(people["staff2"]), f"{FILE}/{did}/recusal", {"reason": "x"}).status_code == 403  # not its own
    assert post(Client(), f"{FILE}/{did}/recusal", {"reason": "x"}).status_code == 401
    assert_problem(post(client(people["third"]), f"{FILE}/{did}/recusal", {"reason": "x"}), 403)
    recused = post(client(people["staff"]), f"{FILE}/{did}/recusal", {"reason": "本人曾为一方提供咨询。"})
    assert recused.status_code == 201 and recused.json()["status"] == "upheld"
    dispute = Dispute.objects.get(pk=did)
    assert (dispute.status, dispute.mediator_id) == (Dispute.Status.MEDIATION_REQUESTED, None)
    # The one who stood down cannot come back to this dispute.
    assert_problem(post(client(people["staff2"]), f"{FILE}/{did}/mediator", {"mediator_id": people["staff"].pk}), 422)
    assert post(client(people["staff"]), f"{FILE}/{did}/mediator",
                {"mediator_id": people["staff2"].pk}).status_code == 200  # fmt: skip
    assert Notification.objects.filter(user=people["member"], kind="disputes.dispute.mediator_stood_down").exists()
    challenges = client(people["other_member"]).get(f"{FILE}/{did}/challenges").json()
    assert [(c["kind"], c["status"]) for c in challenges] == [("recusal", "upheld")]
    assert_problem(client(people["third"]).get(f"{FILE}/{did}/challenges"), 404)


def test_a_party_objects_and_another_member_of_staff_decides(people):
    did = _assigned(people)
    member, mediator, other_staff = client(people["member"]), client(people["staff"]), client(people["staff2"])
    assert_problem(post(client(people["third"]), f"{FILE}/{did}/objections", {"reason": "x"}), 404)
    assert post(client(people["supervisor"]), f"{FILE}/{did}/objections", {"reason": "x"}).status_code == 403
    assert post(Client(), f"{FILE}/{did}/objections", {"reason": "x"}).status_code == 401
    objection = post(member, f"{FILE}/{did}/objections", {"reason": "调解员与对方负责人系同学。"})
    assert objection.status_code == 201, objection.content
    cid = objection.json()["id"]
    assert_problem(post(client(people["other_member"]), f"{FILE}/{did}/objections", {"reason": "y"}), 409)
    # While it is pending the mediator cannot act.
    assert_problem(post(mediator, f"{FILE}/{did}/agreement", {"text": "协议条款"}), 409)
    # The mediator does not decide an objection to itself; the parties and the supervising department neither.
    decision = {"uphold": False, "note": "同学关系不构成利害关系。"}
    assert_problem(post(mediator, f"{FILE}/{did}/objections/{cid}/decision", decision), 403)
    for who in ("member", "other_member", "supervisor"):
        assert post(client(people[who]), f"{FILE}/{did}/objections/{cid}/decision", decision).status_code == 403
    rejected = post(other_staff, f"{FILE}/{did}/objections/{cid}/decision", decision)
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert_problem(post(other_staff, f"{FILE}/{did}/objections/{cid}/decision", decision), 409)
    assert post(mediator, f"{FILE}/{did}/agreement", {"text": "协议条款"}).json()["status"] == "agreement_proposed"
    # A second objection, through the pages, is upheld: the mediator stands down and confirmations lapse.
    assert post(client(people["other_member"]), f"{FILE}/{did}/confirm").status_code == 200
    page = client(people["other_member"]).get(f"/disputes/{did}/").content.decode()
    assert 'id="object-form"' in page
    response = client(people["other_member"]).post(f"/disputes/{did}/peoples/object", {"object-reason": "新情况。"})
    assert response.status_code == 302
    second = MediatorChallenge.objects.get(dispute_id=did, status="pending")
    page = other_staff.get(f"/staff/disputes/{did}/").content.decode()
    assert "Decide the objection" in page
    assert "Decide the objection" not in mediator.get(f"/staff/disputes/{did}/").content.decode()
    response = other_staff.post(f"/staff/disputes/{did}/peoples/objection",
                                {"objection-challenge": second.pk, "objection-uphold": "uphold",
                                 "objection-note": "理由成立。"})  # fmt: skip
    assert response.status_code == 302
    dispute = Dispute.objects.get(pk=did)
    assert (dispute.status, dispute.mediator_id, dispute.agreement_text) == ("mediation_requested", None, "")
    assert not dispute.parties.filter(confirmed_agreement_at__isnull=False).exists()
    assert "disputes.mediator.decide_objection" in AuditEntry.objects.values_list("action", flat=True)
