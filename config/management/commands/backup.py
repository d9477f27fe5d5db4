"""manage.py backup: the PostgreSQL database (one consistent snapshot) and the uploaded files,
with a manifest of row counts and sha256 sums (config.backups; README "Backups and restore")."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from config import backups


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump in one snapshot) and the upload directory "
        "into a new directory zhicheng-<UTC time> with manifest.json."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=None,
            help="Where the backup directory is created (default: $BACKUP_DIR or var/backups).",
        )
        parser.add_argument(
            "--media-root",
            default=None,
            help="The upload directory (default: the file storage's directory on local disk).",
        )
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="Database only (uploads in S3 are copied with `aws s3 sync` or `mc mirror`).",
        )

    def handle(self, *args, output_dir, media_root, no_media, **options):
        db = connections["default"].settings_dict
        if connections["default"].vendor != "postgresql":
            raise CommandError(
                "backup needs PostgreSQL (DATABASE_URL=postgres://...); a SQLite file is "
                'copied with `sqlite3 var/db.sqlite3 ".backup backup.sqlite3"`.'
            )
        if no_media:
            media = None
        elif media_root:
            media = Path(media_root)
        elif isinstance(default_storage, FileSystemStorage):
            media = Path(default_storage.location)
        else:
            raise CommandError(
                "uploads are not on local disk (AWS_STORAGE_BUCKET_NAME is set): back up the "
                "bucket with `aws s3 sync` or `mc mirror` and run this with --no-media."
            )
        output = Path(output_dir or _default_output_dir())
        try:
            target = backups.backup(
                database=backups.Database.from_settings(db),
                media_root=media,
                output_dir=output,
                log=self.stdout.write,
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"backup written to {target}"))


def _default_output_dir():
    import os

    return os.environ.get("BACKUP_DIR") or settings.BASE_DIR / "var" / "backups"
