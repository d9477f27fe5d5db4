"""A hand-built set of declarations at every stage, with their review rows, section results,
a closed meeting and a certificate, made directly (no services): the statistics read rows and
these rows are what the chain leaves behind. The numbers the tests expect are worked out in
the docstring of `dataset`."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from committee.models import Certificate, Meeting, MeetingDeclaration
from declarations.models import Declaration
from demo import people
from institutions.models import Organization, OrgKind
from review.models import Review, SectionResult
from tests import factories

BASE = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))


def at(days: float) -> datetime.datetime:
    return BASE + datetime.timedelta(days=days)


def declaration(plan, unit, status, *, round=1, committee=None, started=False):
    return Declaration.objects.create(
        applicant=factories.ApplicantFactory(),
        plan=plan,
        status=status,
        declaring_unit=unit,
        round=round,
        committee=committee,
        submitted_at=at(0) if round else None,
        review_started_at=at(0.5) if started else None,
    )


def review(declaration, organization, state, *, arrived=0, left=None, received_from=None):
    """A Review row; left: days after BASE when it was reported up (state reported) or decided
    (returned, rejected)."""
    reported = state == "reported"
    return Review.objects.create(
        declaration=declaration,
        organization=organization,
        state=state,
        round=1,
        arrived_at=at(arrived),
        received_from=received_from,
        decided_at=at(left) if left is not None else None,
        reported_at=at(left) if reported and left is not None else None,
    )


@dataclass
class Dataset:
    plan: object
    culture_plan: object
    committee: object
    other_department: object
    other_unit: object
    declarations: dict = field(default_factory=dict)


def build(
    *,
    engineering_plan,
    culture_plan,
    engineering_committee,
    unit,
    supervising_department,
    reporting_department,
    committee_office,
    unit_reviewer,
    administrator,
    regions,
    copies: int = 1,
) -> Dataset:
    """The dataset `copies` times over (copies > 1: the same shapes, more rows, for the query
    count tests)."""
    series, level = engineering_committee.series, engineering_committee.level
    people.effective_path(
        unit, series, level, target=supervising_department, applied_by=administrator
    )
    # Called again for more copies: the same organizations and meeting.
    other_department = Organization.objects.filter(name="威海市环翠区文化和旅游局").first()
    other_department = other_department or factories.OrganizationFactory(
        name="威海市环翠区文化和旅游局", kind=OrgKind.SUPERVISING, region=regions["371002"]
    )
    other_unit = Organization.objects.filter(name="威海市环翠区文化馆").first()
    other_unit = other_unit or factories.OrganizationFactory(
        name="威海市环翠区文化馆", region=regions["371002"]
    )
    data = Dataset(
        engineering_plan, culture_plan, engineering_committee, other_department, other_unit
    )
    meeting, _created = Meeting.objects.get_or_create(
        committee=engineering_committee,
        plan=engineering_plan,
        name="2026年度工程技术中级评审会",
        held_on=BASE.date(),
        status=Meeting.Status.CLOSED,
        created_by=administrator,
    )
    plan = engineering_plan
    first = Certificate.objects.count()
    for copy in range(first, first + copies):
        d = {}
        d["draft1"] = declaration(plan, unit, "draft", round=0)
        d["draft2"] = declaration(plan, unit, "draft", round=0)
        d["submitted"] = declaration(plan, unit, "submitted")
        review(d["submitted"], unit, "pending")
        d["returned"] = declaration(plan, unit, "returned", started=True)
        review(d["returned"], unit, "returned", left=2)
        for key, unit_days in (("at_dept1", 3), ("at_dept2", 5)):
            d[key] = declaration(plan, unit, "under_review", started=True)
            review(d[key], unit, "reported", left=unit_days)
            review(d[key], supervising_department, "pending", arrived=unit_days, received_from=unit)
        committee_stage = (
            ("at_committee", "at_committee", 4, 1, None),
            ("failed", "evaluation_failed", 4, 2, 2),
            ("confirmed", "confirmed", 6, 3, 3),
            ("passed", "evaluation_passed", 8, 4, 7),
        )
        for key, status, unit_days, dept_days, office_days in committee_stage:
            d[key] = declaration(plan, unit, status, committee=engineering_committee, started=True)
            review(d[key], unit, "reported", left=unit_days)
            review(
                d[key],
                supervising_department,
                "reported",
                arrived=unit_days,
                left=unit_days + dept_days,
                received_from=unit,
            )
            top = unit_days + dept_days
            review(
                d[key],
                reporting_department,
                "reported",
                arrived=top,
                left=top + 10,
                received_from=supervising_department,
            )
            review(
                d[key],
                committee_office,
                "pending" if office_days is None else "passed",
                arrived=top + 10,
                left=None if office_days is None else top + 10 + office_days,
                received_from=reporting_department,
            )
        for key, passed in (("failed", False), ("confirmed", True), ("passed", True)):
            MeetingDeclaration.objects.create(
                meeting=meeting, declaration=d[key], round=1, passed=passed
            )
        Certificate.objects.create(
            declaration=d["confirmed"],
            number=f"GC2026{copy:04d}",
            verification_code=f"verify-{copy}",
            holder_name=d["confirmed"].applicant.name,
            title_name="工程师",
            committee_name=engineering_committee.name,
            approval_date=BASE.date(),
        )
        # The other department's declaration (culture series, Weihai).
        d["other"] = declaration(culture_plan, other_unit, "under_review", started=True)
        review(d["other"], other_unit, "reported", left=1)
        review(d["other"], other_department, "pending", arrived=1, received_from=other_unit)
        # Section results: what the reviewers failed.
        blurred, missing, photo = "学历证书扫描件不清晰", "缺少学位证书", "证件照不符合要求"
        for key, code, passed, reason, org in (
            ("returned", "education", False, blurred, unit),
            ("returned", "basic_info", False, photo, unit),
            ("at_dept1", "education", False, blurred, unit),
            ("at_dept1", "basic_info", True, "", unit),
            ("at_dept2", "education", False, missing, unit),
            ("other", "education", False, blurred, other_unit),
        ):
            SectionResult.objects.create(
                declaration=d[key],
                organization=org,
                round=1,
                code=code,
                passed=passed,
                reason=reason,
                reviewer=unit_reviewer,
            )
        if copy == first:
            data.declarations = d
    return data


@pytest.fixture
def dataset(
    engineering_plan,
    culture_plan,
    engineering_committee,
    unit,
    supervising_department,
    reporting_department,
    committee_office,
    unit_reviewer,
    administrator,
    regions,
):
    """Ten engineering declarations of the unit (path unit → supervising department), and one
    culture declaration of another unit at another department:

    stage reached (furthest): draft1, draft2 → 草稿; submitted → 已提交; returned → 单位审核;
    at_dept1, at_dept2 → 部门; at_committee, failed → 评委会; passed → 评审通过;
    confirmed → 证书; other → 部门.
    Days at the unit (left): returned 2, at_dept 3 and 5, committee ones 4, 4, 6, 8 → median 4,
    p90 6.8; at the supervising department 1, 2, 3, 4 → 2.5, 3.7; at the reporting department
    10 each; at the committee office (accepted) 2, 3, 7 → 3, 6.2. The meeting: failed ✗,
    confirmed ✓, passed ✓ → 3 evaluated, 2 passed."""
    return build(
        engineering_plan=engineering_plan,
        culture_plan=culture_plan,
        engineering_committee=engineering_committee,
        unit=unit,
        supervising_department=supervising_department,
        reporting_department=reporting_department,
        committee_office=committee_office,
        unit_reviewer=unit_reviewer,
        administrator=administrator,
        regions=regions,
    )
