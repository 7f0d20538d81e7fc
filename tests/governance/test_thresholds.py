"""Art. 22 thresholds at their edges: one tenth of the member units to propose, two thirds of the whole electorate
to adopt, "以上" including the boundary; individual members are not member units."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.convention.helpers import published_v1
from tests.factories import UserFactory
from tests.governance.helpers import (
    end_window,
    make_individuals,
    make_units,
    open_vote,
    post,
    propose,
)
from tests.helpers import assert_problem
from zilu.core.models import AuditEntry
from zilu.core.roles import Role
from zilu.governance.models import Amendment, Ballot, Vote
from zilu.governance.tally import needed, tally
from zilu.members.models import Member

# (member units, co-signatures needed, agree-votes needed)
EDGES = [(30, 3, 20), (31, 4, 21), (9, 1, 6)]


# ------------------------------------------------------------------------------------------ pure counting


@pytest.mark.parametrize(
    ("total", "numerator", "denominator", "expected"),
    [
        (30, 1, 10, 3),
        (31, 1, 10, 4),
        (9, 1, 10, 1),
        (10, 1, 10, 1),
        (11, 1, 10, 2),
        (30, 2, 3, 20),
        (31, 2, 3, 21),
        (9, 2, 3, 6),
        (3, 2, 3, 2),
        (1, 2, 3, 1),
        (0, 2, 3, 1),
    ],
)
def test_needed(total, numerator, denominator, expected):
    assert needed(total, numerator, denominator) == expected
    if total:  # the smallest whole number that reaches the share, and one less does not
        assert expected * denominator >= numerator * total > (expected - 1) * denominator


def test_tally_counts_against_the_whole_electorate():
    result = tally([1, 2, 3, 4, 5, 6], {1: "agree", 2: "agree", 3: "agree", 4: "disagree", 9: "agree"}, 2, 3)
    assert (result.electorate, result.needed, result.agree, result.disagree, result.abstain, result.not_voted) == (
        6,
        4,
        3,
        1,
        0,
        2,
    )
    assert result.adopted is False  # 3 of 6 is not two thirds, though 3 of the 4 votes cast is
    assert result.roll == {"1": "agree", "2": "agree", "3": "agree", "4": "disagree"}  # 9 is not in the electorate


def test_tally_boundary_is_included():
    assert tally(range(1, 31), dict.fromkeys(range(1, 21), "agree"), 2, 3).adopted is True
    assert tally(range(1, 31), dict.fromkeys(range(1, 20), "agree"), 2, 3).adopted is False
    assert tally(range(1, 4), {1: "agree", 2: "abstain", 3: "abstain"}, 1, 3).adopted is True


def test_tally_of_nobody_adopts_nothing():
    result = tally([], {}, 2, 3)
    assert (result.electorate, result.needed, result.adopted, result.roll) == (0, 1, False, {})


# ------------------------------------------------------------------------------------------ through the API


@pytest.fixture
def staff(db):
    published_v1()
    return UserFactory(role=Role.STAFF)


@pytest.mark.django_db
@pytest.mark.parametrize(("units", "cosign_needed", "_agree"), EDGES)
def test_cosignature_threshold_edge(staff, units, cosign_needed, _agree):
    """One co-signature short stays collecting; the one that reaches one tenth makes the proposal proposed (with
    9 units the proposer's own signature is already the tenth)."""
    reps = make_units(units)
    response = propose(reps[0])
    assert response.status_code == 201, response.content
    data = response.json()
    number = data["number"]
    for rep in reps[1 : cosign_needed - 1]:
        response = post(rep, f"/amendments/{number}/cosign")
        assert response.status_code == 200, response.content
        data = response.json()
    if cosign_needed > 1:
        # One short: still collecting, with the count and the denominator of the check recorded.
        assert data["status"] == "collecting"
        assert data["threshold"]["count"] == cosign_needed - 1
        assert (data["threshold"]["denominator"], data["threshold"]["needed"]) == (units, cosign_needed)
        assert data["threshold"]["reached"] is False
        response = post(reps[cosign_needed - 1], f"/amendments/{number}/cosign")
        assert response.status_code == 200, response.content
        data = response.json()
    assert data["status"] == "proposed"
    assert data["cosignature_count"] == cosign_needed
    threshold = data["threshold"]
    assert threshold["checked_at"] is not None
    assert {k: v for k, v in threshold.items() if k != "checked_at"} == {
        "rule": "1/10",
        "denominator": units,
        "count": cosign_needed,
        "needed": cosign_needed,
        "reached": True,
    }
    # Once proposed, it collects no more.
    assert_problem(post(reps[cosign_needed], f"/amendments/{number}/cosign"), 409, "invalid_transition")


def _vote_on_staff_amendment(staff) -> int:
    response = propose(staff)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "proposed"  # the executing body needs no co-signatures
    response = open_vote(staff, f"/amendments/{response.json()['number']}/vote")
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.django_db
@pytest.mark.parametrize("short", [True, False], ids=["one-short", "exactly"])
@pytest.mark.parametrize(("units", "_cosign", "agree_needed"), EDGES)
def test_adoption_threshold_edge(staff, units, _cosign, agree_needed, short):
    """Two thirds of the whole electorate adopt, the boundary included; one agree-vote fewer does not, however
    few units voted against."""
    reps = make_units(units)
    vote_id = _vote_on_staff_amendment(staff)
    agree = agree_needed - 1 if short else agree_needed
    for rep in reps[:agree]:
        assert post(rep, f"/votes/{vote_id}/ballot", {"choice": "agree"}).status_code == 200
    post(reps[agree], f"/votes/{vote_id}/ballot", {"choice": "abstain"})
    end_window(vote_id)
    response = post(staff, f"/votes/{vote_id}/close")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["electorate_size"], data["needed"], data["agree"], data["abstain"]) == (units, agree_needed, agree, 1)
    assert data["not_voted"] == units - agree - 1
    assert data["result"] == ("rejected" if short else "adopted")
    amendment = Amendment.objects.get(vote__pk=vote_id)
    assert amendment.status == (Amendment.Status.REJECTED if short else Amendment.Status.ADOPTED)
    assert (amendment.new_version is None) is short


@pytest.mark.django_db
def test_individual_members_neither_count_nor_cosign_nor_vote(staff):
    """Individuals are not member units: not in the denominator, and their co-signature, proposal and vote are
    refused with a 403 problem that changes nothing."""
    reps = make_units(30)
    individuals = make_individuals(5)
    number = propose(reps[0]).json()["number"]
    entries = AuditEntry.objects.count()
    assert_problem(post(individuals[0], f"/amendments/{number}/cosign"), 403, "forbidden")
    assert_problem(propose(individuals[1]), 403, "forbidden")
    assert AuditEntry.objects.count() == entries
    data = post(reps[1], f"/amendments/{number}/cosign").json()
    assert (data["status"], data["threshold"]["denominator"], data["threshold"]["needed"]) == ("collecting", 30, 3)
    data = post(reps[2], f"/amendments/{number}/cosign").json()
    assert data["status"] == "proposed"  # 3 of 30 units: the individuals did not raise the bar to 4 of 35

    response = open_vote(staff, f"/amendments/{number}/vote")
    assert response.status_code == 201, response.content
    vote = response.json()
    assert (vote["electorate_size"], vote["needed"]) == (30, 20)
    assert all(entry["member_number"] < "CP-2026-9000" for entry in vote["roll"])
    entries = AuditEntry.objects.count()
    assert_problem(post(individuals[0], f"/votes/{vote['id']}/ballot", {"choice": "agree"}), 403, "forbidden")
    assert AuditEntry.objects.count() == entries
    assert not Ballot.objects.exists()


@pytest.mark.django_db
def test_a_vote_after_the_window_is_refused(staff):
    reps = make_units(9)
    vote_id = _vote_on_staff_amendment(staff)
    Vote.objects.filter(pk=vote_id).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert_problem(post(reps[0], f"/votes/{vote_id}/ballot", {"choice": "agree"}), 409, "invalid_transition")
    assert not Ballot.objects.exists()


@pytest.mark.django_db
def test_a_changed_vote_counts_once(staff):
    reps = make_units(9)
    vote_id = _vote_on_staff_amendment(staff)
    assert post(reps[0], f"/votes/{vote_id}/ballot", {"choice": "agree"}).json()["choice"] == "agree"
    assert post(reps[0], f"/votes/{vote_id}/ballot", {"choice": "disagree"}).json()["choice"] == "disagree"
    assert Ballot.objects.filter(vote_id=vote_id).count() == 1
    assert_problem(post(reps[1], f"/votes/{vote_id}/ballot", {"choice": "maybe"}), 422, "validation_error")
    end_window(vote_id)
    data = post(staff, f"/votes/{vote_id}/close").json()
    assert (data["agree"], data["disagree"], data["abstain"], data["not_voted"]) == (0, 1, 0, 8)
    assert [e["choice"] for e in data["roll"]] == ["disagree"] + [None] * 8


@pytest.mark.django_db
def test_a_unit_that_withdraws_during_the_window_stays_in_the_electorate(staff):
    """The electorate is the snapshot taken at opening: a withdrawal does not lower the denominator, so 19 agree
    of the 29 units still active do not adopt."""
    reps = make_units(30)
    vote_id = _vote_on_staff_amendment(staff)
    for rep in reps[:19]:
        post(rep, f"/votes/{vote_id}/ballot", {"choice": "agree"})
    Member.objects.filter(pk=reps[29].member_id).update(status=Member.Status.WITHDRAWN)
    end_window(vote_id)
    data = post(staff, f"/votes/{vote_id}/close").json()
    assert (data["electorate_size"], data["needed"], data["agree"], data["result"]) == (30, 20, 19, "rejected")
    assert "CP-2026-0030" in [e["member_number"] for e in data["roll"]]
