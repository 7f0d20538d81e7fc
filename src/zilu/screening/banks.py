"""Banks as plain data, and loaders for the simple line formats and for Zilu's own bank export.

Line formats (UTF-8, ``#`` starts a comment line, blank lines are skipped):

* terms: ``term label[,label]`` -- the last whitespace-separated field is the labels; a line without whitespace is a
  term with the loader's default label;
* allow-list: one word or phrase a line;
* domains: one domain or URL prefix a line. A line with a path or a query after the host
  (``https://Bad.example/files/x``) is a URL prefix, kept as ``host[:port]/path[?query]`` (see :func:`canonical_entry`);
  otherwise the scheme, port, ``*.`` prefix and upper case are tolerated and removed.

The bank export (``zilu-bank/1``) is one JSON document per bank; see docs/screening.md for the schema::

    {"format": "zilu-bank/1", "kind": "terms", "version": 3,
     "entries": [{"term": "冰毒", "labels": ["drugs"], "severity": 3},
                 {"term": "出售", "labels": ["illegal"], "context": ["枪支", "枪"], "window": 10}]}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zilu.screening.errors import BankFormatError
from zilu.screening.rumors import RumorClaim, load_rumors, merge_rumors, parse_rumors

FORMAT = "zilu-bank/1"
KINDS = ("terms", "allow", "domains", "rumors")

#: Labels for the numeric tags of the houbb/sensitive-word lexicon (``load_terms(path, label_map=HOUBB_LABELS)``).
HOUBB_LABELS: dict[str, str] = {"1": "drugs", "2": "porn", "3": "gambling", "4": "illegal"}


@dataclass(frozen=True, slots=True)
class Term:
    """A bank term: its text, labels, severity (1-3) and, optionally, context terms one of which must be nearby."""

    text: str
    labels: tuple[str, ...]
    severity: int = 2
    context: tuple[str, ...] = ()
    window: int | None = None  # None: the policy's context_window
    id: str | None = None
    # an everyday word that is harmful only in company (日本, 电影): it counts only with one of its context terms or
    # another term (one that does not itself need context) within the window
    needs_context: bool = False


@dataclass(frozen=True, slots=True)
class BlockedDomain:
    """A harmful domain, which covers its subdomains (``bad.example`` blocks ``www.bad.example``), or a URL prefix
    ``host[:port]/path[?query]`` (``bad.example/files``), which covers the URLs under it on that host only."""

    domain: str
    label: str = "link.blocked"
    severity: int = 3


@dataclass(frozen=True)
class Banks:
    """Everything the engine matches against, as plain data."""

    terms: tuple[Term, ...] = ()
    allow: tuple[str, ...] = ()
    domains: tuple[BlockedDomain, ...] = ()
    versions: Mapping[str, int] = field(default_factory=dict)  # bank kind -> export version, for the record
    rumors: tuple[RumorClaim, ...] = ()  # known rumors with their debunks (one per id)

    def merge(self, other: Banks) -> Banks:
        """Both banks together; a term in both gets the union of labels and the higher severity; a rumor claim id in
        both keeps the other bank's claim."""
        return Banks(
            terms=merge_terms([*self.terms, *other.terms]),
            allow=tuple(dict.fromkeys([*self.allow, *other.allow])),
            domains=tuple({d.domain: d for d in [*self.domains, *other.domains]}.values()),
            versions={**self.versions, **other.versions},
            rumors=merge_rumors([*self.rumors, *other.rumors]),
        )

    @classmethod
    def from_files(
        cls,
        terms: Iterable[str | Path] = (),
        allow: Iterable[str | Path] = (),
        domains: Iterable[str | Path] = (),
        exports: Iterable[str | Path] = (),
        label_map: Mapping[str, str] | None = None,
        rumors: Iterable[str | Path] = (),
    ) -> Banks:
        """Load and merge line-format files, rumor claim files (JSON Lines) and bank exports."""
        banks = cls(
            terms=merge_terms([t for path in terms for t in load_terms(path, label_map=label_map)]),
            allow=tuple(dict.fromkeys(w for path in allow for w in load_allow(path))),
            domains=tuple({d.domain: d for path in domains for d in load_domains(path)}.values()),
            rumors=merge_rumors(claim for path in rumors for claim in load_rumors(path)),
        )
        for path in exports:
            banks = banks.merge(load_bank(path))
        return banks


def merge_terms(terms: Iterable[Term]) -> tuple[Term, ...]:
    """One entry per term text: labels united in order of appearance, the highest severity, contexts united."""
    merged: dict[str, Term] = {}
    for term in terms:
        old = merged.get(term.text)
        if old is None:
            merged[term.text] = term
            continue
        merged[term.text] = Term(
            text=term.text,
            labels=tuple(dict.fromkeys([*old.labels, *term.labels])),
            severity=max(old.severity, term.severity),
            context=tuple(dict.fromkeys([*old.context, *term.context])),
            window=old.window if old.window is not None else term.window,
            id=old.id or term.id,
            needs_context=old.needs_context or term.needs_context,
        )
    return tuple(merged.values())


def _lines(path: str | Path) -> Iterable[tuple[int, str]]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BankFormatError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise BankFormatError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            yield number, line


def parse_terms(
    lines: Iterable[str],
    *,
    label_map: Mapping[str, str] | None = None,
    default_label: str = "term",
    severity: int = 2,
) -> list[Term]:
    """Parse ``term label[,label]`` lines; ``label_map`` renames labels (e.g. :data:`HOUBB_LABELS`)."""
    out = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.rsplit(maxsplit=1)
        if len(parts) == 2:
            text, label_field = parts
            labels = [label.strip() for label in label_field.split(",") if label.strip()]
        else:
            text, labels = line, []
        labels = [label_map.get(label, label) if label_map else label for label in labels] or [default_label]
        out.append(Term(text=text.strip(), labels=tuple(dict.fromkeys(labels)), severity=severity))
    return out


def load_terms(path: str | Path, **options: Any) -> list[Term]:
    """Load a ``term label[,label]`` file (options as for :func:`parse_terms`)."""
    return parse_terms((line for _, line in _lines(path)), **options)


def load_allow(path: str | Path) -> list[str]:
    """Load an allow-list file: one word or phrase a line."""
    return [line for _, line in _lines(path)]


def canonical_domain(value: str) -> str | None:
    """``HTTP://WWW.Bad.Example:81/x`` -> ``www.bad.example``; punycode labels are decoded; ``None`` if not a host."""
    host = value.strip().lower()
    if "://" in host:
        host = host.split("://", 1)[1]
    for sep in "/?#":
        host = host.split(sep, 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].replace("。", ".").replace("．", ".")
    host = host.removeprefix("*.").strip(".")
    labels = host.split(".")
    if not host or any(not label or len(label) > 63 or any(ch.isspace() for ch in label) for label in labels):
        return None
    decoded = []
    for label in labels:
        if label.startswith("xn--"):
            try:
                label = label[4:].encode("ascii").decode("punycode").lower()
            except (UnicodeError, ValueError):
                return None
        decoded.append(label)
    return ".".join(decoded)


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
DEFAULT_PORTS = frozenset({"80", "443"})


def url_parts(value: str) -> tuple[str, str, str, str | None] | None:
    """``(host, port, path, query)`` of a URL or URL prefix, ``None`` if it has no valid host.

    The scheme and fragment are dropped, the host is canonical (:func:`canonical_domain`), the port is kept unless
    it is a default one (80, 443: schemes are not told apart) or absent (``""``), the path keeps its case and loses
    trailing slashes (``/bad/`` -> ``/bad``), and the query is ``None`` when there is none (or it is empty).
    """
    text = _SCHEME.sub("", value.strip(), count=1).split("#", 1)[0]
    cut = min((i for i in (text.find("/"), text.find("?")) if i >= 0), default=len(text))
    authority, rest = text[:cut], text[cut:]
    host = canonical_domain(authority)
    if host is None:
        return None
    port = authority.rsplit("@", 1)[-1].partition(":")[2]
    port = str(int(port)) if port.isdigit() and len(port) <= 5 else ""
    if port in DEFAULT_PORTS:
        port = ""
    path, has_query, query = rest.partition("?")
    return host, port, path.rstrip("/"), query if has_query and query else None


def canonical_entry(value: str) -> str | None:
    """A domain blocklist line in canonical form: the host (``HTTP://WWW.Bad.Example:81`` -> ``www.bad.example``),
    or, when a path or query follows the host, the URL prefix ``host[:port]/path[?query]``
    (``https://Bad.Example:443/Files/?id=1`` -> ``bad.example/Files?id=1``); ``None`` if it has no valid host."""
    parts = url_parts(value)
    if parts is None:
        return None
    host, port, path, query = parts
    if not path and query is None:
        return host
    return host + (f":{port}" if port else "") + path + (f"?{query}" if query is not None else "")


def parse_domains(lines: Iterable[str], *, label: str = "link.blocked", severity: int = 3) -> list[BlockedDomain]:
    """Parse one domain or URL prefix a line (see :func:`canonical_entry`); lines without a host name are skipped."""
    out = []
    for line in lines:
        domain = canonical_entry(line)
        if domain:
            out.append(BlockedDomain(domain=domain, label=label, severity=severity))
    return out


def load_domains(path: str | Path, **options: Any) -> list[BlockedDomain]:
    """Load a domain and URL prefix blocklist file (options as for :func:`parse_domains`)."""
    return parse_domains((line for _, line in _lines(path)), **options)


# --------------------------------------------------------------------------- zilu-bank/1


def load_bank(source: str | Path | Mapping[str, Any]) -> Banks:
    """Load one bank export (a path to the JSON file, or the parsed document)."""
    if isinstance(source, Mapping):
        doc: Any = source
        where = "bank"
    else:
        where = str(source)
        try:
            doc = json.loads(Path(source).read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise BankFormatError(f"{where}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise BankFormatError(f"{where}: not JSON ({exc})") from None
    if not isinstance(doc, Mapping) or doc.get("format") != FORMAT:
        raise BankFormatError(f'{where}: not a bank export (expected "format": "{FORMAT}")')
    kind = doc.get("kind")
    version = doc.get("version")
    entries = doc.get("entries")
    if kind not in KINDS:
        raise BankFormatError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise BankFormatError(f"{where}: version must be a non-negative integer")
    if not isinstance(entries, list):
        raise BankFormatError(f"{where}: entries must be a list")
    versions = {kind: version}
    if kind == "terms":
        return Banks(terms=merge_terms(_term_entry(e, f"{where}: entries[{i}]") for i, e in enumerate(entries)),
                     versions=versions)  # fmt: skip
    if kind == "allow":
        words = [_allow_entry(e, f"{where}: entries[{i}]") for i, e in enumerate(entries)]
        return Banks(allow=tuple(dict.fromkeys(words)), versions=versions)
    if kind == "rumors":
        return Banks(rumors=merge_rumors(parse_rumors(entries, f"{where}: entries")), versions=versions)
    domains = [_domain_entry(e, f"{where}: entries[{i}]") for i, e in enumerate(entries)]
    return Banks(domains=tuple({d.domain: d for d in domains}.values()), versions=versions)


def _severity(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 3:
        raise BankFormatError(f"{where}: severity must be 1, 2 or 3")
    return value


def _strings(value: Any, where: str, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise BankFormatError(f"{where}: {name} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _term_entry(entry: Any, where: str) -> Term:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("term"), str) or not entry["term"].strip():
        raise BankFormatError(f'{where}: a term entry is an object with a non-empty "term"')
    unknown = set(entry) - {"term", "labels", "severity", "context", "window", "id", "needs_context"}
    if unknown:
        raise BankFormatError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    labels = _strings(entry.get("labels"), where, "labels")
    if not labels:
        raise BankFormatError(f"{where}: labels must not be empty")
    window = entry.get("window")
    if window is not None and (not isinstance(window, int) or isinstance(window, bool) or window < 0):
        raise BankFormatError(f"{where}: window must be a non-negative integer")
    ident = entry.get("id")
    needs_context = entry.get("needs_context", False)
    if not isinstance(needs_context, bool):
        raise BankFormatError(f"{where}: needs_context must be true or false")
    return Term(
        text=entry["term"].strip(),
        labels=labels,
        severity=_severity(entry.get("severity", 2), where),
        context=_strings(entry.get("context", []), where, "context"),
        window=window,
        id=None if ident is None else str(ident),
        needs_context=needs_context,
    )


def _allow_entry(entry: Any, where: str) -> str:
    if isinstance(entry, Mapping):
        entry = entry.get("term")
    if not isinstance(entry, str) or not entry.strip():
        raise BankFormatError(f'{where}: an allow entry is a string or an object with a "term"')
    return entry.strip()


def _domain_entry(entry: Any, where: str) -> BlockedDomain:
    label, severity = "link.blocked", 3
    if isinstance(entry, Mapping):
        label = entry.get("label", label)
        if not isinstance(label, str) or not label:
            raise BankFormatError(f"{where}: label must be a non-empty string")
        severity = _severity(entry.get("severity", severity), where)
        entry = entry.get("domain")
    domain = canonical_entry(entry) if isinstance(entry, str) else None
    if domain is None:
        raise BankFormatError(f'{where}: a domain entry is a host name, a URL prefix or an object with a "domain"')
    return BlockedDomain(domain=domain, label=label, severity=severity)


def bank_document(kind: str, entries: Iterable[Any], version: int = 1) -> dict[str, Any]:
    """A ``zilu-bank/1`` document for ``entries`` (Term, BlockedDomain, RumorClaim or str), ready for ``json.dump``."""
    if kind not in KINDS:
        raise BankFormatError(f"kind must be one of {', '.join(KINDS)}")
    out: list[Any] = []
    for entry in entries:
        if isinstance(entry, Term):
            item: dict[str, Any] = {"term": entry.text, "labels": list(entry.labels), "severity": entry.severity}
            if entry.context:
                item["context"] = list(entry.context)
            if entry.window is not None:
                item["window"] = entry.window
            if entry.id is not None:
                item["id"] = entry.id
            if entry.needs_context:
                item["needs_context"] = True
            out.append(item)
        elif isinstance(entry, BlockedDomain):
            out.append({"domain": entry.domain, "label": entry.label, "severity": entry.severity})
        elif isinstance(entry, RumorClaim):
            claim = {"id": entry.id, "text": entry.text, "debunk": entry.debunk}
            out.append(claim | {k: v for k, v in (("source", entry.source), ("date", entry.date)) if v is not None})
        else:
            out.append(str(entry))
    return {"format": FORMAT, "kind": kind, "version": version, "entries": out}
