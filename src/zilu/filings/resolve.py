"""Which member runs a website or app: report targets and screening links resolve through registered domains.

A URL (``https://news.example.com.cn/a/1``), a bare host (``m.example.com.cn``) or a domain resolves to the member
whose active registered site has that domain or a parent of it up to the registrable domain (the Public Suffix List
bundled with tldextract, read offline: ``a.b.example.com.cn`` -> ``a.b.example.com.cn``, ``b.example.com.cn``,
``example.com.cn``; the longest registered one wins). Anything that is not a host name is taken as an app name and
matched, case- and width-insensitively, against the names of registered apps.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import tldextract

    from zilu.members.models import Member

__all__ = ["candidate_domains", "host_of", "member_for_url", "name_key", "normalize_domain", "site_for_url"]

_HOST_RE = re.compile(r"(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    import tldextract

    # The bundled snapshot only: no network fetch, no cache directory.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def name_key(name: str) -> str:
    """How an app name is compared: NFKC, case-folded, without whitespace."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", name)).casefold()


def normalize_domain(value: str) -> str | None:
    """A host name in lower-case ASCII (IDNA for Chinese domains), without a trailing dot; None if it is not one."""
    text = unicodedata.normalize("NFKC", value or "").strip().rstrip(".").lower()
    if not text:
        return None
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return text if _HOST_RE.fullmatch(text) else None


def host_of(url_or_name: str) -> str | None:
    """The host of a URL, or the value itself when it is a bare host name; None when there is no host name."""
    text = unicodedata.normalize("NFKC", url_or_name or "").strip()
    if not text:
        return None
    if _SCHEME_RE.match(text) or text.startswith("//"):
        try:
            host = urlsplit(text if not text.startswith("//") else "http:" + text).hostname
        except ValueError:
            return None
        return normalize_domain(host or "")
    if " " in text:
        return None
    # "example.com/path", "example.com:8080"
    head = re.split(r"[/?#]", text, maxsplit=1)[0]
    head = head.rsplit("@", 1)[-1].split(":", 1)[0]
    return normalize_domain(head)


def candidate_domains(host: str) -> list[str]:
    """``host`` and its parents down to the registrable domain, longest first (empty when no public suffix)."""
    parts = _extractor()(host)
    if not parts.suffix or not parts.domain:
        return []
    registrable = f"{parts.domain}.{parts.suffix}"
    labels = parts.subdomain.split(".") if parts.subdomain else []
    return [".".join([*labels[i:], registrable]) for i in range(len(labels) + 1)]


def site_for_url(url_or_name: str):  # type: ignore[no-untyped-def]  # -> Site | None (Django model import)
    """The active registered site behind a URL, host or app name (see the module docstring), or None."""
    from zilu.filings.models import Site, SiteDomain
    from zilu.members.models import Member

    host = host_of(url_or_name)
    if host is not None:
        candidates = candidate_domains(host)
        if not candidates:
            return None
        rows = {
            d.name: d.site
            for d in SiteDomain.objects.filter(
                name__in=candidates,
                active=True,
                site__status=Site.Status.ACTIVE,
                site__member__status=Member.Status.ACTIVE,
            ).select_related("site__member")
        }
        for name in candidates:  # longest first
            if name in rows:
                return rows[name]
        if _SCHEME_RE.match(url_or_name.strip()):
            return None
        # a bare "name.tld" with no registered domain may still be an app's name ("Example.App")
    key = name_key(url_or_name or "")
    if not key:
        return None
    sites = list(
        Site.objects.filter(
            kind=Site.Kind.APP, name_key=key, status=Site.Status.ACTIVE, member__status=Member.Status.ACTIVE
        ).select_related("member")[:2]
    )
    if len(sites) == 1 or (len(sites) == 2 and sites[0].member_id == sites[1].member_id):
        return sites[0]
    return None  # unknown, or the same app name registered by two members: not a resolution


def member_for_url(url_or_name: str) -> Member | None:
    """The active member that registered the site behind a URL, a bare domain or an app name; None when unknown."""
    site = site_for_url(url_or_name)
    return site.member if site is not None else None
