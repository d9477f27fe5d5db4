"""The review chain `manage.py benchmark_review` measures (and the query-budget tests use).

`seed()` creates one self-contained review chain for a run: a region of its own, a unit,
supervising and reporting departments, a committee (with its office) and the effective routing
paths between them (demo.people), the engineering plan (demo.catalog), and N applicants whose
declarations the unit has passed and published (a 公示无异议 notice covers them all), each with
its sections and its submit / pass audit events (bulk inserts: demo.bulk). Every name, code, ID
number and phone number carries the run's region code, so runs kept with --keep never collide
with each other or with demo data. The plan needs the demo catalog, which it loads as seed_demo
does (levels, series, titles, specialties, declaration methods).
"""

import datetime
import time
from dataclasses import dataclass, field

from django.utils import timezone

from applicants.models import AccountKind, IdType, User
from applicants.validators import birth_date_and_gender
from declarations.models import Declaration, DeclarationEvent, DeclarationSection, Plan
from declarations.models import DeclarationStatus as S
from demo import bulk, catalog, people
from demo.bulk import BULK
from institutions.models import Committee, Organization, OrgKind, Region
from review.models import PublicNotice, Review

# The password every seeded account gets (one hash for all: no hashing per user).
PASSWORD = "Bench@2026pw"


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


# The tables a run fills, for ANALYZE (demo.measure.analyze).
TABLES = (
    User,
    Declaration,
    DeclarationSection,
    DeclarationEvent,
    Review,
    PublicNotice.declarations.through,
)


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
    """The run's n-th ID number: a birth date between 1970 and 1994 and a sequence number;
    distinct for n < 9,000,000."""
    return people.resident_id(
        code, datetime.date(1970, 1, 1) + datetime.timedelta(days=n % 9000), n // 9000
    )


def applicant(code: str, n: int, password_hash: str, now, *, phone_prefix: str, email: str = ""):
    """The run's n-th personal account (unsaved): name, ID number, birth date, gender and phone
    all derived from the run's code and n."""
    id_number = resident_id(code, n)
    birth, gender = birth_date_and_gender(id_number)
    return User(
        username=f"bench{code}_{n:06d}",
        name=people.person_name(n),
        kind=AccountKind.PERSONAL,
        id_type=IdType.RESIDENT_ID,
        id_number=id_number,
        birth_date=birth,
        gender=gender,
        phone=f"{phone_prefix}{code[3:]}{n:06d}",
        email=email,
        password=password_hash,
        date_joined=now,
    )


def seed(count: int) -> Seeded:
    """Create the chain and `count` passed, published declarations at the unit."""
    started = time.perf_counter()
    now = timezone.now()
    today = timezone.localdate()
    code = run_code()
    password_hash = people.password_hash(PASSWORD)
    levels, series = catalog.load_levels_and_series()
    catalog.load_catalog()
    series, level = series["engineering"], levels["intermediate"]
    region = people.region(code, f"基准测试市{code}", level=Region.Level.CITY)
    contact = ("基准测试", "0536-0000000")
    unit, supervising, reporting, office = (
        people.organization(f"{name}{code}", kind, region, contact=contact)
        for kind, name in (
            (OrgKind.UNIT, "基准测试机械制造有限公司"),
            (OrgKind.SUPERVISING, "基准测试工业和信息化局"),
            (OrgKind.REPORTING, "基准测试市工业和信息化局"),
            (OrgKind.COMMITTEE_OFFICE, "基准测试工程技术中级评审委员会办公室"),
        )
    )
    users = {
        org.kind: people.member(
            org, f"bench{code}_{org.kind}", f"{org.get_kind_display()}审核人", PASSWORD
        )
        for org in (unit, supervising, reporting, office)
    }
    committee = people.committee(
        f"基准测试工程技术中级评审委员会{code}", series, level, region, office
    )
    for org, destination in (
        (unit, {"target": supervising}),
        (supervising, {"target": reporting}),
        (reporting, {"committee": committee}),
    ):
        people.effective_path(org, series, level, applied_by=users[org.kind], **destination)
    plan = catalog.engineering_plan(
        region,
        committee,
        year=today.year,
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now + datetime.timedelta(days=30),
    )

    applicants = [
        applicant(
            code,
            n,
            password_hash,
            now,
            phone_prefix="19",
            email=f"bench{code}_{n:06d}@example.com" if n % 4 == 0 else "",
        )
        for n in range(count)
    ]
    User.objects.bulk_create(applicants, batch_size=BULK)

    submitted_at = now - datetime.timedelta(days=30)
    unit_user = users[OrgKind.UNIT]
    declarations = bulk.queue(
        unit, plan, applicants, state="passed", arrived_at=submitted_at, decided_by=unit_user
    )
    ids = [d.pk for d in declarations]
    DeclarationEvent.objects.bulk_create(
        [
            event
            for d in declarations
            for event in (
                DeclarationEvent(
                    declaration=d,
                    action="submit",
                    actor=d.applicant,
                    organization=unit,
                    from_status=S.DRAFT,
                    to_status=S.SUBMITTED,
                    details={"round": 1},
                    created_at=d.submitted_at,
                ),
                DeclarationEvent(
                    declaration=d,
                    action="pass",
                    actor=unit_user,
                    organization=unit,
                    from_status=S.UNDER_REVIEW,
                    to_status=S.PASSED,
                    details={"round": 1},
                    created_at=d.submitted_at + datetime.timedelta(days=2),
                ),
            )
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
            "sections": DeclarationSection.objects.filter(declaration__plan=plan).count(),
            "events": count * 2,
            "reviews": count,
        },
    )
