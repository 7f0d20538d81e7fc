"""Pages of the review queue, for a member's reviewers (its representatives): the dashboard with statistics, the
queue oldest first, an item with its hits highlighted and the decision form, takedown notices and sweeps, the
webhook and its delivery log. Another member's items are 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zilu.core.errors import DomainError
from zilu.core.files import files_of
from zilu.core.roles import Perm, require, signed_in
from zilu.core.views import run_action, run_form_action
from zilu.core.workflow import access
from zilu.members.models import Member
from zilu.review import actions
from zilu.review.forms import DecisionForm, WebhookForm
from zilu.review.models import Delivery, ReviewItem, Sweep, TakedownNotice, WebhookEndpoint
from zilu.review.stats import member_stats


def _member(request: HttpRequest) -> Member:
    require(request.user, Perm.REVIEW_CONTENT)
    try:
        return actions.member_of(request.user, Perm.REVIEW_CONTENT)
    except DomainError:
        raise Http404 from None


def highlight(text: str, hits: list[dict[str, Any]], field: str) -> SafeString:
    """``text`` escaped, with each hit of ``field`` wrapped in ``<mark>`` (overlapping hits merged)."""
    spans = sorted((h["start"], h["end"], h.get("label", "")) for h in hits if h.get("field", "text") == field)
    out, position = [], 0
    for start, end, label in spans:
        start = max(start, position)
        if end <= start:
            continue
        out.append(escape(text[position:start]))
        out.append(f'<mark title="{escape(label)}">{escape(text[start:end])}</mark>')
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Volumes, decision mix, median time in queue, per reviewer, a chart, and the latest sweep's progress."""
    member = _member(request)
    stats = member_stats(member, days=int(request.GET.get("days", 30) or 30))
    return render(
        request,
        "review/dashboard.html",
        {
            "member": member,
            "stats": stats,
            "chart": mark_safe(stats["chart_svg"]),
            "sweep": Sweep.objects.first(),
            "open_notices": TakedownNotice.objects.filter(member=member).count(),
        },
    )


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The member's held and escalated items, oldest first, with who holds a claim."""
    _member(request)
    items = (
        ReviewItem.objects.restrict(request.user)
        .filter(status__in=ReviewItem.QUEUE)
        .select_related("claimed_by")
        .order_by("created_at", "pk")[:200]
    )
    return render(request, "review/queue.html", {"items": items, "now": timezone.now()})


@login_required
@require_POST
def claim_next(request: HttpRequest) -> HttpResponse:
    _member(request)
    ok, item = run_action(request, actions.do_claim, signed_in(request))
    if ok:
        return redirect("review:item", item_id=item.pk)
    return redirect("review:queue")


@login_required
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    """An item with its hits highlighted and its attachments; the decision form while the visitor holds the claim."""
    _member(request)
    item = access(ReviewItem.objects.restrict(request.user).select_related("claimed_by"), item_id)
    now = timezone.now()
    mine = item.claimed_by_id == request.user.pk and item.claim_expires_at is not None and item.claim_expires_at > now
    return render(
        request,
        "review/item.html",
        {
            "item": item,
            "text": highlight(item.text, item.hits, "text"),
            "title": highlight(item.title, item.hits, "title"),
            "mine": mine,
            "claimed_by_other": item.claimed_by_id
            and not mine
            and item.claim_expires_at
            and item.claim_expires_at > now,
            "form": DecisionForm(),
            "decisions": item.decisions.all(),
            "notices": item.notices.all(),
            "attachments": files_of(item, actions.ATTACHMENT),
        },
    )


@login_required
@require_POST
def claim(request: HttpRequest, item_id: int) -> HttpResponse:
    _member(request)
    run_action(request, actions.do_claim, signed_in(request), item_id)
    return redirect("review:item", item_id=item_id)


@login_required
@require_POST
def release(request: HttpRequest, item_id: int) -> HttpResponse:
    _member(request)
    run_action(request, actions.do_release, signed_in(request), item_id)
    return redirect("review:queue")


@login_required
@require_POST
def decide(request: HttpRequest, item_id: int) -> HttpResponse:
    _member(request)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give the policy label and the rationale."))
        return redirect("review:item", item_id=item_id)
    ok, _result = run_action(request, actions.do_decide, signed_in(request), item_id, **form.cleaned_data)
    if ok:
        messages.success(request, _("Decided."))
        return redirect("review:queue")
    return redirect("review:item", item_id=item_id)


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """Takedown notices for the member's published items, and the progress of the latest sweeps."""
    member = _member(request)
    rows = TakedownNotice.objects.filter(member=member).select_related("item")[:200]
    return render(request, "review/notices.html", {"notices": rows, "sweeps": Sweep.objects.all()[:10]})


@login_required
def webhook(request: HttpRequest) -> HttpResponse:
    """Set the webhook address; see the signing secret and the delivery log."""
    member = _member(request)
    endpoint = WebhookEndpoint.objects.filter(member=member).first()
    form = WebhookForm(request.POST or None, initial={"url": endpoint.url if endpoint else ""})
    if request.method == "POST" and form.is_valid():
        ok, _result = run_form_action(
            request, form, actions.do_set_webhook, signed_in(request), form.cleaned_data["url"],
            new_secret=form.cleaned_data["new_secret"],
        )  # fmt: skip
        if ok:
            messages.success(request, _("The webhook is set."))
            return redirect("review:webhook")
    deliveries = Delivery.objects.filter(member=member).select_related("item").prefetch_related("log")[:50]
    return render(request, "review/webhook.html", {"form": form, "endpoint": endpoint, "deliveries": deliveries})
