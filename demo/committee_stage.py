"""The committee stage of the demo (seed_demo): each demo committee's expert pool and members,
the fee of the Weifang engineering plan, and 孙七's declaration carried to its certificate.

Everything goes through the real services, as the people would do it on their pages: the
office adds its experts (committee.services.experts.add_expert, each with a login account) and
appoints them members for the plan's year; 孙七's declaration is submitted, passed by the unit,
published, reported up the chain, accepted (受理), paid, put on a meeting, voted on by the drawn
experts, closed, published as a result and confirmed, which issues the certificate.

孙七's history is replayed on a simulated calendar. Two of its steps wait for a notice of at
least five working days (the unit records its notice's outcome, and the office confirms the
results, only from the day after the notice's end), so on today's dates a fresh database could
not show a finished declaration. Instead each step of 孙七's history runs through the same
real services inside `time_machine.travel(<that day>, tick=True)`, on working days of October
and November 2026 inside the Weifang engineering plan's window (it opens 2026-10-01; the
calendar is schedule() below, from review.workdays): every timestamp the step writes
(timezone.now(), model defaults, auto_now) is that simulated day, so the declaration's events,
the notices and the audit trail are in date order. Each step commits inside its travel, so the
SMS its after-commit receivers send are dated that day too when Celery runs eagerly (`make run`
without REDIS_URL; with a worker they are delivered, and dated, when it runs them).
The Weifang engineering office's preparation that the history relies on (its expert pool,
the members for 2026 and the 200 元 fee) is dated the working day before 孙七 submits.
Nothing else is dated in the past: the accounts, organizations, plans and paths, the other
committees' pools and the other demo declarations (王五, 赵六) keep the real calendar.

The replay runs only when today is after its last simulated day (it never dates anything in
the future); otherwise it prints a message and leaves 孙七 without a declaration. Each step is
its own transaction and looks at the declaration's state first, so a second run changes
nothing and an interrupted run goes on where it stopped. It never acts on a declaration whose
history already holds a later moment (a demo user moved it, or it was made on the real
calendar by an earlier version of seed_demo): that one is left as it is, with a message.

The certificate's verification code is random for every certificate (committee.services.
certificates). For the demo's certificate only, so that README.md can give its address, the
code is set to the constant VERIFICATION_CODE right after the service has issued it, in the
same transaction (32 url-safe characters, like the random ones); nothing else is changed.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import time_machine
from django.db import transaction
from django.utils import timezone

from applicants.models import SmsMessage, User
from catalog.models import Level, Series, Specialty
from committee.models import (
    Ballot,
    Certificate,
    CommitteeMember,
    Expert,
    FeeSetting,
    Meeting,
    MeetingDeclaration,
    Payment,
    ResultsNotice,
)
from committee.services import acceptance, experts, fees, meetings, payments, results, voting
from committee.services.certificates import verification_url
from declarations.models import Declaration
from declarations.workflow import Action
from declarations.workflow import DeclarationStatus as S
from demo import people
from review import services as review_services
from review.models import PublicNotice
from review.workdays import working_days

POOL_SIZE = 15
DRAWN = 11
FEE = Decimal("200")
# The two experts of the Weifang engineering pool with documented demo accounts.
EXPERT_ACCOUNTS = ("expert1", "expert2")

# Per committee office: (series code, titles by level code, work units, phone prefix, region of
# the ID numbers). The experts' names: the first two of Weifang's are documented in the README.
POOLS = {
    "wf_gc_office": (
        "engineering",
        {"deputy_senior": "高级工程师", "senior": "正高级工程师"},
        (
            "潍柴动力股份有限公司",
            "潍坊学院",
            "歌尔股份有限公司",
            "潍坊市特种设备检验研究院",
            "山东海化集团有限公司",
        ),
        "1370536",
        "370702",
    ),
    "hc_qw_office": (
        "mass_culture",
        {"deputy_senior": "副研究馆员", "senior": "研究馆员"},
        ("威海市群众艺术馆", "威海市文登区文化馆", "威海职业学院", "威海市图书馆"),
        "1370631",
        "371002",
    ),
    "hz_office": (
        "engineering",
        {"deputy_senior": "高级工程师", "senior": "正高级工程师"},
        ("湖州师范学院", "浙江久立特材科技股份有限公司", "湖州市特种设备检测研究院"),
        "1370572",
        "330521",
    ),
}
NAMED_EXPERTS = {"wf_gc_office": ("周建国", "吴晓梅")}

UNIT_OPINION = "该同志业绩突出，同意推荐。"
LEVEL_OPINIONS = ("经审查，材料属实，同意上报。", "同意报送评审委员会。")
NOTICE_PLACE = "单位公告栏"


def end_after_working_days(start: datetime.date, days: int) -> datetime.date:
    """The first day on which start..day holds `days` working days (the unit notices' calendar,
    holidays included)."""
    end = start
    while working_days(start, end) < days:
        end += datetime.timedelta(days=1)
    return end


# --- the expert pools --------------------------------------------------------------------------


def _expert_data(office_account: str, number: int, levels, series) -> experts.ExpertData:
    series_code, titles, units, phone_prefix, region_code = POOLS[office_account]
    named = NAMED_EXPERTS.get(office_account, ())
    name = named[number] if number < len(named) else people.person_name(number * 37 + 11)
    level_code = "senior" if number % 4 == 3 else "deputy_senior"
    # (Birth years in which python-stdnum knows these region codes, so the numbers validate.)
    birth = datetime.date(1987 + number % 5, 1 + number % 12, 1 + (number * 3) % 28)
    specialties = list(Specialty.objects.filter(series=series[series_code]).order_by("pk"))
    return experts.ExpertData(
        name=name,
        id_number=people.resident_id(region_code, birth, 500 + number),
        phone=f"{phone_prefix}{number + 1:04d}",
        work_unit=units[number % len(units)],
        title=titles[level_code],
        level=levels[level_code],
        series=[series[series_code]],
        specialties=specialties[number % len(specialties) :][:2] if specialties else [],
    )


def expert_pool(*, office_account: str, actor, committee, years, password: str) -> list[Expert]:
    """The office's pool of POOL_SIZE experts, each added by the office with a login account
    (the missing ones are added; an expert of the pool is found by ID number), and the whole
    pool appointed members of the committee for each of `years` that has no members yet. The
    documented accounts (EXPERT_ACCOUNTS, Weifang's first two) get their demo username and
    password when created, as every demo account does."""
    office = committee.office
    levels = {level.code: level for level in Level.objects.all()}
    series = {s.code: s for s in Series.objects.all()}
    existing = {e.id_number: e for e in Expert.objects.filter(office=office)}
    pool = []
    for number in range(POOL_SIZE):
        data = _expert_data(office_account, number, levels, series)
        expert = existing.get(data.id_number)
        if expert is None:
            expert, initial = experts.add_expert(actor=actor, office=office, data=data)
            if office_account == "wf_gc_office" and number < len(EXPERT_ACCOUNTS):
                _documented_account(expert.user, EXPERT_ACCOUNTS[number], password, initial)
        pool.append(expert)
    for year in sorted(set(years)):
        if not CommitteeMember.objects.filter(committee=committee, year=year).exists():
            experts.appoint_members(
                actor=actor,
                committee=committee,
                year=year,
                expert_ids=[e.pk for e in pool if e.is_active],
            )
    return pool


def _documented_account(user: User, username: str, password: str, initial: str) -> None:
    """The expert's account signs in as `username` with the published demo password (the
    office's initial password was random and is replaced, as a demo reader cannot get it).
    The SMS that add_expert queued (not sent before the transaction commits) is corrected to
    the account's actual username and password, so what the expert's phone gets is true."""
    if User.objects.filter(username=username).exclude(pk=user.pk).exists():
        return
    queued = SmsMessage.objects.filter(
        phone=user.phone, status=SmsMessage.Status.QUEUED, body__contains=initial
    )
    for message in queued:
        message.body = message.body.replace(user.username, username).replace(initial, password)
        message.redacted_body = message.redacted_body.replace(user.username, username)
        message.save(update_fields=["body", "redacted_body"])
    user.username = username
    user.password = people.password_hash(password)
    user.save()


# --- the fee -----------------------------------------------------------------------------------


def charge_fee(*, actor, plan) -> FeeSetting:
    """收费 FEE 元 for the plan (set once; an office's later change is left as it is)."""
    setting = FeeSetting.objects.filter(committee=plan.committee, plan=plan).first()
    if setting is None:
        setting = fees.set_fee(actor=actor, plan=plan, charged=True, amount=FEE)
    return setting


# --- 孙七's history, replayed on a simulated calendar ---------------------------------------

# The replay's fixed points (Asia/Shanghai). The other days follow from the working-day
# calendar (schedule()).
PREPARED_ON = datetime.date(2026, 10, 9)  # the office's pool, members and fee
SUBMITTED_ON = datetime.date(2026, 10, 12)  # 孙七 submits; the unit passes and records its notice
MEETING_ON = datetime.date(2026, 11, 5)
# The demo certificate's verification code (see the module's docstring).
VERIFICATION_CODE = "demo-sunqi-2026-certificate-0001"


def next_working_day(day: datetime.date, count: int = 1) -> datetime.date:
    """The `count`-th working day after `day`."""
    while count:
        day += datetime.timedelta(days=1)
        if working_days(day, day):
            count -= 1
    return day


@dataclass(frozen=True)
class Schedule:
    prepared: datetime.date
    submitted: datetime.date
    notice_starts: datetime.date
    notice_ends: datetime.date
    reported: datetime.date  # the notice's outcome; the unit reports
    levels: tuple[datetime.date, ...]  # each level above the unit passes and reports
    accepted: datetime.date
    paid: datetime.date
    meeting: datetime.date
    results_starts: datetime.date
    results_ends: datetime.date
    confirmed: datetime.date


def schedule(levels: int = 2) -> Schedule:
    """The simulated calendar of 孙七's history (`levels`: the organizations between the unit
    and the committee): the unit's notice from the next working day for five working days,
    its outcome the day after its end, each level on the following working days, 受理 two
    working days later, payment two more, the meeting on MEETING_ON, the results notice from
    the next working day for five working days and the confirmation the day after its end."""
    notice_starts = next_working_day(SUBMITTED_ON)
    notice_ends = end_after_working_days(notice_starts, review_services.MIN_NOTICE_WORKING_DAYS)
    reported = notice_ends + datetime.timedelta(days=1)
    days = [reported]
    for _level in range(levels):
        days.append(next_working_day(days[-1]))
    accepted = next_working_day(days[-1], 2)
    paid = next_working_day(accepted, 2)
    meeting = max(MEETING_ON, next_working_day(paid))
    results_starts = next_working_day(meeting)
    results_ends = end_after_working_days(results_starts, results.MIN_RESULTS_WORKING_DAYS)
    return Schedule(
        prepared=PREPARED_ON,
        submitted=SUBMITTED_ON,
        notice_starts=notice_starts,
        notice_ends=notice_ends,
        reported=reported,
        levels=tuple(days[1:]),
        accepted=accepted,
        paid=paid,
        meeting=meeting,
        results_starts=results_starts,
        results_ends=results_ends,
        confirmed=results_ends + datetime.timedelta(days=1),
    )


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_default_timezone()
    )


class Replay:
    """孙七's history, step by step on the simulated calendar (see the module's docstring).

    `prepare()` readies the committee office (pool, members for the year, fee); `submit()`
    returns the applicant's submitted declaration of the plan (or the one they have, or None
    when the plan is closed); `chain` is the list of (organization, its account) from the
    declaring unit up to the reporting department; `office_user` acts for the committee
    office; `say` writes a line of output; `approval_number` is the 批准文号."""

    def __init__(self, *, prepare, submit, chain, office_user, say, approval_number):
        self.prepare = prepare
        self.submit = submit
        self.chain = chain
        self.office_user = office_user
        self.say = say
        self.approval_number = approval_number
        self.calendar = schedule(len(chain) - 1)
        self.declaration = None
        self.stopped = False

    def steps(self):
        c = self.calendar
        yield _at(c.prepared, 9), self._prepare
        yield _at(c.submitted, 9), self._submit
        yield _at(c.submitted, 14), self._unit_pass
        yield _at(c.submitted, 14, 30), self._unit_notice
        yield _at(c.reported, 9, 30), self._unit_report
        for level, day in enumerate(c.levels, start=1):
            yield _at(day, 10), lambda level=level: self._level(level)
        yield _at(c.accepted, 9, 30), self._accept
        yield _at(c.paid, 10), self._pay
        yield _at(c.meeting, 9), self._meeting
        yield _at(c.results_starts, 9), self._publish
        yield _at(c.confirmed, 10), self._confirm

    def run(self) -> Certificate | None:
        today = timezone.localdate()
        if today <= self.calendar.confirmed:
            self.say(
                f"今天（{today}）不晚于孙七演示历程的最后一个模拟日期（{self.calendar.confirmed}），"
                "未生成孙七的演示申报。"
            )
            return None
        for moment, step in self.steps():
            with time_machine.travel(moment, tick=True), transaction.atomic():
                step()
            if self.stopped:
                break
        if self.declaration is None:
            return None
        return Certificate.objects.filter(declaration=self.declaration).first()

    # -- helpers

    @property
    def name(self) -> str:
        return self.declaration.applicant.name

    def _tell(self, text: str) -> None:
        self.say(f"〔{timezone.localdate()}〕{text}")

    def _fresh(self) -> Declaration | None:
        """The declaration as it is now; None when there is none or the replay stopped."""
        if self.declaration is None or self.stopped:
            return None
        self.declaration.refresh_from_db()
        return self.declaration

    def _may_act(self) -> bool:
        """False (and the replay stops) when the declaration's history already holds a later
        moment than the simulated now: acting would put its events out of date order."""
        later = (
            self.declaration.events.filter(created_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
        if later is None:
            return True
        self.stopped = True
        self.say(
            f"{self.name}的申报在{timezone.localdate(later.created_at)}已有记录，晚于演示历程的"
            f"模拟日期{timezone.localdate()}，保持原样。"
        )
        return False

    def _held_by(self, level: int, *statuses) -> bool:
        d = self.declaration
        return d.status in statuses and d.holder_id == self.chain[level][0].pk

    def _unit_notice_of(self, d) -> PublicNotice | None:
        return (
            PublicNotice.objects.filter(organization=self.chain[0][0], declarations=d)
            .exclude(outcome=PublicNotice.Outcome.CANCELLED)
            .order_by("-pk")
            .first()
        )

    def _results_notice_of(self, d) -> ResultsNotice | None:
        return (
            ResultsNotice.objects.filter(entries__declaration=d)
            .exclude(status=ResultsNotice.Status.CANCELLED)
            .order_by("-pk")
            .first()
        )

    # -- the steps (each in its own transaction at its simulated moment)

    def _prepare(self):
        self.prepare()

    def _submit(self):
        self.declaration = self.submit()

    def _unit_pass(self):
        d = self._fresh()
        if d is None or not self._held_by(0, S.SUBMITTED, S.UNDER_REVIEW) or not self._may_act():
            return
        review_services.pass_declaration(
            actor=self.chain[0][1], declaration=d, opinion=UNIT_OPINION
        )

    def _unit_notice(self):
        d = self._fresh()
        if d is None or not self._held_by(0, S.PASSED) or self._unit_notice_of(d) is not None:
            return
        if not self._may_act():
            return
        unit, reviewer = self.chain[0]
        notice = review_services.record_notice(
            actor=reviewer,
            organization=unit,
            plan=d.plan,
            starts_on=self.calendar.notice_starts,
            ends_on=self.calendar.notice_ends,
            place=NOTICE_PLACE,
            declaration_ids=[d.pk],
        )
        self._tell(
            f"{self.name}的申报已由{unit.name}审核通过并公示（{notice.starts_on} 至 "
            f"{notice.ends_on}）。"
        )

    def _unit_report(self):
        """The notice's outcome (无异议) once it has ended, and the unit's report."""
        d = self._fresh()
        if d is None or not self._held_by(0, S.PASSED):
            return
        notice = self._unit_notice_of(d)
        if notice is None or not self._may_act():
            return
        unit, reviewer = self.chain[0]
        if notice.outcome == PublicNotice.Outcome.PENDING and notice.has_ended(
            timezone.localdate()
        ):
            notice = review_services.record_notice_outcome(
                actor=reviewer, notice=notice, outcome=PublicNotice.Outcome.NO_OBJECTION
            )
        if notice.outcome == PublicNotice.Outcome.NO_OBJECTION:
            review_services.report_declarations(
                actor=reviewer, organization=unit, declaration_ids=[d.pk]
            )
            self._tell(f"{unit.name}登记公示无异议，将{self.name}的申报上报。")

    def _level(self, level: int):
        """The level's 审查通过 with its opinion, and its report."""
        d = self._fresh()
        if d is None or not self._held_by(level, S.SUBMITTED, S.UNDER_REVIEW, S.PASSED):
            return
        if not self._may_act():
            return
        organization, reviewer = self.chain[level]
        if d.status != S.PASSED:
            opinion = LEVEL_OPINIONS[min(level, len(LEVEL_OPINIONS)) - 1]
            review_services.pass_declaration(actor=reviewer, declaration=d, opinion=opinion)
        review_services.report_declarations(
            actor=reviewer, organization=organization, declaration_ids=[d.pk]
        )
        d.refresh_from_db()
        self._tell(f"{organization.name}审查通过{self.name}的申报，上报至{d.holder.name}。")

    def _accept(self):
        d = self._fresh()
        if d is None or d.status != S.AT_COMMITTEE or not self._may_act():
            return
        acceptance.decide(
            actor=self.office_user, office=d.holder, action=Action.ACCEPT, declaration_ids=[d.pk]
        )
        self._tell(f"{d.holder.name}已受理{self.name}的申报。")

    def _pay(self):
        d = self._fresh()
        if d is None or d.status != S.ACCEPTED:
            return
        payment = Payment.objects.filter(
            declaration=d, round=d.round, status=Payment.Status.PENDING
        ).first()
        if payment is None or not self._may_act():
            return
        payments.record_payments(
            actor=self.office_user,
            office=d.holder,
            payment_ids=[payment.pk],
            reference=f"12333-{timezone.localdate():%Y%m%d}-{payment.pk:04d}",
        )
        self._tell(f"{self.name}的评审费{payment.amount}元已登记缴费。")

    def _meeting(self):
        """A meeting of the plan's committee with the declaration: created, experts drawn,
        everyone drawn attending, the vote opened, each drawn expert's ballot (all 同意 but
        one 不同意 and one 弃权), the vote closed."""
        d = self._fresh()
        if d is None or d.status != S.ACCEPTED or not self._may_act():
            return
        today = timezone.localdate()
        committee = d.plan.committee
        meeting = meetings.create_meeting(
            actor=self.office_user,
            committee=committee,
            plan=d.plan,
            name=f"{committee.name}{today.year}年度评审会议",
            held_on=today,
            declaration_ids=[d.pk],
        )
        members = len(meetings.member_ids(committee, today.year))
        drawn = meetings.draw_experts(
            actor=self.office_user, meeting=meeting, count=min(DRAWN, members)
        )
        meetings.record_attendance(actor=self.office_user, meeting=meeting, attended_ids=drawn)
        voting.open_vote(actor=self.office_user, meeting=meeting)
        item = MeetingDeclaration.objects.get(meeting=meeting, declaration=d)
        users = dict(Expert.objects.filter(pk__in=drawn).values_list("pk", "user_id"))
        choices = [Ballot.Choice.AGREE] * len(drawn)
        if len(drawn) >= 6:
            choices[-2:] = [Ballot.Choice.DISAGREE, Ballot.Choice.ABSTAIN]
        for expert_id, choice in zip(drawn, choices, strict=True):
            voting.cast_ballot(
                actor=User.objects.get(pk=users[expert_id]), item_id=item.pk, choice=choice
            )
        meeting = voting.close_vote(actor=self.office_user, meeting=meeting)
        item.refresh_from_db()
        self._tell(
            f"{meeting.name}：{meeting.attending_count}名专家出席，{self.name}同意{item.agree}票、"
            f"不同意{item.disagree}票、弃权{item.abstain}票，"
            f"{'评审通过' if item.passed else '评审未通过'}。"
        )

    def _passed_item(self, d) -> MeetingDeclaration | None:
        return (
            MeetingDeclaration.objects.filter(
                declaration=d, round=d.round, passed=True, meeting__status=Meeting.Status.CLOSED
            )
            .select_related("meeting")
            .order_by("-pk")
            .first()
        )

    def _publish(self):
        d = self._fresh()
        if d is None or d.status != S.EVALUATION_PASSED or self._results_notice_of(d):
            return
        item = self._passed_item(d)
        if item is None or not self._may_act():
            return
        notice = results.publish_results(
            actor=self.office_user,
            meeting=item.meeting,
            starts_on=self.calendar.results_starts,
            ends_on=self.calendar.results_ends,
        )
        self._tell(f"评审结果公示“{notice.title}”：{notice.starts_on} 至 {notice.ends_on}。")

    def _confirm(self):
        """确认评审结果 with the 批准文号, which issues the certificate; the demo certificate's
        verification code is then set to VERIFICATION_CODE."""
        d = self._fresh()
        if d is None or d.status != S.EVALUATION_PASSED:
            return
        notice = self._results_notice_of(d)
        if notice is None or notice.status != ResultsNotice.Status.RUNNING:
            return
        if not self._may_act():
            return
        results.confirm_results(
            actor=self.office_user, notice=notice, approval_document_number=self.approval_number
        )
        certificate = Certificate.objects.filter(declaration=d).first()
        if certificate is None:
            return
        if not Certificate.objects.filter(verification_code=VERIFICATION_CODE).exists():
            Certificate.objects.filter(pk=certificate.pk).update(
                verification_code=VERIFICATION_CODE
            )
        self._tell(f"评审结果已确认（{self.approval_number}），{self.name}的电子证书已发放。")


def describe(certificate: Certificate) -> str:
    return (
        f"{certificate.holder_name}的电子证书 {certificate.number}（{certificate.title_name}）"
        f"查验地址：{verification_url(certificate)}"
    )
