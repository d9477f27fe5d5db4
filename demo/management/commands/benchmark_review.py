"""python manage.py benchmark_review [--declarations 10000] [--batch 1000] [--keep]

Seeds N declarations the unit has passed and published (bulk inserts, one password hash for every
account; see demo.benchmark), then prints: the seeding time; the time and query count of
report_declarations for one batch of --batch declarations (goal: under 2 s); the time and query
count of the unit's queue selectors (page 1, the counts per state, a name search, an ID-number
search, a filtered page, the reportable ids) and, when the URL review:queue exists, of rendering
the queue page through the test client; the peak of Python allocations (tracemalloc) and the
process's maxrss.

Everything runs in one transaction that is rolled back at the end: nothing is left in the
database. --keep commits it instead (the reported batch then waits at the supervising
department). Timings run without tracemalloc (it slows allocations down); a second pass under
tracemalloc reports another batch inside a savepoint that is rolled back, then runs the selectors.
On PostgreSQL the seeded tables are ANALYZEd first, as autovacuum would have done in production.
"""

import time
import tracemalloc

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse

from demo import benchmark, measure
from review import selectors, services
from review.selectors import QueueFilter

PER_PAGE = 20
GOAL_SECONDS = 2.0
LOGIN_BACKEND = "applicants.backends.MultiIdentifierBackend"


class Command(BaseCommand):
    help = (
        "审核链基准测试：批量生成 N 份单位已通过并公示无异议的申报，测量批量上报、审核队列查询"
        "和队列页面的用时、查询次数与峰值内存。默认结束时回滚，不在数据库中留下数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--declarations", type=int, default=10000, help="生成的申报份数（默认10000）"
        )
        parser.add_argument("--batch", type=int, default=1000, help="一次上报的份数（默认1000）")
        parser.add_argument(
            "--keep", action="store_true", help="保留生成的数据（默认回滚，不留数据）"
        )

    def handle(self, *args, declarations, batch, keep, **options):
        if declarations < 1:
            raise CommandError("--declarations 至少为 1。")
        if batch < 1:
            raise CommandError("--batch 至少为 1。")
        batch = min(batch, declarations)
        write = self.stdout.write
        write(
            f"审核链基准测试：{connection.vendor}，{declarations} 份申报，上报批量 {batch} 份"
            f"（{'保留数据' if keep else '结束时回滚'}）"
        )
        with transaction.atomic():
            seeded = self._run(declarations, batch)
            if not keep:
                transaction.set_rollback(True)
        if keep:
            write(
                self.style.SUCCESS(
                    f"已保留数据（--keep）：地区代码 {seeded.code}，用人单位“{seeded.unit.name}”，"
                    f"已上报的 {batch} 份在“{seeded.supervising.name}”待审核。"
                )
            )
        else:
            write(self.style.SUCCESS("已回滚：数据库中没有留下本次生成的数据。"))

    # ------------------------------------------------------------------------------------

    def _run(self, count, batch):
        write = self.stdout.write
        rss_start = measure.maxrss_mb()
        seeded = benchmark.seed(count)
        rows = seeded.rows
        write(
            f"造数：{count} 名申报人和 {rows['declarations']} 份申报（模块 {rows['sections']} 条、"
            f"记录 {rows['events']} 条、审核 {rows['reviews']} 条、公示 1 次），"
            f"用时 {seeded.seconds:.2f} 秒；maxrss {measure.maxrss_mb():.1f}MB"
            f"（开始时 {rss_start:.1f}MB）"
        )
        if connection.vendor == "postgresql":
            started = time.perf_counter()
            measure.analyze(benchmark.TABLES)
            write(f"ANALYZE 用时 {time.perf_counter() - started:.2f} 秒")

        unit, actor = seeded.unit, seeded.users["unit"]
        ids = seeded.declaration_ids[:batch]
        measured = measure.measure(
            lambda: services.report_declarations(
                actor=actor, organization=unit, declaration_ids=ids
            )
        )
        [report_batch] = measured.result
        verdict = (
            self.style.SUCCESS("达标")
            if measured.seconds < GOAL_SECONDS
            else self.style.ERROR("超标")
        )
        write(
            f"上报 report_declarations：{report_batch.count} 份 → {report_batch.to_organization}，"
            f"用时 {measured.seconds:.3f} 秒，查询 {measured.queries} 次"
            f"（目标 < {GOAL_SECONDS:.0f} 秒：{verdict}）"
        )

        checks = self._queue_checks(seeded)
        table = [("审核队列（用人单位）", "首次(ms)", "最快(ms)", "查询数", "结果")]
        for label, fn in checks:
            m = measure.measure(fn, repeat=3)
            table.append(
                (label, f"{m.seconds * 1000:.1f}", f"{m.best * 1000:.1f}", str(m.queries), m.result)
            )
        self._table(table)
        self._page(seeded)

        # Memory: the next batch reported under tracemalloc in a savepoint rolled back, then
        # the selectors again.
        others = seeded.declaration_ids[batch : 2 * batch]
        report_peak = None
        tracemalloc.start()
        try:
            if others:
                with transaction.atomic():
                    services.report_declarations(
                        actor=actor, organization=unit, declaration_ids=others
                    )
                    report_peak = tracemalloc.get_traced_memory()[1] / measure.MB
                    transaction.set_rollback(True)
            tracemalloc.reset_peak()
            for _label, fn in checks:
                fn()
            queue_peak = tracemalloc.get_traced_memory()[1] / measure.MB
        finally:
            tracemalloc.stop()
        reported = (
            f"上报 {len(others)} 份 {report_peak:.1f}MB" if others else "上报未测（申报不足两批）"
        )
        write(
            f"峰值内存：tracemalloc {reported}、队列查询 {queue_peak:.1f}MB（仅 Python 分配）；"
            f"进程 maxrss {measure.maxrss_mb():.1f}MB"
        )
        return seeded

    def _queue_checks(self, seeded):
        unit, plan = seeded.unit, seeded.plan

        def page(f):
            def run():
                paginator = Paginator(selectors.queue(unit, f), PER_PAGE)
                current = paginator.page(1)
                rows = list(current.object_list)
                return f"{len(rows)} 行 / 共 {paginator.count}"

            return run

        def counts():
            values = selectors.queue_counts(unit, QueueFilter())
            return " ".join(f"{state}={n}" for state, n in values.items() if n)

        def reportable():
            return f"{len(selectors.reportable_ids(unit, QueueFilter()))} 个"

        filtered = QueueFilter(
            year=plan.year, series=plan.series_id, level=plan.level_id, state="passed"
        )
        return [
            ("队列第1页（select_related）", page(QueueFilter())),
            ("各状态数量 queue_counts", counts),
            (f"姓名搜索“{seeded.sample_name}”", page(QueueFilter(q=seeded.sample_name))),
            ("身份证号搜索", page(QueueFilter(q=seeded.sample_id_number))),
            ("筛选页（年度+系列+级别+待上报）", page(filtered)),
            ("可上报 reportable_ids", reportable),
        ]

    def _page(self, seeded):
        write = self.stdout.write
        try:
            url = reverse("review:queue")
        except NoReverseMatch:
            write("未找到 URL review:queue：跳过队列页面渲染。")
            return
        client = Client(raise_request_exception=False)
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        table = [("队列页面（测试客户端）", "首次(ms)", "最快(ms)", "查询数", "结果")]
        with override_settings(ALLOWED_HOSTS=hosts):
            client.force_login(seeded.users["unit"], backend=LOGIN_BACKEND)
            for label, path, params in (
                ("第1页", url, {}),
                ("姓名搜索", url, {"q": seeded.sample_name}),
            ):
                # A savepoint each, so a failing page cannot abort the run's transaction.
                with transaction.atomic():
                    first = measure.measure(lambda p=path, q=params: client.get(p, q))
                    response = first.result
                    best = first.seconds
                    if response.status_code == 200:
                        for _ in range(2):
                            started = time.perf_counter()
                            client.get(path, params)
                            best = min(best, time.perf_counter() - started)
                    else:
                        transaction.set_rollback(True)
                table.append(
                    (
                        f"GET {label}",
                        f"{first.seconds * 1000:.1f}",
                        f"{best * 1000:.1f}",
                        str(first.queries),
                        f"HTTP {response.status_code}，{len(response.content) // 1024}KB",
                    )
                )
        self._table(table)

    def _table(self, table):
        for line in measure.table_lines(table, left=(0, -1)):
            self.stdout.write(line)
