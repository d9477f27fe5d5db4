"""python manage.py benchmark_certificates [--declarations 500]

Seeds N declarations (demo.benchmark: a chain, applicants, passed declarations; then placed, as
seeding, at 评审通过（公示中） with the committee office and on a closed meeting that passed them
all), then prints the time and query count of: publishing the results notice, confirming the
results (CONFIRM_RESULT for each, through the one workflow), issuing their N certificates (the
numbers allocated under the committee row's lock), and drawing one certificate's PDF.

Everything runs in one transaction rolled back at the end: nothing is left in the database.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from committee.models import Certificate, Meeting, MeetingDeclaration, ResultsNotice
from committee.services import certificates, results
from declarations.models import Declaration
from declarations.workflow import DeclarationStatus as S
from demo import benchmark, measure
from institutions.models import OrgKind


class Command(BaseCommand):
    help = (
        "电子证书基准测试：批量生成 N 份评审通过的申报，测量发布评审结果公示、确认评审结果、"
        "发放 N 张电子证书和生成一张证书 PDF 的用时与查询次数。结束时回滚，不留数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--declarations", type=int, default=500, help="评审通过的申报份数（默认500）"
        )

    def handle(self, *args, declarations, **options):
        if declarations < 1:
            raise CommandError("--declarations 至少为 1。")
        write = self.stdout.write
        write(
            f"电子证书基准测试：{connection.vendor}，{declarations} 份评审通过的申报（结束时回滚）"
        )
        with transaction.atomic():
            rows = self._run(declarations)
            transaction.set_rollback(True)
        for line in measure.table_lines([("步骤", "用时（秒）", "查询次数"), *rows]):
            write(line)
        write(f"进程峰值内存：{measure.maxrss_mb():.0f} MB")
        write(self.style.SUCCESS("已回滚：数据库中没有留下本次生成的数据。"))

    def _run(self, count):
        seeded = benchmark.seed(count)
        office = seeded.office
        office_user = seeded.users[OrgKind.COMMITTEE_OFFICE]
        # Seeding (not a move): the declarations stand where a closed meeting left them.
        Declaration.objects.filter(pk__in=seeded.declaration_ids).update(
            status=S.EVALUATION_PASSED, holder=office, committee=seeded.committee
        )
        now = timezone.now()
        meeting = Meeting.objects.create(
            committee=seeded.committee,
            plan=seeded.plan,
            name="基准测试评审会议",
            held_on=timezone.localdate(),
            status=Meeting.Status.CLOSED,
            member_count=25,
            attending_count=25,
            is_valid=True,
            closed_at=now,
            closed_by=office_user,
            created_by=office_user,
        )
        MeetingDeclaration.objects.bulk_create(
            [
                MeetingDeclaration(
                    meeting=meeting,
                    declaration_id=pk,
                    round=1,
                    agree=20,
                    disagree=3,
                    abstain=2,
                    passed=True,
                )
                for pk in seeded.declaration_ids
            ],
            batch_size=1000,
        )
        measure.analyze([Declaration, MeetingDeclaration])
        today = timezone.localdate()
        start = today + datetime.timedelta(days=1)
        published = measure.measure(
            lambda: results.publish_results(
                actor=office_user,
                meeting=meeting,
                starts_on=start,
                ends_on=start + datetime.timedelta(days=14),
            )
        )
        notice = published.result
        # The notice has ended (moved back in time as a clock would have moved forward).
        ResultsNotice.objects.filter(pk=notice.pk).update(
            starts_on=today - datetime.timedelta(days=15),
            ends_on=today - datetime.timedelta(days=1),
        )
        notice.refresh_from_db()
        # Above INLINE_CERTIFICATES the confirmation leaves the certificates to a task after
        # commit (never run here: the run is rolled back); they are issued and timed next.
        inline = results.INLINE_CERTIFICATES
        results.INLINE_CERTIFICATES = 0
        try:
            confirmed = measure.measure(
                lambda: results.confirm_results(
                    actor=office_user, notice=notice, approval_document_number="基准〔2026〕1号"
                )
            )
        finally:
            results.INLINE_CERTIFICATES = inline
        issued = measure.measure(lambda: certificates.issue_for_notice(notice_id=notice.pk))
        assert len(issued.result) == count
        sample = Certificate.objects.order_by("pk").first()
        drawn = measure.measure(lambda: certificates.certificate_pdf(sample))
        return [
            (f"发布评审结果公示（{count}人）", f"{published.seconds:.2f}", str(published.queries)),
            (f"确认评审结果（{count}人）", f"{confirmed.seconds:.2f}", str(confirmed.queries)),
            (f"发放电子证书（{count}张）", f"{issued.seconds:.2f}", str(issued.queries)),
            ("生成一张证书PDF", f"{drawn.seconds:.2f}", str(drawn.queries)),
        ]
