"""Abuse controls: rate limit per address, the offline CAPTCHA, size and type limits, duplicates (Art. 17)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import translation

from tests.factories import SiteFactory
from tests.helpers import assert_problem
from tests.reports.helpers import API, png, report_data, solve, submit_api, submit_ok
from zilu.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def fields(response) -> dict[str, str]:
    return {e["field"]: e.get("code", "") for e in response.json()["errors"]}


@override_settings(ZILU_REPORT_RATE_LIMIT=3, ZILU_REPORT_CAPTCHA_AFTER=-1)
def test_the_rate_limit_counts_per_address():
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(3):
        submit_ok(client, description=f"第{i}条不同的举报内容，涉及诈骗链接{i * 13}。")
    refused = submit_api(client, description="第四条举报内容，涉及诈骗链接。")
    assert_problem(refused, 429, "throttled")
    assert Report.objects.count() == 3
    submit_ok(Client(REMOTE_ADDR="198.51.100.1"), description="另一个地址的举报内容，涉及赌博网站。")


@override_settings(ZILU_REPORT_CAPTCHA_AFTER=1)
def test_the_captcha_is_asked_after_the_first_reports():
    client = Client(REMOTE_ADDR="203.0.113.8")
    assert client.get(f"{API}/captcha").json()["required"] is False
    submit_ok(client, description="第一条举报，无需回答验证问题。")

    missing = submit_api(client, description="第二条举报，需要回答验证问题。")
    assert_problem(missing, 422, "validation_error")
    assert fields(missing) == {"captcha_answer": "captcha_required"}

    challenge = client.get(f"{API}/captcha").json()
    assert challenge["required"] is True
    wrong = submit_api(
        client,
        description="第二条举报，需要回答验证问题。",
        captcha_token=challenge["token"],
        captcha_answer=str(int(solve(challenge["question"])) + 1),
    )
    assert fields(wrong) == {"captcha_answer": "captcha_wrong"}

    challenge = client.get(f"{API}/captcha").json()
    answer = solve(challenge["question"])
    ok = submit_ok(
        client, description="第二条举报，需要回答验证问题。", captcha_token=challenge["token"], captcha_answer=answer
    )
    assert ok["tracking_number"]
    reused = submit_api(
        client,
        description="第三条举报，重复使用旧的验证问题。",
        captcha_token=challenge["token"],
        captcha_answer=answer,
    )
    assert fields(reused) == {"captcha_answer": "captcha_used"}
    forged = submit_api(client, description="第三条举报，伪造的验证令牌。", captcha_token="x:y", captcha_answer="3")
    assert fields(forged) == {"captcha_answer": "captcha_invalid"}
    assert Report.objects.count() == 2


@override_settings(ZILU_REPORT_CAPTCHA_AFTER=1)
def test_the_page_shows_the_question_when_due():
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert 'id="captcha-question"' not in client.get("/report/").content.decode()
    submit_ok(client)
    page = client.get("/report/").content.decode()
    assert 'id="captcha-question"' in page
    refused = client.post("/report/", report_data(description="页面上第二条举报，没有回答验证问题。"))
    assert refused.status_code == 422
    assert "Please answer the check question" in refused.content.decode()
    assert Report.objects.count() == 1


def test_field_limits_and_required_fields():
    client = Client()
    too_long = submit_api(client, description="长" * 5001, contact_name="名" * 51)
    assert_problem(too_long, 422, "validation_error")
    assert set(fields(too_long)) == {"description", "contact_name"}
    empty = submit_api(client, category="nonsense", description="短", target="")
    assert set(fields(empty)) == {"category", "description", "target"}
    bad_contact = submit_api(client, contact_phone="12345", contact_email="not-an-address")
    assert set(fields(bad_contact)) == {"contact_phone", "contact_email"}
    assert Report.objects.count() == 0


@override_settings(ZILU_UPLOAD_MAX_BYTES=1024)
def test_an_oversize_upload_is_refused_and_nothing_is_kept():
    big = SimpleUploadedFile("big.png", png().read() + b"\x00" * 2048, content_type="image/png")
    refused = submit_api(Client(), files=[big])
    assert_problem(refused, 422, "validation_error")
    assert "files" in fields(refused)
    assert Report.objects.count() == 0


def test_a_file_whose_name_lies_about_its_type_is_refused():
    executable = SimpleUploadedFile("photo.png", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/png")
    refused = submit_api(Client(), files=[executable])
    assert_problem(refused, 422, "validation_error")
    assert "files" in fields(refused)
    too_many = submit_api(Client(), files=[png(f"{i}.png") for i in range(6)])
    assert "files" in fields(too_many)
    assert Report.objects.count() == 0


def test_a_near_identical_report_on_the_same_target_is_merged(client_for, member):
    SiteFactory(member=member, domains=["shop.example.com.cn"])
    first = submit_ok(Client())
    again = submit_ok(
        Client(),
        target="http://shop.example.com.cn/other-page",
        description="该页面以高额返利为诱饵诱导用户转账，属于典型的刷单诈骗！！",
    )
    assert again["status"] == "duplicate"
    assert again["merged_into"] == first["tracking_number"]
    assert Report.objects.count() == 2  # kept, not lost
    queue = client_for("member").get(f"{API}/assigned").json()
    assert [r["tracking_number"] for r in queue] == [first["tracking_number"]]
    assert queue[0]["similar_reports"] == 1
    different = submit_ok(Client(), description="同一网站上另有售卖违禁药品的页面，与前述诈骗无关。")
    assert different["status"] == "with_member"


def test_a_merged_report_follows_the_original(client_for, member):
    SiteFactory(member=member, domains=["shop.example.com.cn"])
    first = submit_ok(Client())
    again = submit_ok(Client())
    client_for("staff").post(
        f"{API}/staff/{first['tracking_number']}/verify",
        {"finding": "verified_true", "public_outcome": "查证属实，已删除。"},
        "application/json",
    )
    followed = (
        Client()
        .post(
            f"{API}/lookup",
            {"tracking_number": again["tracking_number"], "lookup_code": again["lookup_code"]},
            content_type="application/json",
        )
        .json()
    )
    assert followed["merged_into"] == first["tracking_number"]
    assert (followed["handling_status"], followed["public_outcome"]) == ("closed", "查证属实，已删除。")


def test_lookups_are_throttled_per_address():
    client = Client(REMOTE_ADDR="203.0.113.10")
    body = {"tracking_number": "JB00000001", "lookup_code": "AAAAA-AAAAA"}
    answers = [client.post(f"{API}/lookup", body, content_type="application/json").status_code for _ in range(31)]
    assert answers[:30] == [404] * 30 and answers[30] == 429
