"""The committee stage of the demo (seed_demo): each demo committee's expert pool and members,
the fee of the Weifang engineering plan, and 孙七's declaration carried to its certificate.

Everything goes through the real services, as the people would do it on their pages: the
office adds its experts (committee.services.experts.add_expert, each with a login account) and
appoints them members for the plan's year; 孙七's declaration is passed by the unit, published,
reported up the chain, accepted (受理), paid, put on a meeting, voted on by the drawn experts,
closed, published as a result and confirmed, which issues the certificate.

Dates are the real ones. Two steps wait for a notice of at least five working days: the unit
records its notice's outcome, and the office confirms the results, only once the notice has
ended (from the day after its end date). Nothing is dated in the past and the clock is not
moved: each run of seed_demo takes the declaration as far as today allows and says from which
day a later run goes on (as the declarations themselves wait for a run inside the plan's
window). A declaration found in a state this path does not lead through (a demo user returned
it, say) is left as it is.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from applicants.models import User
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
from review import selectors as review_selectors
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
            expert, _password = experts.add_expert(actor=actor, office=office, data=data)
            if office_account == "wf_gc_office" and number < len(EXPERT_ACCOUNTS):
                _documented_account(expert.user, EXPERT_ACCOUNTS[number], password)
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


def _documented_account(user: User, username: str, password: str) -> None:
    """The expert's account signs in as `username` with the published demo password (the
    office's initial password was random and is replaced, as a demo reader cannot get it)."""
    if User.objects.filter(username=username).exclude(pk=user.pk).exists():
        return
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


# --- one declaration up the chain and through the committee ----------------------------------


class Journey:
    """Carries one declaration through the chain and the committee stage, as far as today
    allows. `chain` is the list of (organization, its account) from the declaring unit up to
    the reporting department; `office_user` acts for the committee office; `say` writes a line
    of output; `approval_number` is the 批准文号 ("{year}" filled in)."""

    def __init__(self, declaration: Declaration, *, chain, office_user, say, approval_number):
        self.declaration = declaration
        self.approval_number = approval_number
        self.chain = chain
        self.office_user = office_user
        self.say = say
        self.today = None

    def run(self) -> Certificate | None:
        self.today = timezone.localdate()
        for _step in range(30):
            self.declaration.refresh_from_db()
            if not self._step():
                break
        return Certificate.objects.filter(declaration=self.declaration).first()

    @property
    def name(self) -> str:
        return self.declaration.applicant.name

    def _reviewer(self, organization):
        for org, user in self.chain:
            if org.pk == organization.pk:
                return user
        return None

    def _step(self) -> bool:
        """One move; False when there is nothing more to do today."""
        d = self.declaration
        status = d.status
        if status in (S.SUBMITTED, S.UNDER_REVIEW):
            reviewer = self._reviewer(d.holder)
            if reviewer is None:
                return False
            level = [org.pk for org, _user in self.chain].index(d.holder_id)
            opinion = (UNIT_OPINION, *LEVEL_OPINIONS)[min(level, len(LEVEL_OPINIONS))]
            review_services.pass_declaration(actor=reviewer, declaration=d, opinion=opinion)
            return True
        if status == S.PASSED:
            return self._report()
        if status == S.AT_COMMITTEE:
            acceptance.decide(
                actor=self.office_user,
                office=d.holder,
                action=Action.ACCEPT,
                declaration_ids=[d.pk],
            )
            self.say(f"{d.holder.name}已受理{self.name}的申报。")
            return True
        if status == S.ACCEPTED:
            return self._pay() or self._meeting()
        if status == S.EVALUATION_PASSED:
            return self._results()
        return False

    def _report(self) -> bool:
        d = self.declaration
        reviewer = self._reviewer(d.holder)
        if reviewer is None:
            return False
        if d.holder_id == self.chain[0][0].pk and not self._unit_notice_done():
            return False
        review_services.report_declarations(
            actor=reviewer, organization=d.holder, declaration_ids=[d.pk]
        )
        d.refresh_from_db()
        if d.status == S.AT_COMMITTEE:
            self.say(f"{self.name}的申报已逐级审查通过，上报至{d.holder.name}。")
        return True

    def _unit_notice_done(self) -> bool:
        """The unit's notice of the declaration: recorded today when there is none; its outcome
        (无异议) recorded once it has ended. True when the declaration may be reported."""
        d = self.declaration
        unit, reviewer = self.chain[0]
        notice = (
            PublicNotice.objects.filter(organization=unit, declarations=d)
            .exclude(outcome=PublicNotice.Outcome.CANCELLED)
            .order_by("-pk")
            .first()
        )
        if notice is None:
            # From the day the unit passed it (the earliest a notice may start), or today.
            _name, passed_on = review_selectors.pass_dates(unit, [d.pk])[d.pk]
            starts_on = max(self.today, passed_on)
            notice = review_services.record_notice(
                actor=reviewer,
                organization=unit,
                plan=d.plan,
                starts_on=starts_on,
                ends_on=end_after_working_days(starts_on, review_services.MIN_NOTICE_WORKING_DAYS),
                place=NOTICE_PLACE,
                declaration_ids=[d.pk],
            )
            self.say(
                f"{self.name}的申报已由{unit.name}审核通过并公示（{notice.starts_on} 至 "
                f"{notice.ends_on}）。"
            )
        if notice.outcome == PublicNotice.Outcome.PENDING:
            if not notice.has_ended(self.today):
                self._wait(notice.ends_on, "单位公示", "登记公示结果并逐级上报至评委会")
                return False
            notice = review_services.record_notice_outcome(
                actor=reviewer, notice=notice, outcome=PublicNotice.Outcome.NO_OBJECTION
            )
        return notice.outcome == PublicNotice.Outcome.NO_OBJECTION

    def _wait(self, ends_on, what, then):
        self.say(
            f"{self.name}的{what}至{ends_on}结束；{ends_on + datetime.timedelta(days=1)}起"
            f"再次运行 seed_demo 将{then}。"
        )

    def _pay(self) -> bool:
        d = self.declaration
        payment = Payment.objects.filter(
            declaration=d, round=d.round, status=Payment.Status.PENDING
        ).first()
        if payment is None:
            return False
        payments.record_payments(
            actor=self.office_user,
            office=d.holder,
            payment_ids=[payment.pk],
            reference=f"12333-{self.today:%Y%m%d}-{payment.pk:04d}",
        )
        self.say(f"{self.name}的评审费{payment.amount}元已登记缴费。")
        return True

    def _meeting(self) -> bool:
        """A meeting of the plan's committee with the declaration: created, experts drawn,
        everyone drawn attending, the vote opened, each drawn expert's ballot (all 同意 but
        one 不同意 and one 弃权), the vote closed."""
        d = self.declaration
        committee = d.plan.committee
        meeting = meetings.create_meeting(
            actor=self.office_user,
            committee=committee,
            plan=d.plan,
            name=f"{committee.name}{self.today.year}年度评审会议",
            held_on=self.today,
            declaration_ids=[d.pk],
        )
        members = len(meetings.member_ids(committee, self.today.year))
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
        self.say(
            f"{meeting.name}：{meeting.attending_count}名专家出席，{self.name}同意{item.agree}票、"
            f"不同意{item.disagree}票、弃权{item.abstain}票，"
            f"{'评审通过' if item.passed else '评审未通过'}。"
        )
        return True

    def _results(self) -> bool:
        d = self.declaration
        item = (
            MeetingDeclaration.objects.filter(
                declaration=d, round=d.round, passed=True, meeting__status=Meeting.Status.CLOSED
            )
            .select_related("meeting")
            .order_by("-pk")
            .first()
        )
        if item is None:
            return False
        notice = (
            ResultsNotice.objects.filter(entries__declaration=d)
            .exclude(status=ResultsNotice.Status.CANCELLED)
            .order_by("-pk")
            .first()
        )
        if notice is None:
            notice = results.publish_results(
                actor=self.office_user,
                meeting=item.meeting,
                starts_on=self.today,
                ends_on=end_after_working_days(self.today, results.MIN_RESULTS_WORKING_DAYS),
            )
            self.say(f"评审结果公示“{notice.title}”：{notice.starts_on} 至 {notice.ends_on}。")
        if notice.status != ResultsNotice.Status.RUNNING:
            return False
        if self.today <= notice.ends_on:
            self._wait(notice.ends_on, "评审结果公示", "确认评审结果并发放电子证书")
            return False
        results.confirm_results(
            actor=self.office_user,
            notice=notice,
            approval_document_number=self.approval_number.format(year=item.meeting.held_on.year),
        )
        return True


def describe(certificate: Certificate) -> str:
    return (
        f"{certificate.holder_name}的电子证书 {certificate.number}（{certificate.title_name}）"
        f"查验地址：{verification_url(certificate)}"
    )
