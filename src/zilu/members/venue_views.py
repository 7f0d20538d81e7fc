"""Pages of the internet access venues (Art. 13): the venue's self-assessment, and the executing body's review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zilu.core.errors import NotFound
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import run_form_action
from zilu.core.workflow import access
from zilu.members import actions
from zilu.members.forms import VenueAssessmentForm, VenueReviewForm
from zilu.members.models import Kind, Member, VenueAssessment
from zilu.members.venues import VENUE_ITEMS


def _rows(assessment: VenueAssessment) -> list[dict[str, object]]:
    """The items with the venue's answers, for the pages."""
    return [{"item": item, **assessment.answers.get(item.code, {"answer": "", "note": ""})} for item in VENUE_ITEMS]


@login_required
def venue_assessment(request: HttpRequest) -> HttpResponse:
    """The venue's representatives submit a self-assessment and see the earlier ones with the staff's review."""
    require(request.user, Perm.SELF_ASSESS)
    member = Member.objects.filter(pk=getattr(request.user, "member_id", None), kind=Kind.VENUE).first()
    if member is None:
        raise NotFound()
    form = VenueAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _r = run_form_action(request, form, actions.do_submit_venue_assessment, signed_in(request), form.payload())
        if ok:
            messages.success(request, _("Your self-assessment is submitted to the executing body."))
            return redirect("members:venue_assessment")
    mine = VenueAssessment.objects.restrict(request.user).filter(member=member)
    return render(
        request,
        "members/venue_assessment.html",
        {"member": member, "form": form, "assessments": [(a, _rows(a)) for a in mine[:20]]},
    )


@login_required
def venue_queue(request: HttpRequest) -> HttpResponse:
    """The venues' self-assessments, those awaiting review first (staff and the supervising department)."""
    require(request.user, Perm.VIEW_MEMBER_PRIVATE)
    qs = VenueAssessment.objects.restrict(request.user).select_related("member").order_by("status", "-submitted_at")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "members/venue_queue.html", {"page": page})


@login_required
def venue_review(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """One self-assessment; the executing body accepts it or returns it with a note."""
    require(request.user, Perm.VIEW_MEMBER_PRIVATE)
    assessment = access(VenueAssessment.objects.restrict(request.user).select_related("member"), assessment_id)
    form = VenueReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = request.POST.get("decision") == "accept"
        ok, _r = run_form_action(
            request, form, actions.do_review_venue_assessment, signed_in(request), assessment.pk, accept=accept,
            note=form.cleaned_data["note"],
        )  # fmt: skip
        if ok:
            messages.success(request, _("The review is recorded."))
            return redirect("members:venue_review", assessment_id=assessment.pk)
    return render(
        request,
        "members/venue_review.html",
        {
            "assessment": assessment,
            "rows": _rows(assessment),
            "form": form,
            "can_review": has_perm(request.user, Perm.RUN_EVALUATIONS)
            and assessment.status == VenueAssessment.Status.SUBMITTED,
        },
    )
