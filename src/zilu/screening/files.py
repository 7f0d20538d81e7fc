"""File screening (Art. 15: members jointly resist viruses and destructive programs): ``screen_file``.

A file is checked by what it contains, never by its name:

1. its type is identified from its bytes (the ``filetype`` package plus the magic numbers of executables: PE, ELF,
   Mach-O, Java class, Dalvik, and ``#!`` scripts); a name whose extension disagrees is reported; executables are
   blocked or flagged as the :class:`FilePolicy` says;
2. its SHA-256 and MD5 are matched against a file-hash bank (a set or a mapping ``hash -> label`` given by the
   caller: the platform feeds the database-backed bank, members their own);
3. it is matched against the YARA rules kept in ``zilu/screening/rules`` (an EICAR test-file rule among them) and any
   extra rules folder;
4. when a ClamAV daemon is given (:class:`zilu.screening.clamd.Clamd`), it is streamed to it (INSTREAM);
5. zip, tar and gzip archives are opened and every member is screened the same way, recursively, within limits on
   depth, member count, total expanded size and compression ratio. Members are read in bounded chunks, so a zip bomb
   stops at the first limit it crosses and yields ``block`` with the reason, never memory exhaustion.

Like the rest of the engine this module imports nothing from Django or the platform.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import os
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple, cast

from zilu.screening.filetypes import FileType, identify, name_mismatch

if TYPE_CHECKING:
    from zilu.screening.clamd import Clamd

__all__ = [
    "RULES_DIR",
    "FileFinding",
    "FilePolicy",
    "FileScanner",
    "FileVerdict",
    "HashBank",
    "identify",
    "screen_file",
]

Action = Literal["pass", "review", "block"]
RULES_DIR = Path(__file__).with_name("rules")
_ORDER = {"pass": 0, "review": 1, "block": 2}
_CHUNK = 64 * 1024
# Below this many expanded bytes a member's compression ratio is not judged (tiny files compress absurdly well).
_RATIO_FLOOR = 1024 * 1024


@dataclass(frozen=True)
class FilePolicy:
    """What ``screen_file`` does with what it finds, and the archive limits.

    ``executables``: native executables and bytecode (PE, ELF, Mach-O, Java class, Dalvik); ``scripts``: ``#!``
    scripts; ``name_mismatch``: a name whose extension disagrees with the content; ``hash_hit``: a hash-bank match;
    ``malware``: a ClamAV detection or a YARA rule without its own ``suggestion`` meta; ``limits``: an archive that
    crosses a limit (a bomb); ``unscannable``: an encrypted or damaged archive member, or a scanner that failed.
    """

    executables: Action = "block"
    scripts: Action = "review"
    name_mismatch: Action = "review"
    hash_hit: Action = "block"
    malware: Action = "block"
    limits: Action = "block"
    unscannable: Action = "review"
    max_depth: int = 3
    max_members: int = 1000
    max_expanded_bytes: int = 256 * 1024 * 1024
    max_member_bytes: int = 64 * 1024 * 1024
    max_ratio: float = 100.0

    def __post_init__(self) -> None:
        for name in ("executables", "scripts", "name_mismatch", "hash_hit", "malware", "limits", "unscannable"):
            if getattr(self, name) not in _ORDER:
                raise ValueError(f"FilePolicy.{name} must be pass, review or block")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FilePolicy:
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown file policy keys: {', '.join(sorted(unknown))}")
        return cls(**dict(data))


class FileFinding(NamedTuple):
    """One finding. ``kind``: ``type``, ``hash``, ``yara``, ``clamav`` or ``archive``; ``code`` a stable name (the
    rule, the signature, ``executable``, ``name_mismatch``, ``ratio``...); ``path`` where in the file it was found
    (``outer.zip!inner.zip!eicar.com``); ``detail`` a short English explanation."""

    kind: str
    code: str
    path: str
    detail: str
    suggestion: Action

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


class FileVerdict(NamedTuple):
    """The result of screening one file."""

    suggestion: Action
    mime: str | None
    extension: str | None
    size: int
    sha256: str
    md5: str
    findings: tuple[FileFinding, ...]
    members: int  # archive members screened (all levels)
    expanded_bytes: int

    @property
    def reasons(self) -> list[str]:
        return [f"{f.kind}:{f.code}" for f in self.findings if f.suggestion != "pass"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "suggestion": self.suggestion,
            "mime": self.mime,
            "extension": self.extension,
            "size": self.size,
            "sha256": self.sha256,
            "md5": self.md5,
            "members": self.members,
            "expanded_bytes": self.expanded_bytes,
            "findings": [f.to_dict() for f in self.findings],
        }


class HashBank:
    """Known-bad file hashes: SHA-256 (64 hex) and MD5 (32 hex), each with a label."""

    def __init__(self, hashes: Mapping[str, str] | Iterable[str] = ()) -> None:
        items = hashes.items() if isinstance(hashes, Mapping) else ((h, "malware") for h in hashes)
        self._labels: dict[str, str] = {}
        for digest, label in items:
            key = str(digest).strip().lower()
            if len(key) not in {32, 64} or any(c not in "0123456789abcdef" for c in key):
                raise ValueError(f"not an MD5 or SHA-256 hex digest: {digest!r}")
            self._labels[key] = label or "malware"

    def __len__(self) -> int:
        return len(self._labels)

    def lookup(self, sha256: str, md5: str) -> tuple[str, str] | None:
        """``(matched digest, label)`` or None."""
        for digest in (sha256, md5):
            if digest in self._labels:
                return digest, self._labels[digest]
        return None


# --------------------------------------------------------------------------- YARA


@functools.lru_cache(maxsize=8)
def _compile_rules(folders: tuple[str, ...]) -> Any:
    import yara

    paths = {}
    for folder in folders:
        for path in sorted(Path(folder).glob("*.yar")):
            paths[f"{Path(folder).name}_{path.stem}"] = str(path)
    return yara.compile(filepaths=paths) if paths else None


def rule_folders(extra: Iterable[str | os.PathLike[str]] = ()) -> tuple[str, ...]:
    return (str(RULES_DIR), *(str(p) for p in extra))


# --------------------------------------------------------------------------- the scanner


class _LimitHit(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass
class _Walk:
    findings: list[FileFinding] = field(default_factory=list)
    members: int = 0
    expanded: int = 0


class FileScanner:
    """Screens files; build one and reuse it (the YARA rules are compiled once per rule set and process).

    ``hashes``: a :class:`HashBank`, or what its constructor takes; ``clamd``: a ClamAV client or None;
    ``extra_rules``: folders of further ``*.yar`` rules.
    """

    def __init__(
        self,
        *,
        hashes: HashBank | Mapping[str, str] | Iterable[str] = (),
        policy: FilePolicy | None = None,
        clamd: Clamd | None = None,
        extra_rules: Iterable[str | os.PathLike[str]] = (),
    ) -> None:
        self.hashes = hashes if isinstance(hashes, HashBank) else HashBank(hashes)
        self.policy = policy or FilePolicy()
        self.clamd = clamd
        self.rules = _compile_rules(rule_folders(extra_rules))

    def scan(self, source: bytes | str | os.PathLike[str] | IO[bytes], *, name: str | None = None) -> FileVerdict:
        """Screen a file given as bytes, a path or a binary file object (read from its current position)."""
        if isinstance(source, bytes | bytearray | memoryview):
            data = bytes(source)
        elif isinstance(source, str | os.PathLike):
            name = name or os.fspath(source)
            with Path(source).open("rb") as stream:
                data = self._read_bounded(stream)
        else:
            data = self._read_bounded(source)
        walk = _Walk()
        display = (name or "file").replace("\\", "/").rsplit("/", 1)[-1]
        detected = self._scan_one(data, display, name, depth=0, walk=walk)
        if self.clamd is not None:
            self._clamav(data, display, walk)
        suggestion: Action = "pass"
        for finding in walk.findings:
            if _ORDER[finding.suggestion] > _ORDER[suggestion]:
                suggestion = finding.suggestion
        return FileVerdict(
            suggestion=suggestion,
            mime=detected.mime,
            extension=detected.extension,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
            findings=tuple(walk.findings),
            members=walk.members,
            expanded_bytes=walk.expanded,
        )

    def _read_bounded(self, stream: IO[bytes]) -> bytes:
        data = stream.read(self.policy.max_member_bytes + 1)
        if len(data) > self.policy.max_member_bytes:
            raise ValueError(f"file larger than {self.policy.max_member_bytes} bytes")
        return data

    # -- one file or member ---------------------------------------------------------------------------------------

    def _add(self, walk: _Walk, kind: str, code: str, path: str, detail: str, suggestion: Action) -> None:
        walk.findings.append(FileFinding(kind, code, path, detail, suggestion))

    def _scan_one(self, data: bytes, path: str, name: str | None, *, depth: int, walk: _Walk) -> FileType:
        policy = self.policy
        detected = identify(data[:4096])
        if detected.category == "executable":
            self._add(walk, "type", "executable", path, f"executable content ({detected.mime})", policy.executables)
        elif detected.category == "script":
            line = data[:120].split(b"\n", 1)[0].decode("utf-8", "replace")
            self._add(walk, "type", "script", path, f"script ({line})", policy.scripts)
        mismatch = name_mismatch(name, detected)
        if mismatch:
            self._add(walk, "type", "name_mismatch", path, mismatch, policy.name_mismatch)
        sha256 = hashlib.sha256(data).hexdigest()
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        hit = self.hashes.lookup(sha256, md5)
        if hit is not None:
            self._add(walk, "hash", hit[1], path, f"file-hash bank: {hit[0]}", policy.hash_hit)
        if self.rules is not None:
            for match in self.rules.match(data=data, timeout=30):
                wanted = match.meta.get("suggestion", policy.malware)
                wanted = wanted if wanted in _ORDER else policy.malware
                detail = match.meta.get("description", match.rule)
                self._add(walk, "yara", match.rule, path, str(detail), wanted)
        if detected.category == "archive":
            if depth >= policy.max_depth:
                self._add(
                    walk, "archive", "depth", path, f"archives nested deeper than {policy.max_depth}", policy.limits
                )
            else:
                try:
                    self._scan_archive(data, detected.extension or "", path, depth=depth, walk=walk)
                except _LimitHit as exc:
                    self._add(walk, "archive", exc.code, path, exc.detail, policy.limits)
        return detected

    # -- archives -------------------------------------------------------------------------------------------------

    def _scan_archive(self, data: bytes, kind: str, path: str, *, depth: int, walk: _Walk) -> None:
        for member_name, packed_size, stream in self._members(data, kind, path, walk):
            walk.members += 1
            if walk.members > self.policy.max_members:
                raise _LimitHit("members", f"more than {self.policy.max_members} archive members")
            member_path = f"{path}!{member_name}"
            try:
                content = self._expand(stream, packed_size, member_path, walk)
            except _LimitHit:
                raise
            except (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError, OSError, RuntimeError) as exc:
                self._add(walk, "archive", "unreadable", member_path, f"cannot read: {exc}", self.policy.unscannable)
                continue
            self._scan_one(content, member_path, member_name, depth=depth + 1, walk=walk)

    def _members(self, data: bytes, kind: str, path: str, walk: _Walk) -> Iterator[tuple[str, int, IO[bytes]]]:
        if kind == "zip":
            try:
                archive = zipfile.ZipFile(io.BytesIO(data))
            except (zipfile.BadZipFile, OSError) as exc:
                self._add(walk, "archive", "unreadable", path, f"damaged zip: {exc}", self.policy.unscannable)
                return
            infos = archive.infolist()
            if len(infos) + walk.members > self.policy.max_members:
                raise _LimitHit("members", f"more than {self.policy.max_members} archive members")
            for info in infos:
                if info.is_dir():
                    continue
                if info.flag_bits & 0x1:
                    self._add(
                        walk, "archive", "encrypted", f"{path}!{info.filename}", "encrypted member",
                        self.policy.unscannable,
                    )  # fmt: skip
                    continue
                try:
                    stream = archive.open(info)
                except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
                    self._add(
                        walk, "archive", "unreadable", f"{path}!{info.filename}", str(exc), self.policy.unscannable
                    )
                    continue
                with stream:
                    yield info.filename, info.compress_size, stream
        elif kind == "tar":
            try:
                with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive_tar:
                    for member in archive_tar:  # streams the headers; never loads the member list up front
                        if not member.isfile():
                            continue
                        extracted = archive_tar.extractfile(member)
                        if extracted is not None:
                            # a tar member is stored, not compressed: its ratio is 1
                            yield member.name, max(member.size, 1), extracted
            except tarfile.TarError as exc:
                self._add(walk, "archive", "unreadable", path, f"damaged tar: {exc}", self.policy.unscannable)
        elif kind == "gz":
            inner = _gzip_name(data) or "content"
            yield inner, len(data), cast(IO[bytes], gzip.GzipFile(fileobj=io.BytesIO(data)))

    def _expand(self, stream: IO[bytes], packed_size: int, path: str, walk: _Walk) -> bytes:
        """Read one member in bounded chunks, stopping at the first limit crossed."""
        policy = self.policy
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            walk.expanded += len(chunk)
            if size > _RATIO_FLOOR and size > policy.max_ratio * max(packed_size, 1):
                raise _LimitHit(
                    "ratio",
                    f"{path} expands more than {policy.max_ratio:g} times ({packed_size} bytes packed): a zip bomb",
                )
            if size > policy.max_member_bytes:
                raise _LimitHit(
                    "size", f"{path} expands beyond {policy.max_member_bytes} bytes: too large to scan, or a zip bomb"
                )
            if walk.expanded > policy.max_expanded_bytes:
                raise _LimitHit(
                    "size", f"archive expands beyond {policy.max_expanded_bytes} bytes in all: a zip bomb, or too large"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    # -- ClamAV ---------------------------------------------------------------------------------------------------

    def _clamav(self, data: bytes, path: str, walk: _Walk) -> None:
        assert self.clamd is not None
        try:
            signature = self.clamd.scan_bytes(data)
        except Exception as exc:  # any failure of the daemon makes the file unscanned, not clean
            self._add(walk, "clamav", "unavailable", path, f"ClamAV failed: {exc}"[:300], self.policy.unscannable)
            return
        if signature is not None:
            self._add(walk, "clamav", signature, path, f"ClamAV: {signature}", self.policy.malware)


def _gzip_name(data: bytes) -> str | None:
    """The original file name stored in a gzip header (FNAME), if any."""
    if len(data) < 10 or not data[3] & 0x08:
        return None
    offset = 10
    if data[3] & 0x04:  # FEXTRA
        if len(data) < 12:
            return None
        offset += 2 + struct.unpack("<H", data[10:12])[0]
    end = data.find(b"\0", offset, offset + 256)
    return data[offset:end].decode("latin-1") if end > offset else None


def screen_file(
    source: bytes | str | os.PathLike[str] | IO[bytes],
    *,
    name: str | None = None,
    hashes: HashBank | Mapping[str, str] | Iterable[str] = (),
    policy: FilePolicy | None = None,
    clamd: Clamd | None = None,
    extra_rules: Iterable[str | os.PathLike[str]] = (),
) -> FileVerdict:
    """Screen one file (bytes, a path, or a binary stream); see the module docstring and :class:`FileScanner`."""
    return FileScanner(hashes=hashes, policy=policy, clamd=clamd, extra_rules=extra_rules).scan(source, name=name)
