"""Convention governance through the API: a whole amendment from proposal to the new draft version, an annex, an
interpretation, who may do what, and ``zilu votes verify``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests.convention.helpers import V1_TEXT, published_v1
from tests.factories import UserFactory
from tests.governance.helpers import (
    AMENDED_TEXT,
    API,
    client_of,
    end_window,
    make_units,
    open_vote,
    post,
    propose,
)
from tests.helpers import assert_problem
from zilu.convention.models import ConventionVersion
from zilu.convention.parser import canonical_text
from zilu.core import deadlines
from zilu.core.models import AuditEntry
from zilu.core.roles import Role
from zilu.governance.models import Amendment, Annex, Ballot, Interpretation, Vote

anonymous = Client()


@pytest.fixture
def staff(db):
    published_v1()
    return UserFactory(role=Role.STAFF)


def _closed_vote(staff, reps, choices: list[str]) -> int:
    """A staff amendment put to the vote of ``reps``' units, cast as ``choices``, then closed."""
    number = propose(staff).json()["number"]
    vote_id = open_vote(staff, f"/amendments/{number}/vote").json()["id"]
    for rep, choice in zip(reps, choices, strict=False):
        assert post(rep, f"/votes/{vote_id}/ballot", {"choice": choice}).status_code == 200
    end_window(vote_id)
    assert post(staff, f"/votes/{vote_id}/close").status_code == 200
    return vote_id


# ------------------------------------------------------------------------------------------ a whole amendment


@pytest.mark.django_db
def test_a_member_units_amendment_from_proposal_to_new_draft_version(staff):
    reps = make_units(30)
    v1 = ConventionVersion.objects.get(number=1)

    # A member unit proposes: the whole amended text, its own co-signature first.
    response = propose(reps[0])
    assert response.status_code == 201, response.content
    data = response.json()
    number = data["number"]
    assert (data["status"], data["base_version"], data["cosignature_count"], data["new_version"]) == (
        "collecting",
        v1.number,
        1,
        None,
    )
    assert data["proposer"] == {"member_number": "CP-2026-0001", "member_name": reps[0].member.name}
    assert data["text"] == canonical_text(AMENDED_TEXT)
    assert_problem(post(reps[0], f"/amendments/{number}/cosign"), 409, "duplicate")  # once per unit

    # Co-signatures reach the tenth: 3 of 30.
    post(reps[1], f"/amendments/{number}/cosign")
    data = post(reps[2], f"/amendments/{number}/cosign").json()
    assert data["status"] == "proposed"
    assert [c["member_number"] for c in data["cosignatures"]] == ["CP-2026-0001", "CP-2026-0002", "CP-2026-0003"]
    assert anonymous.get(f"{API}/amendments").json()[0]["number"] == number  # proposals are public

    # Only staff open the vote, and only with a closing time in the future.
    assert_problem(open_vote(reps[0], f"/amendments/{number}/vote"), 403, "forbidden")
    assert_problem(open_vote(staff, f"/amendments/{number}/vote", minutes=-5), 422, "validation_error")
    response = open_vote(staff, f"/amendments/{number}/vote")
    assert response.status_code == 201, response.content
    vote = response.json()
    vote_id = vote["id"]
    assert (vote["status"], vote["amendment"], vote["electorate_size"], vote["needed"], vote["rule"]) == (
        "open",
        number,
        30,
        20,
        "2/3",
    )
    assert vote["result"] is None
    assert anonymous.get(f"{API}/amendments/{number}").json()["vote_id"] == vote_id

    # Twenty units agree, two disagree; staff cannot vote; closing before the window ends is refused.
    for rep in reps[:20]:
        assert post(rep, f"/votes/{vote_id}/ballot", {"choice": "agree"}).status_code == 200
    for rep in reps[20:22]:
        post(rep, f"/votes/{vote_id}/ballot", {"choice": "disagree"})
    assert_problem(post(staff, f"/votes/{vote_id}/ballot", {"choice": "agree"}), 403, "forbidden")
    assert_problem(post(staff, f"/votes/{vote_id}/close"), 409, "invalid_transition")
    live = anonymous.get(f"{API}/votes/{vote_id}").json()
    assert (live["agree"], live["disagree"], live["not_voted"], live["result"]) == (20, 2, 8, None)

    end_window(vote_id)
    assert_problem(post(reps[0], f"/votes/{vote_id}/close"), 403, "forbidden")
    response = post(staff, f"/votes/{vote_id}/close")
    assert response.status_code == 200, response.content
    result = response.json()
    assert (result["status"], result["result"], result["agree"], result["disagree"]) == ("closed", "adopted", 20, 2)
    roll = {e["member_number"]: e["choice"] for e in result["roll"]}
    assert roll["CP-2026-0001"] == "agree" and roll["CP-2026-0021"] == "disagree" and roll["CP-2026-0030"] is None
    assert result["roll"][0]["member_name"] == reps[0].member.name
    assert_problem(post(staff, f"/votes/{vote_id}/close"), 409, "invalid_transition")  # once
    assert_problem(post(reps[22], f"/votes/{vote_id}/ballot", {"choice": "agree"}), 409, "invalid_transition")

    # The adopted amendment is a new draft version: amended text, effective today, Art. 21 deadline computed.
    detail = anonymous.get(f"{API}/amendments/{number}").json()
    assert (detail["status"], detail["new_version"]) == ("adopted", 2)
    v2 = ConventionVersion.objects.get(number=2)
    assert (v2.status, v2.text, v2.effective_date) == (
        ConventionVersion.Status.DRAFT,
        canonical_text(AMENDED_TEXT),
        timezone.localdate(),
    )
    expected = deadlines.compute(timezone.localdate(), days=30)  # provisional past the official holiday calendar
    assert v2.art21_deadline == v2.publication_deadline == expected.day
    assert v2.deadline_provisional == expected.provisional
    assert detail["new_version_effective_date"] == timezone.localdate().isoformat()
    assert detail["new_version_publication_deadline"] == expected.day.isoformat()
    assert detail["new_version_deadline_provisional"] == expected.provisional
    assert Amendment.objects.get(number=number).new_version == v2
    # Still a draft: the version in force is v1, and the public does not see v2.
    assert anonymous.get(f"{API}/current").json()["number"] == 1
    assert anonymous.get(f"{API}/versions/2").status_code == 404

    # Staff publish it through the API (a representative may not); it is then the version in force.
    assert_problem(post(reps[0], "/versions/2/publish", {}), 404, "not_found")  # a draft is invisible to members
    published = post(staff, "/versions/2/publish", {})
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert anonymous.get(f"{API}/current").json()["number"] == 2

    # The published result verifies against the audit log.
    call_command("votes", "verify", str(vote_id))


@pytest.mark.django_db
def test_proposals_are_validated_and_withdrawn_by_the_proposer_or_staff(staff):
    reps = make_units(30)
    response = propose(reps[0], text=V1_TEXT)
    body = assert_problem(response, 422, "validation_error")
    assert [e["code"] for e in body["errors"]] == ["unchanged"]
    response = post(reps[0], "/amendments", {"title": "", "reasons": "", "text": "不是公约"})
    assert {e["field"] for e in assert_problem(response, 422, "validation_error")["errors"]} == {
        "title",
        "reasons",
        "text",
    }
    assert_problem(propose(UserFactory(role=Role.PUBLIC)), 403, "forbidden")
    assert_problem(propose(UserFactory(role=Role.SUPERVISOR)), 403, "forbidden")
    assert anonymous.post(f"{API}/amendments", {}, content_type="application/json").status_code == 401

    first = propose(reps[0]).json()["number"]
    assert_problem(post(reps[1], f"/amendments/{first}/withdraw"), 403, "forbidden")  # not the proposer
    assert post(reps[0], f"/amendments/{first}/withdraw").json()["status"] == "withdrawn"
    assert_problem(post(reps[1], f"/amendments/{first}/cosign"), 409, "invalid_transition")
    second = propose(reps[1], title="再改第三条").json()["number"]
    assert post(staff, f"/amendments/{second}/withdraw").json()["status"] == "withdrawn"
    assert_problem(open_vote(staff, f"/amendments/{second}/vote"), 409, "invalid_transition")
    assert [a["status"] for a in anonymous.get(f"{API}/amendments").json()] == ["withdrawn", "withdrawn"]
    assert anonymous.get(f"{API}/amendments", {"status": "proposed"}).json() == []
    assert_problem(anonymous.get(f"{API}/amendments/99"), 404, "not_found")
    assert_problem(anonymous.get(f"{API}/votes/99"), 404, "not_found")


# ------------------------------------------------------------------------------------------ annexes, interpretations


@pytest.mark.django_db
def test_an_annex_is_adopted_with_the_units_that_agreed(staff):
    reps = make_units(9)
    response = post(
        reps[0], "/annexes", {"title": "网络直播自律协议", "sector": "网络直播", "text": "第一条 文明直播。"}
    )
    assert response.status_code == 201, response.content
    annex = response.json()
    assert (annex["number"], annex["status"], annex["proposer"]["member_number"], annex["adopters"]) == (
        1,
        "proposed",
        "CP-2026-0001",
        [],
    )
    assert_problem(post(staff, "/annexes", {"title": "x", "sector": "y", "text": "z"}), 403, "forbidden")
    assert_problem(open_vote(reps[0], "/annexes/1/vote"), 403, "forbidden")
    response = open_vote(staff, "/annexes/1/vote")
    assert response.status_code == 201, response.content
    vote = response.json()
    assert (vote["annex"], vote["amendment"], vote["electorate_size"], vote["needed"]) == (1, None, 9, 6)
    assert_problem(open_vote(staff, "/annexes/1/vote"), 409, "invalid_transition")
    for rep in reps[:7]:
        post(rep, f"/votes/{vote['id']}/ballot", {"choice": "agree"})
    post(reps[7], f"/votes/{vote['id']}/ballot", {"choice": "disagree"})
    end_window(vote["id"])
    assert post(staff, f"/votes/{vote['id']}/close").json()["result"] == "adopted"

    annex = anonymous.get(f"{API}/annexes/1").json()
    assert (annex["status"], annex["published_on"], annex["vote_id"]) == (
        "adopted",
        timezone.localdate().isoformat(),
        vote["id"],
    )
    assert [a["member_number"] for a in annex["adopters"]] == [f"CP-2026-{i:04d}" for i in range(1, 8)]
    assert anonymous.get(f"{API}/annexes").json() == [annex]
    assert Annex.objects.get(number=1).status == Annex.Status.ADOPTED
    assert_problem(anonymous.get(f"{API}/annexes/9"), 404, "not_found")


@pytest.mark.django_db
def test_interpretations_are_published_by_staff_and_listed(staff):
    reps = make_units(1)
    payload = {"article": 3, "title": "关于“公平”的解释", "text": "公平，指……"}
    assert_problem(post(reps[0], "/interpretations", payload), 403, "forbidden")
    body = assert_problem(post(staff, "/interpretations", {**payload, "article": 99}), 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == ["article"]
    response = post(staff, "/interpretations", payload)
    assert response.status_code == 201, response.content
    assert response.json() == {**payload, "number": 1, "published_on": timezone.localdate().isoformat()}
    post(staff, "/interpretations", {**payload, "article": 1, "title": "关于适用范围"})
    listed = anonymous.get(f"{API}/interpretations").json()
    assert [(i["number"], i["article"]) for i in listed] == [(2, 1), (1, 3)]
    assert [i["number"] for i in anonymous.get(f"{API}/interpretations", {"article": 3}).json()] == [1]
    assert Interpretation.objects.get(number=1).published_by == staff


# ------------------------------------------------------------------------------------------ zilu votes verify


@pytest.mark.django_db
def test_votes_verify_confirms_a_closed_vote(staff, capsys):
    reps = make_units(9)
    vote_id = _closed_vote(staff, reps, ["agree"] * 6 + ["disagree", "abstain"])
    call_command("votes", "verify", str(vote_id))
    out = capsys.readouterr().out
    assert f"vote {vote_id} verified" in out and "agree 6" in out and "adopted True" in out


@pytest.mark.django_db
def test_votes_verify_detects_a_tampered_ballot(staff):
    reps = make_units(9)
    vote_id = _closed_vote(staff, reps, ["agree"] * 6 + ["disagree"])
    Ballot.objects.filter(vote_id=vote_id, member=reps[6].member).update(choice="agree")
    with pytest.raises(CommandError, match="NOT verified"):
        call_command("votes", "verify", str(vote_id))


@pytest.mark.django_db
def test_votes_verify_detects_a_ballot_tampered_before_closing(staff):
    """A ballot row changed behind the audit log's back while the vote is open: the published result then follows
    the tampered row, and the recount from the audit log disagrees with it."""
    reps = make_units(9)
    number = propose(staff).json()["number"]
    vote_id = open_vote(staff, f"/amendments/{number}/vote").json()["id"]
    for rep in reps[:5]:
        post(rep, f"/votes/{vote_id}/ballot", {"choice": "agree"})
    post(reps[5], f"/votes/{vote_id}/ballot", {"choice": "disagree"})
    Ballot.objects.filter(vote_id=vote_id, member=reps[5].member).update(choice="agree")
    end_window(vote_id)
    assert post(staff, f"/votes/{vote_id}/close").json()["result"] == "adopted"
    with pytest.raises(CommandError, match="differs from the recount"):
        call_command("votes", "verify", str(vote_id))


@pytest.mark.django_db
def test_votes_verify_detects_a_tampered_result(staff):
    reps = make_units(9)
    vote_id = _closed_vote(staff, reps, ["agree"] * 5)
    vote = Vote.objects.get(pk=vote_id)
    assert vote.result["adopted"] is False
    vote.result = {**vote.result, "agree": 6, "adopted": True}
    vote.save(update_fields=["result"])
    with pytest.raises(CommandError, match="differs from the recount"):
        call_command("votes", "verify", str(vote_id))


@pytest.mark.django_db
def test_votes_verify_detects_a_tampered_electorate(staff):
    reps = make_units(9)
    vote_id = _closed_vote(staff, reps, ["agree"] * 6)
    Vote.objects.filter(pk=vote_id).update(electorate=[r.member_id for r in reps[:8]])
    with pytest.raises(CommandError, match="electorate snapshot"):
        call_command("votes", "verify", str(vote_id))


@pytest.mark.django_db
def test_votes_verify_refuses_an_open_or_missing_vote(staff):
    make_units(3)
    number = propose(staff).json()["number"]
    vote_id = open_vote(staff, f"/amendments/{number}/vote").json()["id"]
    with pytest.raises(CommandError, match="no published result"):
        call_command("votes", "verify", str(vote_id))
    with pytest.raises(CommandError, match="no vote"):
        call_command("votes", "verify", "999")


@pytest.mark.django_db
def test_casts_are_audited_with_unit_choice_and_time(staff):
    reps = make_units(3)
    number = propose(staff).json()["number"]
    vote_id = open_vote(staff, f"/amendments/{number}/vote").json()["id"]
    client_of(reps[0]).post(f"{API}/votes/{vote_id}/ballot", {"choice": "abstain"}, content_type="application/json")
    entry = AuditEntry.objects.filter(action="convention.vote.cast").get()
    assert (entry.object_id, entry.after["member"], entry.after["choice"], entry.after["changed"]) == (
        str(vote_id),
        reps[0].member_id,
        "abstain",
        False,
    )
    assert date.fromisoformat(entry.after["cast_at"][:10]) <= timezone.localdate() + timedelta(days=1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/amendments",
        "/amendments/1/cosign",
        "/amendments/1/withdraw",
        "/amendments/1/vote",
        "/votes/1/ballot",
        "/votes/1/close",
        "/annexes",
        "/annexes/1/vote",
        "/interpretations",
    ],
)
def test_every_state_change_needs_a_signed_in_user(staff, path):
    entries = AuditEntry.objects.count()
    assert_problem(anonymous.post(API + path, {}, content_type="application/json"), 401, "unauthenticated")
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PUBLIC, Role.SUPERVISOR, Role.STAFF])
def test_only_member_units_cosign_and_vote(staff, role):
    reps = make_units(30)
    number = propose(reps[0]).json()["number"]
    other = UserFactory(role=role)
    assert_problem(post(other, f"/amendments/{number}/cosign"), 403, "forbidden")
    if role != Role.STAFF:  # staff may withdraw any proposal
        assert_problem(post(other, f"/amendments/{number}/withdraw"), 403, "forbidden")
    post(reps[1], f"/amendments/{number}/cosign")
    post(reps[2], f"/amendments/{number}/cosign")
    vote_id = open_vote(staff, f"/amendments/{number}/vote").json()["id"]
    assert_problem(post(other, f"/votes/{vote_id}/ballot", {"choice": "agree"}), 403, "forbidden")
    assert not Ballot.objects.exists()
