"""The data `make bench` measures (manage.py seed_bench; bench/run.py reads what build() returns).

On top of demo.benchmark's review chain (N declarations passed and published at the unit, the
first `reported` of them reported to the supervising department, as benchmark_review --keep
leaves them), build() adds, in the chain's own region and plan:

- `at_committee` declarations handed up to the reporting department (bulk, as demo.bulk does)
  and reported by it to the committee through review.services.report_declarations, in batches
  of BATCH, so the committee office's inbox (committee:inbox) has rows waiting for 受理;
- of those, the first batch of `meeting_items` declarations accepted (committee.services.
  acceptance, no fee on the plan), a pool of POOL experts with login accounts appointed members
  for the year, and a meeting with those declarations: experts drawn, all of them attending,
  the vote opened (committee.services.meetings / voting): the experts' voting page;
- `drafts` applicants, each with their own complete draft declaration with its files (every
  section through its form and every required file checked, demo.fill), for the applicant's
  home, overview and section pages (GET and POST);
- `submitted` more, complete with files and submitted to the unit: the unit's review page.

Every account of the run signs in with demo.benchmark.PASSWORD. build() returns the fixture (a
JSON-able dict): the accounts, the ids and the addresses the load script uses.
"""

import datetime
import time

from django.db import transaction
from django.utils import timezone

from applicants.models import User
from applicants.services import agree_commitment
from committee.models import Expert, MeetingDeclaration
from committee.services import acceptance, experts, meetings, voting
from declarations import services as declaration_services
from declarations.models import Declaration
from declarations.workflow import Action
from demo import benchmark, bulk, fill, people

BATCH = 30  # declarations per report to the committee (one inbox group each)
POOL = 15  # experts in the office's pool, all members for the year
DRAWN = 11  # experts drawn for the meeting
# Offsets of the run's sequence numbers (ID numbers, usernames, phones) past the chain's own.
COMMITTEE_BASE = 900_000
DRAFT_BASE = 950_000
SECTION = "education"  # the section page measured (GET and POST)


def _applicants(
    code: str, base: int, count: int, password_hash: str, *, sign_in: bool = False
) -> list[User]:
    """Personal accounts of the run. Bulk inserts write no sign-in names (User.save does:
    applicants.models.SignInName), so the accounts that log in (sign_in) are saved one by one."""
    now = timezone.now()
    users = [
        benchmark.applicant(code, base + offset, password_hash, now, phone_prefix="18")
        for offset in range(count)
    ]
    if sign_in:
        for user in users:
            user.save()
        return users
    return User.objects.bulk_create(users, batch_size=bulk.BULK)


def _complete_declaration(applicant, plan, unit) -> Declaration:
    agree_commitment(actor=applicant)
    declaration = declaration_services.create_declaration(actor=applicant, plan=plan)
    return fill.fill_declaration(declaration, unit)


def _expert_pool(seeded, office_user) -> list[Expert]:
    """POOL experts added by the office (each with a login account), renamed and given the run's
    password so the load script can sign in as them, appointed members for the year."""
    office = seeded.committee.office
    password_hash = people.password_hash(benchmark.PASSWORD)
    pool = []
    for number in range(POOL):
        # A real region code (python-stdnum checks it) and sequence numbers no demo expert uses.
        birth = datetime.date(1975 + number % 10, 1 + number % 12, 1 + number % 28)
        data = experts.ExpertData(
            name=people.person_name(number * 53 + 7),
            id_number=people.resident_id("370705", birth, 600 + int(seeded.code[3:]) % 300),
            phone=f"17{seeded.code[3:]}{number:06d}",
            work_unit="基准测试研究院",
            title="高级工程师",
            level=seeded.plan.level,
            series=[seeded.plan.series],
        )
        expert, _initial = experts.add_expert(actor=office_user, office=office, data=data)
        user = expert.user
        user.username = f"bench{seeded.code}_expert{number:02d}"
        user.password = password_hash
        user.save()  # (also its sign-in names)
        pool.append(expert)
    experts.appoint_members(
        actor=office_user,
        committee=seeded.committee,
        year=timezone.localdate().year,
        expert_ids=[e.pk for e in pool],
    )
    return pool


def build(
    *,
    declarations: int = 10_000,
    reported: int = 1_000,
    at_committee: int = 300,
    meeting_items: int = 25,
    drafts: int = 32,
    submitted: int = 4,
    say=print,
) -> dict:
    """Create the bench data (see the module's docstring); returns the fixture."""
    from review import services as review_services

    timings = {}
    started = time.perf_counter()
    with transaction.atomic():
        seeded = benchmark.seed(declarations)
    timings["chain"] = time.perf_counter() - started
    say(f"chain: {declarations} declarations in {timings['chain']:.1f}s (region {seeded.code})")
    unit, plan, code = seeded.unit, seeded.plan, seeded.code
    unit_user = seeded.users["unit"]
    supervising_user = seeded.users["supervising"]
    reporting_user = seeded.users["reporting"]
    office_user = seeded.users["committee_office"]
    password_hash = people.password_hash(benchmark.PASSWORD)

    step = time.perf_counter()
    reported = min(reported, declarations)
    if reported:
        with transaction.atomic():
            review_services.report_declarations(
                actor=unit_user,
                organization=unit,
                declaration_ids=seeded.declaration_ids[:reported],
            )
    timings["report"] = time.perf_counter() - step
    say(f"reported {reported} to the supervising department in {timings['report']:.1f}s")

    # The committee stage: declarations passed by the reporting department, reported to the
    # committee in batches; the first batch accepted and put on a meeting with its vote open.
    step = time.perf_counter()
    meeting_items = min(meeting_items, at_committee)
    meeting = None
    item_ids: list[int] = []
    expert_usernames: list[str] = []
    if at_committee:
        with transaction.atomic():
            people_up = _applicants(code, COMMITTEE_BASE, at_committee, password_hash)
            handed = bulk.queue(
                seeded.reporting,
                plan,
                people_up,
                state="passed",
                declaring_unit=unit,
                received_from=seeded.supervising,
                arrived_at=timezone.now() - datetime.timedelta(days=10),
                decided_by=reporting_user,
            )
            ids = [d.pk for d in handed]
            sizes = [meeting_items] if meeting_items else []
            rest = ids[meeting_items:]
            sizes += [BATCH] * (len(rest) // BATCH) + (
                [len(rest) % BATCH] if len(rest) % BATCH else []
            )
            start = 0
            for size in sizes:
                review_services.report_declarations(
                    actor=reporting_user,
                    organization=seeded.reporting,
                    declaration_ids=ids[start : start + size],
                )
                start += size
        if meeting_items:
            with transaction.atomic():
                acceptance.decide(
                    actor=office_user,
                    office=seeded.office,
                    action=Action.ACCEPT,
                    declaration_ids=ids[:meeting_items],
                )
                pool = _expert_pool(seeded, office_user)
                meeting = meetings.create_meeting(
                    actor=office_user,
                    committee=seeded.committee,
                    plan=plan,
                    name=f"基准测试评审会议{code}",
                    held_on=timezone.localdate(),
                    declaration_ids=ids[:meeting_items],
                )
                drawn = meetings.draw_experts(
                    actor=office_user, meeting=meeting, count=min(DRAWN, len(pool))
                )
                meetings.record_attendance(actor=office_user, meeting=meeting, attended_ids=drawn)
                voting.open_vote(actor=office_user, meeting=meeting)
                item_ids = list(
                    MeetingDeclaration.objects.filter(meeting=meeting)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                )
                expert_usernames = list(
                    User.objects.filter(expert__pk__in=drawn)
                    .order_by("username")
                    .values_list("username", flat=True)
                )
    timings["committee"] = time.perf_counter() - step
    say(
        f"committee: {at_committee} reported to the committee, {meeting_items} on an open "
        f"meeting, in {timings['committee']:.1f}s"
    )

    # Applicants with their own complete drafts, and complete declarations submitted to the unit.
    step = time.perf_counter()
    draft_rows = []
    submitted_ids = []
    with transaction.atomic():
        people_draft = _applicants(
            code, DRAFT_BASE, drafts + submitted, password_hash, sign_in=True
        )
    for index, applicant in enumerate(people_draft):
        with transaction.atomic():
            declaration = _complete_declaration(applicant, plan, unit)
            if index < drafts:
                values = fill.single_values(declaration, unit)[SECTION]
                draft_rows.append(
                    {
                        "username": applicant.username,
                        "declaration": declaration.pk,
                        "section": SECTION,
                        "post": fill.prefixed(SECTION, values),
                    }
                )
            else:
                declaration_services.submit_declaration(actor=applicant, declaration=declaration)
                submitted_ids.append(declaration.pk)
    timings["drafts"] = time.perf_counter() - step
    say(
        f"applicants: {drafts} complete drafts and {submitted} submitted with files in "
        f"{timings['drafts']:.1f}s"
    )

    return {
        "code": code,
        "password": benchmark.PASSWORD,
        "applicants": draft_rows,
        "unit": {"username": unit_user.username, "review_ids": submitted_ids},
        "supervising": {"username": supervising_user.username},
        "office": {"username": office_user.username},
        "experts": {
            "usernames": expert_usernames,
            "meeting": meeting.pk if meeting else None,
            "items": item_ids,
        },
        "queue": {
            "year": plan.year,
            "series": plan.series_id,
            "level": plan.level_id,
            "state": "passed",
            "name": seeded.sample_name,
            "id_number": seeded.sample_id_number,
            "page_n": max(1, (declarations - reported) // 20 // 2),
        },
        "verify": "/verify/demo-sunqi-2026-certificate-0001/",
        "rows": {
            "unit_queue": declarations - reported + submitted,
            "supervising_queue": reported,
            "committee": at_committee,
            "meeting_items": meeting_items,
        },
        "timings": {k: round(v, 1) for k, v in timings.items()},
    }
