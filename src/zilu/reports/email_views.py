"""The reporter's e-mail links (``reporter_email``): confirm the address, stop the updates. The link opens a page
with a button: a mail scanner that fetches links confirms nothing (the change is a POST)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zilu.core.errors import DomainError
from zilu.reports.reporter_email import do_confirm_reporter_email, do_stop_reporter_email

ACTIONS = {"confirm": do_confirm_reporter_email, "stop": do_stop_reporter_email}


def _page(request: HttpRequest, token: str, purpose: str) -> HttpResponse:
    context: dict[str, object] = {"purpose": purpose, "done": False, "error": ""}
    status = 200
    if request.method == "POST":
        try:
            report = ACTIONS[purpose](request.user, token)
        except DomainError as exc:
            context["error"], status = str(exc.message), exc.status
        else:
            context.update(done=True, tracking_number=report.tracking_number)
    return render(request, "reports/email_link.html", context, status=status)


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm the address given with a report."""
    return _page(request, token, "confirm")


def stop(request: HttpRequest, token: str) -> HttpResponse:
    """Stop the status updates."""
    return _page(request, token, "stop")
