"""Oversight pages: complaints (the complainant's and the supervising department's), the executing body's answers
to requests for an explanation, a member's audit extract, and the public transparency page."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zilu.core import audit, workflow
from zilu.core.actors import Actor
from zilu.core.csvexport import csv_response
from zilu.core.errors import Forbidden
from zilu.core.files import files_of
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import Step, run_form_action, run_step
from zilu.disputes.models import public_counts
from zilu.oversight import actions
from zilu.oversight.forms import AnswerForm, ComplaintForm, ConcludeForm, EvidenceForm, ExplainForm
from zilu.oversight.models import Complaint, ExplanationRequest, PublishedHead


def _require_complaints_area(user: Actor) -> None:
    if not (has_perm(user, Perm.FILE_COMPLAINTS) or has_perm(user, Perm.HANDLE_COMPLAINTS)):
        raise Forbidden()


@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    """A member's own complaints; for the supervising department, the queue of every complaint."""
    _require_complaints_area(request.user)
    handling = has_perm(request.user, Perm.HANDLE_COMPLAINTS)
    status = request.GET.get("status", "")
    qs = Complaint.objects.restrict(request.user, "view").select_related("complainant")
    if status in Complaint.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/complaints.html",
        {"page": page, "handling": handling, "status": status, "statuses": Complaint.Status.choices},
    )


@login_required
def file_complaint(request: HttpRequest) -> HttpResponse:
    """A member complains to the supervising department (Art. 20)."""
    require(request.user, Perm.FILE_COMPLAINTS)
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, complaint = run_form_action(request, form, actions.do_file_complaint, signed_in(request), **data)
        if ok:
            messages.success(
                request,
                _("Your complaint %(ref)s is with the supervising department. The executing body cannot read it.")
                % {"ref": complaint.reference},
            )
            return redirect("oversight:complaint", complaint_id=complaint.pk)
    return render(request, "oversight/new.html", {"form": form})


@login_required
def complaint(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """One complaint: its status for the complainant, the handling for the supervising department."""
    item = workflow.access(Complaint.objects.restrict(request.user, "view"), complaint_id)
    handling = has_perm(request.user, Perm.HANDLE_COMPLAINTS)
    return render(
        request,
        "oversight/complaint.html",
        {
            "complaint": item,
            "handling": handling,
            "evidence": files_of(item, actions.EVIDENCE),
            "requests": item.explanation_requests.all() if handling else [],
            "evidence_form": EvidenceForm(prefix="evidence"),
            "explain_form": ExplainForm(prefix="explain"),
            "conclude_form": ConcludeForm(prefix="conclude"),
        },
    )


STEPS: dict[str, Step] = {
    "evidence": (
        EvidenceForm,
        actions.do_add_evidence,
        lambda d: {"files": d["files"]},
        gettext_lazy("Evidence added."),
    ),
    "acknowledge": (None, actions.do_acknowledge, lambda d: {}, gettext_lazy("The complaint is acknowledged.")),
    "investigate": (None, actions.do_investigate, lambda d: {}, gettext_lazy("The investigation is open.")),
    "explain": (
        ExplainForm,
        actions.do_request_explanation,
        lambda d: {"questions": d["questions"]},
        gettext_lazy("The executing body is asked for an explanation."),
    ),
    "conclude": (
        ConcludeForm,
        actions.do_conclude,
        lambda d: {"findings": d["findings"], "corrections": d["corrections"]},
        gettext_lazy("The complaint is concluded."),
    ),
}


@login_required
@require_POST
def step(request: HttpRequest, complaint_id: int, step: str) -> HttpResponse:
    """One step on a complaint; whoever may not see it gets 404."""
    workflow.access(Complaint.objects.restrict(request.user, "view"), complaint_id)
    target = redirect("oversight:complaint", complaint_id=complaint_id)
    run_step(request, STEPS, step, complaint_id)
    return target


EXPORT_FIELDS = [
    "reference", "status", "target", "target_reference", "staff_named", "subject", "complainant", "discloses_identity",
    "created_at", "acknowledged_at", "concluded_at", "findings", "corrections",
]  # fmt: skip


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """CSV of every complaint: the supervising department's export. Nobody else gets one (403)."""
    require(request.user, Perm.HANDLE_COMPLAINTS)
    items = Complaint.objects.restrict(request.user, "view").select_related("complainant").order_by("created_at")
    rows = (
        [item.complainant.name if f == "complainant" else getattr(item, f) for f in EXPORT_FIELDS] for item in items
    )
    return csv_response("complaints.csv", EXPORT_FIELDS, rows, private=True)


# ------------------------------------------------------------------------------------------------ explanations


def _require_explanations(user: Actor) -> None:
    if not (has_perm(user, Perm.ANSWER_EXPLANATIONS) or has_perm(user, Perm.HANDLE_COMPLAINTS)):
        raise Forbidden()


@login_required
def explanations(request: HttpRequest) -> HttpResponse:
    """The supervising department's requests for an explanation, for the executing body to answer."""
    _require_explanations(request.user)
    page = Paginator(ExplanationRequest.objects.restrict(request.user, "view"), 50).get_page(request.GET.get("page"))
    return render(request, "oversight/explanations.html", {"page": page})


@login_required
def explanation(request: HttpRequest, request_id: int) -> HttpResponse:
    """One request: what must be answered (and the complainant, only with its consent); the answer form."""
    _require_explanations(request.user)
    item = workflow.access(ExplanationRequest.objects.restrict(request.user, "view"), request_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _r = run_form_action(
            request, form, actions.do_answer_explanation, signed_in(request), item.pk, form.cleaned_data["answer"]
        )
        if ok:
            messages.success(request, _("Your explanation is sent to the supervising department."))
            return redirect("oversight:explanation", request_id=item.pk)
    return render(
        request,
        "oversight/explanation.html",
        {"item": item, "form": form, "can_answer": has_perm(request.user, Perm.ANSWER_EXPLANATIONS)},
    )


# ------------------------------------------------------------------------------------------------ records


@login_required
def audit_extract(request: HttpRequest) -> HttpResponse:
    """The audit entries that concern the representative's member, for ``zilu audit verify --file``."""
    extract = actions.access_member_extract(request.user)
    body = json.dumps(extract, ensure_ascii=False, indent=1, sort_keys=True)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="zilu-audit-extract.json"'
    response["Cache-Control"] = "private, no-store"
    return response


def transparency(request: HttpRequest) -> HttpResponse:
    """Public: the audit chain heads published each day, and aggregate dispute counts (nothing else of disputes,
    and nothing of complaints, is public)."""
    heads = Paginator(PublishedHead.objects.all(), 60).get_page(request.GET.get("page"))
    return render(
        request,
        "oversight/transparency.html",
        {"heads": heads, "head": audit.head(), "disputes": public_counts()},
    )
