"""The platform's file screening (Art. 15): the engine's ``FileScanner`` with the platform's hash bank and ClamAV.

One scanner per process, built on first use: the YARA rules shipped with the engine, ClamAV when
``ZILU_CLAMD_SOCKET`` is set, and the file hashes of every registered hash source. The ``banks`` app registers the
database-backed file-hash bank with :func:`register_hash_source` (a callable returning ``{hex digest: label}``) and
calls :func:`reset_file_scanner` when that bank changes. Uploads (``core.files``) and ``POST /api/v1/screen/file``
use :func:`get_file_scanner`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from django.conf import settings

from zilu.screening.clamd import Clamd
from zilu.screening.files import FileScanner, FileVerdict

HashSource = Callable[[], Mapping[str, str]]
VersionSource = Callable[[], object]

_sources: dict[str, HashSource] = {}
_version_sources: dict[str, VersionSource] = {}
_scanner: FileScanner | None = None
_built_from: object = None
_lock = threading.Lock()


def register_hash_source(name: str, source: HashSource, version: VersionSource | None = None) -> None:
    """Add (or replace) a source of known-bad file hashes; the scanner is rebuilt on next use. ``version`` (a cheap
    callable) lets every process notice a change made by another one: the scanner is rebuilt when it moves."""
    _sources[name] = source
    if version is not None:
        _version_sources[name] = version
    reset_file_scanner()


def _current_versions() -> object:
    return tuple((name, source()) for name, source in sorted(_version_sources.items()))


def reset_file_scanner() -> None:
    """Forget the scanner (after the hash bank or the settings changed)."""
    global _scanner
    with _lock:
        _scanner = None


def get_file_scanner() -> FileScanner:
    """The process's scanner, built on first use and rebuilt when a hash source's version moved."""
    global _scanner, _built_from
    versions = _current_versions()
    with _lock:
        if _scanner is None or versions != _built_from:
            _built_from = versions
            hashes: dict[str, str] = {}
            for source in _sources.values():
                hashes.update({k.lower(): v for k, v in source().items()})
            socket_address = settings.ZILU_CLAMD_SOCKET
            _scanner = FileScanner(hashes=hashes, clamd=Clamd(socket_address) if socket_address else None)
        return _scanner


def scan(data: bytes, *, name: str | None = None) -> FileVerdict:
    """Screen ``data`` with the platform's scanner."""
    return get_file_scanner().scan(data, name=name)
