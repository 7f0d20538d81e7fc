"""Fetch a registered site's home page safely, and find the filing numbers it shows.

The fetcher connects only to public addresses: the host is resolved once, every address it resolves to is checked
(private, loopback, link-local, shared, reserved and multicast ranges are refused, also as IPv4-mapped IPv6), and the
connection goes to the checked address (no second lookup that a rebinding DNS server could answer differently).
Each redirect is checked the same way. Reads stop at a size cap and an overall deadline, so a slow or huge page
cannot hold a worker. ``allow`` names addresses or networks that are accepted although not public (the test servers'
127.0.0.1; ``ZILU_FILINGS_ALLOW_HOSTS``). It uses only the standard library's ``http.client`` because pinning the
connection to the vetted address, which requests/urllib3 do not offer without adapters, is the point.
"""

from __future__ import annotations

import html
import http.client
import ipaddress
import re
import socket
import ssl
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from zilu.core.identifiers import ICP_PROVINCES

__all__ = ["FetchError", "FetchResult", "fetch", "find_numbers", "page_text", "page_text_and_html"]

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
USER_AGENT = "Zilu-filings-check/1.0 (+Art. 12(5) of the Changping convention)"


class FetchError(Exception):
    """The page could not be fetched; ``str()`` says why (in English, recorded as evidence)."""


@dataclass
class FetchResult:
    """What a fetch gave: the final address, its status and the (capped) body, or the error that stopped it."""

    url: str
    final_url: str = ""
    status: int | None = None
    body: bytes = b""
    content_type: str = ""
    truncated: bool = False
    error: str = ""
    redirects: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and 200 <= self.status < 300


def parse_allow(values: Iterable[str]) -> list[IpNetwork]:
    """``["127.0.0.1", "10.1.0.0/16"]`` as networks (bad entries raise ``ValueError``)."""
    return [ipaddress.ip_network(v.strip(), strict=False) for v in values if v and v.strip()]


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _vetted_address(host: str, port: int, allow: list[IpNetwork], deadline: float) -> str:
    """Resolve ``host`` and return one address to connect to, refusing if any address is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from None
    if time.monotonic() > deadline:
        raise FetchError("timed out")
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not _is_public(address) and not any(address in net for net in allow):
            raise FetchError(f"refused: {host} resolves to a non-public address {address}")
        addresses.append(str(address))
    if not addresses:
        raise FetchError(f"cannot resolve {host}")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def fetch(
    url: str,
    *,
    timeout: float = 10.0,
    max_bytes: int = 1024 * 1024,
    max_redirects: int = 3,
    allow: Iterable[str] = (),
) -> FetchResult:
    """GET ``url`` (http or https) within ``timeout`` seconds in all, following at most ``max_redirects``
    redirects, keeping at most ``max_bytes`` of the body. Never raises for network trouble: ``error`` says it."""
    result = FetchResult(url=url)
    networks = parse_allow(allow)
    deadline = time.monotonic() + timeout
    current = url
    try:
        for hop in range(max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in {"http", "https"} or not parts.hostname:
                raise FetchError(f"refused: not an http(s) address: {current[:200]}")
            port = parts.port or (443 if parts.scheme == "https" else 80)
            address = _vetted_address(parts.hostname, port, networks, deadline)
            remaining = max(deadline - time.monotonic(), 0.05)
            cls = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
            conn = cls(parts.hostname, port, address, remaining)
            try:
                path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                conn.request(
                    "GET",
                    path,
                    headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5", "Accept-Encoding": "identity"},
                )
                response = conn.getresponse()
                result.final_url, result.status = current, response.status
                if response.status in {301, 302, 303, 307, 308} and response.getheader("Location"):
                    if hop == max_redirects:
                        raise FetchError(f"too many redirects (more than {max_redirects})")
                    current = urljoin(current, response.getheader("Location", ""))
                    result.redirects.append(current)
                    continue
                result.content_type = response.getheader("Content-Type", "")
                chunks, size = [], 0
                while size < max_bytes:
                    if time.monotonic() > deadline:
                        raise FetchError("timed out while reading the page")
                    chunk = response.read1(min(65536, max_bytes - size)) if hasattr(response, "read1") else b""
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                else:
                    result.truncated = True
                result.body = b"".join(chunks)
                return result
            finally:
                conn.close()
    except FetchError as exc:
        result.error = str(exc)
    except TimeoutError:
        result.error = "timed out"
    except ssl.SSLError as exc:
        result.error = f"TLS error: {exc}"[:300]
    except (OSError, http.client.HTTPException) as exc:
        result.error = f"connection failed: {exc.__class__.__name__}: {exc}"[:300]
    return result


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "noscript", "template"}:
            self._skip += 1
        elif tag in {"br", "p", "div", "li", "footer", "tr", "a", "span"}:
            self.parts.append(" ")
        for name, value in attrs:  # numbers shown as an image's alt or a link's title still count
            if name in {"alt", "title"} and value:
                self.parts.append(f" {value} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "noscript", "template"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def page_text(result: FetchResult) -> str:
    """The visible text of the fetched page, decoded (header or meta charset, else UTF-8, else GB18030)."""
    return page_text_and_html(result)[0]


def page_text_and_html(result: FetchResult) -> tuple[str, str]:
    """The visible text of the fetched page and the decoded page itself (its markup, for the entrance check)."""
    body = result.body
    charsets = []
    match = re.search(r"charset=([A-Za-z0-9_-]+)", result.content_type or "")
    if match:
        charsets.append(match[1])
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        charsets.append(meta[1].decode("ascii"))
    charsets += ["utf-8", "gb18030"]
    text = None
    for charset in charsets:
        try:
            text = body.decode(charset)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    if text is None:
        text = body.decode("utf-8", errors="replace")
    decoded = text
    if "html" in (result.content_type or "html").lower() or "<" in text[:1000]:
        parser = _TextExtractor()
        try:
            parser.feed(text)
            parser.close()
            text = "".join(parser.parts)
        except Exception:  # a broken page: fall back to the raw text without tags
            text = re.sub(r"<[^>]+>", " ", html.unescape(text))
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text).strip(), decoded


_PROVINCES = "".join(sorted(ICP_PROVINCES))
ICP_IN_TEXT = re.compile(rf"([{_PROVINCES}])\s*ICP\s*([备证])\s*([0-9]{{4,10}})\s*号?(?:\s*-\s*([0-9]{{1,3}}))?", re.I)
PSB_IN_TEXT = re.compile(rf"([{_PROVINCES}])\s*公\s*网\s*安\s*备\s*([0-9]{{14}})\s*号?")


@dataclass(frozen=True)
class FoundNumbers:
    """Filing numbers shown on a page, canonical; ``icp`` as (key without site suffix, full text)."""

    icp: list[tuple[str, str]]
    psb: list[str]
    spans: list[tuple[int, int]]


def find_numbers(text: str) -> FoundNumbers:
    """Every ICP and public-security filing number in ``text`` (already NFKC-normalised)."""
    icp, psb, spans = [], [], []
    for m in ICP_IN_TEXT.finditer(text):
        key = f"{m[1]}ICP{m[2]}{m[3]}号"
        icp.append((key, key + (f"-{int(m[4])}" if m[4] and int(m[4]) else "")))
        spans.append(m.span())
    for m in PSB_IN_TEXT.finditer(text):
        psb.append(f"{m[1]}公网安备{m[2]}号")
        spans.append(m.span())
    return FoundNumbers(icp=icp, psb=psb, spans=spans)
