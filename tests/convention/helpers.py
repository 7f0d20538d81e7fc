"""Building convention versions through the real actions."""

from __future__ import annotations

from datetime import date

from zilu.convention import actions
from zilu.convention.models import ConventionVersion
from zilu.convention.parser import BUNDLED_V1
from zilu.core.system import SystemActor

V1_TEXT = BUNDLED_V1.read_text(encoding="utf-8")


def variant_text(marker: str) -> str:
    """The v1 text with Art. 25 reworded, so that it hashes differently."""
    return V1_TEXT.replace("本公约由昌平区互联网协会负责解释。", f"本公约由昌平区互联网协会负责解释（{marker}）。")


def published_v1() -> ConventionVersion:
    actor = SystemActor()
    version = actions.do_import_version(actor, V1_TEXT)
    return actions.do_publish_version(actor, version.pk, published_on=version.effective_date)


def draft(marker: str = "修订稿", effective: date | None = None) -> ConventionVersion:
    return actions.do_import_version(SystemActor(), variant_text(marker), effective_date=effective or date(2026, 3, 2))
