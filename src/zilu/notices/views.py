"""Notice pages: file a notice (an identified account), follow it, the member's answer, public counts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zilu.core import workflow
from zilu.core.errors import Forbidden
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import Step, run_form_action, run_step
from zilu.notices import actions, selectors
from zilu.notices.forms import ActionForm, DeclarationForm, DeclineForm, MeasureForm, NoticeForm, WithdrawForm
from zilu.notices.models import Audience, Notice

_PERMS = (Perm.FILE_IP_NOTICES, Perm.ANSWER_IP_NOTICES, Perm.VIEW_IP_NOTICES)


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """The notices the user may see: its own (a sender), those against its member (a representative), all (staff
    and the supervising department)."""
    if not any(has_perm(request.user, p) for p in _PERMS):
        raise Forbidden()
    qs = Notice.objects.restrict(request.user, "view").select_related("member")
    status = request.GET.get("status", "")
    if status in Notice.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    member_id = getattr(request.user, "member_id", None)
    context: dict[str, Any] = {"page": page, "status": status, "statuses": Notice.Status.choices,
                               "can_file": has_perm(request.user, Perm.FILE_IP_NOTICES)}  # fmt: skip
    if member_id and has_perm(request.user, Perm.ANSWER_IP_NOTICES):
        context["figures"] = selectors.member_figures(member_id)
        context["repeat"] = selectors.repeat_infringers(member_id)
    return render(request, "notices/list.html", context)


@login_required
def file_notice(request: HttpRequest) -> HttpResponse:
    """File a notice: the content, the work, the proof, the right holder's identity, the signed statement."""
    require(request.user, Perm.FILE_IP_NOTICES)
    initial = {k: request.GET.get(k, "")[:1000] for k in ("member", "location")}
    form = NoticeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        proof = data.pop("proof") or []
        ok, notice = run_form_action(request, form, actions.do_file_notice, signed_in(request), data, proof)
        if ok:
            messages.success(request, _("The notice is sent to the member."))
            return redirect("notices:detail", notice_id=notice.pk)
    return render(request, "notices/new.html", {"form": form})


@login_required
def detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    """One notice, as the user may read it, with the steps open to it."""
    notice = workflow.access(Notice.objects.restrict(request.user, "view").select_related("member", "site"),
                             notice_id)  # fmt: skip
    data = selectors.present(notice, request.user)
    audience = data["audience"]
    context: dict[str, Any] = {"notice": notice, "n": data, "audience": audience,
                               "wait_days": settings.ZILU_NOTICES_WAIT_DAYS}  # fmt: skip
    if audience == Audience.MEMBER:
        context.update(measure_form=MeasureForm(prefix="measure"), decline_form=DeclineForm(prefix="decline"),
                       declaration_form=DeclarationForm(prefix="declaration"))  # fmt: skip
    if audience == Audience.HOLDER:
        context.update(action_form=ActionForm(prefix="action"), withdraw_form=WithdrawForm(prefix="withdraw"))
    return render(request, "notices/detail.html", context)


STEPS: dict[str, Step] = {
    "measure": (
        MeasureForm,
        actions.do_record_measure,
        lambda d: {
            "measure": d["measure"],
            "forwarding": d["forwarding"],
            "user_ref": d["user_ref"],
            "note": d["note"],
        },
        gettext_lazy("The measure is recorded and the sender is told."),
    ),
    "decline": (
        DeclineForm,
        actions.do_decline,
        lambda d: {"reason": d["reason"]},
        gettext_lazy("Recorded: no measure. The sender is told why."),
    ),
    "declaration": (
        DeclarationForm,
        actions.do_record_declaration,
        lambda d: {
            "name": d["name"],
            "contact": d["contact"],
            "address": d["address"],
            "declaration": d["declaration"],
            "evidence": d["evidence"],
        },
        gettext_lazy("The declaration is recorded and forwarded to the right holder."),
    ),
    "action": (
        ActionForm,
        actions.do_record_action,
        lambda d: {
            "action": d["action"],
            "authority": d["authority"],
            "reference": d["reference"],
            "proof": d["proof"],
        },
        gettext_lazy("Recorded. The member keeps its measures."),
    ),
    "withdraw": (
        WithdrawForm,
        actions.do_withdraw,
        lambda d: {"reason": d["reason"]},
        gettext_lazy("The notice is withdrawn."),
    ),
}


@login_required
@require_POST
def step(request: HttpRequest, notice_id: int, step: str) -> HttpResponse:
    """One step by the member or the sender; refusals become messages on the notice's page."""
    workflow.access(Notice.objects.restrict(request.user, "view"), notice_id)  # 404 before anything else
    run_step(request, STEPS, step, notice_id)
    return redirect("notices:detail", notice_id=notice_id)


@login_required
def pdf(request: HttpRequest, notice_id: int, which: str) -> HttpResponse:
    """The notice or the declaration as a Chinese PDF."""
    notice, content = actions.access_pdf(request.user, notice_id, which)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ip-{which}-{notice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def statistics(request: HttpRequest) -> HttpResponse:
    """Public counts (nothing about any sender, member or content)."""
    return render(request, "notices/statistics.html", {"counts": selectors.public_counts()})
