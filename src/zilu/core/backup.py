"""``zilu backup``: one archive holding everything an installation cannot recreate (``zilu restore``, which puts it
back, is :mod:`zilu.core.restore`).

An archive (``.tar.gz``, mode 0600: it holds personal data and the signing key) contains

- ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite, the online backup
  API), a consistent copy of the database;
- ``media/...``, the uploaded files under ``MEDIA_ROOT`` (files still under ``pending/`` belong to transactions
  that had not committed, so they are left out);
- ``keys/banks-signing-key.pem``, the Ed25519 key that signs bank sync documents (members pin its public key), and
  ``keys/secret_key`` when the installation keeps its Django secret key in a file under ``ZILU_VAR_DIR``;
- ``manifest.json``, written last: Zilu's version, the time, the database vendor, the audit head and the applied
  migrations as of the database copy, and the SHA-256 of every other member.

The database is copied first and the files after it: an upload's bytes are moved into place when its transaction
commits, so every file a copied row names is on disk by then (a file newer than the copy is harmless).

The audit head is read from the very snapshot that is dumped (PostgreSQL: an exported snapshot that ``pg_dump``
imports; SQLite: the copy itself), so after a restore the chain must end exactly there. The checksums catch a
damaged or altered archive; they are not a signature (whoever holds the archive could recompute them), which is
why the restored chain is also checked against the head the site published (``zilu audit verify --head``).

A restore checks everything before it changes anything: the checksums, the tools, the vendor, that the archive is
not from a newer Zilu, that the database holds no data and that no different key would be overwritten (the last
two unless ``force``). On PostgreSQL the whole database is replaced in one transaction, so a failed restore leaves
it as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

FORMAT = "zilu-backup/1"
MANIFEST = "manifest.json"
DB_MEMBER = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
MEDIA_PREFIX = "media/"
BANKS_KEY_MEMBER = "keys/banks-signing-key.pem"
SECRET_KEY_MEMBER = "keys/secret_key"
PENDING_DIR = "pending"  # zilu.core.files.PENDING: uploads of transactions not yet committed
CACHE_TABLE = "zilu_cache"  # the embedded default cache's table: its rows are throwaway, never restored
CHUNK = 1024 * 1024
# libpq connection keywords that may sit in DATABASES OPTIONS and that pg_dump/psql must use too.
LIBPQ_OPTIONS = {
    "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslpassword", "connect_timeout", "application_name",
    "options", "target_session_attrs", "service", "passfile", "gssencmode", "channel_binding", "keepalives",
    "keepalives_idle", "keepalives_interval", "keepalives_count",
}  # fmt: skip


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one line for the operator."""


Log = Callable[[str], None]


def quiet(message: str) -> None:
    """The default log: say nothing."""


# ------------------------------------------------------------------------------------------------ helpers


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def zilu_version() -> str:
    """The installed Zilu version."""
    from zilu import __version__

    return __version__


def db_vendor() -> str:
    vendor = connection.vendor
    if vendor not in DB_MEMBER:
        raise BackupError(f"the {vendor} database is not supported: use PostgreSQL or SQLite")
    return vendor


def require_tool(name: str) -> str:
    """The path of a PostgreSQL client program, or a clear refusal."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH: install the PostgreSQL client of the server's major version "
            "(Debian 12: apt install postgresql-client-15)"
        )
    return path


def pg_conninfo() -> tuple[str, dict[str, str]]:
    """A libpq connection string for the configured database (no password), and the environment carrying the
    password, so that it never shows in the process list."""
    from psycopg.conninfo import make_conninfo

    params = connection.settings_dict
    keywords: dict[str, Any] = {"dbname": params["NAME"]}
    for key, name in (("USER", "user"), ("HOST", "host"), ("PORT", "port")):
        if params.get(key):
            keywords[name] = str(params[key])
    keywords.update({k: v for k, v in (params.get("OPTIONS") or {}).items() if k in LIBPQ_OPTIONS})
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return make_conninfo(**keywords), env


def _run(argv: list[str], env: dict[str, str] | None = None, **kwargs: Any) -> None:
    """Run a client program; its error output becomes the one-line refusal."""
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603
    if result.returncode != 0:
        detail = " ".join(result.stderr.split())[:500] or f"exit status {result.returncode}"
        raise BackupError(f"{Path(argv[0]).name} failed: {detail}")


def is_memory_db(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


# ------------------------------------------------------------------------------------------------ database copy


@dataclass
class DatabaseCopy:
    """A copy of the database on disk, with the audit head and the migrations as of that copy."""

    path: Path
    vendor: str
    audit_head: dict[str, Any]
    migrations: list[str]
    tool: str = ""


def _audit_table() -> str:
    from zilu.core.models import AuditEntry

    return AuditEntry._meta.db_table


def _head_and_migrations(cursor: Any, quote: Callable[[str], str]) -> tuple[dict[str, Any], list[str]]:
    """Read the audit head and applied migrations through a DB-API cursor (on the copy or the dumped snapshot)."""
    from zilu.core.audit import GENESIS

    cursor.execute(f"SELECT seq, hash FROM {quote(_audit_table())} ORDER BY seq DESC LIMIT 1")  # noqa: S608
    row = cursor.fetchone()
    head = {"seq": int(row[0]), "hash": str(row[1])} if row else {"seq": 0, "hash": GENESIS}
    cursor.execute("SELECT app, name FROM django_migrations")
    return head, sorted(f"{app}.{name}" for app, name in cursor.fetchall())


def _copy_postgresql(target: Path) -> DatabaseCopy:
    """``pg_dump --format=custom`` of an exported snapshot, and the audit head read in that same snapshot."""
    pg_dump = require_tool("pg_dump")
    conninfo, env = pg_conninfo()
    version = subprocess.run([pg_dump, "--version"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    # A connection of our own, so the snapshot's transaction is not the caller's (nor a test's).
    snapshot_db = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        snapshot_db.set_autocommit(False)
        with snapshot_db.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            head, migrations = _head_and_migrations(cursor, snapshot_db.ops.quote_name)
            # The transaction stays open until pg_dump is done, so the snapshot it imported stays valid.
            _run(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--exclude-table-data={CACHE_TABLE}",
                 f"--file={target}", f"--dbname={conninfo}"],
                env=env,
            )  # fmt: skip
        snapshot_db.rollback()
    finally:
        snapshot_db.close()
    return DatabaseCopy(target, "postgresql", head, migrations, version)


def _copy_sqlite(target: Path) -> DatabaseCopy:
    """The sqlite3 online backup API into a file; the head is read from the copy itself."""
    import sqlite3

    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        if _sqlite_has_table(copy, CACHE_TABLE):  # cached values are throwaway and may hold stale lookups
            copy.execute(f"DELETE FROM {CACHE_TABLE}")  # noqa: S608
            copy.commit()
        head, migrations = _head_and_migrations(copy.cursor(), lambda name: f'"{name}"')
    finally:
        copy.close()
    return DatabaseCopy(target, "sqlite", head, migrations, f"sqlite {sqlite3.sqlite_version}")


def _sqlite_has_table(db: Any, table: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone() is not None


# ------------------------------------------------------------------------------------------------ keys


def _key_files() -> dict[str, Path]:
    """The key files of this installation that exist, by archive member name."""
    keys: dict[str, Path] = {}
    banks = Path(settings.ZILU_BANKS_SIGNING_KEY)
    if banks.is_file():
        keys[BANKS_KEY_MEMBER] = banks
    secret = secret_key_file()
    if secret is not None and secret.is_file() and secret.read_text().strip() == settings.SECRET_KEY:
        keys[SECRET_KEY_MEMBER] = secret
    return keys


def secret_key_file() -> Path | None:
    """Where the Django secret key is kept when it is a file (development installs); None when it comes from
    ``ZILU_SECRET_KEY`` (production: it lives in the env file, which is backed up with the configuration)."""
    if os.environ.get("ZILU_SECRET_KEY"):
        return None
    return Path(settings.VAR_DIR) / "secret_key"


# ------------------------------------------------------------------------------------------------ backup


class _HashingReader:
    """A file object that hashes what tarfile reads from it, so each byte is read once."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> str:
    """Add ``path`` as member ``name`` (owner-only, no owner names) and return its SHA-256."""
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return reader.digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    """(path, member name) of every settled upload under the media root, in a stable order."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == PENDING_DIR or not path.is_file() or path.is_symlink():
            continue
        yield path, MEDIA_PREFIX + relative.as_posix()


@dataclass(frozen=True)
class BackupResult:
    """What ``create_backup`` wrote."""

    path: Path
    size: int
    manifest: dict[str, Any]


def create_backup(output: Path, *, force: bool = False, log: Log = quiet) -> BackupResult:
    """Write a backup archive to ``output``; refuse an existing file unless ``force``."""
    output = Path(output)
    if output.exists() and not force:
        raise BackupError(f"{output} already exists: choose another name or pass --force to replace it")
    if not output.parent.is_dir():
        raise BackupError(f"the folder {output.parent} does not exist")
    vendor = db_vendor()
    if vendor == "postgresql":
        require_tool("pg_dump")
    created_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with tempfile.TemporaryDirectory(prefix="zilu-backup-") as work:
        db_path = Path(work) / DB_MEMBER[vendor]
        copy = _copy_postgresql(db_path) if vendor == "postgresql" else _copy_sqlite(db_path)
        log(f"database: {vendor} copied ({copy.tool}), audit head #{copy.audit_head['seq']}")
        # Written beside the output and renamed at the end: never a half-written archive under the final name.
        fd, partial_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".partial", dir=output.parent)
        partial = Path(partial_name)
        try:
            files: dict[str, str] = {}
            media_count = media_bytes = 0
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                files[DB_MEMBER[vendor]] = _add_file(tar, db_path, DB_MEMBER[vendor])
                keys = _key_files()
                for name, path in keys.items():
                    files[name] = _add_file(tar, path, name)
                for path, name in _media_files(Path(settings.MEDIA_ROOT)):
                    files[name] = _add_file(tar, path, name)
                    media_count += 1
                    media_bytes += path.stat().st_size
                manifest = {
                    "format": FORMAT,
                    "zilu_version": zilu_version(),
                    "created_at": created_at,
                    "database": {"vendor": vendor, "file": DB_MEMBER[vendor], "tool": copy.tool},
                    "audit_head": copy.audit_head,
                    "migrations": copy.migrations,
                    "media": {"root": str(settings.MEDIA_ROOT), "files": media_count, "bytes": media_bytes},
                    "keys": sorted(keys),
                    "files": files,
                }
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8"))
            partial.chmod(0o600)
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    log(f"media: {media_count} files ({media_bytes} bytes); keys: {', '.join(sorted(keys)) or 'none'}")
    return BackupResult(output, output.stat().st_size, manifest)


# ------------------------------------------------------------------------------------------------ verify


def safe_name(name: str) -> str:
    """A member name that stays inside the target folder, or a refusal."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or name != path.as_posix():
        raise BackupError(f"the archive holds an unsafe member name {name!r}: refusing it")
    return name


@contextmanager
def open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            yield tar
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path} is not a readable backup archive ({exc})") from exc


def verify_archive(path: Path) -> dict[str, Any]:
    """Read the whole archive once, check every member against the manifest and return the manifest.

    Refuses a member the manifest does not list, a listed member that is missing, a checksum that does not match,
    links, devices and names that would leave the target folder."""
    path = Path(path)
    digests: dict[str, str] = {}
    manifest_bytes: bytes | None = None
    with open_archive(path) as tar:
        for member in tar:
            name = safe_name(member.name)
            if not member.isfile():
                raise BackupError(f"{path}: member {name} is not a regular file: refusing the archive")
            handle = tar.extractfile(member)
            assert handle is not None  # a regular file always has contents
            if name == MANIFEST:
                manifest_bytes = handle.read()
                continue
            digest = hashlib.sha256()
            for chunk in iter(lambda h=handle: h.read(CHUNK), b""):  # type: ignore[misc]
                digest.update(chunk)
            digests[name] = digest.hexdigest()
    if manifest_bytes is None:
        raise BackupError(f"{path} has no {MANIFEST}: not a Zilu backup")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise BackupError(f"{path}: {MANIFEST} is not valid JSON ({exc})") from exc
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("files"), dict)
    ):
        raise BackupError(f"{path}: {MANIFEST} is not a {FORMAT} manifest")
    listed: dict[str, str] = manifest["files"]
    for name, expected in sorted(listed.items()):
        if name not in digests:
            raise BackupError(f"{path} is damaged or altered: {name} is listed in the manifest but missing")
        if digests[name] != expected:
            raise BackupError(f"{path} is damaged or altered: {name} does not match its checksum")
    extra = sorted(set(digests) - set(listed))
    if extra:
        raise BackupError(f"{path} is damaged or altered: {extra[0]} is not listed in the manifest")
    return manifest
