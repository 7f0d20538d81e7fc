"""Masking of contact details in free text that a third party will read (a report's description as the member
concerned sees it): e-mail addresses, resident ID numbers, mobile and landline numbers, and messenger handles.

Messenger handles are found by their label, in the many ways people write them — 微信, 微信号, 威信, V信, vx, wx,
QQ, 扣扣, 企鹅号, Telegram, TG, 电报, 飞书, 钉钉, WhatsApp, LINE, Skype, 抖音号, 微博 — followed by an optional
号/号码/账号/ID and any separator, then the handle itself (letters, digits, ``_ . - @``, or a QQ number). A label
alone ("通过微信联系") is left as it is.
"""

from __future__ import annotations

import re

MASK = "＊＊＊"

_LABELS = (
    r"微信|威信|薇信|徽信|V信|v信|VX|vx|Vx|vX|WX|wx|wechat|weixin|QQ|qq|Qq|扣扣|企鹅|telegram|Telegram|TG|tg|电报|飞书|钉钉"
    r"|whatsapp|WhatsApp|LINE|skype|Skype|抖音|微博"
)
_HANDLE = re.compile(
    rf"(?<![A-Za-z])(?:{_LABELS})\s*(?:号码|账号|帐号|号|ID|id)?\s*(?:[:：=＝]|是|为)?\s*[（(]?\s*"
    r"(?P<handle>@?[A-Za-z0-9_][A-Za-z0-9_.\-@]{3,40})",
)
_PATTERNS = (
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail
    re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"),  # resident ID
    re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s.\-]?\d{4}[\s.\-]?\d{4}(?!\d)"),  # mobile
    re.compile(r"(?<!\d)(?:\+?86[\s-]?)?[（(]?0\d{2,3}[）)]?[\s-]?\d{3,4}[\s-]?\d{4}(?!\d)"),  # landline
    re.compile(r"(?<!\d)(?:\+?86[\s-]?)[1-9]\d{1,2}[\s-]?\d{3,4}[\s-]?\d{4}(?!\d)"),  # +86 10 12345678
)


def mask_contacts(text: str) -> str:
    """``text`` with every contact detail replaced by :data:`MASK` (the labels stay, so the text still reads)."""
    text = _HANDLE.sub(lambda m: m.group(0)[: m.start("handle") - m.start(0)] + MASK, text)
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


__all__ = ["MASK", "mask_contacts"]
