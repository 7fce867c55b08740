"""备份与恢复 (等保 8.1.4.9 a): ``govit backup --out DIR`` and ``govit restore --from DIR``.

A backup directory holds the database (SQLite: a copy taken with SQLite's online backup API; PostgreSQL: a
``pg_dump -Fc`` archive taken from an exported snapshot), every stored material under ``media/`` (local storage
only: with S3 the bucket's own versioning and replication is the backup of the files) and ``manifest.json``:
the SM3 digest and size of every file and the row count of every table, counted in the same snapshot as the
dump. Restore checks the whole manifest before it changes anything, then restores the database and the files,
compares the row counts and runs the audit chain verification.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.hazmat.primitives import hashes
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, transaction

from govit.audit.selectors import audit_chain_verify
from govit.audit.services import audit_record
from govit.core import clock
from govit.documents import crypto

FORMAT = "govit-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
_DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made, or a backup that must not be restored; the message says why in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RestoreResult:
    tables: int
    rows: int
    files: int
    audit_events: int
    seconds: float


def _sm3_copy(source: Path, target: Path | None) -> tuple[str, int]:
    """SM3 and size of ``source``, copying it to ``target`` on the way when one is given."""
    digest = hashes.Hash(hashes.SM3())
    size = 0
    with source.open("rb") as handle:
        sink = target.open("wb") if target is not None else None
        try:
            while block := handle.read(_CHUNK):
                digest.update(block)
                size += len(block)
                if sink is not None:
                    sink.write(block)
            if sink is not None:
                sink.flush()
                os.fsync(sink.fileno())
        finally:
            if sink is not None:
                sink.close()
    return digest.finalize().hex(), size


def _media_root() -> Path | None:
    """The directory of the local file storage, or None when materials live in an object store."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return None


def _table_counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _pg_args(program: str) -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = [program]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(args: list[str], env: dict[str, str], failure: str) -> None:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{failure}：找不到 {args[0]}（请安装 PostgreSQL 客户端并加入 PATH）") from None
    if result.returncode != 0:
        raise BackupError(f"{failure}：{args[0]} 退出码 {result.returncode}：{result.stderr.strip()[-500:]}")


def _database_dump(target: Path) -> dict[str, int]:
    """Write the database to ``target``; the row counts of the same snapshot."""
    if connection.in_atomic_block:
        raise BackupError("备份不能在事务中进行")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            tables = [
                row[0]
                for row in copy.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            return {t: int(copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in tables}
        finally:
            copy.close()
    if connection.vendor == "postgresql":
        # pg_dump reads the snapshot this transaction exports, so the counts describe exactly the dump.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
            args, env = _pg_args("pg_dump")
            args += ["--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={target}"]
            _run([*args, str(connection.settings_dict["NAME"])], env, "数据库导出失败")
            return _table_counts(cursor)
    raise BackupError(f"不支持备份 {connection.vendor} 数据库")


def backup_create(*, out: Path) -> dict[str, Any]:
    """备份 — write a complete backup into the new or empty directory ``out``; returns the manifest."""
    out = out.resolve()
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"备份目录 {out} 不是空目录，请指定新的目录")
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    database_file = out / _DATABASE_FILES.get(connection.vendor, "database")
    tables = _database_dump(database_file)  # first: files uploaded meanwhile are only extra, never missing
    database_sm3, database_size = _sm3_copy(database_file, None)
    files: dict[str, dict[str, Any]] = {}
    media_root = _media_root()
    if media_root is not None and media_root.is_dir():
        for path in sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink()):
            relative = path.relative_to(media_root).as_posix()
            target = out / MEDIA_DIR / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            digest, size = _sm3_copy(path, target)
            with target.open("rb") as handle:
                encrypted = crypto.is_encrypted(handle.read(len(crypto.MAGIC)))
            files[relative] = {"sm3": digest, "size": size, "sm4_encrypted": encrypted}
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": clock.now().isoformat(),
        "database": {
            "vendor": connection.vendor,
            "file": database_file.name,
            "sm3": database_sm3,
            "size": database_size,
        },
        "tables": tables,
        "storage": "local" if media_root is not None else "object-store",
        "files": files,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), "utf-8")
    audit_record(
        actor=None,
        action="backup.create",
        actor_name="govit backup",
        after={
            "out": str(out),
            "tables": len(tables),
            "rows": sum(tables.values()),
            "files": len(files),
            "seconds": round(time.monotonic() - started, 3),
        },
    )
    return manifest


def _relative_safe(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in {"", ".", ".."} for part in path.parts):
        raise BackupError(f"备份清单中的文件路径不合法：{name!r}")
    return path


def backup_verify(*, source: Path) -> dict[str, Any]:
    """校验备份 — the manifest of the backup in ``source`` once every file in it has its recorded SM3 digest
    and size; otherwise ``BackupError`` naming the first file that fails. Reads only."""
    try:
        manifest = json.loads((source / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{source} 中没有 {MANIFEST}，不是 GovIT 备份") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{MANIFEST} 无法解析（{error}），备份可能已损坏") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} 不是 GovIT 备份清单")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"不支持的备份格式版本：{manifest.get('version')}")
    database = manifest.get("database") or {}
    if database.get("vendor") != connection.vendor:
        raise BackupError(
            f"备份来自 {database.get('vendor')} 数据库，当前数据库是 {connection.vendor}，不能直接恢复"
        )
    entries = [(str(database.get("file", "")), database)]
    entries += [(f"{MEDIA_DIR}/{_relative_safe(name)}", entry) for name, entry in manifest["files"].items()]
    for name, entry in entries:
        path = source / _relative_safe(name)
        if not path.is_file():
            raise BackupError(f"备份不完整：缺少文件 {name}")
        digest, size = _sm3_copy(path, None)
        if digest != entry.get("sm3") or size != entry.get("size"):
            raise BackupError(f"备份校验失败：{name} 的 SM3 摘要或大小与清单不符，拒绝恢复（未做任何改动）")
    return dict(manifest)


def _database_load(path: Path) -> None:
    if connection.in_atomic_block:
        raise BackupError("恢复不能在事务中进行")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    connection.close()  # pg_restore drops and recreates the tables: hold no locks on them
    args, env = _pg_args("pg_restore")
    args += ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    _run([*args, f"--dbname={connection.settings_dict['NAME']}", str(path)], env, "数据库恢复失败")


def _files_load(source: Path, files: dict[str, dict[str, Any]]) -> None:
    media_root = _media_root()
    if media_root is None:  # object storage: checked before anything was restored, the backup lists no files
        return
    for name, entry in files.items():
        target = media_root / _relative_safe(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
        os.close(handle)
        try:
            digest, _size = _sm3_copy(source / MEDIA_DIR / name, Path(temporary))
            if digest != entry["sm3"]:
                raise BackupError(f"恢复文件 {name} 时摘要不符（备份在恢复过程中被改动）")
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)


def backup_restore(*, source: Path) -> RestoreResult:
    """恢复 — verify the backup in ``source``, then put its database and files in place, compare the row counts
    with the manifest and verify the audit chain. A backup that fails verification changes nothing."""
    started = time.monotonic()
    source = source.resolve()
    manifest = backup_verify(source=source)
    if manifest["files"] and _media_root() is None:
        raise BackupError(
            "当前使用对象存储，备份中的本地文件请用对象存储的版本或复制功能恢复（未做任何改动）"
        )
    _database_load(source / manifest["database"]["file"])
    _files_load(source, manifest["files"])
    with connection.cursor() as cursor:
        counts = _table_counts(cursor)
    expected: dict[str, int] = manifest["tables"]
    differing = [t for t, n in expected.items() if counts.get(t) != n]
    if differing:
        detail = "、".join(f"{t}（清单 {expected[t]}，恢复后 {counts.get(t)}）" for t in differing[:5])
        raise BackupError(f"恢复后的行数与备份清单不符：{detail}")
    chain = audit_chain_verify()
    if not chain.ok:
        raise BackupError(
            f"数据已恢复，但审计链校验失败：第一个异常事件序号 #{chain.first_broken_seq}：{chain.problem}"
        )
    seconds = time.monotonic() - started
    audit_record(
        actor=None,
        action="backup.restore",
        actor_name="govit restore",
        after={
            "source": str(source),
            "backup_created_at": manifest["created_at"],
            "tables": len(expected),
            "rows": sum(expected.values()),
            "files": len(manifest["files"]),
            "audit_events_verified": chain.checked,
            "seconds": round(seconds, 3),
        },
    )
    return RestoreResult(
        tables=len(expected),
        rows=sum(expected.values()),
        files=len(manifest["files"]),
        audit_events=chain.checked,
        seconds=seconds,
    )
