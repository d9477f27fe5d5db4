"""Backup and restore (issue 14): a seeded PostgreSQL database with uploaded files is backed up
(manage.py backup), restored into a new database and a new upload directory (manage.py
restore), and the copy has the same rows in the main tables and the same bytes in its files.
Run with -s to see the figures (sizes, durations, counts)."""

import hashlib
import io
import shutil
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from applicants.models import User
from attachments.models import Attachment
from config.backups import MANIFEST, Database, read_manifest
from declarations import services as declaration_services
from declarations.models import Declaration, DeclarationEvent
from institutions.models import Membership, Organization, Region
from tests.declarations.builders import fill_valid

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MAIN_MODELS = [User, Region, Organization, Membership, Declaration, DeclarationEvent, Attachment]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("backups are of PostgreSQL (DATABASE_URL=postgres://...)")
    for program in ("pg_dump", "pg_restore"):
        if not shutil.which(program):
            pytest.skip(f"{program} is not installed (apt-get install postgresql-client)")
    return Database.from_settings(connection.settings_dict)


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root},
        },
    }
    return root


@pytest.fixture(scope="session")
def _restored_databases():
    """The databases the restores made, dropped at the end of the session: each DROP DATABASE
    makes PostgreSQL wait for a checkpoint, up to 27 s while the other test process writes, and
    the test database's own drop at the end pays for one anyway."""
    made: list[tuple[Database, Database]] = []
    yield made
    for admin_database, database in made:
        with admin_database.connect(autocommit=True) as admin:
            admin.execute(
                psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    psycopg.sql.Identifier(database.name)
                )
            )


@pytest.fixture
def restored_database(postgres, _restored_databases):
    database = postgres.other(f"{postgres.name}_restored_{uuid.uuid4().hex[:8]}")
    _restored_databases.append((postgres.other("postgres"), database))
    return database


def _url(database: Database) -> str:
    auth = database.user + (f":{database.password}" if database.password else "")
    return (
        f"postgres://{auth}@{database.host or '127.0.0.1'}:{database.port or 5432}/{database.name}"
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_restored_backup_has_the_same_rows_and_files(
    postgres, media, restored_database, engineering_declaration, unit, tmp_path
):
    # Seed: a region tree, organizations, the catalog, an applicant's submitted declaration
    # with its uploaded scans, and one more file written straight to the storage.
    fill_valid(engineering_declaration, unit)
    declaration_services.submit_declaration(
        actor=engineering_declaration.applicant, declaration=engineering_declaration
    )
    letter = default_storage.save("letters/2026/推荐函.pdf", ContentFile(b"%PDF-1.4\n" * 5000))
    source_counts = {model._meta.db_table: model.objects.count() for model in MAIN_MODELS}
    assert source_counts[Attachment._meta.db_table] > 0
    letter_sha256 = _sha256(media / letter)

    out = io.StringIO()
    started = time.monotonic()
    call_command("backup", output_dir=str(tmp_path / "backups"), stdout=out)
    backup_seconds = time.monotonic() - started
    [backup_dir] = (tmp_path / "backups").iterdir()
    manifest = read_manifest(backup_dir)
    assert manifest["database"]["tables"][Declaration._meta.db_table] == 1
    assert manifest["media"]["sha256"][letter] == letter_sha256

    started = time.monotonic()
    call_command(
        "restore",
        str(backup_dir),
        database_url=_url(restored_database),
        create=True,
        media_root=str(tmp_path / "restored-media"),
        stdout=out,
    )
    restore_seconds = time.monotonic() - started

    with restored_database.connect() as copy, copy.cursor() as cursor:
        restored_counts = {}
        for table in source_counts:
            cursor.execute(
                psycopg.sql.SQL("SELECT count(*) FROM {}").format(psycopg.sql.Identifier(table))
            )
            restored_counts[table] = cursor.fetchone()[0]
    assert restored_counts == source_counts
    assert _sha256(tmp_path / "restored-media" / letter) == letter_sha256
    scan = Attachment.objects.first().file.name
    assert _sha256(tmp_path / "restored-media" / scan) == _sha256(media / scan)

    print()
    print(out.getvalue().rstrip())
    print(
        f"backup {backup_seconds:.1f} s: dump {manifest['database']['bytes']} bytes, "
        f"media.tar {manifest['media']['archive_bytes']} bytes ({manifest['media']['files']} "
        f"files), manifest {(backup_dir / MANIFEST).stat().st_size} bytes; "
        f"restore {restore_seconds:.1f} s"
    )
    print("rows (source = restored):", restored_counts)


def test_restore_refuses_a_database_that_has_tables(postgres, media, tmp_path):
    call_command("backup", output_dir=str(tmp_path / "backups"), stdout=io.StringIO())
    [backup_dir] = (tmp_path / "backups").iterdir()
    with pytest.raises(CommandError, match="not empty"):
        call_command(
            "restore",
            str(backup_dir),
            database_url=_url(postgres),
            media_root=str(tmp_path / "restored-media"),
            stdout=io.StringIO(),
        )


def test_restore_refuses_a_tampered_dump(postgres, media, tmp_path, restored_database):
    call_command(
        "backup", output_dir=str(tmp_path / "backups"), no_media=True, stdout=io.StringIO()
    )
    [backup_dir] = (tmp_path / "backups").iterdir()
    with open(backup_dir / "db.dump", "ab") as dump:
        dump.write(b"\0")
    with pytest.raises(CommandError, match="sha256"):
        call_command(
            "restore",
            str(backup_dir),
            database_url=_url(restored_database),
            create=True,
            no_media=True,
            stdout=io.StringIO(),
        )
