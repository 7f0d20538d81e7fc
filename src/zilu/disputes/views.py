"""Dispute pages: the parties' pages (file, answer, negotiate, ask for mediation, confirm, withdraw) and the
executing body's mediation queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zilu.core import workflow
from zilu.core.files import files_of
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import Step, run_action, run_form_action, run_step
from zilu.disputes import actions
from zilu.disputes.forms import (
    AgreementForm,
    AnswerForm,
    AssignForm,
    DeclarationForm,
    DisputeForm,
    EvidenceForm,
    FailureForm,
    MessageForm,
    MinutesForm,
    SessionForm,
    WithdrawForm,
)
from zilu.disputes.models import Dispute
from zilu.disputes.peoples_views import peoples_context


@login_required
def my_disputes(request: HttpRequest) -> HttpResponse:
    """The disputes of the representative's member."""
    require(request.user, Perm.FILE_DISPUTES)
    disputes = Dispute.objects.restrict(request.user, "view").order_by("-number")
    return render(request, "disputes/list.html", {"disputes": disputes})


@login_required
def file_dispute(request: HttpRequest) -> HttpResponse:
    """File a dispute against one or more other members."""
    require(request.user, Perm.FILE_DISPUTES)
    form = DisputeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, dispute = run_form_action(
            request, form, actions.do_file_dispute, signed_in(request), subject=data["subject"], facts=data["facts"],
            request=data["request"], respondents=form.numbers(), evidence=data["evidence"],
        )  # fmt: skip
        if ok:
            messages.success(request, _("The dispute is filed. The other parties are notified."))
            return redirect("disputes:detail", dispute_id=dispute.pk)
    return render(request, "disputes/new.html", {"form": form})


def _context(request: HttpRequest, dispute: Dispute) -> dict[str, Any]:
    thread_visible = dispute.thread_visible_to(request.user)
    return {
        "dispute": dispute,
        "parties": dispute.parties.select_related("member"),
        "party": dispute.party_of(request.user),
        "evidence": files_of(dispute, actions.EVIDENCE),
        "thread_visible": thread_visible,
        "thread": dispute.messages.select_related("author").prefetch_related("accepted_by") if thread_visible else [],
        "sessions": dispute.sessions.all(),
        "remedies": actions.REMEDIES_NOTICE() if dispute.status in ("failed", "withdrawn", "peoples_failed") else "",
        **peoples_context(request, dispute),  # Art. 16: people's mediation, challenges to the mediator
    }


@login_required
def detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    """A party's view of its dispute, with every step open to it."""
    dispute = workflow.access(Dispute.objects.restrict(request.user, "view"), dispute_id)
    if not dispute.is_party(request.user):
        return redirect("disputes:staff_detail", dispute_id=dispute.pk)
    context = _context(request, dispute)
    context.update(
        answer_form=AnswerForm(prefix="answer"),
        message_form=MessageForm(prefix="message"),
        evidence_form=EvidenceForm(prefix="evidence"),
        withdraw_form=WithdrawForm(prefix="withdraw"),
    )
    return render(request, "disputes/detail.html", context)


PARTY_STEPS: dict[str, Step] = {
    "answer": (
        AnswerForm,
        actions.do_answer,
        lambda d: {"answer": d["answer"]},
        gettext_lazy("Your answer is recorded."),
    ),
    "message": (
        MessageForm,
        actions.do_post_message,
        lambda d: {"body": d["body"], "proposal": d["proposal"]},
        gettext_lazy("Your message is sent."),
    ),
    "evidence": (
        EvidenceForm,
        actions.do_add_evidence,
        lambda d: {"files": d["files"]},
        gettext_lazy("Evidence added."),
    ),
    "withdraw": (
        WithdrawForm,
        actions.do_withdraw,
        lambda d: {"reason": d["reason"]},
        gettext_lazy("The dispute is withdrawn."),
    ),
    "mediation": (None, actions.do_request_mediation, lambda d: {}, gettext_lazy("Mediation is requested.")),
    "confirm": (
        None,
        actions.do_confirm_agreement,
        lambda d: {},
        gettext_lazy("You confirmed the mediation agreement."),
    ),
    "share": (
        None,
        actions.do_set_thread_sharing,
        lambda d: {"share": True},
        gettext_lazy("Your consent is recorded."),
    ),
    "unshare": (
        None,
        actions.do_set_thread_sharing,
        lambda d: {"share": False},
        gettext_lazy("Your consent is withdrawn."),
    ),
}


@login_required
@require_POST
def party_step(request: HttpRequest, dispute_id: int, step: str) -> HttpResponse:
    """One step by a party; refusals become messages on the dispute's page."""
    target = redirect("disputes:detail", dispute_id=dispute_id)
    if step == "accept":
        ok, _r = run_action(
            request, actions.do_accept_proposal, signed_in(request), dispute_id, int(request.POST.get("message") or 0)
        )
        if ok:
            messages.success(request, _("You accepted the proposal."))
        return target
    run_step(request, PARTY_STEPS, step, dispute_id)
    return target


@login_required
def agreement_pdf(request: HttpRequest, dispute_id: int) -> HttpResponse:
    """The PDF copy of the confirmed mediation agreement."""
    dispute, pdf = actions.access_agreement_pdf(request.user, dispute_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="mediation-agreement-{dispute.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------------------------ staff


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Disputes in which mediation was requested: open ones by default."""
    require(request.user, Perm.VIEW_DISPUTES)
    status = request.GET.get("status", "open")
    qs = Dispute.objects.restrict(request.user, "view").select_related("mediator").order_by("mediation_requested_at")
    if status == "open":
        qs = qs.filter(status__in=Dispute.OPEN_STATUSES)
    elif status in Dispute.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "disputes/queue.html", {"page": page, "status": status, "statuses": Dispute.Status.choices})


@login_required
def staff_detail(request: HttpRequest, dispute_id: int) -> HttpResponse:
    """The mediation of one dispute: assign, declare, sessions, minutes, agreement or failure."""
    require(request.user, Perm.VIEW_DISPUTES)
    dispute = workflow.access(Dispute.objects.restrict(request.user, "view"), dispute_id)
    context = _context(request, dispute)
    is_mediator = dispute.mediator_id == request.user.pk
    choices = [(u.pk, f"{u} ({u.username})") for u in actions.mediator_choices(dispute)]
    context.update(
        can_mediate=has_perm(request.user, Perm.MEDIATE_DISPUTES),
        is_mediator=is_mediator,
        assign_form=AssignForm(prefix="assign", choices=choices),
        declaration_form=DeclarationForm(prefix="declare"),
        session_form=SessionForm(prefix="session"),
        agreement_form=AgreementForm(prefix="agreement"),
        failure_form=FailureForm(prefix="fail"),
    )
    return render(request, "disputes/staff_detail.html", context)


STAFF_STEPS: dict[str, Step] = {
    "assign": (
        AssignForm,
        actions.do_assign_mediator,
        lambda d: {"mediator_id": d["mediator"]},
        gettext_lazy("Mediator assigned."),
    ),
    "declare": (
        DeclarationForm,
        actions.do_declare_no_conflict,
        lambda d: {"statement": d["statement"]},
        gettext_lazy("Your declaration is recorded."),
    ),
    "session": (
        SessionForm,
        actions.do_schedule_session,
        lambda d: {"starts_at": d["starts_at"], "place": d["place"], "online_link": d["online_link"]},
        gettext_lazy("The session is scheduled and the parties are told."),
    ),
    "minutes": (
        MinutesForm,
        actions.do_record_minutes,
        lambda d: {"session_id": d["session"], "minutes": d["minutes"]},
        gettext_lazy("The minutes are recorded."),
    ),
    "agreement": (
        AgreementForm,
        actions.do_propose_agreement,
        lambda d: {"text": d["text"]},
        gettext_lazy("The agreement is sent to the parties for confirmation."),
    ),
    "fail": (
        FailureForm,
        actions.do_record_failure,
        lambda d: {"note": d["note"]},
        gettext_lazy("The failure is recorded."),
    ),
}


@login_required
@require_POST
def staff_step(request: HttpRequest, dispute_id: int, step: str) -> HttpResponse:
    """One step of the mediation by the staff or the mediator."""
    require(request.user, Perm.MEDIATE_DISPUTES)
    target = redirect("disputes:staff_detail", dispute_id=dispute_id)
    run_step(request, STAFF_STEPS, step, dispute_id)
    return target
