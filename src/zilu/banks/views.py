"""Pages of the shared banks: the banks and their versions, entries, contributing, importing, and an entry with its
opinions and change log, where the staff curate and members confirm or dispute."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zilu.banks import actions
from zilu.banks.forms import ContributeForm, CurateForm, ImportForm, OpinionForm
from zilu.banks.models import Bank, BankState, Change, Entry
from zilu.core.roles import Perm, has_perm, require, signed_in
from zilu.core.views import run_action, run_form_action
from zilu.core.workflow import access

VERBS = {"approve", "reject", "disable", "enable", "keep", "opinion"}


def _bank(bank: str) -> str:
    if bank not in Bank.values:
        raise Http404
    return bank


@login_required
def bank_list(request: HttpRequest) -> HttpResponse:
    """Every bank with its version and how many entries are active, pending and disputed."""
    require(request.user, Perm.READ_BANKS)
    states = {s.bank: s for s in BankState.objects.all()}
    counts = {
        row["bank"]: row
        for row in Entry.objects.restrict(request.user)
        .values("bank")
        .order_by()
        .annotate(
            active=Count("pk", filter=Q(status=Entry.Status.ACTIVE)),
            pending=Count("pk", filter=Q(status=Entry.Status.PENDING)),
            flagged=Count("pk", filter=Q(flagged=True)),
        )
    }
    rows = [{"bank": b, "state": states.get(b.value), "counts": counts.get(b.value, {})} for b in Bank]
    return render(request, "banks/banks.html", {"rows": rows, "can_curate": has_perm(request.user, Perm.CURATE_BANKS)})


@login_required
def entry_list(request: HttpRequest, bank: str) -> HttpResponse:
    """A bank's entries, newest change first; filter by status or disputed."""
    require(request.user, Perm.READ_BANKS)
    bank = _bank(bank)
    qs = Entry.objects.restrict(request.user).filter(bank=bank)
    status = request.GET.get("status", "")
    if status in Entry.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("flagged"):
        qs = qs.filter(flagged=True)
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(key__icontains=query)
    page = Paginator(qs.order_by("-version"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "banks/entries.html",
        {
            "bank": Bank(bank),
            "page": page,
            "status": status,
            "query": query,
            "statuses": Entry.Status.choices,
            "version": BankState.objects.filter(bank=bank).values_list("version", flat=True).first() or 0,
            "can_contribute": has_perm(request.user, Perm.CONTRIBUTE_TO_BANKS),
        },
    )


@login_required
def contribute(request: HttpRequest, bank: str) -> HttpResponse:
    """Contribute one entry (members' entries wait for curation)."""
    require(request.user, Perm.CONTRIBUTE_TO_BANKS)
    bank = _bank(bank)
    form = ContributeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, entry = run_form_action(
            request, form, actions.do_contribute, signed_in(request), bank, form.raw_entry(bank),
            reason=form.cleaned_data["reason"], evidence_url=form.cleaned_data["evidence_url"],
        )  # fmt: skip
        if ok:
            if entry.status == Entry.Status.PENDING:
                messages.success(request, _("Thank you: the entry awaits curation by the staff."))
            else:
                messages.success(request, _("The entry is in service."))
            return redirect("banks:entry", bank=bank, entry_id=entry.pk)
    return render(request, "banks/contribute.html", {"bank": Bank(bank), "form": form})


@login_required
def import_entries(request: HttpRequest, bank: str) -> HttpResponse:
    """Import a file; the page shows what was added, duplicated and rejected, and why."""
    require(request.user, Perm.CONTRIBUTE_TO_BANKS)
    bank = _bank(bank)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, result = run_form_action(
            request, form, actions.do_import, signed_in(request), bank, d["content"], fmt=d.get("format") or "",
            name=d.get("name", ""), reason=d.get("reason", ""), evidence_url=d.get("evidence_url", ""),
        )  # fmt: skip
        if ok:
            report = result
    return render(request, "banks/import.html", {"bank": Bank(bank), "form": form, "report": report})


@login_required
def entry_detail(request: HttpRequest, bank: str, entry_id: int) -> HttpResponse:
    """An entry: its data, provenance, opinions and numbered changes, and what the visitor may do."""
    require(request.user, Perm.READ_BANKS)
    entry = access(Entry.objects.restrict(request.user), entry_id, bank=_bank(bank))
    can_curate = has_perm(request.user, Perm.CURATE_BANKS)
    return render(
        request,
        "banks/entry.html",
        {
            "entry": entry,
            "bank": Bank(entry.bank),
            "opinions": entry.opinions.select_related("member").order_by("-created_at"),
            "changes": Change.objects.filter(entry=entry).order_by("-version")[:100],
            "can_curate": can_curate,
            "can_opine": has_perm(request.user, Perm.GIVE_BANK_OPINIONS) and entry.status != Entry.Status.REJECTED,
            "curate_form": CurateForm(),
            "opinion_form": OpinionForm(),
        },
    )


@login_required
@require_POST
def entry_action(request: HttpRequest, bank: str, entry_id: int, verb: str) -> HttpResponse:
    """Approve, reject, disable, enable, keep (staff) or give an opinion (members); refusals become messages."""
    if verb not in VERBS:
        raise Http404
    bank = _bank(bank)
    user = signed_in(request)
    if verb == "opinion":
        form = OpinionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose confirm or dispute and give a reason."))
            return redirect("banks:entry", bank=bank, entry_id=entry_id)
        ok, _result = run_action(request, actions.do_give_opinion, user, bank, entry_id, **form.cleaned_data)
    else:
        curate = CurateForm(request.POST)
        curate.is_valid()
        reason = curate.cleaned_data.get("reason", "")
        if verb in ("approve", "reject"):
            ok, _result = run_action(request, actions.do_curate, user, bank, entry_id, approve=verb == "approve",
                                     reason=reason)  # fmt: skip
        elif verb == "disable":
            until = curate.cleaned_data.get("until")
            ok, _result = run_action(request, actions.do_disable, user, bank, entry_id, reason=reason, until=until)
        elif verb == "enable":
            ok, _result = run_action(request, actions.do_enable, user, bank, entry_id, reason=reason)
        else:
            ok, _result = run_action(request, actions.do_keep, user, bank, entry_id, reason=reason)
    if ok:
        messages.success(request, _("Done."))
    return redirect("banks:entry", bank=bank, entry_id=entry_id)
