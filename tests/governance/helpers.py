"""Member units with representatives, and API calls of convention governance, for the governance tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from tests.convention.helpers import V1_TEXT
from tests.factories import MemberFactory, UserFactory
from zilu.core.models import User
from zilu.core.roles import Role
from zilu.governance.models import Vote
from zilu.members.models import Kind

API = "/api/v1/convention"
ARTICLE_3 = "互联网行业自律的基本原则是爱国、守法、公平、诚信。"
AMENDED_TEXT = V1_TEXT.replace(ARTICLE_3, "互联网行业自律的基本原则是爱国、守法、公平、诚信、开放。")
assert AMENDED_TEXT != V1_TEXT


def make_units(n: int, *, start: int = 1) -> list[User]:
    """``n`` active member units CP-2026-0001..., each with a representative; returns the representatives."""
    return [
        UserFactory(role=Role.MEMBER, member=MemberFactory(number=f"CP-2026-{i:04d}")) for i in range(start, start + n)
    ]


def make_individuals(n: int) -> list[User]:
    """``n`` active individual members with their accounts (not member units)."""
    return [
        UserFactory(
            role=Role.MEMBER,
            member=MemberFactory(kind=Kind.INDIVIDUAL, uscc="", number=f"CP-2026-{9000 + i:04d}"),
        )
        for i in range(n)
    ]


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user: User, path: str, data: dict[str, Any] | None = None) -> Any:
    return client_of(user).post(API + path, data or {}, content_type="application/json")


def propose(user: User, text: str = AMENDED_TEXT, title: str = "修改第三条") -> Any:
    return post(user, "/amendments", {"title": title, "reasons": "增加开放原则。", "text": text})


def open_vote(staff: User, path: str, minutes: int = 60) -> Any:
    closes_at = (timezone.now() + timedelta(minutes=minutes)).isoformat()
    return post(staff, path, {"closes_at": closes_at})


def end_window(vote_id: int) -> None:
    """Move the closing time to now: every cast so far lies inside the window, and the vote may be closed."""
    Vote.objects.filter(pk=vote_id).update(closes_at=timezone.now())
