"""Seeding and measuring for `manage.py benchmark_review` (and the query-budget tests).

`seed()` creates, with bulk inserts, one self-contained review chain for a run: a region of its
own, a unit, supervising and reporting departments, a committee (with its office) and the
effective routing paths between them, a plan, and N applicants whose declarations the unit has
passed and published (a 公示无异议 notice covers them all), each with a few saved sections and
its submit / pass audit events. Every name, code, ID number and phone number carries the run's
region code, so runs kept with --keep never collide with each other or with demo data.
"""

import datetime
import resource
import sys
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from stdnum.cn import ric

from applicants.models import AccountKind, IdType, User
from catalog.models import Level, Series
from declarations.models import (
    AchievementCategory,
    Declaration,
    DeclarationEvent,
    DeclarationSection,
    DeclarationStatus,
    Plan,
    PlanSection,
)
from declarations.sections import SECTION_LIST
from institutions.models import (
    Committee,
    Membership,
    Organization,
    OrgKind,
    PermissionStatus,
    Region,
    RoutingPath,
)
from review.models import PublicNotice, Review, ReviewState

S = DeclarationStatus
BULK = 1000
MB = 1024 * 1024
# The password every seeded account gets (one hash for all: no hashing per user).
PASSWORD = "Bench@2026pw"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲芬燕彬斌宇浩凯健俊帆帅旭宁龙林欣佳琳晨"
)
SPECIALTIES = ("机械电气", "电力工程", "电子信息", "化工工程", "设备动力", "人工智能")


@dataclass
class Seeded:
    code: str  # the run's region code: in every name, ID number and phone number of the run
    region: Region
    plan: Plan
    unit: Organization
    supervising: Organization
    reporting: Organization
    office: Organization
    committee: Committee
    users: dict  # organization kind -> its reviewer account
    declaration_ids: list[int]
    notice: PublicNotice
    sample_name: str = ""
    sample_id_number: str = ""
    seconds: float = 0.0
    rows: dict = field(default_factory=dict)


def run_code() -> str:
    """A region code no region, ID number or phone number uses yet: 990000–990999."""
    used = set(Region.objects.filter(code__startswith="990").values_list("code", flat=True))
    for n in range(1000):
        code = f"990{n:03d}"
        if code in used:
            continue
        if not User.objects.filter(id_number__startswith=code).exists():
            return code
    raise RuntimeError("no free benchmark region code (990000–990999): remove old --keep runs")


def resident_id(code: str, n: int) -> str:
    """A GB 11643 number with a valid check digit: the run's code, a birth date between 1970
    and 1994 and a sequence number; distinct for n < 9,000,000."""
    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=n % 9000)
    body = f"{code}{birth:%Y%m%d}{n // 9000:03d}"
    return body + ric.calc_check_digit(body + "0")


def person_name(n: int) -> str:
    given = GIVEN[n % len(GIVEN)]
    if n % 3:
        given += GIVEN[(n * 7 + 3) % len(GIVEN)]
    return SURNAMES[(n // len(GIVEN)) % len(SURNAMES)] + given


def _series_and_level():
    series = Series.objects.filter(code="engineering").first() or Series.objects.create(
        code="engineering", name="工程技术", sort_order=1
    )
    level = Level.objects.filter(code="intermediate").first() or Level.objects.create(
        code="intermediate", name="中级", rank=2
    )
    return series, level


def _section_data(n: int, name: str, id_number: str, unit: Organization) -> dict[str, dict]:
    specialty = SPECIALTIES[n % len(SPECIALTIES)]
    start = 2000 + n % 15
    return {
        "basic_info": {
            "name": name,
            "id_number": id_number,
            "gender": "男" if int(id_number[16]) % 2 else "女",
            "ethnicity": "汉族",
            "unit": unit.name,
            "email": "",
        },
        "education": {
            "degree_level": "本科",
            "school": "山东理工大学",
            "major": specialty,
            "graduated_on": f"{start - 1}-07-01",
            "full_time_degree": "工学学士",
        },
        "work_experience": {
            "rows": [
                {
                    "start": f"{start + 5 * i}-07",
                    "end": "" if i == 2 else f"{start + 5 * i + 4}-12",
                    "unit_dept_post": f"{unit.name}/设备{i + 1}科/{specialty}",
                    "professional_work": "设备维修与技术改造",
                    "position": ("技术员", "助理工程师", "工程师")[i],
                }
                for i in range(3)
            ]
        },
        "performance": {
            "statement": (
                f"任现职以来主要从事{specialty}相关技术工作，主持完成生产线改造项目3项，"
                "解决关键技术问题多项，年均节约成本约50万元。"
            )
        },
    }


def seed(count: int, *, password_hash: str | None = None) -> Seeded:
    """Create the chain and `count` passed, published declarations at the unit."""
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    code = run_code()
    password_hash = password_hash or make_password(PASSWORD)
    series, level = _series_and_level()
    region = Region.objects.create(
        code=code, name=f"基准测试市{code}", level=Region.Level.CITY, parent=None
    )

    def organization(kind, name):
        return Organization.objects.create(
            name=name,
            kind=kind,
            region=region,
            contact_name="基准测试",
            contact_phone="0536-0000000",
            permission_status=PermissionStatus.APPROVED,
            name_confirmed_at=now,
        )

    unit = organization(OrgKind.UNIT, f"基准测试机械制造有限公司{code}")
    supervising = organization(OrgKind.SUPERVISING, f"基准测试工业和信息化局{code}")
    reporting = organization(OrgKind.REPORTING, f"基准测试市工业和信息化局{code}")
    office = organization(OrgKind.COMMITTEE_OFFICE, f"基准测试工程技术中级评审委员会办公室{code}")
    users = {}
    for org in (unit, supervising, reporting, office):
        user = User.objects.create(
            username=f"bench{code}_{org.kind}",
            name=f"{org.get_kind_display()}审核人",
            kind=AccountKind.ORGANIZATION,
            password=password_hash,
        )
        Membership.objects.create(user=user, organization=org)
        users[org.kind] = user
    committee = Committee.objects.create(
        name=f"基准测试工程技术中级评审委员会{code}",
        series=series,
        level=level,
        region=region,
        office=office,
    )
    RoutingPath.objects.bulk_create(
        [
            RoutingPath(
                organization=org,
                series=series,
                level=level,
                status=RoutingPath.Status.EFFECTIVE,
                applied_by=users[org.kind],
                decided_at=now,
                **destination,
            )
            for org, destination in (
                (unit, {"target": supervising}),
                (supervising, {"target": reporting}),
                (reporting, {"committee": committee}),
            )
        ]
    )
    plan = Plan.objects.create(
        year=today.year,
        series=series,
        level=level,
        region=region,
        committee=committee,
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now + datetime.timedelta(days=30),
        achievement_categories=[c.value for c in AchievementCategory],
        ce_hours_required=90,
    )
    PlanSection.objects.bulk_create(
        [PlanSection(plan=plan, code=s.code, sort_order=i) for i, s in enumerate(SECTION_LIST)]
    )

    applicants = []
    for n in range(count):
        id_number = resident_id(code, n)
        birth, gender = ric.get_birth_date(id_number), "M" if int(id_number[16]) % 2 else "F"
        applicants.append(
            User(
                username=f"bench{code}_{n:06d}",
                name=person_name(n),
                kind=AccountKind.PERSONAL,
                id_type=IdType.RESIDENT_ID,
                id_number=id_number,
                birth_date=birth,
                gender=gender,
                phone=f"19{code[3:]}{n:06d}",
                email=f"bench{code}_{n:06d}@example.com" if n % 4 == 0 else "",
                password=password_hash,
                date_joined=now,
            )
        )
    User.objects.bulk_create(applicants, batch_size=BULK)

    submitted_at = now - datetime.timedelta(days=30)
    declarations = Declaration.objects.bulk_create(
        [
            Declaration(
                applicant=applicant,
                plan=plan,
                status=S.PASSED,
                holder=unit,
                declaring_unit=unit,
                round=1,
                submitted_at=submitted_at,
                review_started_at=submitted_at + datetime.timedelta(days=1),
                created_at=submitted_at - datetime.timedelta(days=5),
            )
            for applicant in applicants
        ],
        batch_size=BULK,
    )
    ids = [d.pk for d in declarations]
    DeclarationSection.objects.bulk_create(
        [
            DeclarationSection(declaration=d, code=section, data=data)
            for n, (d, a) in enumerate(zip(declarations, applicants, strict=True))
            for section, data in _section_data(n, a.name, a.id_number, unit).items()
        ],
        batch_size=BULK,
    )
    decided_at = submitted_at + datetime.timedelta(days=2)
    unit_user = users[OrgKind.UNIT]
    DeclarationEvent.objects.bulk_create(
        [
            event
            for d, a in zip(declarations, applicants, strict=True)
            for event in (
                DeclarationEvent(
                    declaration=d,
                    action="submit",
                    actor=a,
                    organization=unit,
                    from_status=S.DRAFT,
                    to_status=S.SUBMITTED,
                    details={"round": 1},
                    created_at=submitted_at,
                ),
                DeclarationEvent(
                    declaration=d,
                    action="pass",
                    actor=unit_user,
                    organization=unit,
                    from_status=S.UNDER_REVIEW,
                    to_status=S.PASSED,
                    details={"round": 1},
                    created_at=decided_at,
                ),
            )
        ],
        batch_size=BULK,
    )
    Review.objects.bulk_create(
        [
            Review(
                declaration=d,
                organization=unit,
                state=ReviewState.PASSED,
                round=1,
                arrived_at=submitted_at,
                decided_by=unit_user,
                decided_at=decided_at,
                opinion="同意推荐",
            )
            for d in declarations
        ],
        batch_size=BULK,
    )
    notice = PublicNotice.objects.create(
        organization=unit,
        plan=plan,
        starts_on=today - datetime.timedelta(days=20),
        ends_on=today - datetime.timedelta(days=10),
        place="单位公示栏及内网",
        outcome=PublicNotice.Outcome.NO_OBJECTION,
        created_by=unit_user,
        outcome_recorded_at=now,
    )
    Through = PublicNotice.declarations.through
    Through.objects.bulk_create(
        [Through(publicnotice=notice, declaration_id=pk) for pk in ids], batch_size=BULK
    )
    sample = applicants[count // 2] if applicants else None
    return Seeded(
        code=code,
        region=region,
        plan=plan,
        unit=unit,
        supervising=supervising,
        reporting=reporting,
        office=office,
        committee=committee,
        users=users,
        declaration_ids=ids,
        notice=notice,
        sample_name=sample.name if sample else "",
        sample_id_number=sample.id_number if sample else "",
        seconds=time.perf_counter() - started,
        rows={
            "applicants": count,
            "declarations": count,
            "sections": count * 4,
            "events": count * 2,
            "reviews": count,
        },
    )


def analyze() -> None:
    """Fresh planner statistics on PostgreSQL (rows inserted by this transaction count), as an
    autovacuumed production database would have. ANALYZE is transactional there: nothing
    stays after a rollback."""
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for model in (
            User,
            Declaration,
            DeclarationSection,
            DeclarationEvent,
            Review,
            PublicNotice.declarations.through,
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KB on Linux
