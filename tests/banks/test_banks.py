"""The shared signal banks through HTTP: contributions pending -> curated -> served by the signed sync, opinions,
disabling (the screener stops matching at once), bulk import reports, and who may do what."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import SHARED_DIR, require_shared
from tests.helpers import assert_problem
from zilu.banks import pull
from zilu.banks.actions import enable_expired
from zilu.banks.models import Change, Entry
from zilu.core.models import AuditEntry, Notification
from zilu.core.system import SystemActor

pytestmark = pytest.mark.django_db
TERM = {"term": "冰毒", "labels": ["drugs"], "severity": 3}


def _contribute(client, bank="terms", entry=None, reason="seen in posts"):
    return client.post(
        f"/api/v1/banks/{bank}/entries",
        {"entry": entry or TERM, "reason": reason, "evidence_url": "https://example.cn/evidence"},
        content_type="application/json",
    )


def _signed(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content
    key = client.get("/api/v1/banks/public-key").json()["public_key"]
    return pull.verify(response.json(), key)


def test_contribution_goes_pending_then_curated_then_served_by_the_sync(client_for, key_for, users):
    member = key_for("member")
    created = _contribute(member)
    assert created.status_code == 201, created.content
    entry = created.json()
    assert (entry["status"], entry["reason"], entry["evidence_url"]) == (
        "pending",
        "seen in posts",
        "https://example.cn/evidence",
    )
    assert Notification.objects.filter(kind="banks.entry.pending", user=users["staff"]).exists()

    # Pending entries are not served: the first sync of the member's installation has nothing yet.
    export = _signed(member, "/api/v1/banks/terms/export")
    assert export["type"] == "export" and export["entries"] == [] and export["version"] == 1

    # Only the staff curate.
    assert_problem(
        member.post(f"/api/v1/banks/terms/entries/{entry['id']}/approve", {}, content_type="application/json"), 403
    )
    approved = client_for("staff").post(
        f"/api/v1/banks/terms/entries/{entry['id']}/approve", {"reason": "confirmed"}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "active"

    changes = _signed(member, "/api/v1/banks/terms/changes?since=1")
    assert (changes["since"], changes["version"]) == (1, 2)
    assert [a["term"] for a in changes["additions"]] == ["冰毒"]
    assert changes["additions"][0]["id"] == entry["id"] and changes["removals"] == []
    assert [c.op for c in Change.objects.filter(entry_id=entry["id"]).order_by("version")] == ["contribute", "approve"]
    assert AuditEntry.objects.filter(action="banks.entry.approve", object_id=str(entry["id"])).count() == 1


def test_rejection_needs_a_reason_and_is_never_served(client_for, key_for):
    entry = _contribute(key_for("member")).json()
    staff = client_for("staff")
    url = f"/api/v1/banks/terms/entries/{entry['id']}/reject"
    assert_problem(staff.post(url, {"reason": ""}, content_type="application/json"), 422, "validation_error")
    assert staff.post(url, {"reason": "ordinary word"}, content_type="application/json").json()["status"] == "rejected"
    assert _signed(staff, "/api/v1/banks/terms/changes?since=0")["additions"] == []
    again = staff.post(f"/api/v1/banks/terms/entries/{entry['id']}/approve", {}, content_type="application/json")
    assert_problem(again, 409, "invalid_transition")


def test_an_opinion_disputes_an_entry_and_flags_it_for_the_staff(client_for, key_for, users):
    entry = _contribute(client_for("staff")).json()
    assert entry["status"] == "active"  # the staff's own contribution is in service at once
    other = key_for("other_member")
    url = f"/api/v1/banks/terms/entries/{entry['id']}/opinions"
    assert_problem(other.post(url, {"stance": "dispute", "reason": ""}, content_type="application/json"), 422)
    response = other.post(url, {"stance": "dispute", "reason": "a place name"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["stance"] == "dispute"
    detail = client_for("staff").get(f"/api/v1/banks/terms/entries/{entry['id']}").json()
    assert detail["flagged"] is True
    assert [(o["stance"], o["reason"]) for o in detail["opinions"]] == [("dispute", "a place name")]
    assert Notification.objects.filter(kind="banks.entry.disputed", user=users["staff"]).exists()
    # A second opinion of the same member replaces the first; staff cannot give opinions (they curate).
    other.post(url, {"stance": "confirm", "reason": "checked again"}, content_type="application/json")
    assert [
        o["stance"] for o in client_for("staff").get(f"/api/v1/banks/terms/entries/{entry['id']}").json()["opinions"]
    ] == ["confirm"]
    assert_problem(
        client_for("staff").post(url, {"stance": "confirm", "reason": "x"}, content_type="application/json"), 403
    )
    # The staff keep it: the flag is cleared, the entry stays in service.
    kept = client_for("staff").post(
        f"/api/v1/banks/terms/entries/{entry['id']}/keep", {"reason": "a drug name"}, content_type="application/json"
    )
    assert kept.json()["flagged"] is False and kept.json()["status"] == "active"


def test_a_disabled_entry_stops_matching_without_a_restart(client_for, key_for):
    staff = client_for("staff")
    entry = _contribute(staff).json()
    member = key_for("member")

    def screen():
        response = member.post("/api/v1/screen", {"text": "出售冰毒"}, content_type="application/json")
        assert response.status_code == 200, response.content
        return [h["entry"] for h in response.json()["hits"]]

    assert screen() == ["冰毒"]
    version = _signed(member, "/api/v1/banks/terms/export")["version"]
    url = f"/api/v1/banks/terms/entries/{entry['id']}/disable"
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    assert_problem(staff.post(url, {"reason": "x", "until": past}, content_type="application/json"), 422)
    until = timezone.now() + timedelta(days=1)
    disabled = staff.post(url, {"reason": "too broad", "until": until.isoformat()}, content_type="application/json")
    assert disabled.json()["status"] == "disabled"
    assert screen() == []  # the same process, no restart: the version moved, the screener was rebuilt
    changes = _signed(member, f"/api/v1/banks/terms/changes?since={version}")
    assert changes["removals"] == [{"id": entry["id"], "key": "冰毒"}] and changes["additions"] == []
    assert Entry.objects.get(pk=entry["id"]).status == "disabled"  # kept, not deleted

    # When the until-date comes, the periodic task puts it back into service.
    assert enable_expired(SystemActor("system:scheduler"), now=timezone.now()) == 0
    assert enable_expired(SystemActor("system:scheduler"), now=until + timedelta(seconds=1)) == 1
    assert screen() == ["冰毒"]


def test_a_member_verifies_a_signed_sync_and_writes_engine_files(client_for, key_for, tmp_path, monkeypatch):
    staff = client_for("staff")
    term = _contribute(staff).json()
    _contribute(staff, "domains", {"value": "https://bad-example.com/path/x"})
    _contribute(staff, "domains", {"value": "bad-example.net"})
    _contribute(staff, "hashes", {"hash": "d41d8cd98f00b204e9800998ecf8427e"})
    member = key_for("member")

    def fetch(path: str) -> bytes:
        response = member.get(path)
        assert response.status_code == 200, response.content
        return response.content

    out = tmp_path / "member-banks"
    summary = pull.pull(fetch, out)
    assert summary["terms"] == {"from": None, "to": 1, "entries": 1, "kind": "export"}
    terms = json.loads((out / "terms.json").read_text(encoding="utf-8"))
    assert terms["format"] == "zilu-bank/1" and terms["entries"][0]["term"] == "冰毒"
    domains = json.loads((out / "domains.json").read_text(encoding="utf-8"))
    assert [d["domain"] for d in domains["entries"]] == ["bad-example.com/path/x", "bad-example.net"]
    prefixes = json.loads((out / "url-prefixes.json").read_text(encoding="utf-8"))
    assert [p["value"] for p in prefixes["entries"]] == ["bad-example.com/path/x"]
    hashes = json.loads((out / "hashes.json").read_text(encoding="utf-8"))
    assert hashes["entries"][0]["key"] == "md5:d41d8cd98f00b204e9800998ecf8427e"

    # The engine loads what the pull wrote.
    from zilu.screening import Screener, load_bank

    assert Screener(load_bank(out / "terms.json")).screen("冰毒").hits[0].entry == "冰毒"
    member_screener = Screener(load_bank(out / "domains.json"))
    assert [h.entry for h in member_screener.screen("http://bad-example.com/path/x/1").hits] == [
        "bad-example.com/path/x"
    ]
    assert member_screener.screen("http://bad-example.com/path/y").hits == ()

    # Next pull asks for changes only and applies a removal.
    staff.post(f"/api/v1/banks/terms/entries/{term['id']}/disable", {"reason": "x"}, content_type="application/json")
    summary = pull.pull(fetch, out)
    assert summary["terms"] == {"from": 1, "to": 2, "entries": 0, "kind": "changes"}
    assert json.loads((out / "terms.json").read_text(encoding="utf-8"))["entries"] == []

    # A tampered document is refused, and nothing is written.
    def tampered(path: str) -> bytes:
        body = fetch(path)
        if "/changes" in path or "/export" in path:
            doc = json.loads(body)
            doc["payload"]["version"] += 1
            return json.dumps(doc).encode()
        return body

    state_before = (out / "state.json").read_text(encoding="utf-8")
    with pytest.raises(pull.SyncError, match="bad signature"):
        pull.pull(tampered, out)
    assert (out / "state.json").read_text(encoding="utf-8") == state_before

    # A different platform key than the pinned one is refused.
    with pytest.raises(pull.SyncError):
        pull.verify(json.loads(fetch("/api/v1/banks/terms/export")), "A" * 43 + "=")

    # The command line does the same (``zilu banks pull``, no Django set-up needed).
    from zilu import cli

    monkeypatch.setattr(pull, "http_fetch", lambda url, token: fetch)
    assert cli.main(["banks", "pull", "--url", "http://testserver", "--out", str(tmp_path / "cli")]) == 0


def test_import_reports_added_duplicated_and_rejected(client_for, key_for):
    staff = client_for("staff")
    _contribute(staff)
    content = "冰毒 drugs\n赌场 gambling\n赌场 gambling\n坏标签 a/b\n# comment\n\n"
    response = staff.post(
        "/api/v1/banks/terms/import", {"content": content, "name": "terms.txt"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    report = response.json()
    assert (report["added"], report["duplicated"], report["rejected"], report["status"]) == (1, 2, 1, "active")
    assert [d["record"] for d in report["duplicates"]] == [1, 3]
    assert report["rejections"][0]["record"] == 4 and report["rejections"][0]["code"] == "label"
    csv_text = "hash,algorithm,label\n" + "a" * 64 + ",sha256,csam\nnot-a-hash,,\n"
    report = (
        key_for("member")
        .post("/api/v1/banks/hashes/import", {"content": csv_text, "format": "csv"}, content_type="application/json")
        .json()
    )
    assert (report["added"], report["rejected"], report["status"]) == (1, 1, "pending")
    assert Entry.objects.get(bank="hashes").key == "sha256:" + "a" * 64


def test_import_page_shows_the_report(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("domains.txt", b"bad-example.com\nnot a domain\nbad-example.com\n")
    response = client_for("staff").post("/banks/domains/import", {"file": upload})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.added, report.duplicated, report.rejected) == (1, 1, 1)
    assert "Not a domain name or URL." in response.content.decode()


def test_cli_imports_the_shared_rumor_sets():
    from io import StringIO

    from django.core.management import call_command

    files = [
        require_shared(SHARED_DIR / "data" / "rumors" / name)
        for name in ("piyao_titles.json", "dxy_rumors.json", "checked_fake_with_debunk.jsonl")
    ]
    out = StringIO()
    call_command("banks", "import", "rumors", *map(str, files), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("piyao_titles.json: added 811, duplicated 0, rejected 189")
    assert "Not marked as a rumor (事实)." in out.getvalue()
    assert Entry.objects.filter(bank="rumors", status="active").count() == 811 + 101 + 332
    claim = Entry.objects.filter(bank="rumors", data__claim="注射新冠疫苗会影响性功能？").get()
    assert claim.data["link"].startswith("https://www.piyao.org.cn/")


# ------------------------------------------------------------------------------------------ roles


@pytest.mark.parametrize("role", ["member", "supervisor", "public"])
def test_only_staff_curate(client_for, key_for, role):
    entry = _contribute(key_for("member")).json()
    for verb in ("approve", "reject", "disable", "enable", "keep"):
        response = client_for(role).post(
            f"/api/v1/banks/terms/entries/{entry['id']}/{verb}", {"reason": "x"}, content_type="application/json"
        )
        assert response.status_code in (403, 404), (verb, response.status_code)
    page = client_for(role).post(f"/banks/terms/{entry['id']}/approve", {"reason": "x"})
    assert page.status_code == 302
    assert Entry.objects.get(pk=entry["id"]).status == "pending"
    assert not AuditEntry.objects.filter(action__in=["banks.entry.approve", "banks.entry.reject"]).exists()


def test_enabling_is_for_disabled_entries_and_never_skips_curation(client_for, key_for):
    entry = _contribute(key_for("member")).json()
    staff = client_for("staff")
    path = f"/api/v1/banks/terms/entries/{entry['id']}"
    response = staff.post(f"{path}/enable", {"reason": "x"}, content_type="application/json")
    assert_problem(response, 409, "invalid_transition")
    assert Entry.objects.get(pk=entry["id"]).status == "pending"
    assert not AuditEntry.objects.filter(action="banks.entry.enable").exists()
    assert staff.post(f"{path}/approve", {"reason": "ok"}, content_type="application/json").status_code == 200
    assert staff.post(f"{path}/disable", {"reason": "wrong"}, content_type="application/json").status_code == 200
    assert staff.post(f"{path}/enable", {"reason": "fine"}, content_type="application/json").status_code == 200
    enabled = AuditEntry.objects.get(action="banks.entry.enable")
    assert (enabled.before["status"], enabled.after["status"]) == ("disabled", "active")


def test_staff_curate_on_the_page(client_for, key_for):
    entry = _contribute(key_for("member")).json()
    response = client_for("staff").post(f"/banks/terms/{entry['id']}/approve", {"reason": "ok"}, follow=True)
    assert response.status_code == 200
    assert Entry.objects.get(pk=entry["id"]).status == "active"
    assert "Done." in response.content.decode()


def test_members_do_not_see_each_others_pending_entries(client_for, key_for):
    mine = _contribute(key_for("member")).json()
    assert client_for("member").get(f"/banks/terms/{mine['id']}/").status_code == 200
    assert client_for("other_member").get(f"/banks/terms/{mine['id']}/").status_code == 404
    assert_problem(key_for("other_member").get(f"/api/v1/banks/terms/entries/{mine['id']}"), 404)
    assert client_for("staff").get(f"/banks/terms/{mine['id']}/").status_code == 200
    listed = key_for("other_member").get("/api/v1/banks/terms/entries").json()
    assert listed == []


def test_rumor_and_file_hash_entries_reach_the_platforms_screening(
    client_for, key_for, django_capture_on_commit_callbacks
):
    import hashlib

    staff = client_for("staff")
    claim = "武汉病毒研究所所长石正丽凌晨警告蚊虫将是人类第三病毒传播者"
    rumor = _contribute(
        staff, "rumors", {"claim": claim, "debunk": "石正丽从未发布过相关信息", "source": "环球网"}
    ).json()
    member = key_for("member")
    text = "转发：" + claim + "，大家小心！"
    hits = member.post("/api/v1/screen", {"text": text}, content_type="application/json").json()["hits"]
    found = [h for h in hits if h["kind"] == "rumor"]
    assert found and found[0]["entry"] == str(rumor["id"]) and found[0]["debunk"] == "石正丽从未发布过相关信息"

    payload = b"harmful payload shared between members"
    from zilu.core.filescan import get_file_scanner

    get_file_scanner()  # built before the entry exists: the commit of the contribution must make it reload
    with django_capture_on_commit_callbacks(execute=True):
        _contribute(staff, "hashes", {"hash": hashlib.sha256(payload).hexdigest(), "label": "malware"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = member.post("/api/v1/screen/file", {"file": SimpleUploadedFile("x.bin", payload)})
    assert response.status_code == 200, response.content
    assert any(f["kind"] == "hash" for f in response.json()["findings"])


def test_a_hash_added_by_another_process_reaches_this_processs_file_scanner(client_for, key_for, settings):
    """Another web process curated the entry (no reset reached this one): the bank's version tells the scanner."""
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from zilu.banks import service
    from zilu.banks.models import BankState, Entry
    from zilu.core import sharedcache
    from zilu.core.filescan import get_file_scanner

    settings.ZILU_BANK_VERSIONS_MEMO = 0  # this process's memo of the versions has run out (1 s by default)

    payload = b"payload curated by another web process"
    member = key_for("member")
    get_file_scanner()
    digest = hashlib.sha256(payload).hexdigest()
    Entry.objects.create(bank="hashes", key=digest, data={"hash": digest, "value": digest, "label": "malware"},
                         status=Entry.Status.ACTIVE)  # fmt: skip
    state, _created = BankState.objects.get_or_create(bank="hashes")
    BankState.objects.filter(pk=state.pk).update(version=state.version + 1)
    sharedcache.bump([service.VERSIONS_TOKEN_KEY])  # what the other process's action does to the shared cache
    response = member.post("/api/v1/screen/file", {"file": SimpleUploadedFile("x.bin", payload)})
    assert response.status_code == 200, response.content
    assert any(f["kind"] == "hash" for f in response.json()["findings"])


def test_a_curated_url_prefix_blocks_the_urls_under_it_and_not_its_siblings(client_for, key_for):
    staff, member = client_for("staff"), key_for("member")

    def link_hits(text: str) -> list[tuple[str, str]]:
        response = member.post("/api/v1/screen", {"text": text}, content_type="application/json")
        assert response.status_code == 200, response.content
        return [(h["text"], h["entry"]) for h in response.json()["hits"] if h["kind"] == "link"]

    under = "详见 HTTPS://Phish-Example.com:443/login/Verify/step2?u=1 。"
    assert link_hits(under) == []  # the screener is built before the entry exists
    pending = _contribute(member, "domains", {"value": "https://phish-example.com/other/"}).json()
    assert pending["status"] == "pending"
    entry = _contribute(
        staff, "domains", {"value": "https://phish-example.com/login/Verify/", "label": "link.phishing"}
    )
    assert entry.status_code == 201, entry.content
    assert entry.json()["status"] == "active" and entry.json()["key"] == "phish-example.com/login/Verify"

    assert link_hits(under) == [
        ("HTTPS://Phish-Example.com:443/login/Verify/step2?u=1", "phish-example.com/login/Verify")
    ]
    response = member.post("/api/v1/screen", {"text": under}, content_type="application/json").json()
    assert response["suggestion"] == "block" and response["labels"] == ["link.phishing"]  # severity 3
    for sibling in (
        "https://phish-example.com/login/Help",
        "https://phish-example.com/login/verify/step2",  # paths are case-sensitive
        "https://phish-example.com/other/x",  # a pending contribution is not served
        "https://phish-example.com/",
    ):
        assert link_hits(f"看 {sibling} 吧") == []
