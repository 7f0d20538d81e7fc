"""``zilu restore``: put a :mod:`zilu.core.backup` archive back into an empty installation and check the result.

A restore checks everything before it changes anything: the checksums, the tools, the vendor, that the archive is
not from a newer Zilu, that the database holds no data and that no different key would be overwritten (the last
two unless ``force``). On PostgreSQL the whole database is replaced in one transaction, so a failed restore leaves
it as it was. After it, the restored audit chain must end exactly at the head the archive recorded.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection, connections

from zilu.core.backup import (
    BANKS_KEY_MEMBER,
    CHUNK,
    MANIFEST,
    MEDIA_PREFIX,
    SECRET_KEY_MEMBER,
    BackupError,
    Log,
    db_vendor,
    is_memory_db,
    open_archive,
    pg_conninfo,
    quiet,
    require_tool,
    safe_name,
    secret_key_file,
    sha256_file,
    verify_archive,
    zilu_version,
)

# ------------------------------------------------------------------------------------------------ restore


@dataclass
class RestoreResult:
    """What ``restore_backup`` did and what the audit check found."""

    manifest: dict[str, Any]
    media_files: int = 0
    keys: list[str] = field(default_factory=list)
    ok: bool = False
    message: str = ""


def database_has_data() -> bool:
    """Whether the configured database holds anything worth keeping: an account, an audit entry or a file."""
    from zilu.core.models import AuditEntry, StoredFile, User

    tables = set(connection.introspection.table_names())
    models = [m for m in (User, AuditEntry, StoredFile) if m._meta.db_table in tables]
    return any(model.objects.exists() for model in models)


def _check_migrations(manifest: dict[str, Any]) -> None:
    """Refuse an archive made by a newer Zilu: its schema has migrations this code does not know."""
    from django.db.migrations.loader import MigrationLoader

    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    ours = {label.split(".")[0] for label in known}
    unknown = sorted(m for m in manifest.get("migrations", []) if m.split(".")[0] in ours and m not in known)
    if unknown:
        raise BackupError(
            f"the archive was made by Zilu {manifest.get('zilu_version', '?')} with migration {unknown[0]} that this "
            f"installation ({zilu_version()}) does not have: install that version or newer first"
        )


def _key_targets(tar_names: list[str]) -> dict[str, Path]:
    """Where each key member of the archive goes (a secret-key file only where the secret key is kept in one)."""
    targets: dict[str, Path] = {}
    if BANKS_KEY_MEMBER in tar_names:
        targets[BANKS_KEY_MEMBER] = Path(settings.ZILU_BANKS_SIGNING_KEY)
    secret = secret_key_file()
    if SECRET_KEY_MEMBER in tar_names and secret is not None:
        targets[SECRET_KEY_MEMBER] = secret
    return targets


def _restore_postgresql(dump: Path) -> None:
    """Replace the whole database with the dump in one transaction: drop every table there now (a newer schema
    may have tables the dump lacks), then run the dump's SQL, through psql. COMMIT is sent only once pg_restore has
    finished well; on any error psql stops and the transaction is rolled back, so the database stays as it was."""
    pg_restore, psql = require_tool("pg_restore"), require_tool("psql")
    conninfo, env = pg_conninfo()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    connections.close_all()
    preamble = "BEGIN;\n" + (f"DROP TABLE IF EXISTS {', '.join(quote(t) for t in tables)} CASCADE;\n" if tables else "")
    with tempfile.TemporaryFile() as errors:
        psql_proc = subprocess.Popen(  # noqa: S603
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-", f"--dbname={conninfo}"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors, env=env,
        )  # fmt: skip
        assert psql_proc.stdin is not None
        # --no-owner/--no-privileges: the restoring role owns everything, whatever the old server's roles were.
        restore_proc = subprocess.Popen(  # noqa: S603
            [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-", str(dump)],
            stdout=subprocess.PIPE, stderr=errors, env=env,
        )  # fmt: skip
        assert restore_proc.stdout is not None
        restore_status = None
        try:
            psql_proc.stdin.write(preamble.encode("utf-8"))
            shutil.copyfileobj(restore_proc.stdout, psql_proc.stdin, CHUNK)
            restore_status = restore_proc.wait()
            if restore_status == 0:
                psql_proc.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped on an error: its message is in errors
        finally:
            psql_proc.stdin.close()  # without COMMIT, the server rolls the transaction back
        restore_status = restore_proc.wait() if restore_status is None else restore_status
        psql_status = psql_proc.wait()
        if restore_status or psql_status:
            errors.seek(0)
            detail = " ".join(errors.read().decode("utf-8", "replace").split())[:500]
            raise BackupError(f"the database restore failed and was rolled back: {detail}")


def _restore_sqlite(copy: Path) -> None:
    """Copy the archived database over the configured file with the online backup API (which also replaces the
    content of a write-ahead log, unlike copying the file)."""
    import sqlite3

    name = str(connection.settings_dict["NAME"])
    if is_memory_db(name):
        raise BackupError("the configured database is in memory: set ZILU_DATABASE_URL to the file to restore into")
    connections.close_all()
    source = sqlite3.connect(copy)
    target = sqlite3.connect(name, timeout=20)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _write_atomically(handle: IO[bytes], target: Path, expected: str, name: str) -> None:
    """Write a member to ``target`` (owner-only), checking its SHA-256 again on the way."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    partial = Path(partial_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != expected:
            raise BackupError(f"{name} changed while it was being restored: run the restore again")
        partial.chmod(0o600)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def restore_backup(path: Path, *, force: bool = False, log: Log = quiet) -> RestoreResult:
    """Restore an archive into the configured database, media root and key paths, then verify the audit chain
    against the head the archive recorded. Everything is checked before anything changes."""
    path = Path(path)
    manifest = verify_archive(path)
    files: dict[str, str] = manifest["files"]
    log(
        f"archive: {len(files)} files match their checksums (Zilu {manifest.get('zilu_version', '?')}, "
        f"made {manifest.get('created_at', '?')}, {manifest['database']['vendor']})"
    )
    vendor = db_vendor()
    archived_vendor = manifest["database"]["vendor"]
    if archived_vendor != vendor:
        raise BackupError(
            f"the archive holds a {archived_vendor} database but ZILU_DATABASE_URL points to {vendor}: "
            f"restore it into a {archived_vendor} database"
        )
    if vendor == "postgresql":
        for tool in ("pg_restore", "psql"):
            require_tool(tool)
    _check_migrations(manifest)
    if database_has_data() and not force:
        raise BackupError(
            f"the database {connection.settings_dict['NAME']} already has data (accounts or audit entries): "
            "restore into an empty database, or pass --force to replace everything in it"
        )
    key_targets = _key_targets(list(files))
    for name, target in key_targets.items():
        # A development secret key file is made at startup, so one always exists; it signs only sessions and
        # one-time tokens and is simply replaced. The banks key is what members pin: never replaced silently.
        if name == BANKS_KEY_MEMBER and target.exists() and not force and sha256_file(target) != files[name]:
            raise BackupError(f"{target} holds a different key than the archive: pass --force to replace it")

    result = RestoreResult(manifest)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="zilu-restore-") as work, open_archive(path) as tar:
        for member in tar:
            name = safe_name(member.name)
            if name == MANIFEST:
                continue
            handle = tar.extractfile(member)
            assert handle is not None
            if name == manifest["database"]["file"]:
                dump = Path(work) / PurePosixPath(name).name
                _write_atomically(handle, dump, files[name], name)
                if vendor == "postgresql":
                    _restore_postgresql(dump)
                else:
                    _restore_sqlite(dump)
                dump.unlink()
                log(f"database: restored into {connection.settings_dict['NAME']}")
            elif name.startswith(MEDIA_PREFIX):
                _write_atomically(handle, media_root / name.removeprefix(MEDIA_PREFIX), files[name], name)
                result.media_files += 1
            elif name in key_targets:
                _write_atomically(handle, key_targets[name], files[name], name)
                result.keys.append(name)
    connections.close_all()
    log(f"media: {result.media_files} files restored into {media_root}")
    for name in result.keys:
        log(f"key: {name} restored to {key_targets[name]}")
    _after_restore(log)
    result.ok, result.message = check_restored_chain(manifest["audit_head"])
    return result


def _after_restore(log: Log) -> None:
    """Bring the schema to this code's migrations and forget cached lookups of the database that was replaced."""
    from django.core.cache import caches
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    try:
        _clear_cache(caches["default"])  # the backend itself: django.core.cache.cache is a proxy
    except Exception as exc:  # a cache that cannot be cleared must not fail a finished restore
        log(f"warning: the cache could not be cleared ({exc}); clear it before serving")


def _clear_cache(cache: Any) -> None:
    """Forget Zilu's cached values. On Redis only Zilu's keys go (a FLUSHDB would also empty a broker queue kept in
    the same database number); other backends keep nothing else and are cleared."""
    from django.core.cache.backends.redis import RedisCache

    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=cache.make_key("*").replace(f":{cache.version}:*", ":*"), count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def check_restored_chain(recorded: dict[str, Any]) -> tuple[bool, str]:
    """Verify the whole audit chain and that the head recorded in the archive is in it (``zilu audit verify
    --head``). Returns (ok, one-line message)."""
    from zilu.core.audit import GENESIS, verify_chain

    expected = recorded.get("hash")
    result = verify_chain(None if expected in (None, GENESIS) else expected)
    if not result.ok:
        return False, f"audit chain BROKEN ({result.problem}): {result.detail}; checked {result.checked} entries"
    head = result.head
    if head.seq == recorded.get("seq") and head.hash == expected:
        where = "the head recorded in the backup"
    else:
        where = f"the backup's head #{recorded.get('seq')} is in the chain, {head.seq - recorded.get('seq', 0)} later"
    return True, f"audit chain OK: {result.checked} entries, head #{head.seq} {head.hash} ({where})"
