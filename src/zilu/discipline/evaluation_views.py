"""Pages of the evaluations (评议) and commendations (评优): staff rounds and scoring, members' self-assessments and
results, the published banded lists, nominations and the public commendation notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zilu.core import workflow
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import run_action, run_form_action
from zilu.discipline import actions
from zilu.discipline.checklist import Band
from zilu.discipline.forms import (
    CommentForm,
    NominationDecisionForm,
    NominationForm,
    OpenRoundForm,
    ScoreForm,
    SelfAssessmentForm,
)
from zilu.discipline.models import EvaluationRound, Nomination, Participation
from zilu.members.models import Member
from zilu.notices.selectors import member_figures as notice_figures

# ------------------------------------------------------------------------------------------------ staff


@login_required
def evaluations(request: HttpRequest) -> HttpResponse:
    """The rounds; the staff open a new one (yearly by default)."""
    require(request.user, Perm.VIEW_DISCIPLINE)
    form = OpenRoundForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        require(request.user, Perm.RUN_EVALUATIONS)
        if form.is_valid():
            ok, evaluation = run_form_action(
                request, form, actions.do_open_round, signed_in(request), year=form.cleaned_data["year"],
                title=form.cleaned_data["title"],
            )  # fmt: skip
            if ok:
                messages.success(request, _("The round is open; the members are asked to self-assess."))
                return redirect("discipline:evaluation", round_id=evaluation.pk)
    return render(request, "discipline/evaluations.html", {
        "rounds": EvaluationRound.objects.all(), "form": form,
        "can_run": has_perm(request.user, Perm.RUN_EVALUATIONS),
    })  # fmt: skip


@login_required
def evaluation(request: HttpRequest, round_id: int) -> HttpResponse:
    require(request.user, Perm.VIEW_DISCIPLINE)
    found = EvaluationRound.objects.filter(pk=round_id).first()
    if found is None:
        raise Http404
    participations = found.participations.select_related("member").order_by("member__name")
    return render(request, "discipline/evaluation.html", {
        "round": found, "participations": participations, "can_run": has_perm(request.user, Perm.RUN_EVALUATIONS),
    })  # fmt: skip


EVALUATION_STEPS = {"compute": actions.do_compute_results, "publish": actions.do_publish_results}


@login_required
@require_POST
def evaluation_step(request: HttpRequest, round_id: int, step: str) -> HttpResponse:
    require(request.user, Perm.RUN_EVALUATIONS)
    if step in EVALUATION_STEPS:
        ok, _result = run_action(request, EVALUATION_STEPS[step], signed_in(request), round_id)
        if ok:
            messages.success(request, _("Done."))
    return redirect("discipline:evaluation", round_id=round_id)


@login_required
def score(request: HttpRequest, participation_id: int) -> HttpResponse:
    """A member's answers, and the staff's scores item by item."""
    require(request.user, Perm.VIEW_DISCIPLINE)
    participation = workflow.access(
        Participation.objects.restrict(request.user, "view").select_related("round", "member"), participation_id
    )
    form = ScoreForm(request.POST or None, items=participation.items(), initial={
        **{f"points_{c}": s["points"] for c, s in participation.scores.items()},
        **{f"note_{c}": s["note"] for c, s in participation.scores.items()},
    })  # fmt: skip
    if request.method == "POST":
        require(request.user, Perm.RUN_EVALUATIONS)
        if form.is_valid():
            ok, _result = run_form_action(request, form, actions.do_score, signed_in(request), participation_id,
                                          form.scores())  # fmt: skip
            if ok:
                messages.success(request, _("The scores are recorded."))
                return redirect("discipline:evaluation", round_id=participation.round_id)
    rows = [(item, participation.answers.get(item["code"], {})) for item in participation.items()]
    # the member's IP notice record in the period, beside item A12-3 (Art. 12(3), zilu.notices)
    period = (participation.round.period_start, participation.round.period_end)
    ip_notices = notice_figures(participation.member_id, *period)
    return render(request, "discipline/score.html", {"p": participation, "form": form, "rows": rows,
                                                     "ip_notices": ip_notices})  # fmt: skip


# ------------------------------------------------------------------------------------------------ members


@login_required
def my_evaluations(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.SELF_ASSESS)
    mine = Participation.objects.restrict(request.user, "view").select_related("round").order_by("-round__number")
    return render(request, "discipline/my_evaluations.html", {"participations": mine})


@login_required
def my_evaluation(request: HttpRequest, participation_id: int) -> HttpResponse:
    """The self-assessment while the round is open; the result and a comment during the review window."""
    require(request.user, Perm.SELF_ASSESS)
    participation = workflow.access(
        Participation.objects.restrict(request.user, "view").select_related("round", "member"), participation_id
    )
    initial = {"service_kinds": participation.service_kinds}
    for code, answer in participation.answers.items():
        initial[f"answer_{code}"], initial[f"note_{code}"] = answer["answer"], answer["note"]
    items = participation.round.items  # every item: the kinds chosen decide which apply
    form = SelfAssessmentForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_valid():
        ok, _result = run_form_action(
            request, form, actions.do_submit_self_assessment, signed_in(request), participation_id,
            service_kinds=form.cleaned_data["service_kinds"], answers=form.answers(),
        )  # fmt: skip
        if ok:
            messages.success(request, _("Your self-assessment is submitted."))
            return redirect("discipline:my_evaluation", participation_id=participation_id)
    return render(request, "discipline/my_evaluation.html", {
        "p": participation, "form": form, "comment_form": CommentForm(prefix="comment"),
    })  # fmt: skip


@login_required
@require_POST
def comment(request: HttpRequest, participation_id: int) -> HttpResponse:
    require(request.user, Perm.SELF_ASSESS)
    form = CommentForm(request.POST, prefix="comment")
    if form.is_valid():
        ok, _result = run_action(request, actions.do_comment_result, signed_in(request), participation_id,
                                 form.cleaned_data["comment"])  # fmt: skip
        if ok:
            messages.success(request, _("Your comment is recorded."))
    return redirect("discipline:my_evaluation", participation_id=participation_id)


# ------------------------------------------------------------------------------------------------ public


def results_list(request: HttpRequest) -> HttpResponse:
    published = EvaluationRound.objects.filter(status=EvaluationRound.Status.PUBLISHED)
    return render(request, "discipline/results_list.html", {"rounds": published})


def results(request: HttpRequest, round_id: int) -> HttpResponse:
    """A published round: members by band (alphabetically within a band), not ranked by score."""
    found = EvaluationRound.objects.filter(pk=round_id, status=EvaluationRound.Status.PUBLISHED).first()
    if found is None:
        raise Http404
    rows = found.participations.select_related("member").order_by("member__name")
    bands = [(label, [p.member for p in rows if p.band == value]) for value, label in Band.choices]
    return render(request, "discipline/results.html", {"round": found, "bands": bands})


def commendations(request: HttpRequest) -> HttpResponse:
    commended = Nomination.objects.commended().order_by("-decided_on", "-pk")
    return render(request, "discipline/commendations.html", {"nominations": commended})


# ------------------------------------------------------------------------------------------------ nominations


@login_required
def nominate(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.NOMINATE)
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = Member.objects.filter(number=data["member"].strip().upper()).first() if data["member"] else None
        ok, _result = run_form_action(
            request, form, actions.do_nominate, signed_in(request), nominee_kind=data["nominee_kind"],
            reasons=data["reasons"], member_id=member.pk if member else (-1 if data["member"] else None),
            nominee_name=data["nominee_name"],
        )  # fmt: skip
        if ok:
            messages.success(request, _("The nomination is sent to the executing body."))
            return redirect("discipline:commendations")
    return render(request, "discipline/nominate.html", {"form": form})


@login_required
def nominations(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_DISCIPLINE)
    return render(request, "discipline/nominations.html", {
        "nominations": Nomination.objects.select_related("member", "nominated_by"),
        "form": NominationDecisionForm(), "can_review": has_perm(request.user, Perm.REVIEW_NOMINATIONS),
    })  # fmt: skip


@login_required
@require_POST
def decide_nomination(request: HttpRequest, nomination_id: int) -> HttpResponse:
    require(request.user, Perm.REVIEW_NOMINATIONS)
    form = NominationDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        ok, _result = run_action(request, actions.do_decide_nomination, signed_in(request), nomination_id,
                                 commend=data["commend"], citation=data["citation"], note=data["note"])  # fmt: skip
        if ok:
            messages.success(request, _("The nomination is decided."))
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("discipline:nominations")
