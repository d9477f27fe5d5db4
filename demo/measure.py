"""Measuring for the benchmark commands: wall time and query count, peak memory, fresh planner
statistics, and the tables they print (Chinese text counts two columns)."""

import resource
import sys
import time
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.test.utils import CaptureQueriesContext

MB = 1024 * 1024


@dataclass
class Measured:
    seconds: float
    queries: int
    result: object = None
    best: float | None = None


def measure(fn, *, repeat: int = 1) -> Measured:
    """Wall time and query count of fn(); with repeat > 1 also the best of `repeat` runs."""
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    best = seconds
    for _ in range(repeat - 1):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return Measured(seconds, len(ctx.captured_queries), result, best if repeat > 1 else None)


def maxrss_mb() -> float:
    """The process's peak resident memory so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KB on Linux


def analyze(models) -> None:
    """Fresh planner statistics of the models' tables on PostgreSQL (rows inserted by this
    transaction count), as an autovacuumed production database would have. ANALYZE is
    transactional there: nothing stays after a rollback. Nothing to do on other databases."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def table_lines(rows, *, left=(0,)) -> list[str]:
    """Rows of cells as aligned lines: the columns in `left` (indexes, negative from the end)
    aligned left, the others right; a CJK character counts two columns."""
    columns = len(rows[0])
    left = {c % columns for c in left}
    widths = [max(_width(row[c]) for row in rows) for c in range(columns)]
    return [
        "  ".join(
            _pad(cell, width, left=column in left)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, left: bool) -> str:
    space = " " * (width - _width(text))
    return text + space if left else space + text


def _status_mb(field: str) -> float | None:
    """A memory figure of /proc/self/status (Linux), in MB; None elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def rss_mb() -> float | None:
    """The process's resident memory now (VmRSS), in MB."""
    return _status_mb("VmRSS")


def reset_peak_rss() -> bool:
    """Start measuring the peak resident memory afresh (Linux: /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float | None:
    """The peak resident memory since the last reset_peak_rss() (VmHWM), in MB."""
    return _status_mb("VmHWM")


def trim_memory() -> None:
    """Collect garbage and hand freed memory back to the system (glibc malloc_trim), so the
    resident memory measured next is the process's, not what earlier work left in the heap."""
    import contextlib
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
