"""Reporters without accounts (Art. 17): an optional e-mail, confirmed by a signed link, then told of each status
change until they stop it; the address never reaches the member concerned, the public or the audit log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.factories import SiteFactory
from tests.helpers import assert_problem
from tests.reports.helpers import API, submit_ok
from zilu.core.models import AuditEntry, Notification
from zilu.reports.models import Report

pytestmark = pytest.mark.django_db

EMAIL = "whistle.blower@example.org"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.LANGUAGE_CODE = "en"
    settings.ZILU_BASE_URL = "https://zilu.example.cn"


@pytest.fixture
def submitted(member, users, django_capture_on_commit_callbacks):
    """An anonymous report with an e-mail address, routed to ``member``; its confirmation e-mail sent."""
    users["member"].email = "rep@member.example.com"
    users["member"].save()
    SiteFactory(member=member, domains=["shop.example.com.cn"])
    with django_capture_on_commit_callbacks(execute=True):
        receipt = submit_ok(Client(), contact_email=EMAIL)
    return Report.objects.get(pk=int(receipt["tracking_number"][2:]))


def _to_reporter() -> list:
    return [m for m in mail.outbox if EMAIL in m.to]


def _token(kind: str, message) -> str:
    match = re.search(rf"https://zilu\.example\.cn/report/email/{kind}/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def _verify(client_for, report, capture) -> None:
    with capture(execute=True):
        response = client_for("staff").post(
            f"{API}/staff/{report.tracking_number}/verify",
            {"finding": "verified_true", "public_outcome": "查证属实，已删除。", "note": "内部核查记录"},
            "application/json",
        )
    assert response.status_code == 200, response.content


def test_one_confirmation_then_updates_only_once_confirmed(
    submitted, client_for, users, django_capture_on_commit_callbacks
):
    report = submitted
    assert report.status == "with_member"
    [confirmation] = _to_reporter()
    assert report.tracking_number in confirmation.subject
    token = _token("confirm", confirmation)
    # Unconfirmed: the member answers, and nothing more is sent to the address.
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("member").post(
            f"{API}/assigned/{report.tracking_number}/response",
            {"action": "removed", "explanation": "已删除该页面并封禁账号。"},
        )
    assert response.status_code == 201, response.content
    assert len(_to_reporter()) == 1
    # The link opens a page with a button: opening it changes nothing.
    page = Client().get(f"/report/email/confirm/{token}/")
    assert page.status_code == 200 and 'id="link-form"' in page.content.decode()
    report.refresh_from_db()
    assert report.email_verified_at is None
    response = Client().post(f"/report/email/confirm/{token}/")
    assert response.status_code == 200 and 'id="link-done"' in response.content.decode()
    report.refresh_from_db()
    assert report.email_verified_at is not None and report.emails_updates
    entry = AuditEntry.objects.get(action="reports.email.confirm")
    assert entry.after == {"email_updates": "confirmed"}
    # Confirmed: the verification reaches the reporter, with the public outcome and a stop link; not the note.
    _verify(client_for, report, django_capture_on_commit_callbacks)
    update = _to_reporter()[-1]
    assert len(_to_reporter()) == 2
    assert report.tracking_number in update.subject and "Closed" in update.subject
    assert "查证属实，已删除。" in update.body and "内部核查记录" not in update.body
    assert "/report/track/" in update.body
    stop = _token("stop", update)
    # Stopped through the API: nothing more (a reopened report is not possible; check the sender directly).
    body = Client().post(f"{API}/email/stop", {"token": stop}, content_type="application/json").json()
    assert body == {"tracking_number": report.tracking_number, "email_updates": "stopped"}
    report.refresh_from_db()
    assert report.email_stopped_at is not None and not report.emails_updates
    from zilu.reports.reporter_email import send_update_task

    assert send_update_task(report.events.last().pk) is False
    assert AuditEntry.objects.get(action="reports.email.stop").after == {"email_updates": "stopped"}


def test_the_api_confirms_and_bad_or_expired_tokens_are_refused(submitted, time_machine):
    token = _token("confirm", _to_reporter()[0])
    confirm = f"{API}/email/confirm"
    assert_problem(Client().post(confirm, {"token": token[:-2] + "xx"}, content_type="application/json"), 422)
    assert_problem(Client().post(confirm, {"token": "garbage"}, content_type="application/json"), 422)
    # A stop token does not confirm (the purposes are salted apart).
    from zilu.reports.reporter_email import make_token

    stop = make_token(submitted, "stop")
    assert_problem(Client().post(confirm, {"token": stop}, content_type="application/json"), 422)
    # After ZILU_REPORT_EMAIL_CONFIRM_DAYS (7) the confirmation link has expired.
    time_machine.move_to(timezone.now() + timedelta(days=8))
    assert_problem(Client().post(confirm, {"token": token}, content_type="application/json"), 422)
    page = Client().post(f"/report/email/confirm/{token}/")
    assert page.status_code == 422 and 'id="link-error"' in page.content.decode()
    submitted.refresh_from_db()
    assert submitted.email_verified_at is None


def test_a_token_is_bound_to_its_report_and_address(submitted, django_capture_on_commit_callbacks):
    token = _token("confirm", _to_reporter()[0])
    Report.objects.filter(pk=submitted.pk).update(contact_email="someone.else@example.org")
    assert_problem(Client().post(f"{API}/email/confirm", {"token": token}, content_type="application/json"), 422)
    with django_capture_on_commit_callbacks(execute=True):
        submit_ok(
            Client(), description="另一条举报：该页面发布赌博网站链接，诱导用户充值下注。"
        )  # no address: no e-mail
    # Only the one confirmation went to a reporter: everything else went to accounts (the member, the staff).
    assert len(_to_reporter()) == 1
    assert all(m.to == [EMAIL] or m.to[0].endswith(("@member.example.com", ".invalid")) for m in mail.outbox)


def test_the_address_never_reaches_the_member_or_the_public(
    submitted, client_for, users, django_capture_on_commit_callbacks
):
    report = submitted
    token = _token("confirm", _to_reporter()[0])
    Client().post(f"{API}/email/confirm", {"token": token}, content_type="application/json")
    _verify(client_for, report, django_capture_on_commit_callbacks)
    member = client_for("member")
    for path in (
        "/member/reports/",
        f"/member/reports/{report.pk}/",
        "/member/reports/export.csv",
        f"{API}/assigned",
        f"{API}/assigned/{report.tracking_number}",
    ):
        response = member.get(path)
        assert response.status_code == 200, path
        text = response.content.decode()
        assert EMAIL not in text and "confirmed" not in text, path
    assert_problem(member.get(f"{API}/staff/{report.tracking_number}"), 403)
    for note in Notification.objects.filter(user=users["member"]):
        assert EMAIL not in note.subject + note.body
    for message in mail.outbox:
        if EMAIL not in message.to:
            assert EMAIL not in message.subject + message.body
    for entry in AuditEntry.objects.all():
        assert EMAIL not in str(entry.before) + str(entry.after)
    stats = Client().get(f"{API}/statistics").content.decode()
    assert EMAIL not in stats
    # The executing body and the supervising department see the address and that it is confirmed.
    for role in ("staff", "supervisor"):
        body = client_for(role).get(f"{API}/staff/{report.tracking_number}").json()
        assert (body["contact_email"], body["contact_email_confirmed"]) == (EMAIL, True), role
    page = client_for("staff").get(f"/staff/reports/{report.pk}/").content.decode()
    assert EMAIL in page and 'id="email-confirmed"' in page
