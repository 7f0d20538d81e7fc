"""Membership pages: apply, follow and answer an application, sign, the member's own page, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zilu.convention.models import ConventionVersion
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import run_action, run_form_action
from zilu.core.workflow import access
from zilu.members import actions
from zilu.members.forms import ApplicationForm, SignForm, WithdrawForm
from zilu.members.models import Application, Withdrawal

EDITABLE = [f for f in ApplicationForm.base_fields if f != "kind"]


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    """Apply to join the convention (Art. 4)."""
    require(request.user, Perm.APPLY_FOR_MEMBERSHIP)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, application = run_form_action(request, form, actions.do_apply, signed_in(request), form.cleaned_data)
        if ok:
            messages.success(request, _("Your application is submitted. You will be notified of the decision."))
            return redirect("members:application", application_id=application.pk)
    mine = Application.objects.filter(applicant=request.user).order_by("-created_at")
    return render(request, "members/apply.html", {"form": form, "mine": mine})


@login_required
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    """The applicant follows its application, answers a request for information, or goes on to sign."""
    application = access(Application.objects.restrict(request.user), application_id)
    is_applicant = application.applicant_id == request.user.pk
    initial = {f: getattr(application, f) for f in EDITABLE}
    form = ApplicationForm(request.POST or None, initial={**initial, "kind": application.kind})
    if request.method == "POST" and is_applicant and form.is_valid():
        ok, _r = run_form_action(
            request, form, actions.do_update_application, signed_in(request), application.pk, form.cleaned_data
        )
        if ok:
            messages.success(request, _("Your application is submitted again."))
            return redirect("members:application", application_id=application.pk)
    return render(
        request,
        "members/application.html",
        {"application": application, "is_applicant": is_applicant, "form": form},
    )


@login_required
def sign(request: HttpRequest, application_id: int) -> HttpResponse:
    """Read the exact version in force and sign it."""
    application = access(Application.objects.restrict(request.user), application_id)
    if application.applicant_id != request.user.pk:
        require(request.user, Perm.REVIEW_APPLICATIONS)  # staff may look, never sign
    version = ConventionVersion.objects.current()
    form = SignForm(request.POST or None, request.FILES or None, kind=application.kind)
    if version is not None and request.method == "GET":
        form.initial["convention_sha256"] = version.sha256
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _r = run_form_action(
            request,
            form,
            actions.do_sign,
            signed_in(request),
            application.pk,
            convention_sha256=data["convention_sha256"],
            signer_name=data["signer_name"],
            signer_capacity=data["signer_capacity"],
            responsible_person=data["responsible_person"],
            contact_phone=data["contact_phone"],
            signed_on=data["signed_on"],
            seal=data.get("seal"),
            delegation_letter=data.get("delegation_letter"),
        )
        if ok:
            messages.success(request, _("Signed. Welcome to the convention."))
            return redirect("members:my_member")
        if version is not None and form.has_error("convention_sha256"):
            # The page below shows the version now in force: post back its hash, not the stale one.
            form.data = form.data.copy()
            form.data["convention_sha256"] = version.sha256
    return render(
        request,
        "members/sign.html",
        {
            "application": application,
            "version": version,
            "parsed": version.parsed if version else None,
            "form": form,
        },
    )


@login_required
def my_member(request: HttpRequest) -> HttpResponse:
    """The member's own record: status, certificate, withdrawal."""
    member = actions.member_of(request.user)
    withdrawal = Withdrawal.objects.filter(member=member).first()
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _r = run_form_action(
            request,
            form,
            actions.do_notify_withdrawal,
            signed_in(request),
            effective_on=form.cleaned_data["effective_on"],
            reason=form.cleaned_data["reason"],
        )
        if ok:
            messages.success(request, _("Your notice of withdrawal is recorded."))
            return redirect("members:my_member")
    return render(
        request,
        "members/my_member.html",
        {
            "member": member,
            "signatures": member.signatures.select_related("convention_version"),
            "withdrawal": withdrawal,
            "form": form,
            "can_withdraw": has_perm(request.user, Perm.WITHDRAW_MEMBERSHIP) and member.status == "active",
        },
    )


@login_required
@require_POST
def cancel(request: HttpRequest, application_id: int) -> HttpResponse:
    """Cancel an application (the applicant)."""
    ok, _r = run_action(request, actions.do_cancel_application, signed_in(request), application_id)
    if ok:
        messages.success(request, _("The application is cancelled."))
    return redirect("members:application", application_id=application_id)
