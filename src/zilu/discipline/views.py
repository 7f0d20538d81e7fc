"""Discipline pages: the staff's cases, the member's own cases (answer, appeal), the supervising department's list
of flagged cases, and the public and internal sanction notices."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zilu.core import workflow
from zilu.core.errors import Forbidden
from zilu.core.files import files_of
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import Step, run_form_action, run_step
from zilu.discipline import actions
from zilu.discipline.forms import (
    AnswerForm,
    AppealDecisionForm,
    AppealForm,
    ApproveForm,
    ConsiderForm,
    DecideForm,
    DropForm,
    EvidenceForm,
    OpenCaseForm,
    ProposeForm,
    VerifyForm,
)
from zilu.discipline.ladder import Measure
from zilu.discipline.models import Case, Notice
from zilu.discipline.record import record_of
from zilu.members.models import Member


def _member_id(number: str) -> int:
    member = Member.objects.filter(number=(number or "").strip().upper()).first()
    return member.pk if member else 0


# ------------------------------------------------------------------------------------------------ staff


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    """The case list: open cases by default, or by status."""
    require(request.user, Perm.VIEW_DISCIPLINE)
    status = request.GET.get("status", "open")
    qs = Case.objects.select_related("member").order_by("-number")
    if status == "open":
        qs = qs.filter(status__in=Case.OPEN_STATUSES)
    elif status in Case.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "discipline/cases.html", {
        "page": page, "status": status, "statuses": Case.Status.choices,
        "can_handle": has_perm(request.user, Perm.HANDLE_DISCIPLINE),
    })  # fmt: skip


@login_required
def new_case(request: HttpRequest) -> HttpResponse:
    """Open a case; ``?member=CP-…&source=filing_check&note=…`` fills the form (the filings pages link here)."""
    require(request.user, Perm.HANDLE_DISCIPLINE)
    initial = {"member": request.GET.get("member", ""), "source": request.GET.get("source", "investigation"),
               "source_note": request.GET.get("note", "")}  # fmt: skip
    form = OpenCaseForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report_ids = form.report_ids()
        if not form.errors:
            ok, case = run_form_action(
                request, form, actions.do_open_case, signed_in(request), _member_id(data["member"]),
                source=data["source"], facts=data["facts"], articles=data["articles"], report_ids=report_ids,
                participation_id=data["participation"], source_note=data["source_note"], evidence=data["evidence"],
            )  # fmt: skip
            if ok:
                messages.success(request, _("Case %(ref)s is opened.") % {"ref": case.reference})
                return redirect("discipline:case", case_id=case.pk)
    return render(request, "discipline/new_case.html", {"form": form})


def _case_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "reports": case.reports.all(),
        "evidence": files_of(case, actions.EVIDENCE),
        "answer_files": files_of(case, actions.ANSWER),
        "appeal_files": files_of(case, actions.APPEAL),
        "notice": Notice.objects.filter(case=case).first(),
    }


@login_required
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case for the staff and the supervising department, with the steps open to the staff."""
    require(request.user, Perm.VIEW_DISCIPLINE)
    found = workflow.access(Case.objects.restrict(request.user, "view").select_related("member"), case_id)
    context = _case_context(request, found)
    context.update(
        record=record_of(found.member, exclude_case=found.pk),
        can_handle=has_perm(request.user, Perm.HANDLE_DISCIPLINE),
        # Art. 20: the retaliation flag is rendered for the supervising department only.
        sees_flag=has_perm(request.user, Perm.HANDLE_COMPLAINTS),
        evidence_form=EvidenceForm(prefix="evidence"),
        verify_form=VerifyForm(prefix="verify"),
        propose_form=ProposeForm(prefix="propose", initial={"articles": ", ".join(found.articles)}),
        consider_form=ConsiderForm(prefix="consider"),
        approve_form=ApproveForm(prefix="approve"),
        decide_form=DecideForm(prefix="decide", initial={"published_facts": found.facts}),
        drop_form=DropForm(prefix="drop"),
        appeal_form=AppealDecisionForm(prefix="appeal"),
        heavy=(Measure.INTERNAL_NOTICE, Measure.REVOCATION),
    )
    return render(request, "discipline/case.html", context)


STAFF_STEPS: dict[str, Step] = {
    "evidence": (EvidenceForm, actions.do_add_evidence, lambda d: {"files": d["files"]},
                 gettext_lazy("Evidence added.")),
    "verify": (VerifyForm, actions.do_verify_facts, lambda d: {"note": d["note"], "files": d["files"]},
               gettext_lazy("The facts are recorded as verified.")),
    "propose": (ProposeForm, actions.do_propose,
                lambda d: {"measure": d["measure"], "reasons": d["reasons"], "articles": d["articles"],
                           "lighter_reason": d["lighter_reason"]},
                gettext_lazy("The measure is proposed and the member is told.")),
    "consider": (ConsiderForm, actions.do_consider, lambda d: {"consideration": d["consideration"]},
                 gettext_lazy("The consideration is recorded.")),
    "silence": (None, actions.do_record_silence, lambda d: {}, gettext_lazy("The silence is recorded.")),
    "approve": (ApproveForm, actions.do_approve, lambda d: {"note": d["note"]},
                gettext_lazy("The measure is approved.")),
    "decide": (DecideForm, actions.do_decide, lambda d: {"published_facts": d["published_facts"]},
               gettext_lazy("The decision is taken.")),
    "drop": (DropForm, actions.do_drop, lambda d: {"note": d["note"]}, gettext_lazy("The case is closed.")),
    "appeal": (AppealDecisionForm, actions.do_decide_appeal,
               lambda d: {"outcome": d["outcome"], "reasons": d["reasons"], "measure": d["measure"]},
               gettext_lazy("The appeal is decided.")),
}  # fmt: skip

MEMBER_STEPS: dict[str, Step] = {
    "answer": (AnswerForm, actions.do_answer, lambda d: {"answer": d["answer"], "files": d["files"]},
               gettext_lazy("Your answer is recorded.")),
    "appeal": (AppealForm, actions.do_appeal, lambda d: {"grounds": d["grounds"], "files": d["files"]},
               gettext_lazy("Your appeal is recorded.")),
}  # fmt: skip


@login_required
@require_POST
def case_step(request: HttpRequest, case_id: int, step: str) -> HttpResponse:
    """One step of the staff; refusals become messages on the case's page."""
    require(request.user, Perm.HANDLE_DISCIPLINE)
    if step in STAFF_STEPS:
        run_step(request, STAFF_STEPS, step, case_id)
    return redirect("discipline:case", case_id=case_id)


@login_required
def member_record(request: HttpRequest, number: str) -> HttpResponse:
    """A member's disciplinary record: every case, the active strikes and the measure they suggest."""
    require(request.user, Perm.VIEW_DISCIPLINE)
    member = Member.objects.filter(number=number).first()
    if member is None:
        raise Http404
    return render(request, "discipline/record.html", {"member": member, "record": record_of(member)})


@login_required
def flagged(request: HttpRequest) -> HttpResponse:
    """The supervising department's list of cases against members that recently complained (Art. 20)."""
    require(request.user, Perm.HANDLE_COMPLAINTS)
    qs = Case.objects.filter(supervisor_review=True).select_related("member").order_by("-number")
    return render(request, "discipline/flagged.html", {"cases": qs})


# ------------------------------------------------------------------------------------------------ the member concerned


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    """The member's cases (from the proposal on) and its record."""
    require(request.user, Perm.ANSWER_DISCIPLINE)
    user = signed_in(request)
    mine = Case.objects.restrict(user, "view").order_by("-number")
    return render(request, "discipline/my_cases.html", {"cases": mine, "record": record_of(user.member_id)})


@login_required
def my_case(request: HttpRequest, case_id: int) -> HttpResponse:
    """The member's view of its case: the proposal, the evidence, its answer and appeal."""
    require(request.user, Perm.ANSWER_DISCIPLINE)
    found = workflow.access(Case.objects.restrict(request.user, "view").select_related("member"), case_id)
    context = _case_context(request, found)
    today = timezone.localdate()
    context.update(
        answer_form=AnswerForm(prefix="answer"),
        appeal_form=AppealForm(prefix="appeal"),
        can_answer=found.status == Case.Status.PROPOSED and found.window_open(today),
        can_appeal=found.status == Case.Status.DECIDED and found.appeal_window_open(today),
    )
    return render(request, "discipline/my_case.html", context)


@login_required
@require_POST
def my_case_step(request: HttpRequest, case_id: int, step: str) -> HttpResponse:
    require(request.user, Perm.ANSWER_DISCIPLINE)
    if step in MEMBER_STEPS:
        run_step(request, MEMBER_STEPS, step, case_id)
    return redirect("discipline:my_case", case_id=case_id)


# ------------------------------------------------------------------------------------------------ notices


def notices(request: HttpRequest) -> HttpResponse:
    """Public: the sanctions within their listing period."""
    listed = Notice.objects.listed().filter(audience=Notice.Audience.PUBLIC)
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    return render(request, "discipline/notices.html", {"page": page})


def notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    """One notice, for whoever may see it (internal ones: member representatives, staff, supervising department)."""
    found = Notice.objects.restrict(request.user, "view").filter(pk=notice_id).first()
    if found is None:
        raise Http404
    return render(request, "discipline/notice.html", {"notice": found})


@login_required
def internal_notices(request: HttpRequest) -> HttpResponse:
    """Internal notices among member units: representatives of active members, staff, supervising department."""
    require(request.user, Perm.READ_INTERNAL_NOTICES)
    listed = Notice.objects.restrict(request.user, "view").filter(audience=Notice.Audience.MEMBERS)
    if (
        not has_perm(request.user, Perm.VIEW_DISCIPLINE)
        and getattr(getattr(request.user, "member", None), "status", "") != Member.Status.ACTIVE
    ):
        raise Forbidden()
    return render(request, "discipline/internal_notices.html", {"notices": listed})
