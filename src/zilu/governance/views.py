"""Pages of convention governance: amendments and co-signatures (Art. 22), votes of the member units, annexes
(Art. 24), interpretations (Art. 25) and a member's acknowledgement of a new version, which it also adds to the
convention's own page. Every change goes through the actions in :mod:`zilu.governance.actions`."""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zilu.convention.models import ConventionVersion
from zilu.core.errors import DomainError
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import run_action, run_form_action
from zilu.core.workflow import access
from zilu.governance import actions
from zilu.governance.forms import AmendmentForm, AnnexForm, BallotForm, InterpretationForm, OpenVoteForm
from zilu.governance.models import Acknowledgement, Amendment, Annex, Interpretation, Vote
from zilu.governance.tally import COSIGN_RULE, needed
from zilu.members.models import Member, Signature


def _member_id(request: HttpRequest) -> int | None:
    return getattr(request.user, "member_id", None)


def _is_unit_rep(request: HttpRequest) -> bool:
    """Whether the visitor represents an active member unit that co-signs and votes (Art. 22)."""
    if not has_perm(request.user, Perm.ACT_AS_MEMBER_UNIT):
        return False
    try:
        actions.unit_of(request.user)
    except DomainError:
        return False
    return True


def _can_propose(request: HttpRequest) -> bool:
    return has_perm(request.user, Perm.MANAGE_CONVENTION) or _is_unit_rep(request)


# ------------------------------------------------------------------------------------------ amendments


def amendment_list(request: HttpRequest) -> HttpResponse:
    """Every amendment proposal with its status, co-signature progress or vote result."""
    visible = Amendment.objects.restrict(request.user)
    amendments = list(visible.select_related("proposer_member", "vote", "new_version").order_by("-number"))
    counts = {a.pk: a.cosignatures.count() for a in amendments if a.status == Amendment.Status.COLLECTING}
    cosign_needed = needed(actions.voting_units().count(), *COSIGN_RULE)
    rows = [{"amendment": a, "cosignatures": counts.get(a.pk), "vote": getattr(a, "vote", None)} for a in amendments]
    return render(
        request,
        "governance/amendments.html",
        {"rows": rows, "cosign_needed": cosign_needed, "can_propose": _can_propose(request)},
    )


@login_required
def amendment_new(request: HttpRequest) -> HttpResponse:
    """A member unit's representative or the staff propose an amendment, editing the text in force."""
    if not has_perm(request.user, Perm.MANAGE_CONVENTION):
        require(request.user, Perm.ACT_AS_MEMBER_UNIT)
    current = ConventionVersion.objects.current()
    form = AmendmentForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, amendment = run_form_action(
            request,
            form,
            actions.do_propose_amendment,
            signed_in(request),
            title=data["title"],
            reasons=data["reasons"],
            text=data["text"],
        )
        if ok:
            messages.success(request, _("Amendment No. %(n)d is proposed.") % {"n": amendment.number})
            return redirect("governance:amendment", number=amendment.number)
    return render(request, "governance/amendment_new.html", {"form": form, "current": current})


def _diff_table(amendment: Amendment) -> str:
    table = difflib.HtmlDiff(wrapcolumn=60).make_table(
        amendment.base_version.text.splitlines(),
        amendment.text.splitlines(),
        fromdesc=_("Version %(n)d") % {"n": amendment.base_version.number},
        todesc=_("Amendment No. %(n)d") % {"n": amendment.number},
        context=True,
        numlines=2,
    )
    return mark_safe(table)  # difflib escapes the lines it renders


def _amendment(request: HttpRequest, number: int) -> Amendment:
    """The amendment with what its page shows; NotFound (a 404 page) when there is none."""
    visible = Amendment.objects.restrict(request.user)
    return access(
        visible.select_related("base_version", "proposer_member", "proposed_by", "new_version"), number=number
    )


def amendment_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One amendment: reasons, the change side by side, co-signatures, and what the visitor may do next."""
    amendment = _amendment(request, number)
    cosignatures = amendment.cosignatures.select_related("member").order_by("created_at", "pk")
    is_staff = has_perm(request.user, Perm.MANAGE_CONVENTION)
    member_id = _member_id(request)
    collecting = amendment.status == Amendment.Status.COLLECTING
    before_vote = amendment.status in {Amendment.Status.COLLECTING, Amendment.Status.PROPOSED}
    own = amendment.proposer_member_id is not None and amendment.proposer_member_id == member_id
    return render(
        request,
        "governance/amendment.html",
        {
            "amendment": amendment,
            "diff": _diff_table(amendment),
            "cosignatures": cosignatures,
            "cosign_needed": needed(actions.voting_units().count(), *COSIGN_RULE),
            "vote": Vote.objects.filter(amendment=amendment).first(),
            "can_cosign": collecting
            and _is_unit_rep(request)
            and not any(c.member_id == member_id for c in cosignatures),
            "can_withdraw": before_vote and (own or is_staff),
            "can_open_vote": is_staff and amendment.status == Amendment.Status.PROPOSED,
            "open_form": OpenVoteForm(),
        },
    )


@login_required
@require_POST
def amendment_cosign(request: HttpRequest, number: int) -> HttpResponse:
    """A member unit co-signs a proposal."""
    ok, amendment = run_action(request, actions.do_cosign, signed_in(request), number)
    if ok:
        if amendment.status == Amendment.Status.PROPOSED:
            messages.success(request, _("Your unit co-signed; the proposal now has enough co-signatures."))
        else:
            messages.success(request, _("Your unit co-signed the proposal."))
    return redirect("governance:amendment", number=number)


@login_required
@require_POST
def amendment_withdraw(request: HttpRequest, number: int) -> HttpResponse:
    """The proposer or the staff withdraw a proposal before the vote."""
    ok, _result = run_action(request, actions.do_withdraw_amendment, signed_in(request), number)
    if ok:
        messages.success(request, _("The proposal is withdrawn."))
    return redirect("governance:amendment", number=number)


def _open_vote(request: HttpRequest, action: Any, number: int) -> Vote | None:
    require(request.user, Perm.MANAGE_CONVENTION)
    form = OpenVoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid closing date and time."))
        return None
    ok, vote = run_action(request, action, signed_in(request), number, closes_at=form.cleaned_data["closes_at"])
    if ok:
        messages.success(request, _("The vote is open."))
        return vote  # type: ignore[no-any-return]
    return None


@login_required
@require_POST
def amendment_open_vote(request: HttpRequest, number: int) -> HttpResponse:
    """Staff put a proposed amendment to the vote."""
    vote = _open_vote(request, actions.do_open_amendment_vote, number)
    if vote is not None:
        return redirect("governance:vote", vote_id=vote.pk)
    return redirect("governance:amendment", number=number)


# ------------------------------------------------------------------------------------------ votes


def _vote(request: HttpRequest, vote_id: int) -> Vote:
    """The vote with what it is on; NotFound (a 404 page) when there is none."""
    return access(Vote.objects.restrict(request.user).select_related("amendment", "annex"), vote_id)


def vote_detail(request: HttpRequest, vote_id: int) -> HttpResponse:
    """A vote: what is voted on, the window, the threshold, live counts and the roll; the ballot form for a unit of
    the electorate while it is open; closing for the staff once it has ended."""
    vote = _vote(request, vote_id)
    now = timezone.now()
    window_open = vote.status == Vote.Status.OPEN and vote.opens_at <= now < vote.closes_at
    member_id = _member_id(request)
    in_electorate = _is_unit_rep(request) and member_id in vote.electorate
    form = BallotForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            ok, ballot = run_action(request, actions.do_cast, signed_in(request), vote.pk, form.cleaned_data["choice"])
            if ok:
                messages.success(
                    request, _("Your unit's vote is recorded: %(c)s.") % {"c": ballot.get_choice_display()}
                )
                return redirect("governance:vote", vote_id=vote.pk)
        else:
            messages.error(request, _("Choose agree, disagree or abstain."))
    count: dict[str, Any] = vote.result if vote.status == Vote.Status.CLOSED and vote.result else {}
    if not count:
        count = actions.current_tally(vote).as_dict()
    roll = count["roll"]
    members = Member.objects.filter(pk__in=vote.electorate).order_by("name")
    rows = [{"member": m, "choice": roll.get(str(m.pk), "")} for m in members]
    current_choice = roll.get(str(member_id), "") if in_electorate else ""
    if request.method != "POST" and current_choice:
        form = BallotForm(initial={"choice": current_choice})
    return render(
        request,
        "governance/vote.html",
        {
            "vote": vote,
            "subject": vote.amendment or vote.annex,
            "window_open": window_open,
            "count": count,
            "rows": rows,
            "can_cast": window_open and in_electorate,
            "current_choice": current_choice,
            "form": form,
            "can_close": has_perm(request.user, Perm.MANAGE_CONVENTION)
            and vote.status == Vote.Status.OPEN
            and now >= vote.closes_at,
        },
    )


@login_required
@require_POST
def vote_close(request: HttpRequest, vote_id: int) -> HttpResponse:
    """Staff close a vote whose window has ended and apply its result."""
    ok, vote = run_action(request, actions.do_close_vote, signed_in(request), vote_id)
    if ok:
        if vote.result and vote.result.get("adopted"):
            messages.success(request, _("The vote is closed: adopted."))
        else:
            messages.success(request, _("The vote is closed: not adopted."))
    return redirect("governance:vote", vote_id=vote_id)


# ------------------------------------------------------------------------------------------ annexes


def annex_list(request: HttpRequest) -> HttpResponse:
    """Adopted annexes, and the proposals under way or decided."""
    annexes = list(Annex.objects.restrict(request.user).select_related("proposer_member").order_by("number"))
    return render(
        request,
        "governance/annexes.html",
        {
            "adopted": [a for a in annexes if a.status == Annex.Status.ADOPTED],
            "others": [a for a in annexes if a.status != Annex.Status.ADOPTED],
            "can_propose": _is_unit_rep(request),
        },
    )


@login_required
def annex_new(request: HttpRequest) -> HttpResponse:
    """A member unit proposes a sub-sector agreement (Art. 24)."""
    require(request.user, Perm.ACT_AS_MEMBER_UNIT)
    form = AnnexForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, annex = run_form_action(
            request,
            form,
            actions.do_propose_annex,
            signed_in(request),
            title=data["title"],
            sector=data["sector"],
            text=data["text"],
        )
        if ok:
            messages.success(request, _("Annex No. %(n)d is proposed.") % {"n": annex.number})
            return redirect("governance:annex", number=annex.number)
    return render(request, "governance/annex_new.html", {"form": form})


def annex_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One annex: its text, status and vote; once adopted, the member units that agreed."""
    annex = access(Annex.objects.restrict(request.user).select_related("proposer_member"), number=number)
    vote = Vote.objects.filter(annex=annex).first()
    adopters = list(annex.adopters().order_by("name"))
    return render(
        request,
        "governance/annex.html",
        {
            "annex": annex,
            "vote": vote,
            "adopters": adopters,
            "can_open_vote": has_perm(request.user, Perm.MANAGE_CONVENTION) and annex.status == Annex.Status.PROPOSED,
            "open_form": OpenVoteForm(),
        },
    )


@login_required
@require_POST
def annex_open_vote(request: HttpRequest, number: int) -> HttpResponse:
    """Staff put a proposed annex to the consent vote."""
    vote = _open_vote(request, actions.do_open_annex_vote, number)
    if vote is not None:
        return redirect("governance:vote", vote_id=vote.pk)
    return redirect("governance:annex", number=number)


# ------------------------------------------------------------------------------------------ interpretations


@login_required
def manage_interpretations(request: HttpRequest) -> HttpResponse:
    """Staff publish interpretations of articles (Art. 25); the list of those published."""
    require(request.user, Perm.MANAGE_CONVENTION)
    form = InterpretationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, interpretation = run_form_action(
            request,
            form,
            actions.do_publish_interpretation,
            signed_in(request),
            article=data["article"],
            title=data["title"],
            text=data["text"],
        )
        if ok:
            messages.success(request, _("Interpretation No. %(n)d is published.") % {"n": interpretation.number})
            return redirect("governance:interpretations")
    return render(
        request,
        "governance/interpretations.html",
        {"form": form, "interpretations": Interpretation.objects.restrict(request.user).order_by("-number")},
    )


# ------------------------------------------------------------------------------------------ acknowledgement


@login_required
@require_POST
def acknowledge_version(request: HttpRequest, number: int) -> HttpResponse:
    """A member's representative acknowledges a published version newer than the one the member signed."""
    ok, _result = run_action(request, actions.do_acknowledge_version, signed_in(request), number)
    if ok:
        messages.success(request, _("Your unit has acknowledged version %(n)d.") % {"n": number})
    return redirect("convention:version", number=number)


# ------------------------------------------------------------------------------------------ the convention's page


def convention_page_context(request: HttpRequest, version: ConventionVersion | None) -> dict[str, Any]:
    """What governance adds to the convention's public page (registered in ``GovernanceConfig.ready()``): the
    interpretations, each shown under its article, and whether to ask the visitor's unit to acknowledge the version."""
    interpretations = Interpretation.objects.restrict(request.user).order_by("article", "number")
    return {
        "interpretations": list(interpretations) if version else [],
        "can_acknowledge": _can_acknowledge(request, version),
    }


def _can_acknowledge(request: HttpRequest, version: ConventionVersion | None) -> bool:
    """A member's representative is asked to acknowledge a published version newer than the one it signed."""
    if version is None or not version.is_public or not has_perm(request.user, Perm.WITHDRAW_MEMBERSHIP):
        return False
    member_id = _member_id(request)
    if not Member.objects.filter(pk=member_id, status=Member.Status.ACTIVE).exists():
        return False
    signed = Signature.objects.filter(member_id=member_id).order_by("-convention_version__number").first()
    if signed is None or signed.convention_version.number >= version.number:
        return False
    return not Acknowledgement.objects.filter(member_id=member_id, version=version).exists()
