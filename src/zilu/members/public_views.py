"""Public membership pages: the registry, certificate verification, bulletins (page, CSV, PDF), certificates."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from zilu.core.errors import NotFound
from zilu.core.roles import Perm, has_perm
from zilu.members import documents
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
    """Published bulletins, newest first."""
    page = Paginator(Bulletin.objects.select_related("corrects"), 25).get_page(request.GET.get("page"))
    return render(request, "members/bulletins.html", {"page": page})


def _bulletin(number: int) -> Bulletin:
    bulletin = Bulletin.objects.select_related("corrects").filter(number=number).first()
    if bulletin is None:
        raise Http404
    return bulletin


def bulletin_detail(request: HttpRequest, number: int) -> HttpResponse:
    """One bulletin: the joins and withdrawals of its period."""
    bulletin = _bulletin(number)
    return render(
        request,
        "members/bulletin.html",
        {"bulletin": bulletin, "corrections": bulletin.corrections.order_by("number"), "kinds": dict(Kind.choices)},
    )


def bulletin_csv(request: HttpRequest, number: int) -> HttpResponse:
    """A bulletin as CSV (UTF-8 with BOM so that spreadsheet programs read the Chinese correctly)."""
    bulletin = _bulletin(number)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["list", "member_number", "name", "kind", "date"])
    for section in ("joins", "withdrawals"):
        for entry in bulletin.entries[section]:
            writer.writerow([section, entry["number"], entry["name"], entry["kind"], entry["date"]])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.number}-{bulletin.period}.csv"'
    response["X-Content-SHA256"] = bulletin.content_sha256
    return response


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
