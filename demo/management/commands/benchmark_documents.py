"""python manage.py benchmark_documents [--forms 10] [--leak 100] [--attachments 50]

Builds one full engineering declaration (demo.full: 15 achievements, 20 work rows, a
1,200-character statement and the ID photo, entered through the section forms) with
--attachments large scans (half 2 MB JPEG pages at 300 dpi, half 10-page PDFs; demo.files,
generated on the fly), submits it, and has each level pass it with an opinion, the unit
publish it and report it up to the committee (review's services). Then prints:

* the evaluation form: seconds of one render as the worker does it (read the round, draw the
  form and its three copies), median / fastest / slowest of --forms runs, its size and pages
  (goal: median < 1 s, < 300 KB);
* the expert packet of every file: seconds of the whole task (the form again, each file
  streamed in, stored), its size and pages, and the process's peak resident memory during it
  (VmHWM after a reset; goal: < 15 s, peak < 300 MB);
* --leak forms drawn in a row as a worker draws them (read the round, draw the form and its
  copies, store them): resident memory after a tenth, half and all of them (goal: no growth
  over the second half, once the allocator's pools are warm).

Everything runs in one transaction that is rolled back at the end, with the files in a
temporary directory that is removed: nothing is left behind.
"""

import shutil
import statistics
import tempfile
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test.utils import override_settings
from django.utils import timezone

from applicants.models import AccountKind, IdType, User
from applicants.services import agree_commitment
from applicants.validators import birth_date_and_gender
from declarations.services import create_declaration, submit_declaration
from demo import benchmark, files, full, measure, people
from documents import services
from documents.content import form_content
from documents.form_pdf import render_form, three_copies
from documents.models import DocumentKind
from institutions.models import OrgKind
from review import services as review_services
from review.models import PublicNotice

FORM_GOAL_SECONDS = 1.0
FORM_GOAL_KB = 300
PACKET_GOAL_SECONDS = 15.0
PACKET_GOAL_MB = 300
LEAK_GOAL_MB = 5


class Command(BaseCommand):
    help = (
        "评审表与材料包基准测试：生成一份完整申报（15项成果、20段工作经历、1200字业绩、照片）"
        "和50个附件，测量评审表生成用时与大小、材料包生成用时与峰值内存、连续生成100份评审表"
        "的内存变化。结束时回滚，不留数据和文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--forms", type=int, default=10, help="评审表计时次数（默认10）")
        parser.add_argument("--leak", type=int, default=100, help="连续生成评审表的份数（默认100）")
        parser.add_argument(
            "--attachments", type=int, default=50, help="材料包的附件个数（默认50）"
        )

    def handle(self, *args, forms, leak, attachments, **options):
        if forms < 1 or leak < 0 or attachments < 0:
            raise CommandError("--forms 至少为 1，--leak 和 --attachments 不能为负数。")
        write = self.stdout.write
        write(
            f"评审表与材料包基准测试：{connection.vendor}，附件 {attachments} 个，"
            f"评审表计时 {forms} 次，连续生成 {leak} 份（结束时回滚）"
        )
        media = tempfile.mkdtemp(prefix="zc-bench-documents-")
        storages = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": media},
            },
        }
        try:
            with override_settings(STORAGES=storages), transaction.atomic():
                self._run(forms, leak, attachments)
                transaction.set_rollback(True)
        finally:
            shutil.rmtree(media, ignore_errors=True)
        write(self.style.SUCCESS("已回滚：数据库中没有留下本次生成的数据，临时文件已删除。"))

    # ------------------------------------------------------------------------------------

    def _verdict(self, ok: bool) -> str:
        return self.style.SUCCESS("达标") if ok else self.style.ERROR("超标")

    def _run(self, forms, leak, attachments):
        write = self.stdout.write
        started = time.perf_counter()
        declaration = self._declaration(attachments)
        write(
            f"造数：完整申报 1 份（成果 15 项、工作经历 20 段、业绩 1200 字、照片），"
            f"附件 {attachments} 个（JPEG 扫描件与 10 页 PDF 各半），"
            f"已逐级审核通过并上报评委会；用时 {time.perf_counter() - started:.1f} 秒"
        )
        round_ = declaration.round

        # The evaluation form: what one render does.
        def draw():
            content = form_content(declaration.pk, round_)
            rendered = render_form(content, photo_bytes=services._photo(content))
            return rendered, three_copies(rendered.data)[0]

        draw()  # warm-up: the font and the templates of the first render
        seconds, rendered = [], None
        for _ in range(forms):
            began = time.perf_counter()
            rendered, _copies = draw()
            seconds.append(time.perf_counter() - began)
        median = statistics.median(seconds)
        size_kb = len(rendered.data) / 1024
        write(
            f"评审表：中位数 {median:.3f} 秒（最快 {min(seconds):.3f}，最慢 {max(seconds):.3f}，"
            f"{forms} 次），{size_kb:.0f}KB，{rendered.pages} 页"
            f"（目标 < {FORM_GOAL_SECONDS:.0f} 秒、< {FORM_GOAL_KB}KB："
            f"{self._verdict(median < FORM_GOAL_SECONDS and size_kb < FORM_GOAL_KB)}）"
        )

        # The packet: the whole task, memory measured from here (the generated scans and
        # their cached pages freed first: they are the benchmark's, not the task's).
        files.clear_caches()
        measure.trim_memory()
        before = measure.rss_mb()
        reset = measure.reset_peak_rss()
        packet = self._queued(declaration, DocumentKind.PACKET)
        began = time.perf_counter()
        packet = services.render_document(document_id=packet.pk, generation=packet.generation)
        packet_seconds = time.perf_counter() - began
        peak = measure.peak_rss_mb() if reset else measure.maxrss_mb()
        if packet.status != "ready":
            raise CommandError(f"材料包生成失败：{packet.error}")
        write(
            f"材料包：{attachments} 个附件，用时 {packet_seconds:.2f} 秒，"
            f"{packet.size / measure.MB:.1f}MB，{packet.pages} 页；"
            f"{'峰值' if reset else '进程 maxrss'} {peak:.0f}MB（开始时 {before:.0f}MB，"
            f"增加 {peak - before:.0f}MB）"
            f"（目标 < {PACKET_GOAL_SECONDS:.0f} 秒、< {PACKET_GOAL_MB}MB："
            f"{self._verdict(packet_seconds < PACKET_GOAL_SECONDS and peak < PACKET_GOAL_MB)}）"
        )

        # The leak check: forms drawn in a row as a worker draws them (read the round, draw the
        # form and its copies, store both), the resident memory taken at a tenth, half and the
        # end. (Publishing is left out: inside the run's one transaction, SQLite would keep a
        # journal of every row write until the rollback, which a worker's own short
        # transactions never do.)
        if leak:
            marks = {}
            points = sorted({max(1, leak // 10), max(1, leak // 2), leak})
            began = time.perf_counter()
            for n in range(1, leak + 1):
                rendered, copies = draw()
                for data in (rendered.data, copies):
                    name = default_storage.save(
                        f"documents/{declaration.pk}/leak.pdf", ContentFile(data)
                    )
                    default_storage.delete(name)
                reset_queries()
                if n in points:
                    measure.trim_memory()
                    marks[n] = measure.rss_mb()
            first, middle, last = points[0], points[len(points) // 2], points[-1]
            growth = marks[last] - marks[middle]
            steps = " → ".join(f"第{n}份后 {marks[n]:.1f}MB" for n in points)
            write(
                f"连续生成评审表 {leak} 份：用时 {time.perf_counter() - began:.1f} 秒，"
                f"内存 {steps}；后一半增长 {growth:+.1f}MB，"
                f"全程 {marks[last] - marks[first]:+.1f}MB"
                f"（目标：不增长，后一半 < {LEAK_GOAL_MB}MB："
                f"{self._verdict(growth < LEAK_GOAL_MB)}）"
            )

    def _queued(self, declaration, kind):
        return services.queue_render(
            declaration_id=declaration.pk, round_=declaration.round, kind=kind
        )

    def _declaration(self, attachments):
        """The full declaration, reported to the committee with every level's opinion."""
        seeded = benchmark.seed(0)
        code = seeded.code
        id_number = benchmark.resident_id(code, 1)
        birth, gender = birth_date_and_gender(id_number)
        applicant = User.objects.create(
            username=f"bench{code}_documents",
            name="王五",
            kind=AccountKind.PERSONAL,
            id_type=IdType.RESIDENT_ID,
            id_number=id_number,
            birth_date=birth,
            gender=gender,
            phone=f"19{code[3:]}999999",
            password=people.password_hash(benchmark.PASSWORD),
        )
        agree_commitment(actor=applicant)
        declaration = create_declaration(actor=applicant, plan=seeded.plan)
        full.fill_full(declaration, seeded.unit)
        full.add_scans(declaration, attachments)
        submit_declaration(actor=applicant, declaration=declaration)
        users = seeded.users
        levels = (
            (seeded.unit, users[OrgKind.UNIT], "该同志业绩突出，同意推荐。"),
            (seeded.supervising, users[OrgKind.SUPERVISING], "经审核，材料属实，同意上报。"),
            (seeded.reporting, users[OrgKind.REPORTING], "同意报送评审委员会。"),
        )
        for organization, reviewer, opinion in levels:
            declaration.refresh_from_db()
            review_services.pass_declaration(
                actor=reviewer, declaration=declaration, opinion=opinion
            )
            if organization == seeded.unit:
                # The unit's public notice, ended with no objection (made directly, dated in
                # the past, as demo.benchmark's is: the run does not wait five working days).
                today = timezone.localdate()
                notice = PublicNotice.objects.create(
                    organization=organization,
                    plan=seeded.plan,
                    starts_on=today - timedelta(days=20),
                    ends_on=today - timedelta(days=11),
                    place="单位公告栏",
                    outcome=PublicNotice.Outcome.NO_OBJECTION,
                    created_by=reviewer,
                    outcome_recorded_at=timezone.now(),
                )
                notice.declarations.add(declaration)
            review_services.report_declarations(
                actor=reviewer, organization=organization, declaration_ids=[declaration.pk]
            )
        declaration.refresh_from_db()
        return declaration
