"""python manage.py requeue_stuck_attachments [--older-than-minutes 2]

The same sweep celery beat runs every minute: files stuck in "checking" are queued again,
and those that already had MAX_CHECK_ATTEMPTS attempts are rejected with a reason."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from attachments import services

DEFAULT_MINUTES = int(services.STUCK_AFTER.total_seconds() // 60)


class Command(BaseCommand):
    help = (
        "重新排队长时间停留在“检查中”的附件；"
        f"已检查{services.MAX_CHECK_ATTEMPTS}次仍未完成的附件标记为不合格。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=DEFAULT_MINUTES,
            help=f"上传超过多少分钟仍在检查中才算停滞（默认{DEFAULT_MINUTES}）",
        )

    def handle(self, *args, older_than_minutes: int, **options):
        if older_than_minutes < 0:
            raise CommandError("--older-than-minutes 不能为负数。")
        # By hand, every file "checking" for longer than that is queued again, started or not.
        older_than = timedelta(minutes=older_than_minutes)
        count = services.requeue_stuck_checks(
            older_than=older_than, unstarted_older_than=older_than
        )
        self.stdout.write(self.style.SUCCESS(f"已重新排队{count}个停滞的附件检查。"))
