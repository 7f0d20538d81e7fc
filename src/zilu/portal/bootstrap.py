"""Preparing an installation: migrations, convention version 1, and (for the demo) one account per role."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from zilu.convention import actions as convention_actions
from zilu.convention.models import ConventionVersion
from zilu.convention.parser import BUNDLED_V1
from zilu.core.models import User
from zilu.core.roles import Role
from zilu.core.system import SystemActor
from zilu.members import actions as member_actions
from zilu.members.models import Member
from zilu.reports.actions import do_respond, do_submit_report
from zilu.reports.models import Report

# A fictional founding member for the demo. Its code is a well-formed Changping (110114) USCC.
DEMO_MEMBER_NAME = "北京示例网络科技有限公司"
DEMO_MEMBER_USCC = "91110114MA01ABCD14"


def shared_convention_path() -> Path:
    """Where the shared convention text is, if the installation has the shared folder beside it."""
    shared = Path(os.environ.get("ZILU_SHARED_DIR") or Path.cwd().parent / "shared")
    return shared / "convention" / "changping-convention.txt"


def ensure_convention_v1(actor: SystemActor) -> tuple[ConventionVersion, bool]:
    """Load version 1 (the shared text when present, else the bundled copy) unless a version exists.

    The signed text carries its signing date (2021-07-15); it took effect on signing (Art. 21) and the bootstrap
    records it as published the same day.
    """
    existing = ConventionVersion.objects.order_by("number").first()
    if existing is not None:
        return existing, False
    source = shared_convention_path()
    if not source.exists():
        source = BUNDLED_V1
    raw = source.read_text(encoding="utf-8-sig")
    with transaction.atomic():
        version = convention_actions.do_import_version(actor, raw, source_name=source.name)
        convention_actions.do_publish_version(actor, version.pk, published_on=version.effective_date)
    return version, True


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


DEMO_ACCOUNTS = [
    ("admin", "superuser", "系统管理员"),
    ("staff", Role.STAFF, "协会工作人员"),
    ("supervisor", Role.SUPERVISOR, "主管部门"),
    ("member", Role.MEMBER, "会员单位代表"),
    ("public", Role.PUBLIC, "网民"),
]


def _password_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.json"


def ensure_demo_accounts(actor: SystemActor) -> list[DemoLogin]:
    """Create the demo member and one account per role; reuse them (and their passwords) on later runs."""
    path = _password_file()
    saved: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    member = Member.objects.filter(uscc=DEMO_MEMBER_USCC, status=Member.Status.ACTIVE).first()
    if member is None:
        member = member_actions.do_register_founding_member(
            actor,
            name=DEMO_MEMBER_NAME,
            uscc=DEMO_MEMBER_USCC,
            joined_on=date(2021, 7, 15),
            signer_name="王示例",
            responsible_person="赵示例",
            contact_phone="010-69700000",
        )
    logins = []
    for username, role, display in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        password = saved.get(username) or secrets.token_urlsafe(9)
        if user is None:
            user = User(username=username, first_name=display, email=f"{username}@example.invalid")
            if role == "superuser":
                user.is_superuser = user.is_staff = True
                user.role = Role.STAFF
            else:
                user.role = role
            user.member = member if role == Role.MEMBER else None
            user.set_password(password)
            user.save()
        elif username not in saved:
            continue  # an account of that name exists but is not ours: leave it alone
        saved[username] = password
        logins.append(DemoLogin(username, password, str(role)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(saved, indent=2))
    path.chmod(0o600)
    return logins


DEMO_REPORTS = [
    ("fraud", "https://shop.demo.example.cn/item/1", "商品页面以高额返利为诱饵，诱导用户先行转账。"),
    ("rumor", "某公众号", "某公众号文章称昌平区将全面停水三天，与官方通知不符。"),
    ("clickbait", "https://news.demo.example.cn/a/2", "标题写“震惊！99%的人都不知道”，正文与标题毫无关系。"),
]


def ensure_demo_reports(actor: SystemActor) -> int:
    """A few public reports for the demo: two to the demo member (one answered), one with the staff. Once only."""
    if Report.objects.exists():
        return 0
    # The demo's notices stay in the inbox: no e-mails printed to the console while seeding.
    from django.test.utils import override_settings

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        return _seed_reports()


def _seed_reports() -> int:
    member = Member.objects.filter(uscc=DEMO_MEMBER_USCC, status=Member.Status.ACTIVE).first()
    representative = User.objects.filter(username="member", member=member).first()
    created = 0
    for index, (category, target, text) in enumerate(DEMO_REPORTS):
        data = {"category": category, "target": target, "description": text}
        if category != "rumor" and member is not None:
            data["member"] = member.pk
        receipt = do_submit_report(None, data)
        created += 1
        if index == 0 and representative is not None:
            do_respond(representative, receipt.report.pk, "removed", "已下架该商品并封禁发布账号，已留存证据。")
    return created
