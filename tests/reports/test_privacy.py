"""The reporter's identity and contact never reach the member concerned or the public: not in pages, API payloads,
CSV exports, notifications or e-mails; evidence files cannot be fetched by guessing (Art. 17; the guide's privacy
rule)."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.test import Client

from tests.factories import SiteFactory, UserFactory
from tests.reports.helpers import API, lookup_api, png, report_data, submit_ok
from zilu.core.models import AuditEntry, Notification, StoredFile
from zilu.core.roles import Role
from zilu.reports.models import Report

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL = "王小明", "13912345678", "whistle@example.org"
USERNAME = "xiaoming_reporter"


@pytest.fixture
def reporter(db):
    return UserFactory(role=Role.PUBLIC, username=USERNAME, email="xm.account@example.org", first_name="小明")


@pytest.fixture
def report(member, reporter, users):
    users["member"].email = "rep@member.example.com"
    users["member"].save()
    SiteFactory(member=member, domains=["shop.example.com.cn"])
    client = Client()
    client.force_login(reporter)
    receipt = submit_ok(
        client,
        description=f"我是{NAME}，电话{PHONE}，邮箱{EMAIL}，账号{USERNAME}。该页面以返利为名诱导转账。",
        contact_name=NAME,
        contact_phone=PHONE,
        contact_email=EMAIL,
        files=[png("王小明的截图.png")],
    )
    report = Report.objects.get(pk=int(receipt["tracking_number"][2:]))
    report.receipt = receipt
    return report


SECRETS = (NAME, PHONE, EMAIL, USERNAME, "xm.account@example.org", "小明")


def assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into {where}"


def test_member_pages_api_and_exports_carry_no_reporter_details(client_for, report):
    rep = client_for("member")
    reached = {
        "queue page": rep.get("/member/reports/"),
        "detail page": rep.get(f"/member/reports/{report.pk}/"),
        "csv export": rep.get("/member/reports/export.csv"),
        "api list": rep.get(f"{API}/assigned"),
        "api detail": rep.get(f"{API}/assigned/{report.tracking_number}"),
    }
    for where, response in reached.items():
        assert response.status_code == 200, where
        assert_clean(response.content.decode(), where)
    detail = reached["api detail"].json()
    assert "＊＊＊" in detail["description"]  # the report is still readable, the details masked
    assert "返利" in detail["description"]
    assert report.tracking_number in reached["csv export"].content.decode()


def test_notifications_and_emails_to_the_member_carry_no_reporter_details(
    users, member, reporter, client_for, django_capture_on_commit_callbacks
):
    users["member"].email = "rep@member.example.com"
    users["member"].save()
    SiteFactory(member=member, domains=["shop.example.com.cn"])
    client = Client()
    client.force_login(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        receipt = submit_ok(
            client, description=f"我是{NAME}，电话{PHONE}。该页面以返利为名诱导转账。", contact_name=NAME
        )
    report = Report.objects.get(pk=int(receipt["tracking_number"][2:]))
    with django_capture_on_commit_callbacks(execute=True):
        client_for("staff").post(
            f"{API}/staff/{report.tracking_number}/verify",
            {"finding": "verified_true", "public_outcome": "查证属实，已删除。", "note": "核查无误"},
            "application/json",
        )
    notes = Notification.objects.filter(user=users["member"])
    assert notes.count() >= 2
    for note in notes:
        assert_clean(note.subject + note.body + note.url, "a member notification")
    to_member = [m for m in mail.outbox if "rep@member.example.com" in m.to]
    assert to_member
    for message in to_member:
        assert_clean(message.subject + message.body, "an e-mail to the member")


def test_evidence_reaches_the_member_under_a_neutral_name_and_nobody_else(client_for, report):
    stored = StoredFile.objects.get(owner_id=str(report.pk), purpose="evidence")
    assert stored.original_name == "evidence-1.png"
    url = f"/files/{stored.pk}"
    assert client_for("member").get(url).status_code == 200
    assert client_for("staff").get(url).status_code == 200
    assert client_for("supervisor").get(url).status_code == 200
    for role in ("anonymous", "public", "other_member"):
        assert client_for(role).get(url).status_code == 404, role
    assert client_for("staff").get(f"/files/{uuid.uuid4()}").status_code == 404
    disposition = client_for("member").get(url)["Content-Disposition"]
    assert_clean(disposition, "the download's file name")


def test_the_public_sees_only_the_outcome(client_for, report):
    anonymous = Client()
    public = lookup_api(anonymous, report.tracking_number, report.receipt["lookup_code"])
    assert public.status_code == 200
    assert_clean(public.content.decode(), "the public lookup")
    assert "description" not in public.json()
    for path in ("/reports/statistics/", f"{API}/statistics"):
        assert_clean(anonymous.get(path).content.decode(), path)


def test_the_staff_see_the_reporter_and_the_audit_log_does_not_keep_it(client_for, report):
    detail = client_for("staff").get(f"{API}/staff/{report.tracking_number}").json()
    assert (detail["contact_name"], detail["contact_phone"], detail["reporter_username"]) == (NAME, PHONE, USERNAME)
    assert NAME in client_for("staff").get(f"/staff/reports/{report.pk}/").content.decode()
    staff_csv = client_for("staff").get("/staff/reports/export.csv").content.decode()
    assert PHONE not in staff_csv and EMAIL not in staff_csv
    for entry in AuditEntry.objects.filter(object_type="reports.report"):
        assert_clean(str(entry.before) + str(entry.after) + entry.object_repr, "the audit log")


def test_a_wrong_code_or_number_finds_nothing(report):
    anonymous = Client()
    assert lookup_api(anonymous, report.tracking_number, "ABCDE-FGHJK").status_code == 404
    assert lookup_api(anonymous, "JB99999999", report.receipt["lookup_code"]).status_code == 404
    assert lookup_api(anonymous, "not-a-number", report.receipt["lookup_code"]).status_code == 404


@pytest.mark.parametrize(
    ("written", "secret"),
    [
        ("微信号 zhangwei_88", "zhangwei_88"),
        ("加我微信：zw-1988 细谈", "zw-1988"),
        ("QQ号：123456789", "123456789"),
        ("扣扣 88886666", "88886666"),
        ("Telegram @zhang_wei", "zhang_wei"),
        ("vx zhangwei88", "zhangwei88"),
        ("飞书号 zhangwei.88", "zhangwei.88"),
        ("座机 (010)62345678", "62345678"),
        ("电话 +86 10 6234 5678", "6234 5678"),
        ("手机 138.1234.5678", "1234.5678"),
    ],
)
def test_messenger_handles_and_landlines_in_the_description_are_masked_for_the_member(
    client_for, member, written, secret
):
    SiteFactory(member=member, domains=["shop.example.com.cn"])
    receipt = submit_ok(Client(), description=f"对方留下{written}，该页面以返利为名诱导转账。")
    report = Report.objects.get(pk=int(receipt["tracking_number"][2:]))
    detail = client_for("member").get(f"{API}/assigned/{report.tracking_number}").json()["description"]
    assert secret not in detail and "＊＊＊" in detail and "返利" in detail
    staff = client_for("staff").get(f"{API}/staff/{report.tracking_number}").json()["description"]
    assert secret in staff  # the executing body reads the report as it was written


def _photo_with_exif() -> bytes:
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x013B] = "王小明 xiaoming_cam"  # Artist
    exif[0x010F] = "Huawei"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (40.0, 13.0, 5.0)  # where the photo was taken: Changping
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 60, 30)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_photos_exif_and_gps_never_reach_the_member(client_for, member):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    photo = _photo_with_exif()
    assert b"xiaoming_cam" in photo
    SiteFactory(member=member, domains=["shop.example.com.cn"])
    receipt = submit_ok(Client(), files=[SimpleUploadedFile("IMG_0042.jpg", photo, content_type="image/jpeg")])
    report = Report.objects.get(pk=int(receipt["tracking_number"][2:]))
    detail = client_for("member").get(f"{API}/assigned/{report.tracking_number}").json()
    [evidence] = detail["evidence"]
    download = client_for("member").get(evidence["url"])
    assert download.status_code == 200
    served = b"".join(download.streaming_content) if download.streaming else download.content
    assert b"xiaoming_cam" not in served and b"Huawei" not in served and b"Exif" not in served
    import io

    with Image.open(io.BytesIO(served)) as image:
        assert image.size == (32, 24) and not image.getexif()
    stored = StoredFile.objects.get(owner_id=str(report.pk), purpose="evidence")
    assert stored.size == len(served)  # the stored file is the clean one: staff get the same bytes
    staff = client_for("staff").get(evidence["url"])
    assert b"xiaoming_cam" not in (b"".join(staff.streaming_content) if staff.streaming else staff.content)


def test_an_image_that_cannot_be_decoded_is_refused_with_a_reason(member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
    response = Client().post(
        API, {**report_data(), "files": [SimpleUploadedFile("shot.png", fake, content_type="image/png")]}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "files"
    assert not Report.objects.exists()
