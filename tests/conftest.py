"""Shared fixtures: one user per role, logged-in clients, and the shared-data locations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import MemberFactory, UserFactory
from zilu.core.roles import Role

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("ZILU_SHARED_DIR") or REPO_ROOT.parent / "shared")
IN_CI = bool(os.environ.get("CI"))


def require_shared(path: Path) -> Path:
    """Skip when a shared data file is absent, except in CI, where it must be there."""
    if not path.exists():
        if IN_CI:
            pytest.fail(f"shared data missing in CI: {path}")
        pytest.skip(f"shared data not available: {path} (set ZILU_SHARED_DIR)")
    return path


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Uploaded files go to a per-test folder; the login throttle starts clean."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


@pytest.fixture
def member(db):
    return MemberFactory()


@pytest.fixture
def users(db, member):
    """One account per role (plus a second member's representative and a superuser)."""
    other_member = MemberFactory()
    return {
        "public": UserFactory(role=Role.PUBLIC),
        "member": UserFactory(role=Role.MEMBER, member=member),
        "other_member": UserFactory(role=Role.MEMBER, member=other_member),
        "staff": UserFactory(role=Role.STAFF),
        "supervisor": UserFactory(role=Role.SUPERVISOR),
        "superuser": UserFactory(role=Role.STAFF, is_superuser=True, is_staff=True),
    }


@pytest.fixture
def client_for(users):
    """``client_for("staff")`` is a Django test client signed in as that role; ``"anonymous"`` is signed out."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return make


# The production topology test starts a dozen processes and runs for minutes: .ci/run runs it once, after the suites,
# with ZILU_TOPOLOGY=1 (see tests/topology/test_topology.py).
collect_ignore = [] if os.environ.get("ZILU_TOPOLOGY") else ["topology"]
