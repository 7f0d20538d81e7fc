"""Which member runs a website or app: report targets and screening links resolve through registered domains.

A URL (``https://news.example.com.cn/a/1``), a bare host (``m.example.com.cn``) or a domain resolves to the member
whose active registered site has that domain or a parent of it up to the registrable domain (the Public Suffix List
bundled with tldextract, read offline: ``a.b.example.com.cn`` -> ``a.b.example.com.cn``, ``b.example.com.cn``,
``example.com.cn``; the longest registered one wins). Anything that is not a host name is taken as an app name and
matched, case- and width-insensitively, against the names of registered apps.

Resolution runs on every report, so it reads a map of the registered domains kept in the shared cache and rebuilt
when a site, a domain or a member changes (see "the cached domain map" below): no query in the common case.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import connection, transaction

from zilu.filings.models import Site, SiteDomain
from zilu.members.models import Member

if TYPE_CHECKING:
    import tldextract

__all__ = [
    "active_member",
    "candidate_domains",
    "host_of",
    "invalidate_domain_map",
    "member_for_url",
    "name_key",
    "normalize_domain",
    "site_for_url",
]

logger = logging.getLogger(__name__)

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
    return list(_candidates(host))


@functools.lru_cache(maxsize=8192)
def _candidates(host: str) -> tuple[str, ...]:
    # The Public Suffix List walk is the costly part of resolving a URL, and report targets repeat a few hosts.
    parts = _extractor()(host)
    if not parts.suffix or not parts.domain:
        return ()
    registrable = f"{parts.domain}.{parts.suffix}"
    labels = parts.subdomain.split(".") if parts.subdomain else []
    return tuple(".".join([*labels[i:], registrable]) for i in range(len(labels) + 1))


# --------------------------------------------------------------------------- the cached domain map
#
# Every report resolves its target, so the registered domains of active sites of active members are kept as one map
# in the shared cache (``ZILU_CACHE_URL``) under a generation token, plus a copy per process for the token it last
# saw: resolving a URL then costs one cache read and no query. Any change to a site, a domain or a member bumps the
# token after commit (``invalidate_domain_map``; the signals in ``filings.apps`` and the filings actions), so every
# process rebuilds the map on its next resolution. Inside a transaction the database is asked directly: it sees the
# transaction's own changes, and a map built from uncommitted rows is never cached.

GENERATION_KEY = "zilu:filings:domain-map:generation"
MAP_TTL = 3600  # seconds; a bound on staleness should an invalidation ever be lost (a cache outage at commit)


@dataclass(frozen=True)
class DomainMap:
    """Active members, their active sites, the sites' domains and app names: what resolution needs. A home-page
    check does not rebuild it, so a cached site's verification fields (``check_status`` ...) may be older."""

    members: dict[int, Member]
    sites: dict[int, Site]
    domains: dict[str, int]  # domain -> site id
    apps: dict[str, tuple[int, ...]]  # name key -> app site ids, in the sites' default order


_local: tuple[str, DomainMap] | None = None


def _build() -> DomainMap:
    # Three autocommit reads: a change committed between them bumps the generation read before them, so a map that
    # mixes both states is never served once that bump is seen; the filters on ids keep it self-consistent.
    members = {m.pk: m for m in Member.objects.filter(status=Member.Status.ACTIVE)}
    sites: dict[int, Site] = {}
    apps: dict[str, list[int]] = {}
    active_sites = Site.objects.filter(status=Site.Status.ACTIVE, member__status=Member.Status.ACTIVE)
    for site in active_sites:  # the default order (member, name, id), which app-name resolution relies on
        if site.member_id not in members:
            continue
        site.member = members[site.member_id]
        sites[site.pk] = site
        if site.kind == Site.Kind.APP:
            apps.setdefault(site.name_key, []).append(site.pk)
    rows = SiteDomain.objects.filter(
        active=True, site__status=Site.Status.ACTIVE, site__member__status=Member.Status.ACTIVE
    ).values_list("name", "site_id")
    domains = {name: site_id for name, site_id in rows if site_id in sites}
    return DomainMap(members, sites, domains, {key: tuple(ids) for key, ids in apps.items()})


def _map() -> DomainMap | None:
    """The current map, or None when the database must be asked (inside a transaction, or the cache is down)."""
    global _local

    if connection.in_atomic_block:
        return None
    try:
        generation = cache.get(GENERATION_KEY)
        if generation is None:  # first use, expired or evicted: a new token (cache.add: one winner across processes)
            cache.add(GENERATION_KEY, secrets.token_hex(8), MAP_TTL)
            generation = cache.get(GENERATION_KEY)
            if generation is None:  # a cache that keeps nothing (DummyCache)
                return None
        local = _local
        if local is not None and local[0] == generation:
            return local[1]
        key = f"zilu:filings:domain-map:{generation}"
        built = cache.get(key)
    except Exception:  # a cache outage must not stop resolution: ask the database
        logger.warning("domain map: the cache is unavailable, resolving from the database", exc_info=True)
        return None
    if built is None:
        built = _build()
        try:
            cache.set(key, built, MAP_TTL)
        except Exception:  # the map is still good for this process
            logger.warning("domain map: could not store the map in the cache", exc_info=True)
    _local = (generation, built)
    return built


def invalidate_domain_map() -> None:
    """Make every process rebuild the domain map, once the current transaction (if any) commits."""
    transaction.on_commit(_bump, robust=True)


def _bump() -> None:
    global _local
    _local = None
    cache.set(GENERATION_KEY, secrets.token_hex(8), MAP_TTL)


def _copy(site: Site) -> Site:
    """A private copy of a cached site and its member: callers may change what they get."""
    clone = copy.copy(site)
    clone.member = copy.copy(site.member)
    return clone


def active_member(member_id: int) -> Member | None:
    """The active member with this id, or None (cached with the domain map)."""
    mapping = _map()
    if mapping is None:
        return Member.objects.filter(pk=member_id, status=Member.Status.ACTIVE).first()
    member = mapping.members.get(member_id)
    return copy.copy(member) if member is not None else None


def site_for_url(url_or_name: str) -> Site | None:
    """The active registered site behind a URL, host or app name (see the module docstring), or None."""
    host = host_of(url_or_name)
    candidates = candidate_domains(host) if host is not None else []
    if host is not None and not candidates:
        return None
    mapping = _map()
    if host is not None:
        if mapping is not None:
            for name in candidates:  # longest first
                if name in mapping.domains:
                    return _copy(mapping.sites[mapping.domains[name]])
        else:
            found = _site_by_domain(candidates)
            if found is not None:
                return found
        if _SCHEME_RE.match(url_or_name.strip()):
            return None
        # a bare "name.tld" with no registered domain may still be an app's name ("Example.App")
    key = name_key(url_or_name or "")
    if not key:
        return None
    if mapping is None:
        sites = _apps_by_name(key)
        if len(sites) == 1 or (len(sites) == 2 and sites[0].member_id == sites[1].member_id):
            return sites[0]
        return None
    cached = [mapping.sites[pk] for pk in mapping.apps.get(key, ())[:2]]
    if len(cached) == 1 or (len(cached) == 2 and cached[0].member_id == cached[1].member_id):
        return _copy(cached[0])
    return None  # unknown, or the same app name registered by two members: not a resolution


def _site_by_domain(candidates: list[str]) -> Site | None:
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
    return None


def _apps_by_name(key: str) -> list[Site]:
    return list(
        Site.objects.filter(
            kind=Site.Kind.APP, name_key=key, status=Site.Status.ACTIVE, member__status=Member.Status.ACTIVE
        ).select_related("member")[:2]
    )


def member_for_url(url_or_name: str) -> Member | None:
    """The active member that registered the site behind a URL, a bare domain or an app name; None when unknown."""
    site = site_for_url(url_or_name)
    return site.member if site is not None else None
