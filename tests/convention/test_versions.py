"""Convention versions through the staff pages: import, Art. 21 deadline, publish, withdraw, dashboard."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.convention.helpers import V1_TEXT, draft, published_v1, variant_text
from zilu.convention.models import ConventionVersion
from zilu.core import deadlines
from zilu.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_staff_imports_pasted_text_with_signing_date_and_art21_deadline(client_for):
    response = client_for("staff").post("/staff/convention/", {"text": V1_TEXT})
    assert response.status_code == 302 and response["Location"] == "/staff/convention/v1/"
    version = ConventionVersion.objects.get(number=1)
    assert version.status == "draft"
    assert version.effective_date == date(2021, 7, 15)  # 签约时间：2021.7.15
    # 30 days from 2021-07-15 end on Sat 2021-08-14, a rest day, so the period ends on Mon 2021-08-16.
    assert version.publication_deadline == date(2021, 8, 16)
    assert len(version.parsed.articles) == 25
    entry = AuditEntry.objects.get(action="convention.version.import")
    assert entry.after["sha256"] == version.sha256 and entry.after["articles"] == 25


def test_import_from_uploaded_file_with_explicit_effective_date(client_for):
    upload = SimpleUploadedFile("v.txt", variant_text("文件").encode("utf-8"), content_type="text/plain")
    response = client_for("staff").post("/staff/convention/", {"file": upload, "effective_date": "2025-09-26"})
    assert response.status_code == 302
    version = ConventionVersion.objects.get()
    assert version.effective_date == date(2025, 9, 26)
    assert version.source_name == "v.txt"
    assert version.publication_deadline == deadlines.add_period(date(2025, 9, 26), 30)
    # 30 days after 2025-09-26 is Sun 2025-10-26, a rest day, so the period ends on Mon 10-27; the National Day
    # holidays inside the period do not extend it (Civil Code art. 203 looks only at the last day).
    assert version.publication_deadline == date(2025, 10, 27)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste the text or choose a file."),
        ("第一章 总则\n\n第一条 甲。\n\n第三条 乙。\n", "line"),
        ("这不是公约", "line"),
    ],
)
def test_bad_text_is_refused_with_a_message_and_nothing_is_saved(client_for, text, message, settings):
    settings.LANGUAGE_CODE = "en"
    response = client_for("staff").post("/staff/convention/", {"text": text}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ConventionVersion.objects.exists()
    assert not AuditEntry.objects.exists()


def test_duplicate_text_is_refused(client_for):
    published_v1()
    response = client_for("staff").post("/staff/convention/", {"text": V1_TEXT + "\n\n"}, follow=True)
    assert ConventionVersion.objects.count() == 1
    assert any("1" in str(m) for m in response.context["messages"])


def test_non_utf8_file_is_refused(client_for):
    upload = SimpleUploadedFile("v.txt", V1_TEXT.encode("gb18030"))
    response = client_for("staff").post("/staff/convention/", {"file": upload})
    assert response.status_code == 200
    assert not ConventionVersion.objects.exists()


def test_publish_then_publish_again_is_an_illegal_transition(client_for):
    version = draft()
    staff = client_for("staff")
    response = staff.post(f"/staff/convention/v{version.number}/publish", {"published_on": ""})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == "published" and version.published_on == timezone.localdate()
    again = staff.post(f"/staff/convention/v{version.number}/publish", {}, follow=True)
    assert any(m.level_tag == "error" for m in again.context["messages"])
    assert AuditEntry.objects.filter(action="convention.version.publish").count() == 1


def test_future_publication_date_is_refused(client_for):
    version = draft()
    tomorrow = timezone.localdate() + timedelta(days=1)
    client_for("staff").post(f"/staff/convention/v{version.number}/publish", {"published_on": tomorrow.isoformat()})
    version.refresh_from_db()
    assert version.status == "draft" and version.published_on is None


def test_withdraw_needs_a_reason_and_is_final(client_for):
    version = draft()
    staff = client_for("staff")
    staff.post(f"/staff/convention/v{version.number}/withdraw", {"reason": ""})
    version.refresh_from_db()
    assert version.status == "draft"
    staff.post(f"/staff/convention/v{version.number}/withdraw", {"reason": "误导入"})
    version.refresh_from_db()
    assert version.status == "withdrawn" and "误导入" in version.note
    staff.post(f"/staff/convention/v{version.number}/publish", {})
    version.refresh_from_db()
    assert version.status == "withdrawn"


def test_current_version_is_the_newest_published_and_effective(client):
    v1 = published_v1()
    assert ConventionVersion.objects.current() == v1
    future = draft("将来", effective=timezone.localdate() + timedelta(days=10))
    from zilu.convention.actions import do_publish_version
    from zilu.core.system import SystemActor

    do_publish_version(SystemActor(), future.pk)
    assert ConventionVersion.objects.current() == v1  # not in force yet
    page = client.get("/convention")
    assert 'id="art-12"' in page.content.decode()
    assert "（将来）" not in page.content.decode()


def test_dashboard_shows_overdue_publication(client_for):
    overdue = draft("逾期", effective=date(2025, 1, 2))
    response = client_for("staff").get("/staff/")
    body = response.content.decode()
    assert overdue.publication_overdue()
    assert f'id="overdue-v{overdue.number}"' in body


def test_supervisor_sees_dashboard_but_cannot_manage(client_for):
    version = draft()
    supervisor = client_for("supervisor")
    assert supervisor.get("/staff/").status_code == 200
    assert supervisor.get("/staff/convention/").status_code == 403
    supervisor.post(f"/staff/convention/v{version.number}/publish", {})
    version.refresh_from_db()
    assert version.status == "draft"


def test_plain_text_view_carries_the_hash(client):
    v1 = published_v1()
    response = client.get("/convention/v1.txt")
    assert response["X-Content-SHA256"] == v1.sha256
    assert response.content.decode("utf-8") == v1.text


def test_cli_import_and_publish(tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "convention.txt"
    path.write_text(V1_TEXT, encoding="utf-8")
    call_command("convention", "import", str(path), "--publish", "2021-07-20")
    version = ConventionVersion.objects.get()
    assert version.status == "published" and version.published_on == date(2021, 7, 20)
    assert not version.published_late
    assert AuditEntry.objects.filter(action__startswith="convention.version.").count() == 2
    assert AuditEntry.objects.first().actor_label.startswith("cli:")


def test_publishing_notifies_active_member_representatives(client_for, users, django_capture_on_commit_callbacks):
    from zilu.core.models import Notification

    version = draft()
    with django_capture_on_commit_callbacks(execute=True):
        client_for("staff").post(f"/staff/convention/v{version.number}/publish", {})
    notified = set(Notification.objects.filter(kind="convention.published").values_list("user__username", flat=True))
    assert notified == {users["member"].username, users["other_member"].username}
    inbox = client_for("member").get("/account/inbox/").content.decode()
    assert f"/convention/v{version.number}" in inbox


def test_request_id_is_recorded_in_the_audit_entry(client_for):
    version = draft()
    response = client_for("staff").post(
        f"/staff/convention/v{version.number}/publish", {}, HTTP_X_REQUEST_ID="req-0123456789abcdef"
    )
    assert response["X-Request-ID"] == "req-0123456789abcdef"
    assert AuditEntry.objects.get(action="convention.version.publish").request_id == "req-0123456789abcdef"


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("public", 404), ("supervisor", 403), ("staff", 200)])
def test_publish_through_the_api_by_role(client_for, role, status):
    version = draft()
    response = client_for(role).post(
        f"/api/v1/convention/versions/{version.number}/publish", {}, content_type="application/json"
    )
    assert response.status_code == status
    version.refresh_from_db()
    assert (version.status == "published") == (status == 200)
