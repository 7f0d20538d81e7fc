"""Public membership pages: the registry, certificate verification, bulletins (page, CSV, PDF), certificates."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from zilu.core.csvexport import csv_response
from zilu.core.errors import NotFound
from zilu.core.roles import Perm, has_perm
from zilu.members import bulletins, documents
from zilu.members.forms import RegistrySearchForm
from zilu.members.models import Bulletin, Kind, Member, Signature


def registry(request: HttpRequest) -> HttpResponse:
    """Active, withdrawn and revoked members: kind, number, join date, status. No personal data of individuals."""
    form = RegistrySearchForm(request.GET or None)
    qs = Member.objects.in_registry().order_by("number")
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            qs = qs.filter(Q(name__icontains=q) | Q(uscc__iexact=q.upper()) | Q(number__iexact=q))
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "members/registry.html", {"form": form, "page": page, "query": query.urlencode()})


def registry_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One member's public record."""
    member = Member.objects.in_registry().filter(number=number).first()
    if member is None:
        raise Http404
    signature = member.signatures.select_related("convention_version").first()
    return render(request, "members/registry_detail.html", {"member": member, "signature": signature})


def verify(request: HttpRequest, number: str | None = None) -> HttpResponse:
    """Confirm or deny a certificate by its number."""
    number = (number or request.GET.get("number", "")).strip().upper()
    member = Member.objects.in_registry().filter(number=number).first() if number else None
    signature = member.signatures.select_related("convention_version").first() if member else None
    return render(request, "members/verify.html", {"number": number, "member": member, "signature": signature})


def certificate_for(member: Member) -> bytes:
    """The member's certificate PDF, from its first signature."""
    signature: Signature | None = member.signatures.select_related("convention_version").order_by("signed_on").first()
    if signature is None or member.number is None:
        raise NotFound()
    verify_path = reverse("members:verify_number", kwargs={"number": member.number})
    return documents.render_certificate(
        documents.CertificateData(
            member_name=member.name,
            member_number=member.number,
            member_kind=str(Kind(member.kind).label),
            signed_on=signature.signed_on,
            convention_title=signature.convention_version.title,
            convention_version=signature.convention_version.number,
            convention_sha256=signature.convention_sha256,
            verify_url=f"{settings.ZILU_BASE_URL}{verify_path}",
            issued_on=signature.signed_on,
        )
    )


@login_required
def certificate(request: HttpRequest, number: str) -> HttpResponse:
    """The certificate PDF, for the member's representatives and the staff."""
    member = Member.objects.in_registry().filter(number=number).first()
    own = member is not None and getattr(request.user, "member_id", None) == member.pk
    if member is None or not (own or has_perm(request.user, Perm.VIEW_MEMBER_PRIVATE)):
        raise Http404
    response = HttpResponse(certificate_for(member), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{member.number}.pdf"'
    return response


def bulletin_list(request: HttpRequest) -> HttpResponse:
    """Published bulletins, newest first, and the running quarter so far (Art. 23: who joined or left is public
    before the quarter ends)."""
    page = Paginator(Bulletin.objects.select_related("corrects"), 25).get_page(request.GET.get("page"))
    return render(request, "members/bulletins.html", {"page": page, "running": bulletins.running_quarter()})


def _bulletin(number: int) -> Bulletin:
    bulletin = Bulletin.objects.select_related("corrects").filter(number=number).first()
    if bulletin is None:
        raise Http404
    return bulletin


def bulletin_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One bulletin: the joins and withdrawals of its period, with a warning when its content is not what was
    published (the hash is recomputed on every view)."""
    bulletin = _bulletin(number)
    _actual, tampered = bulletins.integrity(bulletin)
    return render(
        request,
        "members/bulletin.html",
        {
            "bulletin": bulletin,
            "corrections": bulletin.corrections.order_by("number"),
            "kinds": dict(Kind.choices),
            "tampered": tampered,
        },
    )


BULLETIN_COLUMNS = ["list", "member_number", "name", "kind", "date"]
ENTRY_KEYS = ("number", "name", "kind", "date")  # the stored entry behind each column after "list"


def bulletin_csv(request: HttpRequest, number: int) -> HttpResponse:
    """A bulletin as CSV: first ``key,value`` rows describing it (number, period, note, the published SHA-256 and
    whether the stored content still gives it), an empty row, then the table of joins and withdrawals. A bulletin
    whose content was changed after publication is still served, marked ``mismatch`` (row and header) with the
    warning."""
    bulletin = _bulletin(number)
    actual, tampered = bulletins.integrity(bulletin)
    rows: list[list[Any]] = [
        ["period", bulletin.period],
        ["period_start", bulletin.period_start],
        ["period_end", bulletin.period_end],
        ["published_on", bulletin.published_on],
        ["corrects", bulletin.corrects.number if bulletin.corrects else None],
        ["note", bulletin.note],
        ["content_sha256", bulletin.content_sha256],
        ["content_integrity", "mismatch" if tampered else "ok"],
    ]
    if tampered:
        rows += [["recomputed_sha256", actual], ["warning", tampered]]
    rows += [[], BULLETIN_COLUMNS]
    for section in ("joins", "withdrawals"):
        # .get: an edited row must still come out (marked above), not fail the download
        rows += [[section, *(e.get(k) for k in ENTRY_KEYS)] for e in bulletin.entries.get(section, [])]
    return csv_response(
        f"bulletin-{bulletin.number}-{bulletin.period}.csv",
        ["bulletin_number", str(bulletin.number)],  # the first metadata row
        rows,
        headers={
            "X-Content-SHA256": bulletin.content_sha256,
            "X-Content-Integrity": "mismatch" if tampered else "ok",
        },
    )


def bulletin_pdf(request: HttpRequest, number: int) -> HttpResponse:
    """A bulletin as PDF."""
    bulletin = _bulletin(number)
    kinds = dict(Kind.choices)

    def entries(section: str) -> tuple[documents.BulletinEntry, ...]:
        return tuple(
            documents.BulletinEntry(
                e["number"], e["name"], str(kinds.get(e["kind"], e["kind"])), date.fromisoformat(e["date"])
            )
            for e in bulletin.entries[section]
        )

    pdf = documents.render_bulletin(
        documents.BulletinData(
            number=bulletin.number,
            period=bulletin.period,
            period_start=bulletin.period_start,
            period_end=bulletin.period_end,
            published_on=bulletin.published_on,
            joins=entries("joins"),
            withdrawals=entries("withdrawals"),
            corrects=bulletin.corrects.number if bulletin.corrects else None,
            note=bulletin.note,
            content_sha256=bulletin.content_sha256,
        )
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bulletin-{bulletin.number}-{bulletin.period}.pdf"'
    return response
