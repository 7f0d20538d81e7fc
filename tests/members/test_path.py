"""The whole membership path through the pages: apply → review → sign → certificate → registry → withdraw →
bulletin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory
from tests.members.helpers import walk_to_member
from zilu.core.models import AuditEntry, StoredFile
from zilu.core.roles import Role
from zilu.members.models import Bulletin, Member

pytestmark = pytest.mark.django_db


def test_the_whole_path(client_for, users, django_capture_on_commit_callbacks):
    applicant = UserFactory(role=Role.PUBLIC)
    client = Client()
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        application = walk_to_member(client_for, client)
    assert application.status == "signed"
    member = application.member
    assert member.status == "active" and member.number.startswith(f"CP-{timezone.localdate().year}-")
    applicant.refresh_from_db()
    assert applicant.role == Role.MEMBER and applicant.member == member
    signature = member.signatures.get()
    assert signature.convention_sha256 == signature.convention_version.sha256
    assert StoredFile.objects.filter(purpose="seal", owner_id=str(signature.pk)).count() == 1
    # certificate
    pdf = client.get(f"/registry/{member.number}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # registry and verification
    assert member.number in Client().get("/registry/").content.decode()
    verify = Client().get(f"/registry/verify/{member.number}").content.decode()
    assert member.name in verify
    # withdraw today
    response = client.post("/account/member/", {"effective_on": timezone.localdate().isoformat(), "confirm": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "withdrawn" and member.withdrawn_on == timezone.localdate()
    # bulletin for a period that has ended: move the dates back a quarter
    past = timezone.localdate() - timedelta(days=120)
    Member.objects.filter(pk=member.pk).update(joined_on=past, withdrawn_on=past)
    from zilu.members.bulletins import previous_quarter

    period = previous_quarter(timezone.localdate())
    start_quarter = past
    response = client_for("staff").post(
        "/staff/bulletins/", {"period": f"{start_quarter.year}Q{(start_quarter.month - 1) // 3 + 1}"}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    bulletin = Bulletin.objects.get()
    assert [e["number"] for e in bulletin.entries["joins"]] == [member.number]
    assert [e["number"] for e in bulletin.entries["withdrawals"]] == [member.number]
    assert Client().get(f"/registry/bulletins/{bulletin.number}.pdf").content.startswith(b"%PDF")
    csv_text = Client().get(f"/registry/bulletins/{bulletin.number}.csv").content.decode("utf-8-sig")
    assert member.number in csv_text
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    for expected in (
        "members.application.submit",
        "members.application.approve",
        "members.member.sign",
        "members.member.notify_withdrawal",
        "members.member.withdrawn",
        "members.bulletin.publish",
    ):
        assert expected in actions
    assert period
