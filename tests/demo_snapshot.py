"""seed_demo once per test process, then a restored copy (seed_demo_fast).

About fifty browser tests start from the demo data; the real command costs 3.5 s on SQLite and
5.7 s on PostgreSQL each time. The first call in a process runs it and keeps what it left: the
database (every table, with the sequences), the files it wrote into the private storage and the
SMS and mail it sent. Later calls put that back, in milliseconds, on a database as a transactional
test's flush leaves it; on any other database they run the real command, and on another day (the
demo depends on today) a new snapshot is taken. tests/demo keeps testing the real command.
"""

import datetime
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from applicants import sms


@dataclass
class Snapshot:
    day: datetime.date
    files: dict[str, bytes]  # storage-relative name: content, of the files seed_demo wrote
    sms: list
    mail: list
    sqlite: sqlite3.Connection | None = None  # SQLite: an in-memory copy of the whole database
    tables: dict[str, bytes] = field(default_factory=dict)  # PostgreSQL: COPY data per table
    sequences: list = field(default_factory=list)  # PostgreSQL: (name, last_value, is_called)


_snapshot: Snapshot | None = None
# What a transactional test's flush leaves: the migrations applied, and the content types and
# permissions that post_migrate makes again.
LEFT_BY_FLUSH = frozenset({"django_migrations", "django_content_type", "auth_permission"})


def seed_demo_fast() -> None:
    """What call_command("seed_demo") gives on a flushed database, restored after the first run."""
    global _snapshot
    storage = storages["default"]  # the test settings' (tests/conftest.py: one dir a process)
    before = _tables_with_rows()
    today = timezone.localdate()
    if not (
        connection.vendor in ("sqlite", "postgresql")
        and isinstance(storage, FileSystemStorage)
        and before <= LEFT_BY_FLUSH
    ):
        call_command("seed_demo")  # a database not flushed: seed_demo merges into what is there
    elif _snapshot is None or _snapshot.day != today:
        _snapshot = _seed_and_keep(today, storage)
    else:
        _restore(_snapshot, before, storage)


def _tables_with_rows() -> frozenset:
    tables = connection.introspection.table_names()
    qn = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {qn(table)})" for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return frozenset(row[0] for row in cursor.fetchall())


def _files(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def _seed_and_keep(today, storage) -> Snapshot:
    root = Path(storage.location)
    files_before = _files(root) if root.exists() else {}
    sms_before, mail_before = len(sms.outbox), len(getattr(mail, "outbox", []))
    call_command("seed_demo")
    written = {
        name: (root / name).read_bytes()
        for name, stamp in _files(root).items()
        if files_before.get(name) != stamp
    }
    snapshot = Snapshot(
        day=today,
        files=written,
        sms=list(sms.outbox[sms_before:]),
        mail=list(getattr(mail, "outbox", [])[mail_before:]),
    )
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        snapshot.sqlite = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(snapshot.sqlite)
    else:
        with connection.cursor() as cursor:
            for table in _tables_with_rows():
                with cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                    snapshot.tables[table] = b"".join(bytes(chunk) for chunk in copy)
            cursor.execute(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), "
                "coalesce(last_value, start_value), last_value IS NOT NULL FROM pg_sequences "
                "WHERE schemaname = current_schema()"
            )
            snapshot.sequences = cursor.fetchall()
    return snapshot


def _restore(snapshot: Snapshot, before, storage) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        # Into the very connection the live server's thread shares (in-memory test database).
        snapshot.sqlite.backup(connection.connection)
    else:
        qn = connection.ops.quote_name
        # Foreign keys are DEFERRABLE INITIALLY DEFERRED: checked once, at the commit.
        with transaction.atomic(), connection.cursor() as cursor:
            # The flushed database's rows (LEFT_BY_FLUSH), replaced by the snapshot's.
            for table in before:
                cursor.execute(f"DELETE FROM {qn(table)}")
            for table, data in snapshot.tables.items():
                with cursor.copy(f"COPY {qn(table)} FROM STDIN") as copy:
                    copy.write(data)
            if snapshot.sequences:
                cursor.execute(
                    "SELECT "
                    + ", ".join("setval(%s::regclass, %s, %s)" for _ in snapshot.sequences),
                    [value for row in snapshot.sequences for value in row],
                )
    root = Path(storage.location)
    for name, content in snapshot.files.items():
        path = root / name
        if not path.is_file() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    sms.outbox.extend(snapshot.sms)
    if hasattr(mail, "outbox"):
        mail.outbox.extend(snapshot.mail)
    # Rows came back under ids that earlier tests' cached values (users, counts, versions,
    # content types) may name: nothing cached before the restore may be served after it.
    cache.clear()
    ContentType.objects.clear_cache()
