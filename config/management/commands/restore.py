"""manage.py restore: a backup (manage.py backup) into a NEW database and a NEW upload directory,
checking every table's row count and every file's sha256 against the manifest. It never
writes into a database that has tables or a directory that has files."""

from pathlib import Path

import environ
from django.core.management.base import BaseCommand, CommandError

from config import backups


class Command(BaseCommand):
    help = (
        "Restore a backup directory into a new PostgreSQL database (--database-url, --create) "
        "and a new upload directory (--media-root), then verify counts and sha256 sums."
    )
    # The site's own database is not needed, and may be the broken one being replaced.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("backup_dir", help="A zhicheng-<time> directory made by backup.")
        parser.add_argument(
            "--database-url",
            required=True,
            help="The target database, e.g. postgres://postgres@127.0.0.1:5432/zhicheng_restored",
        )
        parser.add_argument(
            "--create", action="store_true", help="Create the target database (must not exist)."
        )
        media = parser.add_mutually_exclusive_group(required=True)
        media.add_argument("--media-root", help="A new (or empty) directory for the uploads.")
        media.add_argument("--no-media", action="store_true", help="Restore the database only.")
        parser.add_argument(
            "--jobs", type=int, default=2, help="Parallel pg_restore jobs (default 2)."
        )

    def handle(self, *args, backup_dir, database_url, create, media_root, no_media, jobs, **opts):
        config = environ.Env.db_url_config(database_url)
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("--database-url must be a postgres:// address")
        database = backups.Database.from_settings(config)
        try:
            result = backups.restore(
                backup_dir=Path(backup_dir),
                database=database,
                create=create,
                media_root=None if no_media else Path(media_root),
                jobs=jobs,
                log=self.stdout.write,
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"restored into {database.name} in {result['seconds']:.1f} s; point "
                "DATABASE_URL and MEDIA_ROOT at them and run `manage.py migrate` "
                "(a no-op for a backup of the same release)"
            )
        )
