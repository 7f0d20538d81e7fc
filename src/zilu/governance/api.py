"""API of convention governance: amendments and co-signatures (Art. 22), votes of the member units, annexes
(Art. 24) and interpretations (Art. 25), mounted under ``/api/v1/convention`` beside the convention's own router.
Thin endpoints: every state change is an action in :mod:`zilu.governance.actions`; refusals become problem details
through the DomainError handler. Each operation keeps the id it had when this router lived in the convention app
(``zilu_convention_governance_api_*``): member systems' generated clients are built on them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from zilu.core.actors import Actor
from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id, Moment
from zilu.core.deadlines import at_least_fraction
from zilu.core.roles import signed_in
from zilu.core.workflow import access
from zilu.governance import actions
from zilu.governance.models import Amendment, Annex, Interpretation, Vote
from zilu.governance.tally import COSIGN_RULE, needed
from zilu.members.models import Member

# One router per prefix under /api/v1/convention/, all under the "convention governance" tag.
TAGS = ["convention governance"]
amendments_router = Router(tags=TAGS)
votes_router = Router(tags=TAGS)
annexes_router = Router(tags=TAGS)
interpretations_router = Router(tags=TAGS)
Article = Annotated[int, Field(ge=1, le=32767)]  # an article's number (a PositiveSmallIntegerField)
ROUTERS = {
    "/amendments": amendments_router,
    "/votes": votes_router,
    "/annexes": annexes_router,
    "/interpretations": interpretations_router,
}


# ------------------------------------------------------------------------------------------ shared pieces


class MemberRefOut(Schema):
    member_number: str | None
    member_name: str


def _member_ref(member: Member) -> dict[str, Any]:
    return {"member_number": member.number, "member_name": member.name}


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class ClosesAtIn(Schema):
    closes_at: Moment = Field(description="end of the voting window (ISO 8601; naive times are local time)")


# ------------------------------------------------------------------------------------------ amendments (Art. 22)


class ThresholdOut(Schema):
    rule: str = Field(description="co-signatures needed, as a share of the member units (Art. 22: 1/10)")
    checked_at: datetime | None
    denominator: int | None = Field(description="active member units when the threshold was last checked")
    count: int | None = Field(description="co-signatures of member units counted at that check")
    needed: int | None = Field(description="the smallest whole number of units that reaches the share")
    reached: bool


class CoSignatureOut(MemberRefOut):
    signed_at: datetime


class AmendmentSummaryOut(Schema):
    number: int
    title: str
    status: str
    base_version: int
    proposer: MemberRefOut | None = Field(description="the proposing member unit; null for the executing body")
    cosignature_count: int
    threshold: ThresholdOut
    vote_id: int | None
    new_version: int | None = Field(description="the draft version made when the amendment was adopted")
    created_at: datetime


class AmendmentOut(AmendmentSummaryOut):
    reasons: str
    text: str
    cosignatures: list[CoSignatureOut]
    new_version_effective_date: date | None
    new_version_publication_deadline: date | None = Field(description="Art. 21: published within 30 days")
    new_version_deadline_provisional: bool | None = Field(
        description="the publication deadline lies beyond the official holiday calendar"
    )


class AmendmentIn(Schema):
    title: str
    reasons: str
    text: str = Field(description="the whole amended text of the version in force")


def _amendments(actor: Actor) -> Any:
    return (
        Amendment.objects.restrict(actor)
        .select_related("base_version", "new_version", "proposer_member", "vote")
        .annotate(n_cosignatures=Count("cosignatures"))
    )


def _vote_id(obj: Amendment | Annex) -> int | None:
    try:
        return obj.vote.pk
    except Vote.DoesNotExist:
        return None


def _amendment_summary(amendment: Amendment) -> dict[str, Any]:
    denominator, count = amendment.threshold_denominator, amendment.threshold_count
    count_of = getattr(amendment, "n_cosignatures", None)
    return {
        "number": amendment.number,
        "title": amendment.title,
        "status": amendment.status,
        "base_version": amendment.base_version.number,
        "proposer": _member_ref(amendment.proposer_member) if amendment.proposer_member else None,
        "cosignature_count": count_of if count_of is not None else amendment.cosignatures.count(),
        "threshold": {
            "rule": "{}/{}".format(*COSIGN_RULE),
            "checked_at": amendment.threshold_checked_at,
            "denominator": denominator,
            "count": count,
            "needed": needed(denominator, *COSIGN_RULE) if denominator is not None else None,
            "reached": bool(denominator and count is not None and at_least_fraction(count, denominator, *COSIGN_RULE)),
        },
        "vote_id": _vote_id(amendment),
        "new_version": amendment.new_version.number if amendment.new_version else None,
        "created_at": amendment.created_at,
    }


def _amendment_detail(actor: Actor, number: int) -> dict[str, Any]:
    amendment = access(_amendments(actor), number=number)
    cosignatures = amendment.cosignatures.select_related("member").order_by("created_at", "pk")
    new = amendment.new_version
    return {
        **_amendment_summary(amendment),
        "reasons": amendment.reasons,
        "text": amendment.text,
        "cosignatures": [{**_member_ref(c.member), "signed_at": c.created_at} for c in cosignatures],
        "new_version_effective_date": new.effective_date if new else None,
        "new_version_publication_deadline": new.art21_deadline if new else None,
        "new_version_deadline_provisional": new.deadline_provisional if new else None,
    }


@amendments_router.get(
    "",
    response=list[AmendmentSummaryOut],
    auth=None,
    summary="Amendment proposals (Art. 22)",
    operation_id="zilu_convention_governance_api_amendments",
)
def amendments(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    qs = _amendments(request.user)
    if status:
        qs = qs.filter(status=status)
    return [_amendment_summary(a) for a in qs[:500]]


@amendments_router.post(
    "",
    response={201: AmendmentOut},
    auth=SIGNED_IN,
    summary="Propose an amendment",
    description="Staff (the executing body) propose directly; a member unit's proposal collects co-signatures, "
    "its own first, until one tenth of the member units have signed.",
    operation_id="zilu_convention_governance_api_propose_amendment",
)
def propose_amendment(request: HttpRequest, payload: AmendmentIn) -> Status[dict[str, Any]]:
    amendment = actions.do_propose_amendment(
        signed_in(request), title=payload.title, reasons=payload.reasons, text=payload.text
    )
    return Status(201, _amendment_detail(request.user, amendment.number))


@amendments_router.get(
    "/{number}",
    response=AmendmentOut,
    auth=None,
    summary="One amendment, with its threshold",
    operation_id="zilu_convention_governance_api_amendment",
)
def amendment(request: HttpRequest, number: Id) -> dict[str, Any]:
    return _amendment_detail(request.user, number)


@amendments_router.post(
    "/{number}/cosign",
    response=AmendmentOut,
    auth=SIGNED_IN,
    summary="Co-sign (member unit)",
    operation_id="zilu_convention_governance_api_cosign",
)
def cosign(request: HttpRequest, number: Id) -> dict[str, Any]:
    actions.do_cosign(signed_in(request), number)
    return _amendment_detail(request.user, number)


@amendments_router.post(
    "/{number}/withdraw",
    response=AmendmentOut,
    auth=SIGNED_IN,
    summary="Withdraw (proposer or staff)",
    operation_id="zilu_convention_governance_api_withdraw_amendment",
)
def withdraw_amendment(request: HttpRequest, number: Id) -> dict[str, Any]:
    actions.do_withdraw_amendment(signed_in(request), number)
    return _amendment_detail(request.user, number)


# ------------------------------------------------------------------------------------------ votes


class RollEntryOut(MemberRefOut):
    choice: str | None = Field(description="agree, disagree, abstain, or null when the unit has not voted")


class VoteOut(Schema):
    id: int
    amendment: int | None
    annex: int | None
    status: str
    rule: str = Field(description="agree-votes needed, as a share of the whole electorate")
    opens_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    electorate_size: int
    electorate_hash: str
    needed: int
    agree: int
    disagree: int
    abstain: int
    not_voted: int
    roll: list[RollEntryOut]
    result: str | None = Field(description="adopted or rejected once the vote is closed; null while it is open")


class BallotIn(Schema):
    choice: str = Field(description="agree, disagree or abstain")


class BallotOut(Schema):
    vote_id: int
    member_number: str | None
    choice: str
    cast_at: datetime


def _vote_detail(actor: Actor, vote_id: int) -> dict[str, Any]:
    vote = access(Vote.objects.restrict(actor).select_related("amendment", "annex"), vote_id)
    counted: dict[str, Any] = vote.result if vote.result is not None else actions.current_tally(vote).as_dict()
    roll: dict[str, str] = counted["roll"]
    members = Member.objects.in_bulk(vote.electorate)
    entries = [
        {"member_number": m.number, "member_name": m.name, "choice": roll.get(str(pk))}
        for pk in vote.electorate
        if (m := members.get(pk)) is not None
    ]
    entries.sort(key=lambda e: e["member_number"] or "")
    return {
        "id": vote.pk,
        "amendment": vote.amendment.number if vote.amendment else None,
        "annex": vote.annex.number if vote.annex else None,
        "status": vote.status,
        "rule": f"{vote.rule_numerator}/{vote.rule_denominator}",
        "opens_at": vote.opens_at,
        "closes_at": vote.closes_at,
        "closed_at": vote.closed_at,
        "electorate_size": counted["electorate"],
        "electorate_hash": vote.electorate_hash,
        "needed": counted["needed"],
        "agree": counted["agree"],
        "disagree": counted["disagree"],
        "abstain": counted["abstain"],
        "not_voted": counted["not_voted"],
        "roll": entries,
        "result": None if vote.result is None else ("adopted" if vote.result["adopted"] else "rejected"),
    }


@amendments_router.post(
    "/{number}/vote",
    response={201: VoteOut},
    auth=SIGNED_IN,
    summary="Open the vote (staff)",
    operation_id="zilu_convention_governance_api_open_amendment_vote",
)
def open_amendment_vote(request: HttpRequest, number: Id, payload: ClosesAtIn) -> Status[dict[str, Any]]:
    vote = actions.do_open_amendment_vote(signed_in(request), number, closes_at=_aware(payload.closes_at))
    return Status(201, _vote_detail(request.user, vote.pk))


@votes_router.get(
    "/{vote_id}",
    response=VoteOut,
    auth=None,
    summary="A vote: electorate, counts and roll",
    operation_id="zilu_convention_governance_api_vote",
)
def vote(request: HttpRequest, vote_id: Id) -> dict[str, Any]:
    return _vote_detail(request.user, vote_id)


@votes_router.post(
    "/{vote_id}/ballot",
    response=BallotOut,
    auth=SIGNED_IN,
    summary="Vote (member unit)",
    operation_id="zilu_convention_governance_api_cast",
)
def cast(request: HttpRequest, vote_id: Id, payload: BallotIn) -> dict[str, Any]:
    ballot = actions.do_cast(signed_in(request), vote_id, payload.choice)
    return {
        "vote_id": ballot.vote_id,
        "member_number": ballot.member.number,
        "choice": ballot.choice,
        "cast_at": ballot.cast_at,
    }


@votes_router.post(
    "/{vote_id}/close",
    response=VoteOut,
    auth=SIGNED_IN,
    summary="Close and apply (staff)",
    operation_id="zilu_convention_governance_api_close",
)
def close(request: HttpRequest, vote_id: Id) -> dict[str, Any]:
    actions.do_close_vote(signed_in(request), vote_id)
    return _vote_detail(request.user, vote_id)


# ------------------------------------------------------------------------------------------ annexes (Art. 24)


class AnnexIn(Schema):
    title: str
    sector: str
    text: str


class AnnexOut(Schema):
    number: int
    title: str
    sector: str
    text: str
    status: str
    proposer: MemberRefOut
    published_on: date | None
    vote_id: int | None
    adopters: list[MemberRefOut] = Field(description="the member units that agreed, once adopted")


def _annex_detail(annex: Annex) -> dict[str, Any]:
    vote_id = _vote_id(annex)
    adopters = [_member_ref(m) for m in annex.adopters().order_by("number")]
    return {
        "number": annex.number,
        "title": annex.title,
        "sector": annex.sector,
        "text": annex.text,
        "status": annex.status,
        "proposer": _member_ref(annex.proposer_member),
        "published_on": annex.published_on,
        "vote_id": vote_id,
        "adopters": adopters,
    }


def _annexes(actor: Actor) -> Any:
    return Annex.objects.restrict(actor).select_related("proposer_member", "vote")


def _annex(actor: Actor, number: int) -> Annex:
    return access(_annexes(actor), number=number)


@annexes_router.get(
    "",
    response=list[AnnexOut],
    auth=None,
    summary="Annexes: sub-sector agreements (Art. 24)",
    operation_id="zilu_convention_governance_api_annexes",
)
def annexes(request: HttpRequest) -> list[dict[str, Any]]:
    return [_annex_detail(a) for a in _annexes(request.user)[:500]]


@annexes_router.post(
    "",
    response={201: AnnexOut},
    auth=SIGNED_IN,
    summary="Propose an annex (member unit)",
    operation_id="zilu_convention_governance_api_propose_annex",
)
def propose_annex(request: HttpRequest, payload: AnnexIn) -> Status[dict[str, Any]]:
    annex = actions.do_propose_annex(signed_in(request), title=payload.title, sector=payload.sector, text=payload.text)
    return Status(201, _annex_detail(_annex(request.user, annex.number)))


@annexes_router.get(
    "/{number}",
    response=AnnexOut,
    auth=None,
    summary="One annex, with the units that agreed",
    operation_id="zilu_convention_governance_api_annex",
)
def annex(request: HttpRequest, number: Id) -> dict[str, Any]:
    return _annex_detail(_annex(request.user, number))


@annexes_router.post(
    "/{number}/vote",
    response={201: VoteOut},
    auth=SIGNED_IN,
    summary="Open the consent vote (staff)",
    operation_id="zilu_convention_governance_api_open_annex_vote",
)
def open_annex_vote(request: HttpRequest, number: Id, payload: ClosesAtIn) -> Status[dict[str, Any]]:
    vote = actions.do_open_annex_vote(signed_in(request), number, closes_at=_aware(payload.closes_at))
    return Status(201, _vote_detail(request.user, vote.pk))


# ------------------------------------------------------------------------------------------ interpretations (Art. 25)


class InterpretationIn(Schema):
    article: Article
    title: str
    text: str


class InterpretationOut(Schema):
    number: int
    article: int
    title: str
    text: str
    published_on: date


@interpretations_router.get(
    "",
    response=list[InterpretationOut],
    auth=None,
    summary="Interpretations (Art. 25)",
    operation_id="zilu_convention_governance_api_interpretations",
)
def interpretations(request: HttpRequest, article: Article | None = None) -> list[Interpretation]:
    qs = Interpretation.objects.restrict(request.user)
    return list(qs.filter(article=article) if article is not None else qs)


@interpretations_router.post(
    "",
    response={201: InterpretationOut},
    auth=SIGNED_IN,
    summary="Publish an interpretation (staff)",
    operation_id="zilu_convention_governance_api_publish_interpretation",
)
def publish_interpretation(request: HttpRequest, payload: InterpretationIn) -> Status[Interpretation]:
    interpretation = actions.do_publish_interpretation(
        signed_in(request), article=payload.article, title=payload.title, text=payload.text
    )
    return Status(201, interpretation)
