"""Pages of people's mediation (Art. 16) and of the mediator's independence: the parties' and the staff's steps on
the dispute's pages, the referral letter, and the staff's list of committees."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zilu.core.files import files_of
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import Step, run_action, run_form_action, run_step
from zilu.disputes import actions
from zilu.disputes.forms import (
    CommitteeForm,
    CommitteeOutcomeForm,
    JudicialForm,
    ObjectionDecisionForm,
    ReasonForm,
    ReferForm,
    RulingForm,
)
from zilu.disputes.models import Dispute
from zilu.disputes.peoples import Committee, MediatorChallenge, Referral


def peoples_context(request: HttpRequest, dispute: Dispute) -> dict[str, Any]:
    """What the dispute's pages show of people's mediation and of challenges to the mediator, with the forms."""
    referral = Referral.objects.select_related("committee").filter(dispute=dispute).first()
    choices = [(c.pk, c.name) for c in Committee.objects.filter(active=True)]
    return {
        "referral": referral,
        "peoples_agreement": files_of(dispute, actions.PEOPLES_AGREEMENT) if referral else [],
        "challenges": dispute.challenges.select_related("mediator", "raised_by"),
        "pending_objection": dispute.challenges.filter(status=MediatorChallenge.Status.PENDING).first(),
        "referable": dispute.status in Dispute.REFERABLE and referral is None,
        "refer_form": ReferForm(prefix="refer", choices=choices),
        "outcome_form": CommitteeOutcomeForm(prefix="outcome"),
        "judicial_form": JudicialForm(prefix="judicial"),
        "ruling_form": RulingForm(prefix="ruling"),
        "reason_form": ReasonForm(prefix="object"),
        "recuse_form": ReasonForm(prefix="recuse"),
        "objection_form": ObjectionDecisionForm(prefix="objection"),
    }


PARTY_STEPS: dict[str, Step] = {
    "referral": (None, actions.do_request_referral, lambda d: {},
                 gettext_lazy("Referral to people's mediation is requested.")),
    "object": (ReasonForm, actions.do_object_to_mediator, lambda d: {"reason": d["reason"]},
               gettext_lazy("Your objection is recorded; another member of staff decides it.")),
    "judicial": (JudicialForm, actions.do_request_judicial_confirmation,
                 lambda d: {"court": d["court"], "filed_on": d["filed_on"]},
                 gettext_lazy("The request for judicial confirmation is recorded.")),
    "ruling": (RulingForm, actions.do_record_judicial_ruling,
               lambda d: {"confirmed": d["confirmed"], "ruled_on": d["ruled_on"], "note": d["note"]},
               gettext_lazy("The court's ruling is recorded.")),
}  # fmt: skip

STAFF_STEPS: dict[str, Step] = {
    "refer": (ReferForm, actions.do_refer, lambda d: {"committee_id": d["committee"], "note": d["note"]},
              gettext_lazy("The dispute is referred; the parties are told.")),
    "outcome": (CommitteeOutcomeForm, actions.do_record_committee_outcome,
                lambda d: {"agreed": d["agreed"], "note": d["note"], "on": d["on"], "files": d["files"]},
                gettext_lazy("The committee's outcome is recorded.")),
    "judicial": PARTY_STEPS["judicial"],
    "ruling": PARTY_STEPS["ruling"],
    "recuse": (ReasonForm, actions.do_recuse, lambda d: {"reason": d["reason"]},
               gettext_lazy("Your recusal is recorded; another mediator will be assigned.")),
    "objection": (ObjectionDecisionForm, actions.do_decide_objection,
                  lambda d: {"challenge_id": d["challenge"], "uphold": d["uphold"], "note": d["note"]},
                  gettext_lazy("The objection is decided.")),
}  # fmt: skip


@login_required
@require_POST
def party_step(request: HttpRequest, dispute_id: int, step: str) -> HttpResponse:
    """One people's-mediation step by a party; refusals become messages on the dispute's page."""
    run_step(request, PARTY_STEPS, step, dispute_id)
    return redirect("disputes:detail", dispute_id=dispute_id)


@login_required
@require_POST
def staff_step(request: HttpRequest, dispute_id: int, step: str) -> HttpResponse:
    """One people's-mediation or independence step by the staff or the mediator."""
    require(request.user, Perm.MEDIATE_DISPUTES)
    run_step(request, STAFF_STEPS, step, dispute_id)
    return redirect("disputes:staff_detail", dispute_id=dispute_id)


@login_required
def referral_letter(request: HttpRequest, dispute_id: int) -> HttpResponse:
    """The referral letter (人民调解移送函) as PDF."""
    dispute, pdf = actions.access_referral_letter(request.user, dispute_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="referral-letter-{dispute.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def committees(request: HttpRequest) -> HttpResponse:
    """The staff's list of people's mediation committees: add one, retire one or take it back."""
    require(request.user, Perm.VIEW_DISPUTES)
    form = CommitteeForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Perm.MEDIATE_DISPUTES)
        if form.is_valid():
            data = form.cleaned_data
            ok, _r = run_form_action(request, form, actions.do_add_committee, signed_in(request), data["name"],
                                     data["address"], data["phone"])  # fmt: skip
            if ok:
                messages.success(request, _("The committee is added."))
                return redirect("disputes:committees")
    context = {
        "form": form,
        "committees": Committee.objects.all(),
        "can_manage": has_perm(request.user, Perm.MEDIATE_DISPUTES),
    }
    return render(request, "disputes/committees.html", context)


@login_required
@require_POST
def toggle_committee(request: HttpRequest, committee_id: int) -> HttpResponse:
    require(request.user, Perm.MEDIATE_DISPUTES)
    active = request.POST.get("active") == "1"
    ok, _r = run_action(request, actions.do_set_committee_active, signed_in(request), committee_id, active=active)
    if ok:
        messages.success(request, _("The list is updated."))
    return redirect("disputes:committees")
