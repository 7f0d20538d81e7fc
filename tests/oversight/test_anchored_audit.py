"""An anchored audit log: `zilu audit verify` checks the chain against every head the platform published, signed with
its Ed25519 key, and against a heads file or URL kept outside the database. A rewrite with recomputed hashes, a cut
tail and a forged published head are all caught."""

from __future__ import annotations

import http.server
import json
import threading
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.core.test_audit import _write, tampering
from zilu.core import audit, signatures, signing
from zilu.core.models import AuditEntry
from zilu.core.system import SystemActor
from zilu.oversight.actions import publish_daily_head
from zilu.oversight.models import PublishedHead

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _own_key(settings, tmp_path):
    settings.ZILU_BANKS_SIGNING_KEY = str(tmp_path / "platform-key.pem")
    signing._keys.clear()
    yield
    signing._keys.clear()


def _publish(day: date) -> PublishedHead:
    from django.db import transaction

    with transaction.atomic():
        head = publish_daily_head(SystemActor("system:scheduler"), day)
    assert head is not None
    return head


def _rewrite_from(seq: int) -> None:
    """What a database administrator could do: change entry ``seq`` and recompute every hash after it."""
    with tampering():
        previous = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else audit.GENESIS
        for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
            if entry.seq == seq:
                entry.after = {"i": 999, "rewritten": True}
            entry.prev_hash = previous
            entry.hash = audit.entry_hash(entry)
            AuditEntry.objects.filter(pk=entry.pk).update(after=entry.after, prev_hash=previous, hash=entry.hash)
            previous = entry.hash


def _verify(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def test_published_heads_are_signed_and_served_with_their_signature():
    _write(3)
    head = _publish(DAY)
    body = Client().get("/api/v1/oversight/published-heads").json()
    assert body[0]["seq"] == head.seq and body[0]["hash"] == head.hash
    key = Client().get("/api/v1/banks/public-key").json()["public_key"]
    payload = signatures.verify(body[0]["signature"], key)
    assert payload == {"format": "zilu-audit-head/1", "day": "2026-11-30", "seq": head.seq, "hash": head.hash}
    assert "1 anchor head(s) checked" in _verify()


def test_a_rewrite_with_recomputed_hashes_is_caught_by_a_published_head():
    _write(12)
    _publish(DAY)
    _write(3)
    _rewrite_from(10)
    assert audit.verify_chain(anchors=[]).ok  # consistent in itself: without an anchor it would pass
    with pytest.raises(CommandError, match=r"BROKEN \(anchor\): entry #12 is not the one in the head published on"):
        _verify()


def test_entries_cut_off_the_end_are_caught():
    _write(5)
    _publish(DAY)
    with tampering():
        AuditEntry.objects.filter(seq__gte=4).delete()
    with pytest.raises(CommandError, match=r"BROKEN \(truncated\): the log ends at #3, but the head .* is #5"):
        _verify()


def test_a_published_head_rewritten_along_with_the_chain_fails_its_signature():
    _write(12)
    head = _publish(DAY)
    _rewrite_from(10)
    forged = AuditEntry.objects.get(seq=head.seq).hash
    PublishedHead.objects.filter(pk=head.pk).update(hash=forged)  # the attacker cannot re-sign it
    with pytest.raises(CommandError, match=r"BROKEN \(signature\)"):
        _verify()


def test_a_heads_file_kept_outside_catches_what_the_database_no_longer_shows(tmp_path):
    _write(12)
    _publish(DAY)
    kept = tmp_path / "heads.json"
    kept.write_text(Client().get("/api/v1/oversight/published-heads").content.decode(), encoding="utf-8")
    _rewrite_from(10)
    PublishedHead.objects.all().delete()  # the published heads go too
    assert "0 anchor head(s) checked" in _verify()  # what the database still holds is consistent
    with pytest.raises(CommandError, match=r"BROKEN \(anchor\).*heads\.json"):
        _verify("--head", str(kept))


def test_a_heads_file_with_a_forged_head_fails_its_signature(tmp_path):
    _write(4)
    _publish(DAY)
    heads = Client().get("/api/v1/oversight/published-heads").json()
    heads[0]["hash"] = "0" * 64
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(heads), encoding="utf-8")
    with pytest.raises(CommandError, match=r"BROKEN \(signature\)"):
        _verify("--head", str(forged))
    with pytest.raises(CommandError, match="cannot read the heads"):
        _verify("--head", str(tmp_path / "missing.json"))


def test_heads_can_be_fetched_from_a_url(tmp_path):
    _write(6)
    _publish(DAY)
    _publish(DAY + timedelta(days=1))
    document = Client().get("/api/v1/oversight/published-heads").content

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/heads.json"
        assert "4 anchor head(s) checked" in _verify("--head", url)  # two published, the same two from the URL
        _rewrite_from(2)
        with pytest.raises(CommandError, match=r"BROKEN \(anchor\)"):
            _verify("--head", url)
    finally:
        server.shutdown()
