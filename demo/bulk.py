"""Declarations in bulk, without forms: an organization's queue of N declarations with their review
rows and section data, for the review benchmark (demo.benchmark, 10,000 at a time) and the
tests' queues (tests/review/builders.py).

The section data is what the section forms store (ids for catalog choices) for demo.fill's
values, so the queue, the review page and the exports read it as they read a real declaration;
tests/demo/test_bulk.py checks its shape against a declaration filled through the forms.
"""

import datetime

from django.utils import timezone

from catalog.models import DeclarationMethod, Level, Specialty, Title
from declarations.computations import whole_years
from declarations.models import Declaration, DeclarationSection
from demo import fill
from review.models import Review

BULK = 1000  # rows per INSERT

# Review state → the declaration's status and whether the organization still holds it.
STATES = {
    "pending": ("submitted", True),
    "passed": ("passed", True),
    "reported": ("under_review", False),
    "returned": ("returned", False),
    "rejected": ("rejected", False),
}
# The current title of a demo applicant, by series: (level code, title name), below the plan's.
PREVIOUS_TITLES = {
    fill.ENGINEERING: ("junior", "助理工程师"),
    fill.CULTURE: ("junior", "管理员"),
}


def queue(
    organization,
    plan,
    applicants,
    *,
    state="pending",
    declaring_unit=None,
    received_from=None,
    arrived_at=None,
    decided_by=None,
    sections=True,
) -> list[Declaration]:
    """A declaration of the plan for each applicant (saved User objects), in the organization's
    queue in the review state (one of STATES): round 1, submitted and arrived at `arrived_at`
    (default now; each next one a minute earlier, so the queue's order is the applicants'),
    declared by `declaring_unit` (default the organization), received from `received_from`
    (None: from the applicant). With decided_by, the review is decided by that account two days
    after arrival, with the opinion 同意推荐. With sections=True each gets section_data()."""
    status, held = STATES[state]
    arrived_at = arrived_at or timezone.now()
    declaring_unit = declaring_unit or organization
    declarations = Declaration.objects.bulk_create(
        [
            Declaration(
                applicant=applicant,
                plan=plan,
                status=status,
                holder=organization if held else None,
                declaring_unit=declaring_unit,
                round=1,
                submitted_at=arrived_at,
                review_started_at=arrived_at + datetime.timedelta(days=1) if decided_by else None,
                created_at=arrived_at - datetime.timedelta(days=5),
            )
            for applicant in applicants
        ],
        batch_size=BULK,
    )
    Review.objects.bulk_create(
        [
            Review(
                declaration=declaration,
                organization=organization,
                state=state,
                round=1,
                arrived_at=arrived_at - datetime.timedelta(minutes=index),
                received_from=received_from,
                decided_by=decided_by,
                decided_at=arrived_at + datetime.timedelta(days=2) if decided_by else None,
                opinion="同意推荐" if decided_by else "",
            )
            for index, declaration in enumerate(declarations)
        ],
        batch_size=BULK,
    )
    if sections:
        common = section_data(plan, declaring_unit)
        DeclarationSection.objects.bulk_create(
            [
                DeclarationSection(declaration=declaration, code=code, data=data)
                for declaration, applicant in zip(declarations, applicants, strict=True)
                for code, data in {**common, "basic_info": fill.basic_info(applicant)}.items()
            ],
            batch_size=BULK,
        )
    return declarations


def section_data(plan, declaring_unit) -> dict[str, dict]:
    """declaration_info, education, titles, work_experience and performance as the section forms
    store them for a declaration of the plan (whose series' catalog must be loaded:
    demo.catalog); basic_info is the applicant's own (fill.basic_info)."""
    series = plan.series
    title = Title.objects.filter(series=series, level=plan.level).first()
    specialty = Specialty.objects.filter(series=series).first()
    method = DeclarationMethod.objects.filter(code="normal").first()
    school, major, graduated_on, chsi_code = fill.EDUCATION.get(
        series.code, fill.EDUCATION[fill.ENGINEERING]
    )
    education = {
        **fill.education(school, major, graduated_on, chsi_code),
        "full_time_degree_on": None,
        "same_as_full_time": True,
    }
    education.update(
        {
            key.replace("full_time_", "review_"): value
            for key, value in education.items()
            if key.startswith("full_time_")
        }
    )
    data = {
        "declaration_info": {
            "year": plan.year,
            "ranking": "1/2" if plan.ranking_required else "",
            "level": plan.level.name,
            "series": series.name,
            "title": title.pk if title else None,
            "specialty": specialty.pk if specialty else None,
            "method": method.pk if method else None,
            "exception_kind": "",
            "declaring_unit": declaring_unit.pk,
            "is_work_unit": "是",
            "work_unit": "",
            "entrusted_review": "否",
            "public_institution_staff": False,
            "first_work_date": "2015-07-01",
            "professional_years": 10,
        },
        "education": education,
        "work_experience": {
            "rows": [
                {**row, "end": row["end"] or None, "summary": "", "special_experience": ""}
                for row in fill.items("work_experience", 3)
            ]
        },
        "performance": {
            "text": f"任现职以来主要从事{major}相关技术工作，主持完成改造项目3项，"
            "解决关键技术问题多项。"
        },
    }
    if series.code in PREVIOUS_TITLES:
        level_code, name = PREVIOUS_TITLES[series.code]
        level = Level.objects.filter(code=level_code).first()
        data["titles"] = {
            "rows": [
                {
                    "level": level.pk if level else None,
                    "series": series.pk,
                    "title": name,
                    "obtained_on": "2018-12-01",
                    "appointed_on": "2019-01-01",
                    "appointment_years": whole_years(
                        [(datetime.date(2019, 1, 1), None)], plan.year
                    ),
                    "qualification": None,
                    "qualification_on": None,
                    "transferred_in": False,
                }
            ]
        }
    return data
