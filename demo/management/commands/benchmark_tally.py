"""python manage.py benchmark_tally [--declarations 500] [--experts 25] [--keep]

A committee meeting at scale: seeds a review chain of its own (demo.benchmark.seed), N
declarations accepted and held by the committee office (bulk inserts, with the events of their
way up), E experts appointed as the committee's members for the year, then through the real
services: creates the meeting with all N declarations (ENTER_MEETING for each), draws the E
experts, records their attendance and opens the vote; one expert casts N ballots through
cast_ballot (its mean time per ballot), the others' ballots are bulk-inserted; then closes the
vote (the tally and N moves) and prints the time and query count of each step.

Everything runs in one transaction rolled back at the end (--keep commits it).
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applicants.models import AccountKind, User
from committee.models import Ballot, CommitteeMember, Expert, VoteParticipation
from committee.services import meetings, voting
from declarations.models import Declaration, DeclarationEvent
from declarations.models import DeclarationStatus as S
from demo import benchmark, people
from demo.bulk import BULK


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "评审会议计票基准测试：N 份已受理申报、E 名出席专家，测量创建会议、抽取专家、投票"
        "和结束投票计票的用时与查询次数。默认结束时回滚，不在数据库中留下数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--declarations", type=int, default=500, help="申报份数（默认500）")
        parser.add_argument("--experts", type=int, default=25, help="专家人数（默认25）")
        parser.add_argument("--keep", action="store_true", help="保留生成的数据（默认回滚）")

    def handle(self, *args, declarations, experts, keep, **options):
        if declarations < 1 or experts < 1:
            raise CommandError("--declarations 和 --experts 至少为 1。")
        try:
            with transaction.atomic():
                self.run(declarations, experts)
                if not keep:
                    raise Rollback
        except Rollback:
            self.stdout.write("已回滚，数据库中未留下数据。")

    def step(self, label, fn):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            result = fn()
        seconds = time.perf_counter() - started
        self.stdout.write(f"{label}: {seconds:.3f} s, {len(captured)} queries")
        return result

    def run(self, count, expert_count):
        write = self.stdout.write
        started = time.perf_counter()
        seeded = benchmark.seed(0)
        code, office, committee, plan = seeded.code, seeded.office, seeded.committee, seeded.plan
        actor = seeded.users[office.kind]
        password_hash = people.password_hash(benchmark.PASSWORD)
        now = timezone.now()
        applicants = User.objects.bulk_create(
            [
                User(
                    username=f"tally{code}_{n:06d}",
                    name=people.person_name(n),
                    kind=AccountKind.PERSONAL,
                    id_number=benchmark.resident_id(code, n),
                    phone=f"18{code[3:]}{n:06d}",
                    password=password_hash,
                )
                for n in range(count)
            ],
            batch_size=BULK,
        )
        rows = Declaration.objects.bulk_create(
            [
                Declaration(
                    applicant=applicant,
                    plan=plan,
                    status=S.ACCEPTED,
                    holder=office,
                    declaring_unit=seeded.unit,
                    committee=committee,
                    round=1,
                    submitted_at=now,
                )
                for applicant in applicants
            ],
            batch_size=BULK,
        )
        path = [
            ("submit", seeded.unit),
            ("report", seeded.supervising),
            ("report", seeded.reporting),
            ("report_committee", office),
        ]
        DeclarationEvent.objects.bulk_create(
            [
                DeclarationEvent(
                    declaration=d,
                    action=action,
                    organization=organization,
                    from_status=S.PASSED,
                    to_status=S.UNDER_REVIEW,
                    details={"round": 1},
                )
                for d in rows
                for action, organization in path
            ],
            batch_size=BULK,
        )
        expert_users = User.objects.bulk_create(
            [
                User(
                    username=f"tallyexpert{code}_{n:03d}",
                    name=f"专家{n:03d}",
                    kind=AccountKind.EXPERT,
                    phone=f"17{code[3:]}{n:06d}",
                    password=password_hash,
                )
                for n in range(expert_count)
            ]
        )
        pool = Expert.objects.bulk_create(
            [
                Expert(
                    office=office,
                    user=user,
                    name=user.name,
                    id_number=benchmark.resident_id(code, 500_000 + n),
                    phone=user.phone,
                    work_unit="基准测试研究院",
                    title="高级工程师",
                )
                for n, user in enumerate(expert_users)
            ]
        )
        today = timezone.localdate()
        CommitteeMember.objects.bulk_create(
            [CommitteeMember(committee=committee, expert=e, year=today.year) for e in pool]
        )
        write(
            f"准备数据：{count} 份申报、{expert_count} 名专家，"
            f"{time.perf_counter() - started:.2f} s"
        )
        meeting = self.step(
            f"创建会议（{count} 份申报列入）",
            lambda: meetings.create_meeting(
                actor=actor,
                committee=committee,
                plan=plan,
                name="基准测试评审会议",
                held_on=today,
                declaration_ids=[d.pk for d in rows],
            ),
        )
        drawn = self.step(
            "抽取专家",
            lambda: meetings.draw_experts(actor=actor, meeting=meeting, count=expert_count),
        )
        self.step(
            "登记出席",
            lambda: meetings.record_attendance(actor=actor, meeting=meeting, attended_ids=drawn),
        )
        self.step("开始投票", lambda: voting.open_vote(actor=actor, meeting=meeting))
        items = list(meeting.items.order_by("pk"))
        first = pool[0]

        def cast_all():
            for item in items:
                voting.cast_ballot(actor=first.user, item_id=item.pk, choice="agree")

        started = time.perf_counter()
        self.step(f"专家逐份投票（{count} 票，cast_ballot）", cast_all)
        write(f"  平均每票 {(time.perf_counter() - started) / count * 1000:.2f} ms")
        others = len(pool) - 1

        def choice(item, n):
            # Between about half and all of the others agree, so some declarations fail.
            agreeing = others // 2 + item.pk % (others // 2 + 1)
            return Ballot.Choice.AGREE if n < agreeing else Ballot.Choice.DISAGREE

        VoteParticipation.objects.bulk_create(
            [VoteParticipation(item=i, expert=e) for i in items for e in pool[1:]],
            batch_size=BULK,
        )
        Ballot.objects.bulk_create(
            [Ballot(item=i, choice=choice(i, n)) for i in items for n, _e in enumerate(pool[1:])],
            batch_size=BULK,
        )
        total = count * expert_count
        self.step(
            f"结束投票并计票（{count} 份 × {expert_count} 名专家 = {total} 票）",
            lambda: voting.close_vote(actor=actor, meeting=meeting),
        )
        meeting.refresh_from_db()
        passed = meeting.items.filter(passed=True).count()
        write(
            f"会议有效：{meeting.is_valid}；通过 {passed} 份，未通过 {count - passed} 份；"
            f"出席 {meeting.attending_count}/{meeting.member_count}"
        )
