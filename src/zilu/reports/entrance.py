"""The members' report entrance (Art. 17: 在本平台显著位置公布有害信息举报方式): the small snippet a member puts on
its platform, served by Zilu, that opens the report form with the member preset.

Three forms of one entrance, all pointing at ``/report/m/<member number>/`` (which redirects to the form):

- ``html``: a link with the badge image (no script at all, works under any CSP that allows our images);
- ``script``: one external script tag (``/report/entrance.js``) that draws the same link and badge; no inline code,
  so it runs under a CSP that allows our origin in ``script-src``;
- ``text``: a plain text link, for pages that allow no third-party image or script.

The filings verifier (:mod:`zilu.filings.entrance`) looks for any of them on each registered home page.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.conf import settings

from zilu.filings.entrance import ENTRANCE_JS_PATH, entrance_path
from zilu.members.models import Member

BADGE_WIDTH, BADGE_HEIGHT = 180, 48
ALT = "违法和不良信息举报"


@dataclass(frozen=True)
class Snippets:
    entrance_url: str
    badge_url: str
    script_url: str
    html: str
    script: str
    text: str


def snippets_for(member: Member) -> Snippets:
    """The snippets a member copies, with absolute addresses on this platform (``ZILU_BASE_URL``)."""
    base = settings.ZILU_BASE_URL
    number = member.number or ""
    entrance = base + entrance_path(number)
    badge = entrance + "badge.svg"
    script_url = base + ENTRANCE_JS_PATH
    alt = escape(f"{ALT} · {member.name}")
    html = (
        f'<a href="{escape(entrance)}" target="_blank" rel="noopener" data-zilu-entrance="{escape(number)}">'
        f'<img src="{escape(badge)}" alt="{alt}" width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}"></a>'
    )
    script = f'<script src="{escape(script_url)}" data-member="{escape(number)}" async></script>'
    text = f'<a href="{escape(entrance)}" target="_blank" rel="noopener">{ALT}</a>'
    return Snippets(entrance, badge, script_url, html, script, text)


def badge_svg(member: Member) -> str:
    """The badge: the words 违法和不良信息举报 and the member's number, in the platform's colours."""
    number = escape(member.number or "")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}" '
        f'viewBox="0 0 {BADGE_WIDTH} {BADGE_HEIGHT}" role="img" aria-label="{ALT} {number}">'
        f'<rect width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}" rx="6" fill="#b71c1c"/>'
        f'<text x="90" y="21" fill="#fff" font-size="15" font-family="sans-serif" text-anchor="middle">{ALT}</text>'
        f'<text x="90" y="39" fill="#ffe0e0" font-size="11" font-family="sans-serif" text-anchor="middle">'
        f"昌平区互联网行业自律公约 · {number}</text></svg>"
    )
