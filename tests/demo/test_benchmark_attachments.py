"""The benchmark command runs end to end and prints its figures."""

import io
import re

from django.core.management import call_command


def test_benchmark_prints_files_per_second_and_peak_memory():
    out = io.StringIO()
    call_command("benchmark_attachments", count=1, jobs=0, stdout=out)
    text = out.getvalue()
    assert "文件/秒" in text and "tracemalloc峰值" in text
    for label in ("jpeg", "png", "gif", "pdf", "合计"):
        expected = (
            rf"^{label}\s+{4 if label == '合计' else 1}\s+\d+\.\d\dMB\s+\d+\.\d{{3}}\s+\d+\.\d\s"
        )
        assert re.search(expected, text, re.MULTILINE), text
    assert re.search(r"峰值内存：tracemalloc \d+\.\dMB.*maxrss \d+\.\dMB", text), text
    assert "全部文件检查通过" in text
