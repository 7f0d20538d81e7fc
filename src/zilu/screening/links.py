"""Links: URLs and bare domains, reduced to their registrable domain and matched against a domain blocklist.

The finder runs over the folded view of the text (see :mod:`zilu.screening.pii`), where ``．`` and ``：／／``
are already ASCII. It starts only where a link can be (``://``, a dot followed by a letter, a dot followed by a
non-ASCII letter for IDN top-level domains such as ``.中国``), so long texts cost little, and grows each start into
a host name:

* an ASCII label stops at the first non-ASCII character, so ``请看example.com吧`` yields ``example.com``;
* ``。`` counts as a dot between two ASCII labels (``baidu。com``), never elsewhere;
* a non-ASCII last label is cut to the longest public suffix it starts with (``例子.中国看看`` -> ``例子.中国``);
* punycode labels are decoded, so ``xn--fsqu00a.xn--fiqs8s`` and ``例子.中国`` are the same host.

A label is ASCII as written: a Chinese numeral that folds to a digit ends it (``evil.cn一下`` is ``evil.cn``).

Two more passes find links that are not written as links: bare IPv4 addresses (a link when blocked, or with a port or
path) and *written-out* links, where ``点``, ``[.]``, `` dot ``, spaces around a dot, invisible characters or percent
escapes hide the host (``000wyt点com``, ``%77%77%77.evil.cn``); see :func:`find_links` and docs/screening.md.

A bare host must end in a public suffix (the Public Suffix List snapshot bundled with tldextract, read offline),
which keeps ``e.g``, ``3.14`` and ``file.jpg`` out. A blocklist entry covers itself and its subdomains, never its
parent or a look-alike (``bad.com`` blocks ``www.bad.com``, not ``notbad.com``). A non-ASCII first label may have
Chinese text glued in front of it (``访问例子.中国``), so for such labels the entry may also match a tail of it.

A blocklist entry may also be a URL prefix, ``host[:port]/path[?query]`` (:func:`zilu.screening.banks.canonical_entry`).
It covers a link on that very host (not its subdomains) whose port is the same (default ports dropped, schemes not
told apart) and whose path is the prefix's path or goes on below it at a ``/`` (``bad.example/files`` covers
``/files``, ``/files/``, ``/files/x?y``, never ``/filesystem`` or ``/other``); the query is ignored unless the prefix
has one, which the link's query must then start with, up to a ``&`` (``?id=1`` covers ``?id=1&x=2``, not ``?id=12``;
a prefix query ending in ``=`` or ``&`` is a plain string prefix). Paths are compared case-sensitively, on the link
as written (read from the original text, with full-width forms folded); a link's path ends at its first non-ASCII
character. The most specific entry wins: a matching prefix (the longest) before a domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from zilu.screening.banks import DEFAULT_PORTS, BlockedDomain, canonical_domain, url_parts

# Separate literal-led patterns: Python's re scans for a literal first character far faster than for a class.
_ANCHORS = (re.compile(r"\.(?=[a-z])"), re.compile(r"。(?=[a-z])"), re.compile(r"\.(?=[^\x00-\x7f])"))
_ASCII_LABEL = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")
_SCHEMES = ("https", "http", "ftp")
_TAIL = re.compile(r"(?::[0-9]{1,5})?(?:[/?#][!-~]*)?")
_PORT = re.compile(r":([0-9]{1,5})")
_TRAILING = ".,;:!?)]}'\""
_MAX_LABEL = 63
_MAX_HOST = 253


@dataclass(frozen=True, slots=True)
class LinkMatch:
    """A link in the text: offsets of the whole URL, its host, registrable domain and blocklist entry (if any)."""

    start: int
    end: int
    host: str
    registrable: str
    blocked: BlockedDomain | None


@cache
def _extractor() -> Any:
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


@cache
def top_level_domains() -> frozenset[str]:
    """Every last label of the Public Suffix List (``com``, ``cn``, ``中国``, ``xn--fiqs8s`` ...)."""
    extractor = _extractor()
    extractor("example.com")  # loads the bundled list
    labels = {suffix.rsplit(".", 1)[-1].lstrip("!*.") for suffix in extractor.tlds}
    labels |= {label.encode("idna").decode("ascii") for label in labels if not label.isascii() and label}
    return frozenset(label for label in labels if label)


@cache
def _idn_tlds_by_first_char() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for label in top_level_domains():
        if not label.isascii():
            out.setdefault(label[0], []).append(label)
    return {first: tuple(sorted(labels, key=len, reverse=True)) for first, labels in out.items()}


def public_suffix(host: str) -> tuple[str, str]:
    """``(registrable domain, public suffix)`` of a host; empty strings when it has no known suffix."""
    result = _extractor()(host)
    if not result.suffix or not result.domain:
        return "", result.suffix
    return f"{result.domain}.{result.suffix}", result.suffix


def _idn_char(ch: str) -> bool:
    return not ch.isascii() and ch.isalnum() and ch != "\ufffd"


def _is_dot(text: str, i: int) -> bool:
    ch = text[i]
    if ch == ".":
        return True
    if ch == "。":
        return 0 < i < len(text) - 1 and text[i - 1] in _ASCII_LABEL and text[i + 1] in _ASCII_LABEL
    return False


def _written_ascii(original: str | None, j: int) -> bool:
    """Whether position ``j`` was not written as a Chinese numeral (一 folds to 1, but ``evil.cn一下`` ends at cn)."""
    return original is None or original[j] < "\u3000" or "\uff00" <= original[j] <= "\uffef"


def _label_right(text: str, i: int, original: str | None = None) -> int:
    """End of the label that starts at ``i`` (``i`` when there is none)."""
    j = i
    size = len(text)
    while j < size and text[j] in _ASCII_LABEL and j - i < _MAX_LABEL and _written_ascii(original, j):
        j += 1
    if j == i:
        while j < size and _idn_char(text[j]) and j - i < _MAX_LABEL:
            j += 1
    return j


def _label_left(text: str, i: int, original: str | None = None) -> int:
    """Start of the label that ends at ``i`` (``i`` when there is none)."""
    j = i
    while j > 0 and text[j - 1] in _ASCII_LABEL and i - j < _MAX_LABEL and _written_ascii(original, j - 1):
        j -= 1
    if j == i:
        while j > 0 and _idn_char(text[j - 1]) and i - j < _MAX_LABEL:
            j -= 1
    return j


def _host_span(text: str, first_label: int, original: str | None = None) -> int:
    """End of the host whose first label starts at ``first_label`` (looking at most a little past 253 characters)."""
    end = _label_right(text, first_label, original)
    limit = min(len(text) - 1, first_label + _MAX_HOST + _MAX_LABEL)
    while end < limit and _is_dot(text, end):
        after = _label_right(text, end + 1, original)
        if after == end + 1:
            break
        end = after
    return end


def _trim_idn_suffix(host: str) -> str:
    """Cut glued text off a non-ASCII last label: the longest prefix that is a public suffix."""
    head, _, last = host.rpartition(".")
    if not head or last.isascii():
        return host
    for size in range(len(last), 0, -1):
        candidate = f"{head}.{last[:size]}"
        if candidate.endswith(public_suffix(candidate)[1] or "\0"):
            return candidate
    return host


class Blocklist:
    """Blocked domains by canonical name, and URL prefixes by host; ``lookup`` walks a host's parents."""

    def __init__(self, domains: Iterable[BlockedDomain]) -> None:
        self.entries: dict[str, BlockedDomain] = {}
        # host -> (port, path, query, entry), longest path and query first
        self.prefixes: dict[str, list[tuple[str, str, str | None, BlockedDomain]]] = {}
        for entry in domains:
            if "/" not in entry.domain and "?" not in entry.domain:
                self.entries[entry.domain] = entry
                continue
            parts = url_parts(entry.domain)
            if parts is None:
                continue
            host, port, path, query = parts
            if path or query is not None:
                self.prefixes.setdefault(host, []).append((port, path, query, entry))
            else:
                self.entries[host] = entry
        for rules in self.prefixes.values():
            rules.sort(key=lambda rule: (len(rule[1]), -1 if rule[2] is None else len(rule[2])), reverse=True)

    def __len__(self) -> int:
        return len(self.entries) + sum(len(rules) for rules in self.prefixes.values())

    def has_prefixes(self, host: str) -> bool:
        """Whether a URL prefix may cover a link on ``host`` (so its path is worth reading)."""
        if not self.prefixes:
            return False
        if host in self.prefixes:
            return True
        labels = host.split(".")
        return not labels[0].isascii() and any(glued in self.prefixes for glued in _glued_tails(labels))

    def lookup(self, host: str, tail: str = "") -> BlockedDomain | None:
        """The entry covering ``host`` (the most specific one), if any; ``tail`` is what follows the host in the
        link (``:port/path?query#fragment``), for the URL prefixes."""
        labels = host.split(".")
        if self.prefixes:
            entry = self._prefix(host, tail)
            if entry is None and not labels[0].isascii():
                for glued in _glued_tails(labels):
                    entry = self._prefix(glued, tail)
                    if entry is not None:
                        break
            if entry is not None:
                return entry
        for i in range(len(labels)):
            entry = self.entries.get(".".join(labels[i:]))
            if entry is not None:
                return entry
        if not labels[0].isascii():
            for glued in _glued_tails(labels):
                entry = self.entries.get(glued)
                if entry is not None:
                    return entry
        return None

    def _prefix(self, host: str, tail: str) -> BlockedDomain | None:
        rules = self.prefixes.get(host)
        if not rules:
            return None
        port = ""
        found = _PORT.match(tail)
        if found:
            port = str(int(found.group(1)))
            port = "" if port in DEFAULT_PORTS else port
            tail = tail[found.end() :]
        path, has_query, query = tail.split("#", 1)[0].partition("?")
        for rule_port, rule_path, rule_query, entry in rules:
            if rule_port != port:
                continue
            if rule_query is None:
                if path == rule_path or path.startswith(rule_path + "/"):
                    return entry
            elif (
                has_query
                and path.rstrip("/") == rule_path
                and query.startswith(rule_query)
                and (len(query) == len(rule_query) or rule_query[-1] in "=&" or query[len(rule_query)] == "&")
            ):
                return entry
        return None


def _glued_tails(labels: list[str]) -> Iterable[str]:
    """For a non-ASCII first label with Chinese text glued in front (``访问例子.中国``), the host without it."""
    first, rest = labels[0], ".".join(labels[1:])
    if not rest:
        return
    for cut in range(1, len(first)):
        if not first[cut - 1].isascii():
            yield f"{first[cut:]}.{rest}"


def _cased(folded: str, original: str | None, start: int, end: int) -> str:
    """``folded[start:end]`` with the case of ``original`` (the folded view is lower case)."""
    piece = folded[start:end]
    if original is None:
        return piece
    written = original[start:end]
    if written.isascii():  # an ASCII character folds to itself or its lower case
        return written
    return "".join(
        ch.upper() if "a" <= ch <= "z" and original[start + k].isupper() else ch for k, ch in enumerate(piece)
    )


def _anchors(folded: str) -> list[int]:
    """Positions where a link may be: ``://``, and dots before a letter (non-ASCII only before an IDN TLD)."""
    found = [m.start() for m in _ANCHORS[0].finditer(folded)]
    if "。" in folded:
        found += [m.start() for m in _ANCHORS[1].finditer(folded)]
    idn = _idn_tlds_by_first_char()
    for match in _ANCHORS[2].finditer(folded):
        pos = match.start()
        if any(folded.startswith(tld, pos + 1) for tld in idn.get(folded[pos + 1], ())):
            found.append(pos)
    pos = folded.find("://")
    while pos >= 0:
        found.append(pos)
        pos = folded.find("://", pos + 3)
    found.sort()
    return found


def find_links(folded: str, blocklist: Blocklist, original: str | None = None) -> list[LinkMatch]:
    """Every link in a folded text, blocked or not, by start offset.

    ``original`` is the text before folding (same length), from which the case of a link's path is read for the
    URL prefixes; without it paths are compared in lower case.

    Each starting point only looks back as far as the end of the last host it examined, and a host is at most
    253 characters, so the work stays linear even on a megabyte of ``a.a.a.a``.

    Besides what :func:`_find` reads, bare IPv4 addresses and written-out links (:mod:`zilu.screening.linkforms`:
    ``evil点cn``, ``evil[.]cn``, ``evil . cn``, ``%77%77%77.evil.cn``, zero-width characters inside a host) are
    links; a written-out link replaces the plain links it overlaps.
    """
    from zilu.screening.linkforms import ipv4_links, written_links  # they build on this module's finder

    out = _find(folded, blocklist, original)
    written = written_links(folded, blocklist, original)
    if written:
        out = [m for m in out if not any(w.start < m.end and m.start < w.end for w in written)] + written
    if "." in folded:
        out += ipv4_links(folded, blocklist, out, original)
    if written or len(out) > 1:
        out.sort(key=lambda m: (m.start, m.end))
    return out


def _find(folded: str, blocklist: Blocklist, original: str | None) -> list[LinkMatch]:
    """The links of :func:`find_links` that are written as links (``://``, dots): the plain pass."""
    out: list[LinkMatch] = []
    covered = 0
    for pos in _anchors(folded):
        if pos < covered:
            continue
        if folded.startswith("://", pos):
            host_start = pos + 3
        else:
            if not _is_dot(folded, pos):
                continue
            host_start = max(_label_left(folded, pos, original), covered)
            while host_start > max(covered + 1, pos - _MAX_HOST) and _is_dot(folded, host_start - 1):
                before = max(_label_left(folded, host_start - 1, original), covered)
                if before == host_start - 1:
                    break
                host_start = before
            if host_start == pos:
                continue
        host_end = _host_span(folded, host_start, original)
        if host_end <= host_start:
            continue
        start = host_start
        scheme = False
        if folded.startswith("://", host_start - 3):
            for name in _SCHEMES:
                if folded.startswith(name, host_start - 3 - len(name)):
                    start = host_start - 3 - len(name)
                    scheme = True
                    break
        match = (
            _link(folded, start, host_start, host_end, scheme, blocklist, original)
            if host_end - host_start <= _MAX_HOST
            else None
        )
        if match is not None:
            out.append(match)
        covered = max(covered, match.end if match is not None else host_end)
    return out


def _link(
    folded: str, start: int, host_start: int, host_end: int, scheme: bool, blocklist: Blocklist, original: str | None
) -> LinkMatch | None:
    raw = folded[host_start:host_end].replace("。", ".")
    last = raw.rsplit(".", 1)[-1]
    if last.isascii() and last not in top_level_domains() and not scheme:
        return None  # file.jpg, 3.5g, e.g: not a host name, and no tldextract call spent on it
    trimmed = _trim_idn_suffix(raw)
    host_end -= len(raw) - len(trimmed)
    host = canonical_domain(trimmed)
    if host is None or ("." not in host and not scheme):
        return None
    registrable = public_suffix(host)[0]
    if not registrable:
        if not scheme:
            return None
        registrable = host
    tail = _TAIL.match(folded, host_end)
    end = tail.end() if tail else host_end
    while end > host_end and folded[end - 1] in _TRAILING:
        end -= 1
    rest = _cased(folded, original, host_end, end) if end > host_end and blocklist.has_prefixes(host) else ""
    return LinkMatch(start, end, host, registrable, blocklist.lookup(host, rest))
