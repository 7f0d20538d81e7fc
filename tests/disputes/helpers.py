"""Shared set-up of the dispute tests: numbered members with representatives, and a dispute filed through the API."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.factories import MemberFactory, UserFactory
from zilu.core.roles import Role

FILE = "/api/v1/disputes"


def number_members(users: dict[str, Any]) -> dict[str, Any]:
    """Give the conftest members registry numbers and add a third member (not a party) with a representative."""
    for role, number in (("member", "CP-2026-0001"), ("other_member", "CP-2026-0002")):
        member = users[role].member
        member.number = number
        member.save(update_fields=["number"])
    third = MemberFactory(number="CP-2026-0003")
    return {**users, "third": UserFactory(role=Role.MEMBER, member=third)}


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(c: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    return c.post(path, data or {}, content_type="application/json")


def file_dispute(c: Client, **overrides: Any) -> dict[str, Any]:
    body = {
        "respondents": ["CP-2026-0002"],
        "subject": "域名使用争议",
        "facts": "对方长期使用与我方近似的域名，造成用户混淆。",
        "request": "请对方停止使用该域名。",
        **overrides,
    }
    response = post(c, FILE, body)
    assert response.status_code == 201, response.content
    return response.json()
