"""Discipline pages after a decision (Art. 18): the decision PDFs, the revoked member's application for
reinstatement, and the staff's list and decision of applications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zilu.core import workflow
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import run_form_action
from zilu.discipline import actions
from zilu.discipline.forms import ReinstatementDecisionForm, ReinstatementForm
from zilu.discipline.models import Reinstatement


def _pdf(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def decision_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    """The sanction decision (处理决定书), for the member concerned, the staff and the supervising department."""
    case, pdf = actions.access_decision_pdf(request.user, case_id)
    return _pdf(pdf, f"decision-{case.reference}.pdf")


@login_required
def appeal_decision_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    """The appeal decision (申诉处理决定书), for the same people."""
    case, pdf = actions.access_appeal_decision_pdf(request.user, case_id)
    return _pdf(pdf, f"appeal-decision-{case.reference}.pdf")


@login_required
def my_reinstatement(request: HttpRequest) -> HttpResponse:
    """A revoked member's applications for reinstatement, and the form to apply once the waiting period is over."""
    require(request.user, Perm.ANSWER_DISCIPLINE)
    user = signed_in(request)
    form = ReinstatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _result = run_form_action(request, form, actions.do_apply_for_reinstatement, user,
                                      form.cleaned_data["statement"])  # fmt: skip
        if ok:
            messages.success(request, _("Your application for reinstatement is sent to the executing body."))
            return redirect("discipline:my_reinstatement")
    context = {
        "form": form,
        "applications": Reinstatement.objects.restrict(user, "view").select_related("case"),
        **actions.reinstatement_eligibility(user.member),
    }
    return render(request, "discipline/my_reinstatement.html", context)


@login_required
def reinstatements(request: HttpRequest) -> HttpResponse:
    """The staff's and the supervising department's list of applications, awaiting ones first."""
    require(request.user, Perm.VIEW_DISCIPLINE)
    qs = (
        Reinstatement.objects.restrict(request.user, "view")
        .select_related("member", "case")
        .order_by("-status", "-applied_at")
    )
    return render(request, "discipline/reinstatements.html", {"applications": qs})


@login_required
def reinstatement(request: HttpRequest, application_id: int) -> HttpResponse:
    """One application, and the staff's decision on it."""
    require(request.user, Perm.VIEW_DISCIPLINE)
    application = workflow.access(
        Reinstatement.objects.restrict(request.user, "view").select_related("member", "case"), application_id
    )
    can_decide = has_perm(request.user, Perm.HANDLE_DISCIPLINE)
    form = ReinstatementDecisionForm(request.POST or None, prefix="decide")
    if request.method == "POST":
        require(request.user, Perm.HANDLE_DISCIPLINE)
        if form.is_valid():
            ok, _result = run_form_action(
                request, form, actions.do_decide_reinstatement, signed_in(request), application.pk,
                grant=form.cleaned_data["grant"], reasons=form.cleaned_data["reasons"],
            )  # fmt: skip
            if ok:
                messages.success(request, _("The decision is recorded."))
                return redirect("discipline:reinstatement", application_id=application.pk)
    context = {"application": application, "form": form, "can_decide": can_decide}
    return render(request, "discipline/reinstatement.html", context)
