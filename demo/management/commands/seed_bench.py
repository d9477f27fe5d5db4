"""python manage.py seed_bench [--declarations 10000] [--drafts 32] [--output PATH]

The data `make bench` measures, on an empty migrated database: seed_demo's data (the demo
accounts and 孙七's certificate with its verification address), then demo.bench_fixture's:
the 10,000-declaration review chain (1,000 reported to the supervising department), declarations
at the committee with an open meeting for the experts' voting page, and applicants with their
own complete drafts. ANALYZE at the end (PostgreSQL). The accounts and ids go to --output as
JSON for the load script (bench/locustfile.py). A database that already has declarations is
refused: drop and create it first (bench/run.py does).
"""

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from declarations.models import Declaration
from demo import bench_fixture


class Command(BaseCommand):
    help = (
        "性能测试（make bench）数据：演示数据、1万份申报的审核链、评委会受理与投票中的会议、"
        "申报人的草稿；仅用于空数据库。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--declarations", type=int, default=10_000)
        parser.add_argument("--reported", type=int, default=1_000)
        parser.add_argument("--at-committee", type=int, default=300)
        parser.add_argument("--meeting-items", type=int, default=25)
        parser.add_argument("--drafts", type=int, default=32)
        parser.add_argument("--submitted", type=int, default=4)
        parser.add_argument(
            "--output", default=str(Path(settings.VAR_DIR) / "bench" / "fixture.json")
        )

    def handle(self, *args, **options):
        if Declaration.objects.exists():
            raise CommandError(
                "seed_bench needs an empty migrated database (this one already has "
                "declarations): drop and create it, migrate, then run seed_bench again."
            )
        started = time.perf_counter()
        call_command("seed_demo", stdout=self.stdout)
        demo_seconds = time.perf_counter() - started
        self.stdout.write(f"seed_demo in {demo_seconds:.1f}s")
        fixture = bench_fixture.build(
            declarations=options["declarations"],
            reported=options["reported"],
            at_committee=options["at_committee"],
            meeting_items=options["meeting_items"],
            drafts=options["drafts"],
            submitted=options["submitted"],
            say=self.stdout.write,
        )
        fixture["timings"]["seed_demo"] = round(demo_seconds, 1)
        if connection.vendor == "postgresql":
            step = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            fixture["timings"]["analyze"] = round(time.perf_counter() - step, 1)
        fixture["timings"]["total"] = round(time.perf_counter() - started, 1)
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(fixture, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_bench done in {fixture['timings']['total']:.1f}s; fixture: {output}"
            )
        )
