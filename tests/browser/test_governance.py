"""Convention governance in the browser: a member unit proposes an amendment, another co-signs it, the staff open
the vote, units vote (one changes its vote) and the staff close it with the result (Art. 21, 22)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.browser.helpers import t
from tests.convention.helpers import published_v1
from tests.governance.helpers import AMENDED_TEXT, make_units
from zilu.governance.models import Amendment, Ballot, Vote

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "修改第三条：增加开放原则"


def test_amendment_cosignatures_and_vote(browse, users):
    published_v1()
    units = make_units(12)  # with the conftest's two members: 14 units, one tenth is 2 co-signatures

    proposer = browse("unit 1", user=units[0]).open("/convention/amendments/")
    proposer.open("/convention/amendments/new")
    proposer.fill("title", TITLE).fill("reasons", "增加开放原则。").fill("text", AMENDED_TEXT)
    proposer.click(t("Propose"), exact=True)
    amendment = Amendment.objects.get()
    assert proposer.path == f"/convention/amendments/{amendment.number}/"
    assert amendment.status == Amendment.Status.COLLECTING
    proposer.sees(t("Amendment No. %(n)d is proposed.") % {"n": amendment.number}, TITLE)
    assert proposer.page.get_by_role("button", name=t("Co-sign for my unit")).count() == 0

    cosigner = browse("unit 2", user=units[1]).open("/convention/amendments/")
    cosigner.sees(TITLE)
    cosigner.open(f"/convention/amendments/{amendment.number}/")
    cosigner.click(t("Co-sign for my unit"))
    cosigner.sees(t("Your unit co-signed; the proposal now has enough co-signatures."))
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.PROPOSED and amendment.cosignatures.count() >= 1

    staff = browse("staff").open(f"/convention/amendments/{amendment.number}/")
    closes = timezone.localtime(timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    staff.fill("closes_at", closes)
    staff.click(t("Open the vote of the member units"))
    vote = Vote.objects.get(amendment=amendment)
    assert staff.path == f"/convention/votes/{vote.pk}/"
    staff.sees(t("The vote is open."))

    # two units vote in the browser, one changes its mind; the rest of the electorate through HTTP
    voter = browse("unit 3", user=units[2]).open(f"/convention/votes/{vote.pk}/")
    voter.fill("choice", "disagree")
    voter.click(t("Vote"), exact=True)
    voter.fill("choice", "agree")
    voter.click(t("Vote"), exact=True)
    cosigner.open(f"/convention/votes/{vote.pk}/")
    cosigner.fill("choice", "agree")
    cosigner.click(t("Vote"), exact=True)
    assert dict(Ballot.objects.filter(vote=vote).values_list("member__number", "choice")) == {
        units[2].member.number: "agree",
        units[1].member.number: "agree",
    }
    for user in [units[0], *units[3:], users["member"]]:
        client = Client()
        client.force_login(user)
        assert client.post(f"/convention/votes/{vote.pk}/", {"choice": "agree"}).status_code == 302

    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    staff.open(f"/convention/votes/{vote.pk}/")
    staff.click(t("Close the vote and apply the result"))
    staff.sees(t("The vote is closed: adopted."))
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.ADOPTED and amendment.new_version is not None

    proposer.open(f"/convention/amendments/{amendment.number}/")
    proposer.sees(amendment.get_status_display())
