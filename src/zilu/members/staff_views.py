"""Staff pages of membership: the application queue, review decisions, and bulletins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import run_form_action
from zilu.core.workflow import access
from zilu.members import actions
from zilu.members.forms import ApproveForm, BulletinForm, RejectForm, RequestInfoForm
from zilu.members.models import Application, Bulletin

DECISIONS = {
    "approve": (ApproveForm, actions.do_approve_application, "qualification_note", _("The application is approved.")),
    "reject": (RejectForm, actions.do_reject_application, "reason", _("The application is rejected.")),
    "info": (RequestInfoForm, actions.do_request_information, "request", _("The applicant is asked for more.")),
}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Applications, open ones first, filterable by status."""
    require(request.user, Perm.VIEW_APPLICATIONS)
    status = request.GET.get("status", "open")
    qs = Application.objects.restrict(request.user).select_related("applicant").order_by("created_at")
    qs = qs.open() if status == "open" else qs.filter(status=status) if status in Application.Status.values else qs
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "members/staff_queue.html",
        {"page": page, "status": status, "statuses": Application.Status.choices},
    )


@login_required
def review(request: HttpRequest, application_id: int) -> HttpResponse:
    """One application with the reviewer's three decisions."""
    require(request.user, Perm.VIEW_APPLICATIONS)
    application = access(Application.objects.restrict(request.user), application_id)
    forms = {name: form_class(prefix=name) for name, (form_class, *_rest) in DECISIONS.items()}
    return render(
        request,
        "members/staff_review.html",
        {
            "application": application,
            "forms": forms,
            "can_review": has_perm(request.user, Perm.REVIEW_APPLICATIONS),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, application_id: int, decision: str) -> HttpResponse:
    """Approve, reject or request information."""
    require(request.user, Perm.REVIEW_APPLICATIONS)
    if decision not in DECISIONS:
        return redirect("members:review", application_id=application_id)
    form_class, action, field, success = DECISIONS[decision]
    form = form_class(request.POST, prefix=decision)
    if form.is_valid():
        ok, _r = run_form_action(
            request, form, action, signed_in(request), application_id, **{field: form.cleaned_data[field]}
        )
        if ok:
            messages.success(request, success)
            return redirect("members:review", application_id=application_id)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("members:review", application_id=application_id)


@login_required
def bulletins(request: HttpRequest) -> HttpResponse:
    """Publish a bulletin for a period, or a correction of one."""
    require(request.user, Perm.PUBLISH_BULLETINS)
    form = BulletinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, bulletin = run_form_action(
            request, form, actions.do_publish_bulletin, signed_in(request), data["period"], corrects=data["corrects"],
            note=data["note"], interim=data["interim"],
        )  # fmt: skip
        if ok:
            messages.success(request, _("Bulletin No. %(n)d is published.") % {"n": bulletin.number})
            return redirect("members:bulletin", number=bulletin.number)
    return render(request, "members/staff_bulletins.html", {"form": form, "bulletins": Bulletin.objects.all()})
