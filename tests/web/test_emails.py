"""E-mails carry absolute links built from ZILU_BASE_URL, as plain text and HTML, in Chinese; the demo sets
ZILU_BASE_URL from its own host and port."""

from __future__ import annotations

import pytest
from django.core import mail

from zilu.cli import demo_base_url
from zilu.core.links import absolute_url
from zilu.core.notify import notify


@pytest.mark.django_db(transaction=True)
def test_a_notification_email_has_absolute_links_in_text_and_html(users, settings):
    settings.ZILU_BASE_URL = "https://zilu.example.cn"
    settings.BROKER_URL = None
    notify(users["member"], "举报 JB00000004 待答复", "请在期限内答复。", url="/member/reports/4/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "举报 JB00000004 待答复"
    assert "https://zilu.example.cn/member/reports/4/" in message.body
    assert "请在期限内答复。" in message.body
    assert "\n/member/reports/4/" not in message.body  # no relative link left
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://zilu.example.cn/member/reports/4/"' in html
    assert 'href="https://zilu.example.cn/account/inbox/"' in html
    assert 'href="/' not in html
    assert '<html lang="zh-hans">' in html


@pytest.mark.django_db(transaction=True)
def test_a_notification_without_a_link_still_points_to_the_inbox(users, settings):
    settings.ZILU_BASE_URL = "http://127.0.0.1:8123"
    settings.BROKER_URL = None
    notify(users["staff"], "新的入约申请")
    assert "http://127.0.0.1:8123/account/inbox/" in mail.outbox[0].body


def test_absolute_url(settings):
    settings.ZILU_BASE_URL = "https://zilu.example.cn"
    assert absolute_url("/member/reports/4/") == "https://zilu.example.cn/member/reports/4/"
    assert absolute_url("report/") == "https://zilu.example.cn/report/"
    assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"
    assert absolute_url("") == ""


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("127.0.0.1", 8123, "http://127.0.0.1:8123"),
        ("0.0.0.0", 9000, "http://127.0.0.1:9000"),
        ("demo.local", 8000, "http://demo.local:8000"),
        ("::1", 8001, "http://[::1]:8001"),
    ],
)
def test_the_demo_links_to_its_own_port(host, port, expected):
    assert demo_base_url(host, port) == expected


def test_zilu_demo_sets_the_base_url_from_its_port(tmp_path):
    from tests.test_cli import zilu

    result = zilu("demo", "--no-serve", "--port", "8123", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Links in certificates and e-mails: http://127.0.0.1:8123/" in result.stdout
