"""`manage.py benchmark_documents` run small: it prints the form's, the packet's and the leak
check's figures, and leaves no rows in the database and no files behind."""

import re
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from applicants.models import User
from attachments.models import Attachment
from declarations.models import Declaration, DeclarationEvent, Plan, Submission
from documents.models import GeneratedDocument
from institutions.models import Organization, Region
from review.models import PublicNotice, Review

pytestmark = pytest.mark.django_db

MODELS = (
    Region,
    Organization,
    User,
    Plan,
    Declaration,
    DeclarationEvent,
    Submission,
    Attachment,
    Review,
    PublicNotice,
    GeneratedDocument,
)


def row_counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def leftovers():
    return sorted(Path(tempfile.gettempdir()).glob("zc-bench-documents-*"))


def test_prints_the_figures_and_leaves_no_rows_and_no_files(settings, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media},
        },
    }
    before, temporary = row_counts(), leftovers()
    out = StringIO()
    call_command("benchmark_documents", forms=2, leak=2, attachments=2, stdout=out)
    text = out.getvalue()

    assert "附件 2 个，评审表计时 2 次，连续生成 2 份" in text
    assert re.search(r"造数：完整申报 1 份.*附件 2 个.*用时 \d+\.\d 秒", text), text
    form = re.search(
        r"评审表：中位数 (\d+\.\d{3}) 秒（最快 \d+\.\d{3}，最慢 \d+\.\d{3}，2 次），"
        r"(\d+)KB，(\d+) 页（目标 < 1 秒、< 300KB：(达标|超标)）",
        text,
    )
    assert form, text
    assert float(form[1]) > 0 and int(form[2]) > 0 and int(form[3]) >= 8
    packet = re.search(
        r"材料包：2 个附件，用时 \d+\.\d\d 秒，(\d+\.\d)MB，(\d+) 页；"
        r"(峰值|进程 maxrss) \d+MB（开始时 \d+MB，增加 -?\d+MB）（目标 < 15 秒、< 300MB：",
        text,
    )
    assert packet, text
    # The form's pages and at least one page of each of the two files.
    assert int(packet[2]) >= int(form[3]) + 2
    assert re.search(
        r"连续生成评审表 2 份：用时 \d+\.\d 秒，内存 第1份后 \d+\.\dMB → 第2份后 \d+\.\dMB；"
        r"后一半增长 [+-]\d+\.\dMB，全程 [+-]\d+\.\dMB",
        text,
    ), text
    assert "已回滚：数据库中没有留下本次生成的数据，临时文件已删除。" in text

    assert row_counts() == before
    assert leftovers() == temporary
    assert not any(path.is_file() for path in media.rglob("*"))


def test_refuses_a_bad_count():
    with pytest.raises(CommandError, match="--forms 至少为 1"):
        call_command("benchmark_documents", forms=0, leak=0, attachments=0, stdout=StringIO())
