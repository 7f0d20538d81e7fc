"""Art. 17: does a member's home page show the report entrance (在本平台显著位置公布有害信息举报方式)?

The entrance is what the member copies from its report-entrance page (``/member/reports/entrance/``): a link to
Zilu's report form with the member preset, as a badge image or text, or the small script that draws the badge. The
verifier looks for any of these, pointing at this platform (``ZILU_BASE_URL``'s host) and naming THIS member:

- a link (``<a href>``) to ``/report/m/<member number>/`` or to ``/report/?member=<member id>``;
- the badge image (``<img src>``) ``/report/m/<member number>/badge.svg``;
- the script ``<script src=".../report/entrance.js" data-member="<member number>">``.

A link hidden in a comment or a script string is not an entrance, so only real elements of the parsed page count.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from django.conf import settings

__all__ = ["ENTRANCE_JS_PATH", "entrance_path", "find_entrance"]

ENTRANCE_JS_PATH = "/report/entrance.js"


def entrance_path(member_number: str) -> str:
    """The path of a member's report entrance (it redirects to the form with the member preset)."""
    return f"/report/m/{member_number}/"


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"a", "img", "script", "iframe"}:
            self.found.append((tag, {name: value or "" for name, value in attrs}))


@dataclass(frozen=True)
class Entrance:
    """Whether the page shows the entrance, and how (``link``, ``badge`` or ``script``)."""

    shown: bool
    how: str = ""


def _platform_host() -> str:
    return (urlsplit(settings.ZILU_BASE_URL).netloc or "").lower()


def find_entrance(page_html: str, page_url: str, *, member_id: int, member_number: str | None) -> Entrance:
    """Look for this member's report entrance among the page's links, images and scripts."""
    parser = _Elements()
    with contextlib.suppress(Exception):  # a broken page: whatever was parsed before the break counts
        parser.feed(page_html)
        parser.close()
    host = _platform_host()
    entrance = entrance_path(member_number) if member_number else None
    for tag, attrs in parser.found:
        attr = "href" if tag == "a" else "src"
        raw = attrs.get(attr, "").strip()
        if not raw:
            continue
        url = urlsplit(urljoin(page_url, raw))
        if url.netloc.lower() != host:
            continue
        path = unquote(url.path)
        if tag == "a":
            if entrance and path.rstrip("/") == entrance.rstrip("/"):
                return Entrance(True, "link")
            if path.rstrip("/") == "/report" and parse_qs(url.query).get("member") == [str(member_id)]:
                return Entrance(True, "link")
        elif tag == "img" and entrance and path == f"{entrance}badge.svg":
            return Entrance(True, "badge")
        elif tag == "script" and path == ENTRANCE_JS_PATH and member_number:
            if attrs.get("data-member", "").strip() == member_number:
                return Entrance(True, "script")
        elif tag == "iframe" and entrance and path.rstrip("/") == entrance.rstrip("/"):
            return Entrance(True, "link")
    return Entrance(False)
