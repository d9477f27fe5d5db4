"""Consistent backups of the PostgreSQL database and the uploaded files, and their restore
(`manage.py backup`, `manage.py restore`; README "Backups and restore").

A backup is one directory:
  db.dump        pg_dump's custom format, taken in one snapshot (pg_dump --snapshot)
  media.tar      the upload directory (local disk storage), files as they are
  manifest.json  when, from where, how long; every table's row count read in the same snapshot
                 as the dump; the dump's and every file's sha256

The database goes first, then the files: uploads are written before the row that names them is
committed and never overwritten, so every file the dump refers to is on disk when the files are
read (a file deleted while the backup runs is the one exception; the restore reports any file
whose sha256 differs).
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql

MANIFEST = "manifest.json"
DUMP = "db.dump"
MEDIA_ARCHIVE = "media.tar"
FORMAT_VERSION = 1
_CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Database:
    """Where a PostgreSQL database is, as libpq wants it."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, db: dict) -> "Database":
        return cls(
            name=db["NAME"],
            host=db.get("HOST") or "",
            port=str(db.get("PORT") or ""),
            user=db.get("USER") or "",
            password=db.get("PASSWORD") or "",
        )

    def libpq_env(self) -> dict:
        env = dict(os.environ)
        for key, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGDATABASE", self.name),
        ):
            if value:
                env[key] = value
            else:
                env.pop(key, None)
        return env

    def connect(self, **kwargs):
        params = {"dbname": self.name, "host": self.host, "port": self.port, "user": self.user}
        params = {k: v for k, v in params.items() if v}
        if self.password:
            params["password"] = self.password
        return psycopg.connect(**params, **kwargs)

    def other(self, name: str) -> "Database":
        return Database(name, self.host, self.port, self.user, self.password)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    )
    return [row[0] for row in cursor.fetchall()]


def count_rows(cursor, tables=None) -> dict[str, int]:
    counts = {}
    for table in tables if tables is not None else _tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if not match:
        raise BackupError(f"cannot read a version from {version_text!r}")
    return int(match.group(1))


def _run(args, env, what):
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def _client_version(program: str) -> str:
    if not shutil.which(program):
        raise BackupError(f"{program} was not found; install the PostgreSQL client programs")
    return subprocess.run([program, "--version"], capture_output=True, text=True).stdout.strip()


def backup(*, database: Database, media_root: Path | None, output_dir: Path, log=print) -> Path:
    """Write one backup directory under output_dir and return its path."""
    started = time.monotonic()
    created = datetime.now(UTC)
    target = output_dir / f"zhicheng-{created:%Y%m%dT%H%M%SZ}"
    target.mkdir(parents=True, exist_ok=False)
    pg_dump_version = _client_version("pg_dump")

    # The snapshot is exported by a read-only repeatable-read transaction that stays open
    # while pg_dump runs in it, so the row counts describe exactly what the dump contains.
    with database.connect() as connection:
        connection.read_only = True
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0]
            if _major(pg_dump_version) < _major(server_version):
                raise BackupError(
                    f"{pg_dump_version} is older than the server ({server_version}); "
                    "pg_dump must be the server's major version or newer"
                )
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            db_started = time.monotonic()
            counts = count_rows(cursor)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--no-password",
                    f"--file={target / DUMP}",
                ],
                database.libpq_env(),
                "pg_dump",
            )
            db_seconds = time.monotonic() - db_started
        connection.rollback()
    dump_bytes = (target / DUMP).stat().st_size
    log(
        f"database {database.name}: {len(counts)} tables, {sum(counts.values())} rows, "
        f"dump {dump_bytes} bytes, {db_seconds:.1f} s"
    )

    media = None
    if media_root is not None:
        media_started = time.monotonic()
        media = _archive_media(media_root, target / MEDIA_ARCHIVE)
        media["seconds"] = round(time.monotonic() - media_started, 2)
        log(
            f"uploads {media_root}: {media['files']} files, {media['bytes']} bytes, "
            f"archive {media['archive_bytes']} bytes, {media['seconds']:.1f} s"
        )

    manifest = {
        "format": FORMAT_VERSION,
        "created_at": created.isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started, 2),
        "database": {
            "name": database.name,
            "server_version": server_version,
            "pg_dump": pg_dump_version,
            "file": DUMP,
            "bytes": dump_bytes,
            "sha256": sha256_of(target / DUMP),
            "seconds": round(db_seconds, 2),
            "tables": counts,
        },
        "media": media,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    return target


def _archive_media(root: Path, archive: Path) -> dict:
    root = Path(root)
    if not root.is_dir():
        raise BackupError(f"the upload directory {root} does not exist")
    hashes = {}
    total = 0
    with tarfile.open(archive, "w") as tar:
        for directory, _dirs, files in sorted(os.walk(root)):
            _dirs.sort()
            for name in sorted(files):
                path = Path(directory) / name
                relative = path.relative_to(root).as_posix()
                info = tar.gettarinfo(path, arcname=relative)
                if not info.isfile():
                    continue
                digest = hashlib.sha256()
                with open(path, "rb") as handle:
                    tar.addfile(info, _HashingReader(handle, digest))
                hashes[relative] = digest.hexdigest()
                total += info.size
    return {
        "root": str(root),
        "file": MEDIA_ARCHIVE,
        "files": len(hashes),
        "bytes": total,
        "archive_bytes": archive.stat().st_size,
        "sha256": hashes,
    }


class _HashingReader:
    def __init__(self, handle, digest):
        self.handle = handle
        self.digest = digest

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def read_manifest(backup_dir: Path) -> dict:
    path = Path(backup_dir) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} does not exist: not a backup directory")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def restore(
    *,
    backup_dir: Path,
    database: Database,
    create: bool,
    media_root: Path | None,
    jobs: int = 1,
    log=print,
) -> dict:
    """Restore a backup into a new (or empty) database and a new (or empty) upload directory,
    then check every table's row count and every file's sha256 against the manifest."""
    backup_dir = Path(backup_dir)
    manifest = read_manifest(backup_dir)
    started = time.monotonic()
    dump = backup_dir / manifest["database"]["file"]
    if sha256_of(dump) != manifest["database"]["sha256"]:
        raise BackupError(f"{dump} does not match the sha256 in the manifest")
    _client_version("pg_restore")

    if media_root is not None:
        if manifest["media"] is None:
            raise BackupError("this backup has no uploaded files (made with --no-media)")
        media_root = Path(media_root)
        if media_root.exists() and any(media_root.iterdir()):
            raise BackupError(f"{media_root} is not empty; restore files into a new directory")

    if create:
        with database.other("postgres").connect(autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database.name)))
    with database.connect() as connection, connection.cursor() as cursor:
        if _tables(cursor):
            raise BackupError(f"the database {database.name} is not empty")

    db_started = time.monotonic()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--no-password",
            f"--jobs={max(1, jobs)}",
            f"--dbname={database.name}",
            str(dump),
        ],
        database.libpq_env(),
        "pg_restore",
    )
    with database.connect() as connection, connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        counts = count_rows(cursor, list(manifest["database"]["tables"]))
    db_seconds = time.monotonic() - db_started
    wrong = {
        table: (expected, counts[table])
        for table, expected in manifest["database"]["tables"].items()
        if counts[table] != expected
    }
    if wrong:
        raise BackupError(f"row counts differ from the manifest: {wrong}")
    log(
        f"database {database.name}: {len(counts)} tables, {sum(counts.values())} rows "
        f"restored and counted, {db_seconds:.1f} s"
    )

    files = 0
    if media_root is not None:
        media_started = time.monotonic()
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(backup_dir / manifest["media"]["file"]) as tar:
            tar.extractall(media_root, filter="data")
        expected = manifest["media"]["sha256"]
        differing = [
            name
            for name, digest in expected.items()
            if not (media_root / name).is_file() or sha256_of(media_root / name) != digest
        ]
        if differing:
            raise BackupError(f"{len(differing)} files differ from the manifest: {differing[:5]}")
        files = len(expected)
        log(
            f"uploads {media_root}: {files} files restored, sha256 checked, "
            f"{time.monotonic() - media_started:.1f} s"
        )
    return {
        "tables": counts,
        "files": files,
        "seconds": round(time.monotonic() - started, 2),
    }
