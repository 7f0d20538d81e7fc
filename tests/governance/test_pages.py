"""Convention governance through the pages: an amendment from draft to a published new version (Art. 21, 22), an
annex (Art. 24), an interpretation (Art. 25), acknowledgement, and the refusals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.convention.helpers import published_v1
from tests.factories import MemberFactory, UserFactory
from tests.helpers import ARTICLE_3, ARTICLE_3_V2, draft_text
from zilu.convention.models import ConventionVersion
from zilu.core.roles import Role
from zilu.governance.models import Acknowledgement, Amendment, Annex, Ballot, CoSignature, Interpretation, Vote
from zilu.members.models import Member, Signature

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages; the site's default language is Chinese."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _units(n: int) -> list[Client]:
    """``n`` active member units, each with a signed-in representative's client."""
    clients = []
    for i in range(1, n + 1):
        member = MemberFactory(number=f"CP-2026-{i:04d}")
        clients.append(_client(UserFactory(role=Role.MEMBER, member=member)))
    return clients


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def _closes_at() -> str:
    return timezone.localtime(timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


def _end_window(vote: Vote) -> None:
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(minutes=1))


def _sign_v1(member: Member, version: ConventionVersion) -> None:
    Signature.objects.create(
        member=member, convention_version=version, convention_sha256=version.sha256, signer_name="张三",
        signer_capacity="legal_representative", responsible_person="李四", contact_phone="13800138000",
        signed_on=date(2021, 7, 15),
    )  # fmt: skip


@pytest.fixture
def setting():
    v1 = published_v1()
    units = _units(30)
    staff = _client(UserFactory(role=Role.STAFF))
    return v1, units, staff


def test_amendment_from_proposal_to_published_version(setting):
    v1, units, staff = setting
    _sign_v1(Member.objects.get(number="CP-2026-0030"), v1)

    # A member unit drafts, starting from the text in force.
    form = units[0].get("/convention/amendments/new")
    assert form.status_code == 200
    assert form.context["form"].initial["text"] == v1.text
    response = units[0].post(
        "/convention/amendments/new",
        {"title": "修改基本原则", "reasons": "增加公开原则。", "text": draft_text()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/convention/amendments/1/"
    amendment = Amendment.objects.get(number=1)
    assert amendment.status == Amendment.Status.COLLECTING
    listing = units[5].get("/convention/amendments/").content.decode()
    assert "修改基本原则" in listing and "1 of 3 co-signatures needed (十分之一以上)" in listing

    # Co-signatures: 3 of 30 units reach one tenth.
    detail = units[1].get("/convention/amendments/1/")
    assert detail.context["can_cosign"] and not units[0].get("/convention/amendments/1/").context["can_cosign"]
    units[1].post("/convention/amendments/1/cosign")
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.COLLECTING
    assert not staff.get("/convention/amendments/1/").context["can_open_vote"]
    response = units[2].post("/convention/amendments/1/cosign", follow=True)
    assert _messages(response)[0][0] == "success"
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.PROPOSED
    assert (amendment.threshold_count, amendment.threshold_denominator) == (3, 30)

    # The diff shows the change side by side.
    body = staff.get("/convention/amendments/1/").content.decode()
    assert 'class="diff"' in body and "公开" in body and "diff_add" in body

    # Staff open the vote.
    response = staff.post("/convention/amendments/1/open-vote", {"closes_at": _closes_at()}, follow=True)
    vote = Vote.objects.get(amendment=amendment)
    assert response.redirect_chain[-1][0] == f"/convention/votes/{vote.pk}/"
    assert response.context["count"]["needed"] == 20 and response.context["count"]["electorate"] == 30

    # 20 of 30 agree; one unit changes its vote, which counts once.
    assert units[20].post(f"/convention/votes/{vote.pk}/", {"choice": "disagree"}).status_code == 302
    page = units[20].get(f"/convention/votes/{vote.pk}/")
    assert page.context["can_cast"] and page.context["current_choice"] == "disagree"
    units[20].post(f"/convention/votes/{vote.pk}/", {"choice": "abstain"})
    for client in units[:20]:
        assert client.post(f"/convention/votes/{vote.pk}/", {"choice": "agree"}).status_code == 302
    assert Ballot.objects.filter(vote=vote).count() == 21
    page = staff.get(f"/convention/votes/{vote.pk}/")
    assert (page.context["count"]["agree"], page.context["count"]["abstain"]) == (20, 1)
    assert not page.context["can_close"]  # still open

    # After the window: a late vote is refused; staff close and apply.
    _end_window(vote)
    late = units[25].post(f"/convention/votes/{vote.pk}/", {"choice": "disagree"}, follow=True)
    assert _messages(late) == [("error", "The vote is not open.")]
    assert not Ballot.objects.filter(vote=vote, member__number="CP-2026-0026").exists()
    response = staff.post(f"/convention/votes/{vote.pk}/close", follow=True)
    assert _messages(response) == [("success", "The vote is closed: adopted.")]
    assert "Adopted" in response.content.decode()
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.ADOPTED
    v2 = amendment.new_version
    assert (v2.number, v2.status) == (2, ConventionVersion.Status.DRAFT)
    assert ARTICLE_3_V2 in v2.text
    assert 'href="/convention/v2"' in staff.get("/convention/amendments/1/").content.decode()
    listing = units[5].get("/convention/amendments/").content.decode()
    assert "20 of 30 units agreed" in listing

    # Staff publish v2 through the existing page; /convention now shows the amended text.
    staff.post("/staff/convention/v2/publish", {"published_on": ""})
    v2.refresh_from_db()
    assert v2.status == ConventionVersion.Status.PUBLISHED
    public = Client().get("/convention").content.decode()
    assert ARTICLE_3_V2 in public and ARTICLE_3 not in public
    assert '<span class="diff_add">' in Client().get("/convention/amendments/1/").content.decode()

    # A unit that signed v1 acknowledges v2.
    signer = units[29]
    assert signer.get("/convention/v2").context["can_acknowledge"]
    assert not units[0].get("/convention/v2").context["can_acknowledge"]  # never signed here
    signer.post("/convention/v2/acknowledge")
    assert Acknowledgement.objects.filter(member__number="CP-2026-0030", version=v2).exists()
    assert not signer.get("/convention/v2").context["can_acknowledge"]


def test_staff_amendment_goes_straight_to_the_vote_and_can_be_withdrawn(setting):
    _v1, units, staff = setting
    staff.post("/convention/amendments/new", {"title": "执行机构提案", "reasons": "理由", "text": draft_text()})
    amendment = Amendment.objects.get(number=1)
    assert amendment.status == Amendment.Status.PROPOSED and not amendment.cosignatures.exists()
    # Another unit may not withdraw it; the staff may.
    refused = units[0].post("/convention/amendments/1/withdraw", follow=True)
    assert _messages(refused)[0][0] == "error"
    staff.post("/convention/amendments/1/withdraw")
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.WITHDRAWN


def test_unchanged_text_is_a_field_error(setting):
    v1, units, _staff = setting
    response = units[0].post("/convention/amendments/new", {"title": "无变化", "reasons": "理由", "text": v1.text})
    assert response.status_code == 200
    assert "The text does not change anything." in response.context["form"].errors["text"]
    assert not Amendment.objects.exists()


def test_individual_member_neither_cosigns_nor_votes(setting):
    _v1, units, staff = setting
    individual = MemberFactory(kind=Member.Kind.INDIVIDUAL, uscc="", number="CP-2026-0099")
    person = _client(UserFactory(role=Role.MEMBER, member=individual))
    units[0].post("/convention/amendments/new", {"title": "提案", "reasons": "理由", "text": draft_text()})
    refused = person.post("/convention/amendments/1/cosign", follow=True)
    assert _messages(refused)[0][0] == "error"
    assert "Individual members" in _messages(refused)[0][1]
    assert CoSignature.objects.count() == 1
    units[1].post("/convention/amendments/1/cosign")
    units[2].post("/convention/amendments/1/cosign")
    staff.post("/convention/amendments/1/open-vote", {"closes_at": _closes_at()})
    vote = Vote.objects.get()
    assert not person.get(f"/convention/votes/{vote.pk}/").context["can_cast"]
    refused = person.post(f"/convention/votes/{vote.pk}/", {"choice": "agree"}, follow=True)
    assert _messages(refused)[0][0] == "error"
    assert not Ballot.objects.exists()


def test_annex_proposed_voted_adopted_with_its_adopters(setting):
    _v1, units, staff = setting
    assert units[0].get("/convention/annexes/new").status_code == 200
    response = units[0].post(
        "/convention/annexes/new", {"title": "直播行业自律协议", "sector": "网络直播", "text": "一、主播实名。"}
    )
    assert response["Location"] == "/convention/annexes/1/"
    assert "直播行业自律协议" in Client().get("/convention/annexes/").content.decode()
    response = staff.post("/convention/annexes/1/open-vote", {"closes_at": _closes_at()})
    vote = Vote.objects.get(annex__number=1)
    assert response["Location"] == f"/convention/votes/{vote.pk}/"
    for client in units[:20]:
        client.post(f"/convention/votes/{vote.pk}/", {"choice": "agree"})
    units[20].post(f"/convention/votes/{vote.pk}/", {"choice": "disagree"})
    _end_window(vote)
    staff.post(f"/convention/votes/{vote.pk}/close")
    annex = Annex.objects.get(number=1)
    assert annex.status == Annex.Status.ADOPTED and annex.published_on == timezone.localdate()
    page = Client().get("/convention/annexes/1/")
    assert [m.number for m in page.context["adopters"]] == [f"CP-2026-{i:04d}" for i in range(1, 21)]
    assert "主播实名" in page.content.decode()
    assert "直播行业自律协议" in Client().get("/convention/annexes/").content.decode()


def test_interpretation_shown_under_its_article(setting):
    _v1, units, staff = setting
    assert units[0].get("/staff/convention/interpretations/").status_code == 403
    bad = staff.post("/staff/convention/interpretations/", {"article": 99, "title": "无此条", "text": "文"})
    assert bad.status_code == 200 and bad.context["form"].errors["article"]
    response = staff.post(
        "/staff/convention/interpretations/", {"article": 3, "title": "关于公平原则", "text": "公平是指……"}
    )
    assert response.status_code == 302
    assert Interpretation.objects.get().article == 3
    body = Client().get("/convention").content.decode()
    position = body.index("关于公平原则")
    assert body.index('id="art-3"') < position < body.index('id="art-4"')
    assert "关于公平原则" in Client().get("/convention/v1").content.decode()
