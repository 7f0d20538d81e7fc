"""``zilu banks pull`` as a member runs it: a separate process fetching over real HTTP from a running platform (the
site's WSGI application on a loopback port, in a thread of the test process, on the test database), verifying the
Ed25519 signatures and writing files the engine loads."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from types import SimpleNamespace
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.core.wsgi import get_wsgi_application

from tests.factories import UserFactory
from zilu.banks.actions import do_contribute
from zilu.core.actions import do_create_api_key
from zilu.core.roles import Role
from zilu.core.system import SystemActor

pytestmark = pytest.mark.django_db(transaction=True)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def platform():
    """The platform served on 127.0.0.1 (pytest-django's own live server trips over MEDIA_URL = None)."""
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    server.server_close()


def _pull(platform, token: str, out, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "zilu", "banks", "pull", "--url", platform.url, "--token", token]
    return subprocess.run([*command, "--out", str(out), *extra], capture_output=True, text=True, timeout=120)


def test_pull_over_http_verifies_and_writes_engine_files(platform, member, tmp_path):
    do_contribute(SystemActor("cli:tests"), "terms", {"term": "冰毒", "labels": ["drugs"], "severity": 3}, reason="x")
    representative = UserFactory(role=Role.MEMBER, member=member)
    token = do_create_api_key(representative, "sync").token
    out = tmp_path / "member-banks"

    first = _pull(platform, token, out)
    assert first.returncode == 0, first.stderr
    assert "terms\texport\tNone -> 1\t1 entries" in first.stdout
    terms = json.loads((out / "terms.json").read_text(encoding="utf-8"))
    assert [e["term"] for e in terms["entries"]] == ["冰毒"]

    from zilu.screening import Screener, load_bank

    assert Screener(load_bank(out / "terms.json")).screen("出售冰毒").hits[0].entry == "冰毒"

    second = _pull(platform, token, out)
    assert second.returncode == 0, second.stderr
    assert "terms\tchanges\t1 -> 1\t1 entries" in second.stdout  # nothing new; the entry is still held

    wrong_key = _pull(platform, token, tmp_path / "other", "--public-key", "A" * 43 + "=")
    assert wrong_key.returncode == 1 and "zilu banks pull:" in wrong_key.stderr
    assert not (tmp_path / "other" / "terms.json").exists()

    refused = _pull(platform, "zilu_not-a-key", tmp_path / "anon")
    assert refused.returncode == 1
