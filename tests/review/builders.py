"""Cheap queues for the review page tests: declarations and their Review rows made with
bulk_create (no forms), optionally with the section data the exports read."""

import datetime

from django.utils import timezone

from applicants.models import User
from catalog.models import DeclarationMethod, Specialty, Title
from declarations.models import Declaration, DeclarationSection
from review import services
from review.models import PublicNotice, Review
from tests import factories

# Review state → the declaration's status and whether the organization still holds it.
STATES = {
    "pending": ("submitted", True),
    "passed": ("passed", True),
    "reported": ("under_review", False),
    "returned": ("returned", False),
    "rejected": ("rejected", False),
}


def applicants(count, *, prefix="申报人"):
    users = factories.ApplicantFactory.build_batch(count)
    for number, user in enumerate(users, start=1):
        user.name = f"{prefix}{number:03d}"
        user.username = f"{prefix}-{user.username}"
    return User.objects.bulk_create(users)


def build_queue(
    organization,
    plan,
    count,
    *,
    state="pending",
    declaring_unit=None,
    received_from=None,
    sections=True,
    prefix="申报人",
):
    """count declarations of the plan in the organization's queue in the given review state,
    each with its Review row (and, with sections=True, the sections the exports read)."""
    status, held = STATES[state]
    now = timezone.now()
    declarations = Declaration.objects.bulk_create(
        [
            Declaration(
                applicant=user,
                plan=plan,
                status=status,
                holder=organization if held else None,
                declaring_unit=declaring_unit or organization,
                round=1,
                submitted_at=now,
            )
            for user in applicants(count, prefix=prefix)
        ]
    )
    Review.objects.bulk_create(
        [
            Review(
                declaration=declaration,
                organization=organization,
                state=state,
                round=1,
                arrived_at=now - datetime.timedelta(minutes=index),
                received_from=received_from,
            )
            for index, declaration in enumerate(declarations)
        ]
    )
    if sections:
        add_sections(declarations)
    return declarations


def add_sections(declarations):
    """declaration_info, education and titles data as the section forms store it (ids)."""
    if not declarations:
        return
    plan = declarations[0].plan
    title = Title.objects.filter(series=plan.series, level=plan.level).first()
    specialty = Specialty.objects.filter(series=plan.series).first()
    method = DeclarationMethod.objects.get(code="normal")
    rows = []
    for declaration in declarations:
        rows += [
            DeclarationSection(
                declaration=declaration,
                code="declaration_info",
                data={
                    "year": plan.year,
                    "title": title.pk if title else None,
                    "specialty": specialty.pk if specialty else None,
                    "method": method.pk,
                    "exception_kind": "",
                    "is_work_unit": "是",
                    "work_unit": "",
                    "first_work_date": "2015-07-01",
                    "professional_years": 10,
                },
            ),
            DeclarationSection(
                declaration=declaration,
                code="education",
                data={
                    "full_time_school": "山东大学",
                    "full_time_major": "机械工程",
                    "full_time_education": "大学本科",
                    "full_time_degree": "学士",
                    "same_as_full_time": True,
                    "review_school": "山东大学",
                    "review_major": "机械工程",
                    "review_education": "大学本科",
                    "review_degree": "学士",
                },
            ),
            DeclarationSection(
                declaration=declaration,
                code="titles",
                data={"rows": [{"title": "助理工程师", "obtained_on": "2018-12-01"}]},
            ),
        ]
    DeclarationSection.objects.bulk_create(rows)


def notice(actor, organization, declarations, *, outcome="no_objection", days_ago=20):
    """A notice of the declarations (one plan) that ended in the past, with its outcome."""
    start = timezone.localdate() - datetime.timedelta(days=days_ago)
    record = services.record_notice(
        actor=actor,
        organization=organization,
        plan=declarations[0].plan,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=9),
        place="单位公告栏",
        declaration_ids=[d.pk for d in declarations],
    )
    if outcome != PublicNotice.Outcome.PENDING:
        note = "有群众反映业绩不实" if outcome == PublicNotice.Outcome.OBJECTION else ""
        services.record_notice_outcome(actor=actor, notice=record, outcome=outcome, note=note)
    return record
