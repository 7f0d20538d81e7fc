"""State changes of convention governance: amendments and co-signatures (Art. 22), votes of the member units,
annexes (Art. 24), interpretations (Art. 25) and members' acknowledgement of a new version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.convention.actions import do_import_version
from zilu.convention.models import ConventionVersion
from zilu.convention.parse_messages import describe
from zilu.convention.parser import ConventionParseError, canonical_text, parse_convention
from zilu.core import audit
from zilu.core.actors import Actor, StaffActor
from zilu.core.deadlines import at_least_fraction
from zilu.core.errors import Duplicate, Forbidden, InvalidTransition, ValidationFailed
from zilu.core.notify import notify, site_language
from zilu.core.numbering import next_number
from zilu.core.roles import Perm, has_perm, require
from zilu.core.system import SystemActor
from zilu.core.workflow import CHANGE, access, check_transition, transition
from zilu.governance.models import Acknowledgement, Amendment, Annex, Ballot, CoSignature, Interpretation, Vote
from zilu.governance.tally import ADOPTION_RULE, COSIGN_RULE, Tally, electorate_hash, tally
from zilu.members.models import UNIT_KINDS, Member


def _audit(actor: Actor, action: str, obj: Model, **entry: Any) -> None:
    """An audit entry about a governance record. Like the action names (``convention.amendment.propose``), the
    object type keeps the name it had before governance had an app of its own (``convention.vote``), so that old
    and new entries read alike and ``zilu votes verify`` finds every cast."""
    audit.record(actor, action, obj, object_type=_object_type(obj), **entry)


def _object_type(obj: Model) -> str:
    return f"convention.{obj._meta.model_name}"


def voting_units() -> QuerySet[Member]:
    """The member units that co-sign and vote: active units, and individuals only if the association so decides
    (``ZILU_GOVERNANCE_COUNT_INDIVIDUALS``). Art. 22 speaks of 成员单位, member units."""
    qs = Member.objects.filter(status=Member.Status.ACTIVE)
    return qs if settings.ZILU_GOVERNANCE_COUNT_INDIVIDUALS else qs.filter(kind__in=UNIT_KINDS)


def unit_of(actor: Actor) -> Member:
    """The member unit the actor represents, or Forbidden with the reason."""
    require(actor, Perm.ACT_AS_MEMBER_UNIT)
    member = Member.objects.filter(pk=actor.member_id).first()
    if member is None or member.status != Member.Status.ACTIVE:
        raise Forbidden(_("Only an active member can do this."))
    if member.kind not in UNIT_KINDS and not settings.ZILU_GOVERNANCE_COUNT_INDIVIDUALS:
        raise Forbidden(_("Individual members are not member units: they neither co-sign nor vote (Art. 22)."))
    return member


def _check_threshold(amendment: Amendment) -> bool:
    """Art. 22: one tenth or more of the member units, counted now; the count and denominator are recorded."""
    denominator = voting_units().count()
    count = amendment.cosignatures.filter(member__in=voting_units()).count()
    amendment.threshold_checked_at = timezone.now()
    amendment.threshold_denominator = denominator
    amendment.threshold_count = count
    return at_least_fraction(count, denominator, *COSIGN_RULE)


# ------------------------------------------------------------------------------------------ amendments (Art. 22)


@transaction.atomic
def do_propose_amendment(actor: Actor, *, title: str, reasons: str, text: str) -> Amendment:
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
    _audit(
        actor,
        "convention.amendment.propose",
        amendment,
        after={"number": amendment.number, "by": "executing_body" if by_executing_body else f"member:{member.pk}"},
    )
    if member is not None:
        _cosign(actor, amendment, member)
    return amendment


def _cosign(actor: Actor, amendment: Amendment, member: Member) -> None:
    """Record the unit's co-signature and re-check the threshold; reaching it makes the proposal *proposed*."""
    if amendment.cosignatures.filter(member=member).exists():
        raise Duplicate(_("Your unit has already co-signed this proposal."))
    CoSignature.objects.create(amendment=amendment, member=member, signed_by=actor)
    reached = _check_threshold(amendment)
    if reached:  # Not transition(): saved with the count, and the cosign entry records the count, not the status.
        check_transition(amendment, Amendment.Status.PROPOSED)
        amendment.status = Amendment.Status.PROPOSED
    amendment.save(update_fields=["status", "threshold_checked_at", "threshold_denominator", "threshold_count"])
    _audit(
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
def do_cosign(actor: Actor, number: int) -> Amendment:
    """A member unit co-signs a proposal that is collecting co-signatures."""
    member = unit_of(actor)
    amendment = access(Amendment.objects.restrict(actor, CHANGE), number=number, for_update=True)
    if amendment.status != Amendment.Status.COLLECTING:
        raise InvalidTransition(_("This proposal is not collecting co-signatures."))
    _cosign(actor, amendment, member)
    return amendment


@transaction.atomic
def do_withdraw_amendment(actor: Actor, number: int) -> Amendment:
    """The proposer (or the staff) withdraws a proposal before the vote."""
    amendment = access(Amendment.objects.restrict(actor, CHANGE), number=number, for_update=True)
    own = amendment.proposer_member_id is not None and amendment.proposer_member_id == getattr(actor, "member_id", 0)
    if not (own or has_perm(actor, Perm.MANAGE_CONVENTION)):
        raise Forbidden()
    transition(
        amendment,
        Amendment.Status.WITHDRAWN,
        actor=actor,
        action="convention.amendment.withdraw",
        object_type=_object_type(amendment),
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


# ------------------------------------------------------------------------------------------ votes


def _open(
    actor: StaffActor, *, closes_at: datetime, amendment: Amendment | None = None, annex: Annex | None = None
) -> Vote:
    """Open the vote on ``amendment`` or ``annex``: snapshot the electorate, audit, tell the units."""
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
    _audit(
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
    with site_language():
        subject = (
            _("Vote open on amendment No. %(n)d") % {"n": amendment.number}
            if amendment
            else _("Vote open on annex No. %(n)d") % {"n": annex.number}  # type: ignore[union-attr]
        )
        until = timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M")
        body = _("Vote until %(t)s.") % {"t": until}
    notify(
        Member.objects.filter(pk__in=electorate).active_representatives(),
        subject,
        body,
        url=reverse("governance:vote", kwargs={"vote_id": vote.pk}),
        kind="convention.vote.open",
    )
    return vote


@transaction.atomic
def do_open_amendment_vote(actor: StaffActor, number: int, *, closes_at: datetime) -> Vote:
    """Staff open the vote on a proposed amendment; the electorate (active member units) is snapshotted now."""
    require(actor, Perm.MANAGE_CONVENTION)
    amendment = access(Amendment.objects.restrict(actor, CHANGE), number=number, for_update=True)
    _check_base_is_current(amendment)
    check_transition(amendment, Amendment.Status.VOTING)  # Not transition(): the vote.open entry records the change
    amendment.status = Amendment.Status.VOTING
    amendment.save(update_fields=["status"])
    return _open(actor, closes_at=closes_at, amendment=amendment)


@transaction.atomic
def do_open_annex_vote(actor: StaffActor, number: int, *, closes_at: datetime) -> Vote:
    """Staff open the consent vote on a proposed annex."""
    require(actor, Perm.MANAGE_CONVENTION)
    annex = access(Annex.objects.restrict(actor, CHANGE), number=number, for_update=True)
    check_transition(annex, Annex.Status.VOTING)  # Not transition(): the vote.open entry records the change
    annex.status = Annex.Status.VOTING
    annex.save(update_fields=["status"])
    return _open(actor, closes_at=closes_at, annex=annex)


@transaction.atomic
def do_cast(actor: Actor, vote_id: int, choice: str) -> Ballot:
    """A member unit of the electorate votes, or changes its vote, while the window is open."""
    require(actor, Perm.ACT_AS_MEMBER_UNIT)
    vote = access(Vote.objects.restrict(actor, CHANGE), vote_id, for_update=True)
    if choice not in Ballot.Choice.values:
        raise ValidationFailed(_("Choose agree, disagree or abstain."), field="choice")
    now = timezone.now()
    if vote.status != Vote.Status.OPEN or not (vote.opens_at <= now < vote.closes_at):
        raise InvalidTransition(_("The vote is not open."))
    member = Member.objects.filter(pk=actor.member_id).first()
    if member is None or member.pk not in vote.electorate:
        if member is not None and member.kind not in UNIT_KINDS:
            raise Forbidden(_("Individual members are not member units: they neither co-sign nor vote (Art. 22)."))
        raise Forbidden(_("Your unit is not in this vote's electorate."))
    ballot, created = Ballot.objects.update_or_create(
        vote=vote, member=member, defaults={"choice": choice, "cast_by": actor, "cast_at": now}
    )
    _audit(
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
def do_close_vote(actor: StaffActor, vote_id: int) -> Vote:
    """Close a vote whose window has ended, record the result and apply it: an adopted amendment becomes a new
    draft version of the convention (effective on the day of adoption; Art. 21 publication within 30 days); an
    adopted annex is published with the units that agreed."""
    require(actor, Perm.MANAGE_CONVENTION)
    vote = access(Vote.objects.restrict(actor, CHANGE), vote_id, for_update=True)
    check_transition(vote, Vote.Status.CLOSED)  # before the closing time is checked
    if timezone.now() < vote.closes_at:
        raise InvalidTransition(_("The vote is still open until its closing time."))
    result = current_tally(vote)
    counted = result.as_dict()
    # The entry has always held the result alone: no before, and neither the status nor the closing time.
    transition(
        vote, Vote.Status.CLOSED, actor=actor, action="convention.vote.close",
        changes={"result": counted, "closed_at": timezone.now()}, unaudited=("status", "result", "closed_at"),
        record_before=False, extra_after=counted, object_type=_object_type(vote),
    )  # fmt: skip
    adopted_on = timezone.localdate(vote.closed_at)
    if vote.amendment is not None:
        amendment = vote.amendment
        outcome = Amendment.Status.ADOPTED if result.adopted else Amendment.Status.REJECTED
        check_transition(amendment, outcome)  # Not transition(): the vote.close entry records the outcome
        amendment.status = outcome
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
        outcome = Annex.Status.ADOPTED if result.adopted else Annex.Status.REJECTED
        check_transition(annex, outcome)  # Not transition(): the vote.close entry records the outcome
        annex.status = outcome
        annex.published_on = adopted_on if result.adopted else None
        annex.save(update_fields=["status", "published_on"])
    return vote


def close_due_votes() -> int:
    """Close every vote whose window has ended (a periodic task)."""
    done = 0
    for vote_id in Vote.objects.filter(status=Vote.Status.OPEN, closes_at__lte=timezone.now()).values_list(
        "pk", flat=True
    ):
        do_close_vote(SystemActor("system:scheduler"), vote_id)
        done += 1
    return done


# ------------------------------------------------------------------------------------------ new versions


def notify_members_of_publication(sender: Any, *, version: ConventionVersion, **kwargs: Any) -> None:
    """Every active member's representatives learn that a version of the convention was published; its page then
    asks those who signed an earlier one to acknowledge it. Receives ``convention.signals.version_published``,
    inside the publishing transaction."""
    with site_language():
        subject = _("Convention version %(n)d has been published") % {"n": version.number}
        body = _("Version %(n)d of the convention takes effect on %(date)s. Please read it and follow it.") % {
            "n": version.number,
            "date": version.effective_date.isoformat(),
        }
    notify(
        Member.objects.filter(status=Member.Status.ACTIVE).active_representatives(),
        subject,
        body,
        url=reverse("convention:version", kwargs={"number": version.number}),
        kind="convention.published",
    )


@transaction.atomic
def do_acknowledge_version(actor: Actor, number: int) -> Acknowledgement:
    """A member acknowledges a published version of the convention (asked after an amendment)."""
    require(actor, Perm.REPRESENT_MEMBER)
    published = ConventionVersion.objects.restrict(actor).filter(status=ConventionVersion.Status.PUBLISHED)
    version = access(published, number=number)
    member = Member.objects.filter(pk=actor.member_id, status=Member.Status.ACTIVE).first()
    if member is None:
        raise Forbidden(_("Only an active member can do this."))
    if Acknowledgement.objects.filter(member=member, version=version).exists():
        raise Duplicate(_("Your unit has already acknowledged this version."))
    ack = Acknowledgement.objects.create(member=member, version=version, acknowledged_by=actor)
    _audit(actor, "convention.version.acknowledge", version, after={"member": member.pk})
    return ack


# ------------------------------------------------------------------------------------------ annexes and interpretations


@transaction.atomic
def do_propose_annex(actor: Actor, *, title: str, sector: str, text: str) -> Annex:
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
    _audit(actor, "convention.annex.propose", annex, after={"number": annex.number, "member": member.pk})
    return annex


@transaction.atomic
def do_publish_interpretation(actor: StaffActor, *, article: int, title: str, text: str) -> Interpretation:
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
    _audit(actor, "convention.interpretation.publish", interpretation, after={"article": article})
    return interpretation
