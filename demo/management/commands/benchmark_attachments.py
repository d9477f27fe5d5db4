"""python manage.py benchmark_attachments [--count 20] [--jobs 2] [--seed 1]

Generates N realistic scans of each type (JPEG and PDF at 300/200 dpi, PNG and GIF at 200 dpi,
1–3 MB each), runs the deep check (validation.inspect) on every file as the Celery task does —
from a file on disk — and prints files per second per type and overall, and peak memory.

The files are generated in separate processes so that the process's peak RSS (maxrss) reflects
the checks, not the generation. Timing runs without tracemalloc (it slows Python allocations
down); a second pass under tracemalloc measures the peak of Python allocations. Pillow
allocates pixel buffers outside Python's allocator, so tracemalloc does not see decoded images:
maxrss is the figure to size a worker by.
"""

import multiprocessing
import os
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.core.management.base import BaseCommand

from attachments import validation
from demo.files import SCAN_KINDS as KINDS
from demo.files import write_scan
from demo.measure import MB, maxrss_mb, table_lines


class Command(BaseCommand):
    help = (
        "附件深度检查的基准测试：每种类型（JPEG/PNG/GIF/PDF）生成 N 个 1–3MB 的扫描件，"
        "逐个检查，输出每秒检查文件数和峰值内存。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=20, help="每种类型的文件数（默认20）")
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="生成文件的进程数；0 表示在本进程中生成",
        )
        parser.add_argument("--seed", type=int, default=1, help="随机种子")

    def handle(self, *args, count, jobs, seed, **options):
        count = max(1, count)
        with tempfile.TemporaryDirectory(prefix="benchmark-attachments-") as directory:
            started = time.perf_counter()
            tasks = [(kind, seed + n, directory) for kind in KINDS for n in range(count)]
            if jobs > 0:
                context = multiprocessing.get_context("spawn")
                with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                    generated = list(pool.map(write_scan, tasks))
            else:  # in this process (quicker for a handful of files; maxrss then includes it)
                generated = [write_scan(task) for task in tasks]
            generation = time.perf_counter() - started
            files = {
                kind: [(path, size) for k, path, size in generated if k == kind] for kind in KINDS
            }

            def check(path, kind):
                with open(path, "rb") as handle:
                    return validation.inspect(handle, kind=kind)

            rss_before = maxrss_mb()
            rows = {}
            rejected = []
            for kind in KINDS:
                started = time.perf_counter()
                for path, _size in files[kind]:
                    result = check(path, kind)
                    if not result.ok:
                        rejected.append(f"{Path(path).name}: {result.reason}")
                rows[kind] = {"seconds": time.perf_counter() - started}
            rss_after = maxrss_mb()

            tracemalloc.start()
            try:
                for kind in KINDS:
                    tracemalloc.reset_peak()
                    for path, _size in files[kind]:
                        check(path, kind)
                    rows[kind]["traced"] = tracemalloc.get_traced_memory()[1] / MB
            finally:
                tracemalloc.stop()

        self._report(count, generation, files, rows, rss_before, rss_after, rejected)

    def _report(self, count, generation, files, rows, rss_before, rss_after, rejected):
        write = self.stdout.write
        write(
            f"附件深度检查基准：每种类型 {count} 个文件，共 {count * len(KINDS)} 个"
            f"（生成用时 {generation:.1f} 秒，不计入）"
        )
        table = [("类型", "文件数", "平均大小", "用时(秒)", "文件/秒", "MB/秒", "tracemalloc峰值")]
        totals = {"files": 0, "bytes": 0, "seconds": 0.0}
        for kind in KINDS:
            number = len(files[kind])
            size = sum(size for _path, size in files[kind])
            seconds = rows[kind]["seconds"]
            totals["files"] += number
            totals["bytes"] += size
            totals["seconds"] += seconds
            table.append(_row(kind, number, size, seconds, rows[kind]["traced"]))
        traced_peak = max(row["traced"] for row in rows.values())
        table.append(_row("合计", totals["files"], totals["bytes"], totals["seconds"], traced_peak))
        for line in table_lines(table):
            write(line)
        write(
            f"峰值内存：tracemalloc {traced_peak:.1f}MB（仅 Python 分配）；"
            f"进程 maxrss {rss_after:.1f}MB（检查前 {rss_before:.1f}MB）"
        )
        if rejected:
            write(self.style.WARNING(f"不合格 {len(rejected)} 个（生成的文件本应全部有效）："))
            for line in rejected:
                write(f"  {line}")
        else:
            write(self.style.SUCCESS("全部文件检查通过。"))


def _row(label, number, size, seconds, traced):
    return (
        label,
        str(number),
        f"{size / number / MB:.2f}MB",
        f"{seconds:.3f}",
        f"{number / seconds:.1f}",
        f"{size / MB / seconds:.1f}",
        f"{traced:.1f}MB",
    )
