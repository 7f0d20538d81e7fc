"""Filings (Art. 12(5)) through HTTP: registering websites and apps, duplicates, and verification against real HTTP
servers on 127.0.0.1 (correct, wrong number, no number, timing out, redirecting to a private address)."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from tests.factories import SiteFactory
from tests.filings.servers import ICP, ICP_KEY, PSB, serve
from tests.helpers import assert_problem
from zilu.core.deadlines import deadline_for
from zilu.core.models import AuditEntry, Notification
from zilu.filings.models import Site, Verification
from zilu.filings.selectors import repeated_failures
from zilu.filings.tasks import verify_due_sites_task

pytestmark = pytest.mark.django_db
API = "/api/v1/filings/sites"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.ZILU_FILINGS_FETCH_TIMEOUT = 1
    settings.ZILU_FILINGS_ALLOW_HOSTS = ["127.0.0.1"]  # the test servers' address; 10.x, 169.254.x stay refused
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def server():
    with serve() as base:
        yield base


def site_data(**overrides):
    data = {
        "kind": "website",
        "name": "示例新闻",
        "domains": ["News.Example.com.cn", "例子.中国"],
        "icp_number": "京ICP备 20210001号-1",
        "psb_number": "京公网安备11011402000001",
        "responsible_person": "张三",
        "responsible_phone": "010-69712345",
    }
    return {**data, **overrides}


def register(client, **overrides):
    return client.post(API, site_data(**overrides), content_type="application/json")


def own_site(users, home_url, **kw):
    return SiteFactory(
        member=users["member"].member, icp_number=ICP, icp_key=ICP_KEY, psb_number=PSB, home_url=home_url, **kw
    )


# --------------------------------------------------------------------------- registration


def test_member_registers_website(client_for, users):
    response = register(client_for("member"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["icp_number"] == "京ICP备20210001号-1"
    assert body["psb_number"] == "京公网安备11011402000001号"
    assert body["domains"] == ["news.example.com.cn", "xn--fsqu00a.xn--fiqs8s"]
    assert (body["status"], body["check_status"]) == ("active", "unchecked")
    assert body["member_id"] == users["member"].member_id
    site = Site.objects.get(pk=body["id"])
    assert site.icp_key == "京ICP备20210001号"
    entry = AuditEntry.objects.get(action="filings.site.register")
    assert entry.actor_id == users["member"].pk and entry.after["domains"] == body["domains"]
    # the member sees it, another member does not, the staff and the supervising department do
    assert client_for("member").get(f"{API}/{site.pk}").status_code == 200
    assert_problem(client_for("other_member").get(f"{API}/{site.pk}"), 404, "not_found")
    assert [s["id"] for s in client_for("staff").get(API).json()] == [site.pk]
    assert [s["id"] for s in client_for("supervisor").get(API).json()] == [site.pk]
    assert client_for("other_member").get(API).json() == []


def test_licence_number_and_app_without_domain(client_for):
    response = register(
        client_for("member"), kind="app", name="示例 App", domains=[], icp_number="京ICP证123456号", psb_number=""
    )
    assert response.status_code == 201, response.content
    assert response.json()["icp_number"] == "京ICP证123456号"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"icp_number": "ICP备12345678号"}, "icp_number", "format"),
        ({"icp_number": "京ICP证123456号-1"}, "icp_number", "format"),
        ({"icp_number": "港ICP备12345678号"}, "icp_number", "province"),
        ({"psb_number": "京公网安备31011402000001号"}, "psb_number", "division"),
        ({"psb_number": ""}, "psb_number", "required"),
        ({"domains": []}, "domains", "required"),
        ({"domains": ["not a domain"]}, "domains", "format"),
        ({"domains": ["com.cn"]}, "domains", "format"),
        ({"home_url": "ftp://example.com.cn/"}, "home_url", "format"),
        ({"responsible_person": ""}, "responsible_person", "required"),
        ({"kind": "blog"}, "kind", "required"),
    ],
)
def test_invalid_registrations(client_for, overrides, field, code):
    body = assert_problem(register(client_for("member"), **overrides), 422, "validation_error")
    assert {"field": field, "code": code} in [{"field": e["field"], "code": e["code"]} for e in body["errors"]]
    assert not Site.objects.exists()


def test_number_or_domain_of_another_member_is_refused(client_for):
    assert register(client_for("member")).status_code == 201
    other = client_for("other_member")
    body = assert_problem(register(other, domains=["other.example.cn"], icp_number="京ICP备20210001号-2"), 409)
    assert body["errors"][0]["field"] == "icp_number"
    assert "already registered by another member" in body["detail"]
    body = assert_problem(
        register(other, domains=["other.example.cn"], icp_number="京ICP备20210002号", psb_number=PSB), 409
    )
    assert body["errors"][0]["field"] == "psb_number"
    body = assert_problem(
        register(
            other,
            domains=["NEWS.example.com.cn"],
            icp_number="京ICP备20210002号",
            psb_number="京公网安备11011402000002号",
        ),
        409,
    )
    assert body["errors"][0]["field"] == "domains"
    # the same member may register another site under its own filing
    own = register(client_for("member"), domains=["m.example.com.cn"], icp_number="京ICP备20210001号-2")
    assert own.status_code == 201


@pytest.mark.parametrize("role", ["anonymous", "public", "staff", "supervisor"])
def test_only_members_register(client_for, role):
    response = register(client_for(role))
    assert response.status_code in {401, 403}
    assert not Site.objects.exists()


def test_update_and_close_free_the_numbers(client_for, users):
    member = client_for("member")
    site_id = register(member).json()["id"]
    Site.objects.filter(pk=site_id).update(check_status="ok")
    response = member.patch(
        f"{API}/{site_id}", {"icp_number": "京ICP备20210009号-1", "responsible_person": "李四"}, "application/json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["icp_number"], response.json()["check_status"]) == ("京ICP备20210009号-1", "unchecked")
    assert_problem(client_for("other_member").patch(f"{API}/{site_id}", {"name": "x"}, "application/json"), 404)
    assert client_for("member").post(f"{API}/{site_id}/close").json()["status"] == "closed"
    assert_problem(member.post(f"{API}/{site_id}/close"), 409, "invalid_transition")
    assert_problem(member.post(f"{API}/{site_id}/verify"), 409, "invalid_transition")
    # a closed site's domain and numbers may be registered again
    again = register(client_for("other_member"), icp_number="京ICP备20210009号-1")
    assert again.status_code == 201, again.content


# --------------------------------------------------------------------------- verification


@pytest.mark.parametrize(
    ("path", "outcome", "detail"),
    [
        ("/correct", "ok", ""),
        ("/spaced", "ok", ""),
        ("/to-correct", "ok", ""),
        ("/wrong", "number_mismatch", "other number shown: ICP"),
        ("/none", "number_missing", "not shown: ICP, PSB"),
        ("/slow", "unreachable", "timed out"),
        ("/to-private", "unreachable", "refused: 10.0.0.1 resolves to a non-public address 10.0.0.1"),
        ("/to-metadata", "unreachable", "non-public address 169.254.169.254"),
        ("/gone", "unreachable", "HTTP 404"),
        ("/loop", "unreachable", "too many redirects"),
    ],
)
def test_verify_outcomes(client_for, users, server, path, outcome, detail):
    site = own_site(users, server + path)
    response = client_for("member").post(f"{API}/{site.pk}/verify")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"] == outcome
    assert detail in body["detail"]
    assert body["url"] == server + path
    site.refresh_from_db()
    assert site.check_status == outcome and site.last_checked_at is not None
    if outcome == "ok":
        assert body["http_status"] == 200
        assert body["final_url"] == server + "/correct" if path == "/to-correct" else server + path
        assert "20210001" in body["excerpt"] and set(body["found_numbers"]) == {ICP, PSB}
        assert site.fix_by is None and site.consecutive_failures == 0
    else:
        assert site.fix_by == deadline_for(timezone.now(), 10, working=True)
        assert site.consecutive_failures == 1
    if outcome == "number_mismatch":
        assert "京ICP备20999999号-1" in body["found_numbers"]
        assert "京ICP备20999998号" not in body["found_numbers"]  # inside a <script>: not shown on the page
    entry = AuditEntry.objects.get(action="filings.site.verify")
    assert entry.after["check_status"] == outcome and entry.actor_id == users["member"].pk


def test_huge_page_is_cut_at_the_cap(client_for, users, server, settings):
    settings.ZILU_FILINGS_MAX_BYTES = 256 * 1024
    site = own_site(users, server + "/huge")
    body = client_for("member").post(f"{API}/{site.pk}/verify").json()
    assert body["outcome"] == "number_missing"
    assert "page cut at 262144 bytes" in body["detail"]


def test_loopback_is_refused_without_the_allow_list(client_for, users, server, settings):
    settings.ZILU_FILINGS_ALLOW_HOSTS = []
    site = own_site(users, server + "/correct")
    body = client_for("staff").post(f"{API}/{site.pk}/verify").json()
    assert body["outcome"] == "unreachable"
    assert "non-public address 127.0.0.1" in body["detail"]


def test_member_told_once_with_deadline_then_repeated_failures_reach_staff(client_for, users, server):
    site = own_site(users, server + "/none")
    staff = client_for("staff")
    for _ in range(3):
        assert staff.post(f"{API}/{site.pk}/verify").json()["outcome"] == "number_missing"
    notes = Notification.objects.filter(user=users["member"], kind="filings.site.problem")
    assert notes.count() == 1  # told when the problem appeared, not at every check
    fix_by = deadline_for(timezone.now(), 10, working=True)
    assert fix_by.isoformat() in notes.get().body
    assert "does not show the registered filing numbers" in notes.get().body
    assert list(repeated_failures()) == [Site.objects.get(pk=site.pk)]
    dashboard = client_for("staff").get("/staff/").content.decode()
    assert f'id="filing-failure-{site.pk}"' in dashboard
    assert "failed its filing check 3 times in a row" in dashboard
    assert 'id="repeated-failures"' in client_for("staff").get("/filings/").content.decode()
    # a new kind of problem is told again; fixing the page clears the deadline and the dashboard line
    Site.objects.filter(pk=site.pk).update(home_url=server + "/wrong")
    assert staff.post(f"{API}/{site.pk}/verify").json()["outcome"] == "number_mismatch"
    assert notes.count() == 2
    Site.objects.filter(pk=site.pk).update(home_url=server + "/correct")
    assert staff.post(f"{API}/{site.pk}/verify").json()["outcome"] == "ok"
    site.refresh_from_db()
    assert (site.fix_by, site.consecutive_failures, site.failing_since) == (None, 0, None)
    assert not repeated_failures().exists()
    assert f'id="filing-failure-{site.pk}"' not in client_for("staff").get("/staff/").content.decode()
    history = client_for("member").get(f"{API}/{site.pk}/verifications").json()
    assert [v["outcome"] for v in history] == ["ok", "number_mismatch"] + ["number_missing"] * 3


@pytest.mark.parametrize(("role", "status"), [("other_member", 404), ("supervisor", 403), ("public", 403)])
def test_who_may_verify(client_for, users, server, role, status):
    site = own_site(users, server + "/correct")
    assert_problem(client_for(role).post(f"{API}/{site.pk}/verify"), status)
    assert not Verification.objects.exists()


def test_periodic_task_checks_due_sites_once_a_day(users, server):
    ok = own_site(users, server + "/correct")
    bad = SiteFactory(home_url=server + "/none", icp_number="京ICP备20210077号", icp_key="京ICP备20210077号")
    SiteFactory(home_url=server + "/correct", status="closed")
    assert verify_due_sites_task.apply().get() == 2
    assert Site.objects.get(pk=ok.pk).check_status == "ok"
    assert Site.objects.get(pk=bad.pk).check_status == "number_missing"
    assert verify_due_sites_task.apply().get() == 0  # checked less than 20 hours ago
    entry = AuditEntry.objects.filter(action="filings.site.verify").first()
    assert entry.actor_id is None and entry.actor_label == "system:scheduler"
    assert "zilu.filings.tasks.verify_due_sites_task" in __import__("zilu.core.scheduler").core.scheduler.SCHEDULE


# --------------------------------------------------------------------------- pages


def test_pages_register_verify_update_close(client_for, users, server):
    member = client_for("member")
    page = member.get("/filings/")
    assert page.status_code == 200 and 'id="site-form"' in page.content.decode()
    form = {**site_data(), "domains": "news.example.com.cn\nm.example.com.cn", "home_url": server + "/correct"}
    response = member.post("/filings/", form)
    assert response.status_code == 302
    site = Site.objects.get()
    assert response["Location"] == f"/filings/{site.pk}/"
    assert site.domain_names == ["news.example.com.cn", "m.example.com.cn"]
    # a refused registration shows the error on its field
    refused = client_for("other_member").post("/filings/", {**form, "domains": "x.example.cn"})
    assert refused.status_code == 200
    assert "already registered by another member" in refused.content.decode()
    # the verify button, for the member and for the staff
    response = member.post(f"/filings/{site.pk}/verify", follow=True)
    assert "Checked: Filing numbers shown." in response.content.decode()
    Site.objects.filter(pk=site.pk).update(home_url=server + "/wrong")
    response = client_for("staff").post(f"/filings/{site.pk}/verify", follow=True)
    text = response.content.decode()
    assert "Checked: Filing number mismatched." in text and 'id="fix-by"' in text
    assert "京ICP备20999999号-1" in text  # the evidence excerpt
    # the member updates the record through the page
    response = member.post(f"/filings/{site.pk}/", {**form, "responsible_person": "王五"})
    assert response.status_code == 302
    assert Site.objects.get(pk=site.pk).responsible_person == "王五"
    assert client_for("other_member").get(f"/filings/{site.pk}/").status_code == 404
    assert client_for("public").get("/filings/").status_code == 403
    member.post(f"/filings/{site.pk}/close")
    assert Site.objects.get(pk=site.pk).status == "closed"
    assert not Site.objects.get(pk=site.pk).domains.filter(active=True).exists()
