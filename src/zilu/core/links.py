"""Absolute links for what leaves the site (e-mails, PDF documents, snippets members copy): built from
``ZILU_BASE_URL``, the site's public address, never from the request (a proxy's or a worker's idea of the host)."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """``/member/reports/4/`` -> ``https://zilu.example.cn/member/reports/4/``; an absolute URL is returned as is."""
    if not path or "://" in path or path.startswith("mailto:"):
        return path
    base = str(settings.ZILU_BASE_URL).rstrip("/")
    return f"{base}/{path.lstrip('/')}"
