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

import io
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.core.management.base import BaseCommand

KINDS = ("jpeg", "png", "gif", "pdf")
EXTENSIONS = {"jpeg": "jpg", "png": "png", "gif": "gif", "pdf": "pdf"}
A4_300_DPI = (2480, 3508)
A4_200_DPI = (1654, 2339)
MB = 1024 * 1024


def scanned_page(size, seed: int):
    """A grey-white page with sensor noise, lines of "text" and a red stamp."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    width, height = size
    noise = Image.effect_noise(size, rng.uniform(20, 60))
    page = Image.blend(Image.new("L", size, rng.randrange(228, 245)), noise, 0.25)
    draw = ImageDraw.Draw(page)
    y = height // 10
    while y < height * 0.9:
        x = width // 10
        while x < width * 0.9:
            word = rng.randrange(width // 40, width // 8)
            draw.rectangle((x, y, x + word, y + height // 140), fill=rng.randrange(20, 70))
            x += word + width // 60
        y += height // 45
    page = page.convert("RGB")
    centre_x, centre_y, radius = int(width * 0.7), int(height * 0.8), width // 10
    ImageDraw.Draw(page).ellipse(
        (centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius),
        outline=(200, 30, 30),
        width=max(2, width // 150),
    )
    return page


def make_file(kind: str, seed: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    if kind == "jpeg":
        scanned_page(A4_300_DPI, seed).save(out, format="JPEG", quality=85)
    elif kind == "png":
        scanned_page(A4_200_DPI, seed).convert("L").save(out, format="PNG")
    elif kind == "gif":
        page = scanned_page(A4_200_DPI, seed)
        page.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(out, format="GIF")
    else:  # a multi-page item scanned into one PDF
        pages = [scanned_page(A4_200_DPI, seed * 10 + n) for n in range(2 + seed % 2)]
        pages[0].save(
            out, format="PDF", save_all=True, append_images=pages[1:], resolution=200, quality=80
        )
    return out.getvalue()


def _write_file(args) -> tuple[str, str, int]:
    kind, seed, directory = args
    data = make_file(kind, seed)
    path = Path(directory) / f"{kind}-{seed:04d}.{EXTENSIONS[kind]}"
    path.write_bytes(data)
    return kind, str(path), len(data)


def _maxrss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KB on Linux


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
        from attachments import validation

        count = max(1, count)
        with tempfile.TemporaryDirectory(prefix="benchmark-attachments-") as directory:
            started = time.perf_counter()
            tasks = [(kind, seed + n, directory) for kind in KINDS for n in range(count)]
            if jobs > 0:
                context = multiprocessing.get_context("spawn")
                with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                    generated = list(pool.map(_write_file, tasks))
            else:  # in this process (quicker for a handful of files; maxrss then includes it)
                generated = [_write_file(task) for task in tasks]
            generation = time.perf_counter() - started
            files = {
                kind: [(path, size) for k, path, size in generated if k == kind] for kind in KINDS
            }

            def check(path, kind):
                with open(path, "rb") as handle:
                    return validation.inspect(handle, kind=kind)

            rss_before = _maxrss_mb()
            rows = {}
            rejected = []
            for kind in KINDS:
                started = time.perf_counter()
                for path, _size in files[kind]:
                    result = check(path, kind)
                    if not result.ok:
                        rejected.append(f"{Path(path).name}: {result.reason}")
                rows[kind] = {"seconds": time.perf_counter() - started}
            rss_after = _maxrss_mb()

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
        widths = [max(_width(line[column]) for line in table) for column in range(len(table[0]))]
        for line in table:
            cells = [
                _pad(cell, width, left=column == 0)
                for column, (cell, width) in enumerate(zip(line, widths, strict=True))
            ]
            write("  ".join(cells))
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


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    space = " " * (width - _width(text))
    return text + space if left else space + text
