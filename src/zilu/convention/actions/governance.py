"""State changes of convention governance: amendments and co-signatures (Art. 22), votes of the member units,
annexes (Art. 24), interpretations (Art. 25) and members' acknowledgement of a new version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zilu.convention.actions.versions import do_import_version
from zilu.convention.models import (
    Acknowledgement,
    Amendment,
    Annex,
    Ballot,
    ConventionVersion,
    CoSignature,
    Interpretation,
    Vote,
)
from zilu.convention.parse_messages import describe
from zilu.convention.parser import ConventionParseError, canonical_text, parse_convention
from zilu.convention.tally import ADOPTION_RULE, COSIGN_RULE, Tally, electorate_hash, tally
from zilu.core import audit
from zilu.core.deadlines import at_least_fraction
from zilu.core.errors import Duplicate, Forbidden, InvalidTransition, NotFound, ValidationFailed
from zilu.core.models import User
from zilu.core.notify import notify
from zilu.core.numbering import next_number
from zilu.core.roles import Perm, Role, has_perm, require
from zilu.members.models import Kind, Member


def voting_units() -> Any:
    """The member units that co-sign and vote: active units, and individuals only if the association so decides
    (``ZILU_GOVERNANCE_COUNT_INDIVIDUALS``). Art. 22 speaks of 成员单位, member units."""
    qs = Member.objects.filter(status=Member.Status.ACTIVE)
    return qs if settings.ZILU_GOVERNANCE_COUNT_INDIVIDUALS else qs.filter(kind=Kind.UNIT)


def unit_of(actor: Any) -> Member:
    """The member unit the actor represents, or Forbidden with the reason."""
    require(actor, Perm.ACT_AS_MEMBER_UNIT)
    member = Member.objects.filter(pk=actor.member_id).first()
    if member is None or member.status != Member.Status.ACTIVE:
        raise Forbidden(_("Only an active member can do this."))
    if member.kind != Kind.UNIT and not settings.ZILU_GOVERNANCE_COUNT_INDIVIDUALS:
        raise Forbidden(_("Individual members are not member units: they neither co-sign nor vote (Art. 22)."))
    return member


def _transition(amendment: Amendment, target: str) -> None:
    if target not in Amendment.TRANSITIONS[amendment.status]:
        raise InvalidTransition(
            _("An amendment that is “%(status)s” cannot become “%(target)s”.")
            % {"status": amendment.get_status_display(), "target": Amendment.Status(target).label}
        )
    amendment.status = target


def access_amendment(number: int, *, for_update: bool = False) -> Amendment:
    qs = Amendment.objects.select_for_update() if for_update else Amendment.objects.all()
    amendment = qs.filter(number=number).first()
    if amendment is None:
        raise NotFound()
    return amendment


def _check_threshold(amendment: Amendment) -> bool:
    """Art. 22: one tenth or more of the member units, counted now; the count and denominator are recorded."""
    denominator = voting_units().count()
    count = amendment.cosignatures.filter(member__in=voting_units()).count()
    amendment.threshold_checked_at = timezone.now()
    amendment.threshold_denominator = denominator
    amendment.threshold_count = count
    return at_least_fraction(count, denominator, *COSIGN_RULE)


@transaction.atomic
def do_propose_amendment(actor: Any, *, title: str, reasons: str, text: str) -> Amendment:
    """Propose an amendment: the whole amended text of the version in force, with reasons. The executing body's
    proposal goes straight to *proposed*; a member unit's collects co-signatures, its own first."""
    by_executing_body = has_perm(actor, Perm.MANAGE_CONVENTION)
    member = None if by_executing_body else unit_of(actor)
    title, reasons = (title or "").strip(), (reasons or "").strip()
    errors = []
    if not title or len(title) > 200:
        errors.append({"field": "title", "reason": _("Give a title of at most 200 characters."), "code": "required"})
    if not reasons:
        errors.append({"field": "reasons", "reason": _("Give the reasons for the amendment."), "code": "required"})
    base = ConventionVersion.objects.current()
    if base is None:
        raise InvalidTransition(_("No version of the convention is in force."))
    try:
        parsed = parse_convention(text or "")
    except ConventionParseError as exc:
        errors.append({"field": "text", "reason": describe(exc), "code": "parse"})
    else:
        if canonical_text(text) == base.text:
            errors.append({"field": "text", "reason": _("The text does not change anything."), "code": "unchanged"})
    if errors:
        raise ValidationFailed(errors=errors)
    amendment = Amendment.objects.create(
        number=next_number(Amendment.objects.all()),
        title=title,
        reasons=reasons,
        status=Amendment.Status.PROPOSED if by_executing_body else Amendment.Status.COLLECTING,
        base_version=base,
        text=canonical_text(text),
        structure=parsed.to_dict(),
        proposed_by=actor if getattr(actor, "pk", None) else None,
        proposer_member=member,
    )
    audit.record(
        actor,
        "convention.amendment.propose",
        amendment,
        after={"number": amendment.number, "by": "executing_body" if by_executing_body else f"member:{member.pk}"},
    )
    if member is not None:
        _cosign(actor, amendment, member)
    return amendment


def _cosign(actor: Any, amendment: Amendment, member: Member) -> None:
    if amendment.cosignatures.filter(member=member).exists():
        raise Duplicate(_("Your unit has already co-signed this proposal."))
    CoSignature.objects.create(amendment=amendment, member=member, signed_by=actor)
    reached = _check_threshold(amendment)
    if reached:
        _transition(amendment, Amendment.Status.PROPOSED)
    amendment.save()
    audit.record(
        actor,
        "convention.amendment.cosign",
        amendment,
        after={
            "member": member.pk,
            "count": amendment.threshold_count,
            "denominator": amendment.threshold_denominator,
            "reached": reached,
        },
    )


@transaction.atomic
def do_cosign(actor: Any, number: int) -> Amendment:
    """A member unit co-signs a proposal that is collecting co-signatures."""
    member = unit_of(actor)
    amendment = access_amendment(number, for_update=True)
    if amendment.status != Amendment.Status.COLLECTING:
        raise InvalidTransition(_("This proposal is not collecting co-signatures."))
    _cosign(actor, amendment, member)
    return amendment


@transaction.atomic
def do_withdraw_amendment(actor: Any, number: int) -> Amendment:
    """The proposer (or the staff) withdraws a proposal before the vote."""
    amendment = access_amendment(number, for_update=True)
    own = amendment.proposer_member_id is not None and amendment.proposer_member_id == getattr(actor, "member_id", 0)
    if not (own or has_perm(actor, Perm.MANAGE_CONVENTION)):
        raise Forbidden()
    before = amendment.status
    _transition(amendment, Amendment.Status.WITHDRAWN)
    amendment.save(update_fields=["status"])
    audit.record(
        actor, "convention.amendment.withdraw", amendment, before={"status": before}, after={"status": "withdrawn"}
    )
    return amendment


def _check_base_is_current(amendment: Amendment) -> None:
    """One amendment at a time, against the text in force: otherwise adopting one would silently undo another."""
    current = ConventionVersion.objects.current()
    if current is None or amendment.base_version_id != current.pk:
        raise InvalidTransition(
            _("The convention has changed since this proposal was drafted; propose it again on the version in force.")
        )
    if Amendment.objects.filter(status=Amendment.Status.VOTING).exclude(pk=amendment.pk).exists():
        raise InvalidTransition(_("Another amendment is being voted on; open this vote after it closes."))
    pending = Amendment.objects.filter(
        status=Amendment.Status.ADOPTED, new_version__status=ConventionVersion.Status.DRAFT
    )
    if pending.exists():
        raise InvalidTransition(_("An adopted amendment awaits publication; publish the new version first."))


def _open(actor: Any, *, closes_at: datetime, amendment: Amendment | None = None, annex: Annex | None = None) -> Vote:
    require(actor, Perm.MANAGE_CONVENTION)
    now = timezone.now()
    if closes_at <= now:
        raise ValidationFailed(_("The vote must close in the future."), field="closes_at")
    electorate = sorted(voting_units().values_list("pk", flat=True))
    numerator, denominator = ADOPTION_RULE if amendment else settings.ZILU_ANNEX_RULE
    vote = Vote.objects.create(
        amendment=amendment,
        annex=annex,
        opens_at=now,
        closes_at=closes_at,
        electorate=electorate,
        electorate_hash=electorate_hash(electorate),
        rule_numerator=numerator,
        rule_denominator=denominator,
    )
    audit.record(
        actor,
        "convention.vote.open",
        vote,
        after={
            "amendment": amendment.number if amendment else None,
            "annex": annex.number if annex else None,
            "electorate": len(electorate),
            "electorate_hash": vote.electorate_hash,
            "closes_at": closes_at,
            "rule": f"{numerator}/{denominator}",
        },
    )
    representatives = User.objects.filter(role=Role.MEMBER, is_active=True, member_id__in=electorate)
    with translation.override(settings.LANGUAGE_CODE):
        subject = (
            _("Vote open on amendment No. %(n)d") % {"n": amendment.number}
            if amendment
            else _("Vote open on annex No. %(n)d") % {"n": annex.number}  # type: ignore[union-attr]
        )
        until = timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M")
        notify(
            representatives,
            subject,
            _("Vote until %(t)s.") % {"t": until},
            url=reverse("convention:vote", kwargs={"vote_id": vote.pk}),
            kind="convention.vote.open",
        )
    return vote


@transaction.atomic
def do_open_amendment_vote(actor: Any, number: int, *, closes_at: datetime) -> Vote:
    """Staff open the vote on a proposed amendment; the electorate (active member units) is snapshotted now."""
    require(actor, Perm.MANAGE_CONVENTION)
    amendment = access_amendment(number, for_update=True)
    _check_base_is_current(amendment)
    _transition(amendment, Amendment.Status.VOTING)
    amendment.save(update_fields=["status"])
    return _open(actor, closes_at=closes_at, amendment=amendment)


@transaction.atomic
def do_open_annex_vote(actor: Any, number: int, *, closes_at: datetime) -> Vote:
    """Staff open the consent vote on a proposed annex."""
    require(actor, Perm.MANAGE_CONVENTION)
    annex = Annex.objects.select_for_update().filter(number=number).first()
    if annex is None:
        raise NotFound()
    if annex.status != Annex.Status.PROPOSED:
        raise InvalidTransition(_("Only a proposed annex can be put to the vote."))
    annex.status = Annex.Status.VOTING
    annex.save(update_fields=["status"])
    return _open(actor, closes_at=closes_at, annex=annex)


@transaction.atomic
def do_cast(actor: Any, vote_id: int, choice: str) -> Ballot:
    """A member unit of the electorate votes, or changes its vote, while the window is open."""
    require(actor, Perm.ACT_AS_MEMBER_UNIT)
    vote = Vote.objects.select_for_update().filter(pk=vote_id).first()
    if vote is None:
        raise NotFound()
    if choice not in Ballot.Choice.values:
        raise ValidationFailed(_("Choose agree, disagree or abstain."), field="choice")
    now = timezone.now()
    if vote.status != Vote.Status.OPEN or not (vote.opens_at <= now < vote.closes_at):
        raise InvalidTransition(_("The vote is not open."))
    member = Member.objects.filter(pk=actor.member_id).first()
    if member is None or member.pk not in vote.electorate:
        if member is not None and member.kind != Kind.UNIT:
            raise Forbidden(_("Individual members are not member units: they neither co-sign nor vote (Art. 22)."))
        raise Forbidden(_("Your unit is not in this vote's electorate."))
    ballot, created = Ballot.objects.update_or_create(
        vote=vote, member=member, defaults={"choice": choice, "cast_by": actor, "cast_at": now}
    )
    audit.record(
        actor,
        "convention.vote.cast",
        vote,
        after={"member": member.pk, "choice": choice, "changed": not created, "cast_at": now},
    )
    return ballot


def current_tally(vote: Vote) -> Tally:
    """The count of the ballots as they stand."""
    ballots = dict(vote.ballots.values_list("member_id", "choice"))
    return tally(vote.electorate, ballots, vote.rule_numerator, vote.rule_denominator)


@transaction.atomic
def do_close_vote(actor: Any, vote_id: int) -> Vote:
    """Close a vote whose window has ended, record the result and apply it: an adopted amendment becomes a new
    draft version of the convention (effective on the day of adoption; Art. 21 publication within 30 days); an
    adopted annex is published with the units that agreed."""
    require(actor, Perm.MANAGE_CONVENTION)
    vote = Vote.objects.select_for_update(of=("self",)).select_related("amendment", "annex").filter(pk=vote_id).first()
    if vote is None:
        raise NotFound()
    if vote.status != Vote.Status.OPEN:
        raise InvalidTransition(_("The vote is already closed."))
    if timezone.now() < vote.closes_at:
        raise InvalidTransition(_("The vote is still open until its closing time."))
    result = current_tally(vote)
    vote.status = Vote.Status.CLOSED
    vote.result = result.as_dict()
    vote.closed_at = timezone.now()
    vote.save(update_fields=["status", "result", "closed_at"])
    audit.record(actor, "convention.vote.close", vote, after=vote.result)
    adopted_on = timezone.localdate(vote.closed_at)
    if vote.amendment is not None:
        amendment = vote.amendment
        _transition(amendment, Amendment.Status.ADOPTED if result.adopted else Amendment.Status.REJECTED)
        if result.adopted:
            amendment.new_version = do_import_version(
                actor,
                amendment.text,
                effective_date=adopted_on,
                source_name=f"amendment-{amendment.number}",
                allow_known_text=True,  # an amendment may restore the text of an earlier version
                note=_("Adopted by amendment No. %(n)d.") % {"n": amendment.number},
            )
        amendment.save(update_fields=["status", "new_version"])
    if vote.annex is not None:
        annex = vote.annex
        annex.status = Annex.Status.ADOPTED if result.adopted else Annex.Status.REJECTED
        annex.published_on = adopted_on if result.adopted else None
        annex.save(update_fields=["status", "published_on"])
    return vote


def close_due_votes() -> int:
    """Close every vote whose window has ended (a periodic task)."""
    from zilu.core.system import SystemActor

    done = 0
    for vote_id in Vote.objects.filter(status=Vote.Status.OPEN, closes_at__lte=timezone.now()).values_list(
        "pk", flat=True
    ):
        do_close_vote(SystemActor("system:scheduler"), vote_id)
        done += 1
    return done


@transaction.atomic
def do_acknowledge_version(actor: Any, number: int) -> Acknowledgement:
    """A member acknowledges a published version of the convention (asked after an amendment)."""
    require(actor, Perm.REPRESENT_MEMBER)
    version = ConventionVersion.objects.filter(number=number, status=ConventionVersion.Status.PUBLISHED).first()
    if version is None:
        raise NotFound()
    member = Member.objects.filter(pk=actor.member_id, status=Member.Status.ACTIVE).first()
    if member is None:
        raise Forbidden(_("Only an active member can do this."))
    if Acknowledgement.objects.filter(member=member, version=version).exists():
        raise Duplicate(_("Your unit has already acknowledged this version."))
    ack = Acknowledgement.objects.create(member=member, version=version, acknowledged_by=actor)
    audit.record(actor, "convention.version.acknowledge", version, after={"member": member.pk})
    return ack


@transaction.atomic
def do_propose_annex(actor: Any, *, title: str, sector: str, text: str) -> Annex:
    """A member unit proposes a sub-sector self-discipline agreement (Art. 24)."""
    member = unit_of(actor)
    errors = [
        {"field": name, "reason": _("This field is required."), "code": "required"}
        for name, value in (("title", title), ("sector", sector), ("text", text))
        if not (value or "").strip()
    ]
    if errors:
        raise ValidationFailed(errors=errors)
    annex = Annex.objects.create(
        number=next_number(Annex.objects.all()),
        title=title.strip()[:200],
        sector=sector.strip()[:100],
        text=canonical_text(text),
        proposer_member=member,
        proposed_by=actor,
    )
    audit.record(actor, "convention.annex.propose", annex, after={"number": annex.number, "member": member.pk})
    return annex


@transaction.atomic
def do_publish_interpretation(actor: Any, *, article: int, title: str, text: str) -> Interpretation:
    """The association publishes a numbered interpretation of an article (Art. 25)."""
    require(actor, Perm.MANAGE_CONVENTION)
    version = ConventionVersion.objects.current()
    numbers = {a.number for a in version.parsed.articles} if version else set()
    errors = []
    if article not in numbers:
        errors.append(
            {"field": "article", "reason": _("No such article in the convention in force."), "code": "invalid"}
        )
    for name, value in (("title", title), ("text", text)):
        if not (value or "").strip():
            errors.append({"field": name, "reason": _("This field is required."), "code": "required"})
    if errors:
        raise ValidationFailed(errors=errors)
    interpretation = Interpretation.objects.create(
        number=next_number(Interpretation.objects.all()),
        article=article,
        title=title.strip()[:200],
        text=text.strip(),
        published_on=timezone.localdate(),
        published_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, "convention.interpretation.publish", interpretation, after={"article": article})
    return interpretation
