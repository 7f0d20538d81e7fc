"""The report entrance on members' platforms (Art. 17): the snippet page, the redirect, badge and script served by
Zilu, and the filings verifier finding (or not) the entrance on each registered home page, against real HTTP
servers on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils import translation

from tests.factories import SiteFactory
from tests.helpers import assert_problem
from zilu.core.models import AuditEntry, Notification
from zilu.filings.models import Site
from zilu.members.models import Member
from zilu.reports.entrance import snippets_for

pytestmark = pytest.mark.django_db

ICP, ICP_KEY, PSB = "京ICP备20210001号-1", "京ICP备20210001号", "京公网安备11011402000001号"
NUMBER = "CP-2026-0042"
PAGES: dict[str, str] = {}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGES.get(self.path, "").encode("utf-8")
        self.send_response(200 if self.path in PAGES else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.LANGUAGE_CODE = "en"
    settings.ZILU_BASE_URL = "https://zilu.example.cn"
    settings.ZILU_FILINGS_FETCH_TIMEOUT = 2
    settings.ZILU_FILINGS_ALLOW_HOSTS = ["127.0.0.1"]
    with translation.override("en"):
        yield


@pytest.fixture
def numbered(users) -> Member:
    member = users["member"].member
    Member.objects.filter(pk=member.pk).update(number=NUMBER)
    member.refresh_from_db()
    return member


def page(body: str) -> str:
    head = "<!doctype html><html><head><meta charset='utf-8'></head>"
    return f"{head}<body>{body}<footer>{ICP} {PSB}</footer></body></html>"


def site_at(member: Member, url: str) -> Site:
    return SiteFactory(member=member, icp_number=ICP, icp_key=ICP_KEY, psb_number=PSB, home_url=url)


def verify(client: Client, site: Site) -> dict:
    response = client.post(f"/api/v1/filings/sites/{site.pk}/verify")
    assert response.status_code == 200, response.content
    return response.json()


# ------------------------------------------------------------------------------------------ served by Zilu


def test_the_member_copies_its_snippets(numbered, client_for):
    response = client_for("member").get("/member/reports/entrance/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"https://zilu.example.cn/report/m/{NUMBER}/badge.svg" in html
    assert "report/entrance.js" in html and f"data-member=&quot;{NUMBER}&quot;" in html
    api = client_for("member").get("/api/v1/reports/entrance").json()
    assert api["member_number"] == NUMBER
    assert api["entrance_url"] == f"https://zilu.example.cn/report/m/{NUMBER}/"
    assert api["html"].startswith(f'<a href="https://zilu.example.cn/report/m/{NUMBER}/"')
    assert (
        api["script"]
        == f'<script src="https://zilu.example.cn/report/entrance.js" data-member="{NUMBER}" async></script>'
    )
    # The member queue leads there.
    assert "/member/reports/entrance/" in client_for("member").get("/member/reports/").content.decode()


@pytest.mark.parametrize(("role", "status"), [("public", 403), ("staff", 403), ("supervisor", 403), ("superuser", 403)])
def test_only_members_have_an_entrance_page(numbered, client_for, role, status):
    assert client_for(role).get("/member/reports/entrance/").status_code == status
    assert_problem(client_for(role).get("/api/v1/reports/entrance"), status)


def test_anonymous_visitors_are_sent_to_sign_in(numbered, client_for):
    assert client_for("anonymous").get("/member/reports/entrance/").status_code == 302
    assert client_for("anonymous").get("/api/v1/reports/entrance").status_code == 401


def test_the_entrance_opens_the_form_with_the_member_preset(numbered):
    member = numbered
    client = Client()
    response = client.get(f"/report/m/{NUMBER}/")
    assert response.status_code == 302 and response["Location"] == f"/report/?member={member.pk}"
    form = client.get(response["Location"]).content.decode()
    assert f'<option value="{member.pk}" selected>' in form
    badge = client.get(f"/report/m/{NUMBER}/badge.svg")
    assert badge.status_code == 200 and badge["Content-Type"].startswith("image/svg+xml")
    assert NUMBER in badge.content.decode() and badge["Cross-Origin-Resource-Policy"] == "cross-origin"
    script = client.get("/report/entrance.js")
    assert script.status_code == 200 and script["Content-Type"].startswith("text/javascript")
    assert b"currentScript" in script.content
    assert client.get("/report/m/CP-1999-9999/").status_code == 404
    # A member that left: the plain form (its reports go to the executing body).
    Member.objects.filter(pk=member.pk).update(status="withdrawn")
    assert client.get(f"/report/m/{NUMBER}/")["Location"] == "/report/"


# ------------------------------------------------------------------------------------------ the check


@pytest.mark.parametrize("snippet", ["html", "script", "text"])
def test_the_verifier_finds_each_snippet(numbered, client_for, server, snippet):
    member = numbered
    path = f"/with-{snippet}"
    PAGES[path] = page(getattr(snippets_for(member), snippet))
    site = site_at(member, server + path)
    body = verify(client_for("member"), site)
    assert (body["outcome"], body["entrance"]) == ("ok", "shown")
    site.refresh_from_db()
    assert site.entrance_status == "shown"
    assert AuditEntry.objects.get(action="filings.site.verify").after["entrance_status"] == "shown"
    assert not Notification.objects.filter(kind="filings.site.entrance_missing").exists()


def test_the_old_prefilled_link_counts(numbered, client_for, server):
    member = numbered
    PAGES["/old-link"] = page(f'<a href="https://zilu.example.cn/report/?member={member.pk}">举报</a>')
    assert verify(client_for("member"), site_at(member, server + "/old-link"))["entrance"] == "shown"


@pytest.mark.parametrize(
    "body",
    [
        "<p>欢迎</p>",
        f"<!-- <a href='https://zilu.example.cn/report/m/{NUMBER}/'>举报</a> -->",  # a comment is not an entrance
        "<a href='https://zilu.example.cn/report/m/CP-2026-0001/'>举报</a>",  # another member's entrance
        f"<a href='https://elsewhere.example/report/m/{NUMBER}/'>举报</a>",  # not this platform
        "<script src='https://zilu.example.cn/report/entrance.js' data-member='CP-2026-0001'></script>",
    ],
)
def test_a_missing_entrance_is_recorded_and_the_member_told_once(numbered, users, client_for, server, body):
    member = numbered
    PAGES["/missing"] = page(body)
    site = site_at(member, server + "/missing")
    result = verify(client_for("member"), site)
    assert (result["outcome"], result["entrance"]) == ("ok", "missing")  # the filing numbers are fine
    site.refresh_from_db()
    assert site.entrance_status == "missing"
    told = Notification.objects.filter(kind="filings.site.entrance_missing")
    assert {n.user for n in told} == {users["member"]}
    verify(client_for("member"), site)  # still missing: not told again
    assert told.count() == 1


def test_staff_and_the_member_see_the_outcome(numbered, users, client_for, server):
    member = numbered
    PAGES["/shown"] = page(snippets_for(member).html)
    PAGES["/bare"] = page("")
    shown, bare = site_at(member, server + "/shown"), site_at(member, server + "/bare")
    verify(client_for("staff"), shown)
    verify(client_for("staff"), bare)
    for role in ("staff", "supervisor", "member"):
        sites = {s["id"]: s["entrance_status"] for s in client_for(role).get("/api/v1/filings/sites").json()}
        assert (sites[shown.pk], sites[bare.pk]) == ("shown", "missing"), role
    listing = client_for("staff").get("/filings/").content.decode()
    assert "Report entrance shown" in listing and "Report entrance missing" in listing
    detail = client_for("member").get(f"/filings/{bare.pk}/").content.decode()
    assert 'id="entrance-status" class="warning"' in detail
    entrance_page = client_for("member").get("/member/reports/entrance/").content.decode()
    assert "entrance-missing" in entrance_page and "entrance-shown" in entrance_page
    # Another member sees neither.
    assert client_for("other_member").get("/api/v1/filings/sites").json() == []


def test_an_unreachable_page_keeps_the_last_finding(numbered, client_for, server):
    member = numbered
    PAGES["/flaky"] = page(snippets_for(member).html)
    site = site_at(member, server + "/flaky")
    verify(client_for("member"), site)
    del PAGES["/flaky"]
    body = verify(client_for("member"), site)
    assert (body["outcome"], body["entrance"]) == ("unreachable", "")
    site.refresh_from_db()
    assert site.entrance_status == "shown"
